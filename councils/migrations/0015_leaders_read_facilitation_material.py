from django.db import migrations
from django.db.models import Q

NATIONAL_GROUP = "Coordinación nacional"


def grant(apps, schema_editor):
    """Leaders read the facilitator notes and the booklets' facilitator's
    edition: the groups that already exist (councils', states' and the
    national coordination's) get the permission; new groups get it when
    provisioned (councils.provisioning)."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = list(
        Permission.objects.filter(
            content_type__app_label="courses", codename="view_facilitator_notes"
        )
    )
    leaders = Group.objects.filter(
        Q(council_pages__isnull=False)
        | Q(state_pages__isnull=False)
        | Q(name=NATIONAL_GROUP)
    ).distinct()
    for group in leaders:
        group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("councils", "0014_heading_block"),
        ("courses", "0013_facilitator_edition_and_lesson_notes"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
