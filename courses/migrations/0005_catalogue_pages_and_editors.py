"""Creates /cursos/ and /materiales/, the "Formación" collection, and gives the
"Equipo de formación" group rights there and only there, with a "Revisión"
moderation workflow on the courses subtree."""

import uuid

from django.db import migrations

GROUP = "Equipo de formación"
PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]
COLLECTION_PERMISSIONS = [
    ("wagtailimages", "image", ["add_image", "change_image", "choose_image", "delete_image"]),
    ("wagtaildocs", "document", ["add_document", "change_document", "choose_document", "delete_document"]),
]
INDEXES = [
    ("courses", "courseindexpage", "CourseIndexPage", "Cursos", "cursos",
     "<p>Cursos de formación sobre los ejes estratégicos del movimiento. Estúdialos a "
     "tu ritmo desde el teléfono o en un círculo de estudio con tu consejo.</p>"),
    ("courses", "materialindexpage", "MaterialIndexPage", "Materiales", "materiales",
     "<p>Cuadernillos, guías, infografías, lecturas, audios y videos para estudiar y "
     "compartir en comunidad. Descárgalos e imprímelos para tus círculos de estudio.</p>"),
]


def ensure_permissions(apps):
    from django.contrib.auth.management import create_permissions
    from django.contrib.contenttypes.management import create_contenttypes

    for app_label in ("wagtailcore", "wagtailimages", "wagtaildocs", "courses"):
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True
        create_contenttypes(app_config, verbosity=0, apps=apps)
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None


def permission(apps, app_label, model, codename):
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.get(
        content_type__app_label=app_label, content_type__model=model, codename=codename
    )


def forwards(apps, schema_editor):
    ensure_permissions(apps)
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    Collection = apps.get_model("wagtailcore", "Collection")
    Group = apps.get_model("auth", "Group")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")

    group = Group.objects.get(name=GROUP)
    home = Page.objects.get(depth=2, url_path="/inicio/")
    created = {}
    for app_label, model_name, class_name, title, slug, intro in INDEXES:
        model = apps.get_model(app_label, class_name)
        content_type, _ = ContentType.objects.get_or_create(
            app_label=app_label, model=model_name
        )
        last = Page.objects.filter(path__startswith=home.path, depth=3).order_by("-path").first()
        step = int(last.path[-4:], 36) + 1 if last else 1
        path = home.path + format_step(step)
        page = model.objects.create(
            title=title, draft_title=title, slug=slug, content_type=content_type,
            path=path, depth=3, numchild=0, url_path=f"{home.url_path}{slug}/",
            locale_id=home.locale_id, translation_key=uuid.uuid4(), live=True,
            show_in_menus=True, intro=intro,
        )
        created[class_name] = page
        home.numchild += 1
        home.save(update_fields=["numchild"])
        for codename in PAGE_PERMISSIONS:
            GroupPagePermission.objects.create(
                group=group, page_id=page.pk,
                permission=permission(apps, "wagtailcore", "page", codename),
            )

    root_collection = Collection.objects.get(depth=1)
    collection = Collection.objects.create(
        name="Formación", path=root_collection.path + "0001", depth=2, numchild=0
    )
    root_collection.numchild += 1
    root_collection.save(update_fields=["numchild"])
    for app_label, model, codenames in COLLECTION_PERMISSIONS:
        for codename in codenames:
            GroupCollectionPermission.objects.create(
                group=group, collection=collection,
                permission=permission(apps, app_label, model, codename),
            )
    group.permissions.add(
        permission(apps, "courses", "coursepage", "view_facilitator_notes")
    )

    task_type, _ = ContentType.objects.get_or_create(
        app_label="wagtailcore", model="groupapprovaltask"
    )
    task = GroupApprovalTask.objects.create(
        name="Revisión del equipo de formación", content_type=task_type, active=True
    )
    task.groups.add(group)
    workflow = Workflow.objects.create(name="Revisión", active=True)
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.create(workflow=workflow, page_id=created["CourseIndexPage"].pk)


ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def format_step(number):
    """treebeard's materialised-path step: four base-36 digits."""
    digits = ""
    for _ in range(4):
        number, remainder = divmod(number, 36)
        digits = ALPHABET[remainder] + digits
    return digits


def backwards(apps, schema_editor):
    apps.get_model("wagtailcore", "Workflow").objects.filter(name="Revisión").delete()
    apps.get_model("wagtailcore", "Task").objects.filter(
        name="Revisión del equipo de formación"
    ).delete()
    apps.get_model("wagtailcore", "Collection").objects.filter(name="Formación", depth=2).delete()
    for _, _, class_name, _, slug, _ in INDEXES:
        apps.get_model("courses", class_name).objects.filter(slug=slug, depth=3).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0004_add_course_and_material_pages"),
        ("home", "0003_least_privilege"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
