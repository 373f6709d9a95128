"""The demo pathway Integrante → Promotor/a comunitario/a → Coordinador/a de
consejo → Coordinador/a estatal → Formador/a, with provisional requirements that
the movement adjusts in the admin. Requirements naming a particular course come
with the demo content (courses are not created by migrations)."""

from django.db import migrations

PATHWAY = [
    "integrante",
    "promotor-comunitario",
    "coordinador-de-consejo",
    "coordinador-estatal",
    "formador",
]

# role slug → [(kind, number, axis number, required role slug)]
REQUIREMENTS = {
    "promotor-comunitario": [
        ("circulos_asistidos", 2, None, None),
        ("horas", 8, None, None),
        ("meses_membresia", 3, None, None),
    ],
    "coordinador-de-consejo": [
        ("cargo", None, None, "promotor-comunitario"),
        ("cursos_eje", 1, 1, None),
        ("cursos_eje", 1, 3, None),
        ("circulos_asistidos", 4, None, None),
        ("circulos_facilitados", 1, None, None),
        ("horas", 20, None, None),
        ("meses_membresia", 6, None, None),
        ("aval_acompanante", None, None, None),
    ],
    "coordinador-estatal": [
        ("cargo", None, None, "coordinador-de-consejo"),
        ("cursos_cada_eje", 1, None, None),
        ("circulos_facilitados", 4, None, None),
        ("horas", 40, None, None),
        ("meses_membresia", 12, None, None),
    ],
    "formador": [
        ("cargo", None, None, "coordinador-de-consejo"),
        ("cursos_eje", 2, 3, None),
        ("cursos_cada_eje", 1, None, None),
        ("circulos_facilitados", 8, None, None),
        ("horas", 60, None, None),
        ("aval_acompanante", None, None, None),
    ],
}


def forwards(apps, schema_editor):
    LeadershipRole = apps.get_model("councils", "LeadershipRole")
    RoleRequirement = apps.get_model("councils", "RoleRequirement")
    Axis = apps.get_model("courses", "Axis")
    LeadershipRole.objects.filter(slug__in=PATHWAY).update(in_pathway=True)
    roles = {role.slug: role for role in LeadershipRole.objects.all()}
    axes = {axis.number: axis for axis in Axis.objects.all()}
    for slug, rows in REQUIREMENTS.items():
        if slug not in roles:
            continue
        for order, (kind, number, axis, required) in enumerate(rows):
            RoleRequirement.objects.create(
                role=roles[slug],
                sort_order=order,
                kind=kind,
                number=number,
                axis=axes.get(axis) if axis else None,
                required_role=roles.get(required) if required else None,
            )


def backwards(apps, schema_editor):
    apps.get_model("councils", "RoleRequirement").objects.all().delete()
    apps.get_model("councils", "LeadershipRole").objects.update(in_pathway=False)


class Migration(migrations.Migration):
    dependencies = [
        ("councils", "0003_add_cadre_pathways"),
        ("courses", "0002_seed_axes"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
