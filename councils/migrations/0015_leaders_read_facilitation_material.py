from django.db import migrations


def grant(apps, schema_editor):
    """Leaders read the facilitator notes and the booklets' facilitator's
    edition (new groups get it when provisioned; this gives it to those that
    already exist)."""
    from councils.provisioning import facilitation_grant_all

    facilitation_grant_all()


class Migration(migrations.Migration):
    dependencies = [
        ("councils", "0014_heading_block"),
        ("courses", "0013_facilitator_edition_and_lesson_notes"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
