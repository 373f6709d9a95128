from django.db import migrations


def grant_public_collection(apps, schema_editor):
    """Leaders provisioned before the public collection of councils' pages
    existed get their rights on it (on a new database there are none yet)."""
    from councils.provisioning import managed_groups, public_collection_grant_all

    if managed_groups().exists():
        public_collection_grant_all()


class Migration(migrations.Migration):
    dependencies = [
        ("councils", "0006_national_reads_access_log"),
        ("wagtailcore", "0001_initial"),
        ("wagtailimages", "0001_initial"),
        ("wagtaildocs", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(grant_public_collection, migrations.RunPython.noop),
    ]
