"""Seeds a first privacy notice, clearly marked as a draft pending legal review."""

from django.db import migrations
from django.utils import timezone

SUMMARY = (
    "El Movimiento Nacional Convencionista Artículo 39, a través de esta plataforma, "
    "usa tus datos para tu cuenta, tu avance de formación y tu participación en un "
    "consejo comunitario. Tu afiliación al movimiento es un dato sensible: solo la ve "
    "la coordinación de tu propio consejo y, en cifras agregadas, la coordinación "
    "estatal y nacional. No vendemos ni compartimos tus datos con nadie más. Puedes "
    "ver, corregir, descargar o borrar tus datos en «Mis datos» cuando quieras."
)

BODY = """
<h2>¿Quién es responsable de tus datos?</h2>
<p>El Movimiento Nacional Convencionista Artículo 39, por medio de su equipo de
formación, es responsable del tratamiento de los datos personales que reúne esta
plataforma. (Nombre legal, domicilio y medio de contacto de la persona responsable:
por confirmar en la revisión legal.)</p>
<h2>¿Qué datos reunimos?</h2>
<ul>
<li>Nombre, nombre de usuario y contraseña (guardada cifrada).</li>
<li>Teléfono y correo electrónico, si decides darlos.</li>
<li>Tu avance de formación: cursos, lecciones, autoevaluaciones y constancias.</li>
<li>Tu consejo comunitario, tu asistencia a asambleas y círculos de estudio, y los
cargos que la asamblea te encomiende.</li>
</ul>
<h2>Datos sensibles</h2>
<p>Pertenecer a un consejo comunitario muestra tu afiliación a un movimiento
ciudadano, lo que consideramos un dato sensible. Por eso pedimos tu consentimiento
expreso y limitamos quién lo puede ver: la coordinación de tu propio consejo ve tu
avance; la coordinación estatal y nacional ve sobre todo cifras agregadas, y cuando
necesita ver datos de una persona debe dar una razón que queda registrada.</p>
<h2>¿Para qué usamos tus datos?</h2>
<p><strong>Finalidad necesaria:</strong> operar tu cuenta, registrar tu avance de
formación, emitir tus constancias y permitir tu participación en un consejo. Sin ella
no podemos darte una cuenta.</p>
<p><strong>Finalidades voluntarias</strong> (puedes aceptarlas o retirarlas cuando
quieras, sin perder tu cuenta):</p>
<ul>
<li>Recibir avisos de cursos y actividades por correo o mensaje.</li>
<li>Que la coordinación de tu consejo pueda llamarte por teléfono.</li>
</ul>
<h2>¿Con quién compartimos tus datos?</h2>
<p>Con nadie fuera del movimiento. No vendemos ni transferimos tus datos.</p>
<h2>Tus derechos</h2>
<p>Puedes acceder a tus datos, corregirlos, descargarlos, retirar tus consentimientos
voluntarios y cancelar tu cuenta en la sección «Mis datos». Al cancelarla borramos tu
nombre, usuario y datos de contacto; tu avance queda solo como cifra anónima.</p>
<h2>Cambios a este aviso</h2>
<p>Si este aviso cambia, publicaremos la nueva versión en esta misma página y te
pediremos de nuevo tu consentimiento cuando el cambio lo requiera.</p>
"""


def seed(apps, schema_editor):
    PrivacyNotice = apps.get_model("members", "PrivacyNotice")
    PrivacyNotice.objects.get_or_create(
        version="2026-11-borrador",
        defaults={
            "title": "Aviso de privacidad de COCOCI Formación",
            "summary": SUMMARY,
            "body": BODY.strip(),
            "draft_for_legal_review": True,
            "published_at": timezone.now(),
        },
    )


def unseed(apps, schema_editor):
    apps.get_model("members", "PrivacyNotice").objects.filter(
        version="2026-11-borrador"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("members", "0002_privacy_consent_access_log")]

    operations = [migrations.RunPython(seed, unseed)]
