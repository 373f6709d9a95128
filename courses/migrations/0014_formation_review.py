"""Makes the formation team's review real: another person approves.

The "Equipo de formación" edits courses, lessons and materials and submits them
to the "Revisión" workflow, which now covers /materiales/ as well as /cursos/;
it no longer publishes (Wagtail shows "Publicar" to whoever holds
``publish_page``, which would let an editor skip her own review). A new group,
"Revisión de formación", approves the submissions (the workflow's task) and
holds the right to publish and unpublish in those two trees."""

from django.db import migrations

EDITORS = "Equipo de formación"
REVIEWERS = "Revisión de formación"
TASK = "Revisión del equipo de formación"
WORKFLOW = "Revisión"
INDEX_SLUGS = ("cursos", "materiales")
REVIEWER_PAGE_PERMISSIONS = [
    "add_page",
    "change_page",
    "publish_page",
    "lock_page",
    "unlock_page",
]
REVIEWER_PERMISSIONS = [
    ("wagtailadmin", "admin", "access_admin"),
    ("courses", "axis", "view_axis"),
    ("courses", "coursepage", "view_facilitator_notes"),
]
REVIEWER_COLLECTION_PERMISSIONS = [
    ("wagtailimages", "image", ["add_image", "choose_image"]),
    ("wagtaildocs", "document", ["add_document", "choose_document"]),
]


def permission(apps, app_label, model, codename):
    return apps.get_model("auth", "Permission").objects.get(
        content_type__app_label=app_label, content_type__model=model, codename=codename
    )


def index_pages(apps):
    Page = apps.get_model("wagtailcore", "Page")
    return list(Page.objects.filter(depth=3, slug__in=INDEX_SLUGS).order_by("slug"))


def forwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    Collection = apps.get_model("wagtailcore", "Collection")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")

    pages = index_pages(apps)
    editors = Group.objects.get(name=EDITORS)
    publish = permission(apps, "wagtailcore", "page", "publish_page")
    GroupPagePermission.objects.filter(
        group=editors, page__in=pages, permission=publish
    ).delete()

    reviewers, _ = Group.objects.get_or_create(name=REVIEWERS)
    for app_label, model, codename in REVIEWER_PERMISSIONS:
        reviewers.permissions.add(permission(apps, app_label, model, codename))
    for page in pages:
        for codename in REVIEWER_PAGE_PERMISSIONS:
            GroupPagePermission.objects.get_or_create(
                group=reviewers,
                page=page,
                permission=permission(apps, "wagtailcore", "page", codename),
            )
    formacion = Collection.objects.filter(name="Formación", depth=2).first()
    if formacion is not None:
        for app_label, model, codenames in REVIEWER_COLLECTION_PERMISSIONS:
            for codename in codenames:
                GroupCollectionPermission.objects.get_or_create(
                    group=reviewers,
                    collection=formacion,
                    permission=permission(apps, app_label, model, codename),
                )

    task = GroupApprovalTask.objects.filter(name=TASK).first()
    if task is not None:
        task.groups.set([reviewers])
    workflow = Workflow.objects.filter(name=WORKFLOW).first()
    if workflow is not None:
        for page in pages:
            WorkflowPage.objects.update_or_create(
                page_id=page.pk, defaults={"workflow": workflow}
            )


def backwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")

    pages = index_pages(apps)
    editors = Group.objects.get(name=EDITORS)
    publish = permission(apps, "wagtailcore", "page", "publish_page")
    for page in pages:
        GroupPagePermission.objects.get_or_create(
            group=editors, page=page, permission=publish
        )
    task = GroupApprovalTask.objects.filter(name=TASK).first()
    if task is not None:
        task.groups.set([editors])
    WorkflowPage.objects.filter(page__slug="materiales", page__depth=3).delete()
    Group.objects.filter(name=REVIEWERS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0013_facilitator_edition_and_lesson_notes"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
