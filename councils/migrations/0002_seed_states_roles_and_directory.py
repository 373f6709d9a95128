"""Ships the 32 states (INEGI codes), the provisional leadership roles, the
directory /consejos/ with one page per state, and "Cómo constituir un consejo"."""

import json
import uuid

from django.db import migrations

# (CVE_ENT, INEGI's NOM_ENT, the name people use, slug)
STATES = [
    ("01", "Aguascalientes", "Aguascalientes", "aguascalientes"),
    ("02", "Baja California", "Baja California", "baja-california"),
    ("03", "Baja California Sur", "Baja California Sur", "baja-california-sur"),
    ("04", "Campeche", "Campeche", "campeche"),
    ("05", "Coahuila de Zaragoza", "Coahuila", "coahuila"),
    ("06", "Colima", "Colima", "colima"),
    ("07", "Chiapas", "Chiapas", "chiapas"),
    ("08", "Chihuahua", "Chihuahua", "chihuahua"),
    ("09", "Ciudad de México", "Ciudad de México", "ciudad-de-mexico"),
    ("10", "Durango", "Durango", "durango"),
    ("11", "Guanajuato", "Guanajuato", "guanajuato"),
    ("12", "Guerrero", "Guerrero", "guerrero"),
    ("13", "Hidalgo", "Hidalgo", "hidalgo"),
    ("14", "Jalisco", "Jalisco", "jalisco"),
    ("15", "México", "Estado de México", "estado-de-mexico"),
    ("16", "Michoacán de Ocampo", "Michoacán", "michoacan"),
    ("17", "Morelos", "Morelos", "morelos"),
    ("18", "Nayarit", "Nayarit", "nayarit"),
    ("19", "Nuevo León", "Nuevo León", "nuevo-leon"),
    ("20", "Oaxaca", "Oaxaca", "oaxaca"),
    ("21", "Puebla", "Puebla", "puebla"),
    ("22", "Querétaro", "Querétaro", "queretaro"),
    ("23", "Quintana Roo", "Quintana Roo", "quintana-roo"),
    ("24", "San Luis Potosí", "San Luis Potosí", "san-luis-potosi"),
    ("25", "Sinaloa", "Sinaloa", "sinaloa"),
    ("26", "Sonora", "Sonora", "sonora"),
    ("27", "Tabasco", "Tabasco", "tabasco"),
    ("28", "Tamaulipas", "Tamaulipas", "tamaulipas"),
    ("29", "Tlaxcala", "Tlaxcala", "tlaxcala"),
    ("30", "Veracruz de Ignacio de la Llave", "Veracruz", "veracruz"),
    ("31", "Yucatán", "Yucatán", "yucatan"),
    ("32", "Zacatecas", "Zacatecas", "zacatecas"),
]

# Provisional: the movement renames and extends them in the admin.
# (name, slug, scope, leads the scope, order, description)
ROLES = [
    ("Integrante", "integrante", "consejo", False, 10,
     "Participa en las asambleas y círculos de estudio de su consejo."),
    ("Promotor/a comunitario/a", "promotor-comunitario", "consejo", False, 20,
     "Invita, acompaña y organiza a su comunidad en torno al consejo."),
    ("Coordinador/a de consejo", "coordinador-de-consejo", "consejo", True, 30,
     "Coordina el consejo por mandato de su asamblea: convoca, registra y rinde cuentas."),
    ("Secretario/a de actas", "secretario-de-actas", "consejo", True, 40,
     "Registra las reuniones, la asistencia y los acuerdos, y resguarda las actas."),
    ("Enlace de eje", "enlace-de-eje", "consejo", False, 50,
     "Impulsa en el consejo el trabajo de uno de los ejes estratégicos."),
    ("Coordinador/a estatal", "coordinador-estatal", "estado", True, 60,
     "Acompaña a los consejos de su estado y valida la constitución de nuevos consejos."),
    ("Formador/a", "formador", "nacional", False, 70,
     "Facilita procesos de formación y educación popular en cualquier consejo."),
    ("Coordinación nacional", "coordinacion-nacional", "nacional", True, 80,
     "Coordina el movimiento a nivel nacional."),
]

