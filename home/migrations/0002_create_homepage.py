"""Replaces Wagtail's welcome page with the COCOCI home page, in Spanish.

The text adapts the movement's own "¿Qué es un COCOCI?" into short sections;
editors change it in the admin afterwards.
"""

import uuid

from django.db import migrations

LEAD = (
    "Nos formamos en comunidad para construir, desde abajo y con nuestro pueblo, "
    "liderazgos que sirvan bajo el principio de mandar obedeciendo."
)
INTRO = (
    "<p>Esta es la plataforma de formación de los Consejos Comunitarios "
    "Convencionistas: cursos, lecciones y materiales sobre los ejes estratégicos del "
    "movimiento, para estudiar desde el teléfono o en círculos de estudio con tu "
    "consejo.</p>"
)
ACTIONS = [
    ("Ver cursos", "/cursos/"),
    ("Encontrar mi consejo", "/consejos/"),
    ("Registrarme", "/cuenta/registro/"),
]
SECTIONS = [
    (
        "¿Qué es un COCOCI?",
        "<p>Los Consejos Comunitarios Convencionistas (COCOCIs) son las células "
        "ciudadanas comunitarias que sostienen toda la estructura del Movimiento "
        "Nacional Convencionista Artículo 39. Los integran ciudadanas y ciudadanos "
        "libres, afiliados al movimiento como Convencionistas del Poder Popular, "
        "decididos a fortalecer el Proyecto de Nación Transformador y dispuestos a "
        "trabajar en sus comunidades o en el sector de la sociedad civil al que "
        "pertenecen.</p>"
        "<p>Buscamos que nuestro crecimiento se construya <b>desde abajo, con nuestro "
        "pueblo</b>, en un marco de solidaridad, respeto, tolerancia, pluralidad, "
        "inclusión y convivencia armónica, para articular acciones y coordinar "
        "nuestros trabajos en lo municipal, lo estatal y lo nacional.</p>",
    ),
    (
        "La fuerza de los consejos",
        "<p>Los COCOCIs fortalecen el trabajo comunitario y el bienestar colectivo "
        "mediante la colaboración, la participación, la formación y la acción de sus "
        "integrantes. Así atendemos la agenda social pendiente y formamos cuadros "
        "políticos y liderazgos sociales capaces de resolver los problemas que viven "
        "nuestras comunidades.</p>"
        "<ul><li>Impulsamos la democracia participativa y directa.</li>"
        "<li>Vigilamos y coparticipamos con la función pública mediante la auditoría "
        "social y la contraloría ciudadana.</li>"
        "<li>Abrimos espacios de formación y educación popular.</li>"
        "<li>Apoyamos emprendimientos cooperativos y de economía social y solidaria."
        "</li>"
        "<li>Cuidamos y protegemos a nuestra Madre Naturaleza.</li>"
        "<li>Defendemos los frentes de lucha social, el empoderamiento de las mujeres, "
        "la participación de las juventudes y a los grupos vulnerables.</li></ul>",
    ),
    (
        "El bien vivir",
        "<p>Todo esto tiene un objeto: procurarnos el <i>bien vivir</i> en un sentido "
        "integral, entendiendo que no puede haber bienvivir para unos y malvivir para "
        "otros. Buscamos el bienestar económico, social, cultural, ambiental y "
        "político, y un nuevo modelo económico y de convivencia social que alivie la "
        "pobreza y la inequidad.</p>",
    ),
    (
        "Mandar obedeciendo",
        "<p>Queremos que las mejores mujeres y hombres de nuestra sociedad puedan "
        "representarnos en los encargos de representación popular, regenerando la "
        "política bajo el principio de mandar obedeciendo. Por eso la formación es el "
        "corazón de esta plataforma: cada integrante ve su propio avance, y es la "
        "asamblea la que decide.</p>",
    ),
]


def create_homepage(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Locale = apps.get_model("wagtailcore", "Locale")
    Page = apps.get_model("wagtailcore", "Page")
    Site = apps.get_model("wagtailcore", "Site")
    HomePage = apps.get_model("home", "HomePage")

    # Wagtail's own welcome page (created by wagtailcore.0002) makes way for ours.
    Page.objects.filter(
        content_type__app_label="wagtailcore", content_type__model="page", depth=2
    ).delete()
    root = Page.objects.get(depth=1)
    content_type, _ = ContentType.objects.get_or_create(app_label="home", model="homepage")
    locale = Locale.objects.order_by("pk").first()

    home = HomePage.objects.create(
        title="Consejos Comunitarios Convencionistas",
        draft_title="Consejos Comunitarios Convencionistas",
        seo_title="Formación para los consejos comunitarios",
        search_description=LEAD,
        slug="inicio",
        content_type=content_type,
        path=root.path + "0001",
        depth=2,
        numchild=0,
        url_path="/inicio/",
        locale=locale,
        translation_key=uuid.uuid4(),
        live=True,
        lead=LEAD,
        intro=INTRO,
        actions=[
            {"type": "action", "id": str(uuid.uuid4()),
             "value": {"label": label, "page": None, "path": path}}
            for label, path in ACTIONS
        ],
        body=[
            {"type": "section", "id": str(uuid.uuid4()),
             "value": {"heading": heading, "text": text}}
            for heading, text in SECTIONS
        ],
    )
    root.numchild = Page.objects.filter(depth=2).count()
    root.save(update_fields=["numchild"])

    Site.objects.all().delete()
    Site.objects.create(
        hostname="localhost", port=80, root_page=home, is_default_site=True,
        site_name="COCOCI Formación",
    )


def remove_homepage(apps, schema_editor):
    HomePage = apps.get_model("home", "HomePage")
    HomePage.objects.filter(depth=2, slug="inicio").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(create_homepage, remove_homepage)]
