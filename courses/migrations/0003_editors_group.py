"""The "Equipo de formación" group: editors who publish the formation library.

It may enter the admin and edit the axes; page and collection permissions on the
courses and materials subtrees are granted when those pages exist.
"""

from django.db import migrations

GROUP = "Equipo de formación"
PERMISSIONS = [
    ("wagtailadmin", "admin", "access_admin"),
    ("courses", "axis", "add_axis"),
    ("courses", "axis", "change_axis"),
    ("courses", "axis", "view_axis"),
]


def create_group(apps, schema_editor):
    from django.contrib.auth.management import create_permissions
    from django.contrib.contenttypes.management import create_contenttypes

    # Permissions are normally created after all migrations; make sure they exist now.
    for app_label in ("wagtailadmin", "courses"):
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True
        create_contenttypes(app_config, verbosity=0, apps=apps)
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    for app_label, model, codename in PERMISSIONS:
        group.permissions.add(
            Permission.objects.get(
                content_type__app_label=app_label,
                content_type__model=model,
                codename=codename,
            )
        )


def delete_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0002_seed_axes"),
        ("wagtailadmin", "0006_formstate"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, delete_group)]