GUIDE_INTRO = (
    "Un consejo nace cuando vecinas y vecinos deciden organizarse y lo acuerdan en "
    "asamblea. Este es el camino, paso a paso."
)
GUIDE_STEPS = [
    ("1. Formen un equipo promotor",
     "<p>Reúnanse al menos cinco personas de la misma comunidad, colonia, pueblo o "
     "sector que quieran organizarse. Platiquen qué problemas comparten y qué quieren "
     "cambiar juntas.</p>"),
    ("2. Convoquen a la comunidad",
     "<p>Hagan una convocatoria abierta a la asamblea constitutiva: fecha, hora, lugar "
     "y orden del día. Difúndanla de boca en boca, en carteles y por mensajes.</p>"),
    ("3. Realicen la asamblea constitutiva",
     "<p>En la asamblea se explica qué es un COCOCI, se acuerda constituirlo, se le da "
     "nombre y se eligen sus primeros cargos (por ejemplo, coordinación y secretaría "
     "de actas). Las decisiones se toman entre todas las personas presentes.</p>"),
    ("4. Levanten el acta",
     "<p>El acta dice dónde y cuándo se reunieron, quiénes participaron, qué se acordó "
     "y quiénes fueron electas para cada cargo. La firman las personas presentes. "
     "Tómenle una foto clara o escanéenla en PDF.</p>"),
    ("5. Soliciten la validación",
     "<p>Desde esta página, con tu cuenta, envía la solicitud con los datos del "
     "consejo, las personas fundadoras y el acta. La coordinación estatal la revisa y, "
     "si todo está en orden, el consejo queda registrado con su propia página.</p>"),
]
GUIDE_NOTE = (
    "<p><b>Procedimiento provisional:</b> este texto es una guía general mientras el "
    "movimiento acuerda su procedimiento oficial.</p>"
)

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def format_step(number):
    digits = ""
    while number:
        number, remainder = divmod(number, 36)
        digits = ALPHABET[remainder] + digits
    return digits.rjust(4, "0")


def add_page(apps, parent, model_name, title, slug, **fields):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    model = apps.get_model("councils", model_name)
    content_type, _ = ContentType.objects.get_or_create(
        app_label="councils", model=model_name.lower()
    )
    last = (
        Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1)
        .order_by("-path")
        .first()
    )
    step = int(last.path[-4:], 36) + 1 if last else 1
    page = model.objects.create(
        title=title, draft_title=title, slug=slug, content_type=content_type,
        path=parent.path + format_step(step), depth=parent.depth + 1, numchild=0,
        url_path=f"{parent.url_path}{slug}/", locale_id=parent.locale_id,
        translation_key=uuid.uuid4(), live=True, **fields,
    )
    Page.objects.filter(pk=parent.pk).update(numchild=parent.numchild + 1)
    parent.numchild += 1
    return page


def forwards(apps, schema_editor):
    State = apps.get_model("councils", "State")
    LeadershipRole = apps.get_model("councils", "LeadershipRole")
    Page = apps.get_model("wagtailcore", "Page")

    states = [
        State.objects.create(code=code, name=name, slug=slug)
        for code, name, _, slug in STATES
    ]
    for name, slug, scope, leads, order, description in ROLES:
        LeadershipRole.objects.create(
            name=name, slug=slug, scope_level=scope, grants_editing=leads,
            sort_order=order, description=description,
        )

    home = Page.objects.filter(depth=2, url_path="/inicio/").first()
    if home is None:
        return  # a site without the home page gets its directory from the admin
    index = add_page(
        apps, home, "CouncilIndexPage", "Consejos", "consejos", show_in_menus=True,
        intro=(
            "<p>Los Consejos Comunitarios Convencionistas son espacios de organización "
            "de la comunidad. Encuentra el consejo de tu estado y municipio, o "
            "constituye uno nuevo.</p>"
        ),
    )
    body = []
    for heading, text in GUIDE_STEPS:
        body.append({"type": "heading", "value": heading, "id": str(uuid.uuid4())})
        body.append({"type": "paragraph", "value": text, "id": str(uuid.uuid4())})
    body.append({"type": "paragraph", "value": GUIDE_NOTE, "id": str(uuid.uuid4())})
    add_page(
        apps, index, "ConstitutionGuidePage", "Cómo constituir un consejo",
        "como-constituir-un-consejo", intro=GUIDE_INTRO, body=json.dumps(body),
    )
    titles = {code: title for code, _, title, _ in STATES}
    for state in states:
        add_page(
            apps, index, "StatePage", titles[state.code], state.slug, state=state,
            intro="",
        )


def backwards(apps, schema_editor):
    Page = apps.get_model("wagtailcore", "Page")
    index = Page.objects.filter(depth=3, slug="consejos").first()
    if index:
        Page.objects.filter(path__startswith=index.path).delete()
        parent = Page.objects.get(path=index.path[:-4])
        parent.numchild = Page.objects.filter(
            path__startswith=parent.path, depth=parent.depth + 1
        ).count()
        parent.save(update_fields=["numchild"])
    apps.get_model("councils", "LeadershipRole").objects.all().delete()
    apps.get_model("councils", "State").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("councils", "0001_add_councils"),
        ("home", "0003_least_privilege"),
        ("courses", "0005_catalogue_pages_and_editors"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
