"""Removes Wagtail's starter groups, their site-wide rights and the default workflow.

Wagtail's "Editors" and "Moderators" may edit every page from the root and every
file of the root collection, and its "Moderators approval" workflow applies to the
whole tree. Here each council's pages and files belong only to that council's
leaders, so rights are granted per subtree instead (least privilege).
"""

from django.db import migrations

STARTER_GROUPS = ["Editors", "Moderators"]


def remove_starter_rights(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")

    WorkflowPage.objects.filter(page__depth=1, workflow__name="Moderators approval").delete()
    Workflow.objects.filter(name="Moderators approval").update(active=False)
    Group.objects.filter(name__in=STARTER_GROUPS).delete()
    # Wagtail gives "choose" on the root collection to every admin group; here that
    # would reach councils' private files, so it is granted per collection instead.
    GroupCollectionPermission.objects.filter(collection__depth=1).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0002_create_homepage"),
        ("courses", "0003_editors_group"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    operations = [migrations.RunPython(remove_starter_rights, migrations.RunPython.noop)]
