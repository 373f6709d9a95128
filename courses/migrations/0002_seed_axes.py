"""Seeds the six strategic axes with the provisional wording; editors may rename them."""

from django.db import migrations

AXES = [
    (
        1,
        "Democracia participativa y directa",
        "democracia-participativa",
        "#8a1c1c",
        "Que el pueblo decida: asambleas, consultas y presupuestos participativos donde "
        "la comunidad delibera y manda, bajo el principio de mandar obedeciendo.",
    ),
    (
        2,
        "Auditoría social y contraloría ciudadana",
        "auditoria-social",
        "#1d4e89",
        "Vigilar y coparticipar con la función pública: transparencia, acceso a la "
        "información y rendición de cuentas desde la comunidad.",
    ),
    (
        3,
        "Formación, educación popular y generación de cuadros",
        "formacion-educacion-popular",
        "#5b2d8e",
        "Espacios de formación y educación popular que generan un nuevo modelo ciudadano "
        "y forman los liderazgos sociales que nuestras comunidades necesitan.",
    ),
    (
        4,
        "Economía social y solidaria",
        "economia-social-solidaria",
        "#7a4f00",
        "Emprendimientos, cooperativas y proyectos de economía social y solidaria que "
        "fortalecen el trabajo comunitario y el bienestar colectivo.",
    ),
    (
        5,
        "Cuidado de la Madre Naturaleza y bien vivir",
        "madre-naturaleza",
        "#1f6b3a",
        "Cuidar y proteger a nuestra Madre Naturaleza —el agua, la tierra y el "
        "territorio— para un bien vivir que no deje a nadie en el malvivir.",
    ),
    (
        6,
        "Frentes de lucha social e inclusión (mujeres, jóvenes y grupos vulnerables)",
        "frentes-de-lucha",
        "#a0265e",
        "Defender las causas de los frentes de lucha social: el empoderamiento de las "
        "mujeres, la participación de las juventudes y el respeto a los grupos "
        "vulnerables y tradicionalmente discriminados.",
    ),
]


def seed_axes(apps, schema_editor):
    Axis = apps.get_model("courses", "Axis")
    for number, name, slug, colour, description in AXES:
        Axis.objects.update_or_create(
            number=number,
            defaults={"name": name, "slug": slug, "colour": colour, "description": description},
        )


def unseed_axes(apps, schema_editor):
    Axis = apps.get_model("courses", "Axis")
    Axis.objects.filter(slug__in=[axis[2] for axis in AXES]).delete()


class Migration(migrations.Migration):
    dependencies = [("courses", "0001_add_axis")]

    operations = [migrations.RunPython(seed_axes, unseed_axes)]
