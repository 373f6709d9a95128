from django.db import migrations

NATIONAL_GROUP = "Coordinación nacional"


def grant(apps, schema_editor):
    """National coordination reads the access log (new groups get it when
    provisioned; this gives it to one that already exists)."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=NATIONAL_GROUP).first()
    permission = Permission.objects.filter(
        content_type__app_label="members", codename="view_accesslog"
    ).first()
    if group and permission:
        group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("councils", "0005_member_progress"),
        ("members", "0004_add_sign_in_code"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
