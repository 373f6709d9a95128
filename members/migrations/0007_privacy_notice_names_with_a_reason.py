"""A new version of the privacy notice, in force from this migration: it says
what state and national coordination really see (figures; a council's people
by name only after writing a reason, which is logged), where the first version's
short text said "only in aggregate figures". Members who accepted the earlier
version are asked to accept this one (``members.services.notice_to_accept``).
Still a draft pending legal review, as the first."""

from django.db import migrations
from django.utils import timezone

VERSION = "2026-12-borrador"

SUMMARY = (
    "El Movimiento Nacional Convencionista Artículo 39, a través de esta plataforma, "
    "usa tus datos para tu cuenta, tu avance de formación y tu participación en un "
    "consejo comunitario. Tu afiliación al movimiento es un dato sensible: la ve la "
    "coordinación de tu propio consejo. La coordinación estatal y la nacional ven "
    "cifras de cada consejo; tu nombre y tu avance solo después de escribir por qué "
    "necesitan verlos, y ese motivo queda registrado con su nombre y la fecha. No "
    "vendemos ni compartimos tus datos con nadie más. Puedes ver, corregir, "
    "descargar o borrar tus datos en «Mis datos» cuando quieras."
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
expreso y limitamos quién lo puede ver.</p>
<h2>¿Quién ve tus datos?</h2>
<ul>
<li><strong>La coordinación de tu consejo</strong> ve tu nombre, tu teléfono y tu
correo (si los diste), tu avance, tu asistencia y tus cargos.</li>
<li><strong>Tu acompañante</strong>, si la coordinación de tu consejo te asigna una
persona que te acompañe, ve tu avance y las notas de sus encuentros mientras las
dos personas pertenezcan al consejo.</li>
<li><strong>La coordinación estatal y la coordinación nacional</strong> ven cifras
de cada consejo (cuántas personas, cursos, horas, cuántas están listas para un
cargo), redondeadas a múltiplos de 5; un grupo de menos de cinco personas, o de
ninguna, aparece como «menos de 5». Ven a las
personas de un consejo por nombre (nombre, teléfono, avance, asistencia) solo
después de escribir por qué necesitan verlas. Ese motivo queda en un registro de
accesos, con su nombre, la fecha y cada página o descarga que vieron con él, y
solo sirve durante 30 minutos. Desde la plataforma nadie puede borrar ese
registro; lo revisa la coordinación nacional.</li>
<li>Las <strong>actas</strong> de las asambleas de tu consejo, que pueden llevar
nombres y firmas, se guardan en sus archivos privados: las abre la coordinación
de tu consejo; la de tu estado y la nacional, solo después de escribir por qué, y
cada vez queda en el registro de accesos.</li>
<li>Si alguien te nombra persona fundadora en una <strong>solicitud para
constituir un consejo</strong>, la coordinación de tu estado ve el nombre y el
teléfono que escribió, para decidir la solicitud, y cada consulta queda en el
registro de accesos. Si te nombró con tu usuario, te pediremos en «Mi formación»
que confirmes que eres tú: solo si confirmas, tu cuenta queda ligada a la
solicitud y, al aprobarse, pasas al nuevo consejo.</li>
<li>Quien tenga el código de una de tus constancias ve tu nombre, el curso y la
fecha, para comprobar que es auténtica.</li>
</ul>
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
pediremos, en «Mi formación» y en «Mis datos», que la leas y la aceptes. Si no
estás de acuerdo con ella, en «Mis datos» puedes retirar tus consentimientos
voluntarios o cancelar tu cuenta.</p>
"""


def seed(apps, schema_editor):
    PrivacyNotice = apps.get_model("members", "PrivacyNotice")
    PrivacyNotice.objects.get_or_create(
        version=VERSION,
        defaults={
            "title": "Aviso de privacidad de COCOCI Formación",
            "summary": SUMMARY,
            "body": BODY.strip(),
            "draft_for_legal_review": True,
            "published_at": timezone.now(),
        },
    )


def unseed(apps, schema_editor):
    apps.get_model("members", "PrivacyNotice").objects.filter(version=VERSION).delete()


class Migration(migrations.Migration):
    dependencies = [("members", "0006_add_sign_in_code_purpose")]

    operations = [migrations.RunPython(seed, unseed)]
