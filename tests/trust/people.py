"""The people and the data of the permission matrix, built once per module.

Two councils in two states: A (Santa Cecilia, Jalisco) and B (Tepito, Ciudad de
México). Each has members, a mentor with a mentee, an open assembly with its
attendance and acta, and private files. A member of A holds a constancia and
sent a request to constitute a new council in Jalisco, naming the member of B
as a founder by her username (she has not answered yet). A third council, A2
(Tesistán), shares A's state: what the state's coordination reaches and A's
leaders do not. A fourth, C (Miravalle), was made by A's state coordinator
copying A's page in the Wagtail admin, and has a leader of its own. A fifth, M
(Maestras Jubiladas), was founded in A's state and moved by national
coordination to B's state, with its acta.

Names, phones and file contents are unusual on purpose: the matrix looks for
them in responses to tell "shows the data" from "shows a page without it".
"""

from datetime import timedelta
from types import SimpleNamespace

from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.utils import timezone
from wagtail.actions.copy_page import CopyPageAction
from wagtail.actions.move_page import MovePageAction
from wagtail.documents import get_document_model

from councils.cadres.progress import progress_catch_up
from councils.cadres.services import mentorship_pair
from councils.factories import (
    assign,
    join,
    make_council,
    make_person,
    municipality,
    state_page,
)
from councils.models import (
    Attendance,
    ConstitutionFounder,
    ConstitutionRequest,
    Meeting,
    MeetingKind,
    State,
)
from councils.services.membership import membership_end
from courses.models import Certificate, CourseBooklet, Enrollment
from members.models import AccessLog
from notifications.models import Notice
from tests.courses.learning_fixtures import make_course

EDITORS_GROUP = "Equipo de formación"

# The rows of the matrix, in its column order.
PEOPLE = (
    "anonymous",
    "member",
    "member-B",
    "mentor",
    "former-mentor",
    "leader-A",
    "leader-B",
    "leader-of-copy",
    "coordinator-A",
    "coordinator-B",
    "editor",
    "national",
    "superuser",
)

COUNCIL_A = "Consejo Comunitario Santa Cecilia"
COUNCIL_B = "Consejo Comunitario Tepito"
COUNCIL_A2 = "Consejo Comunitario Tesistan"
COUNCIL_COPY = "Consejo Comunitario Miravalle"
COUNCIL_MOVED = "Consejo de Maestras Jubiladas"
STATE_A = "14"  # Jalisco
STATE_B = "09"  # Ciudad de México

# What only those allowed may see.
MEMBER_NAME = "Anacleta Marroquin"
MEMBER_PHONE = "3319876543"
MEMBER_EMAIL = "anacleta.marroquin@example.org"
MEMBER_B_NAME = "Herlinda Zamudio"
MEMBER_B_PHONE = "5587654321"
MENTEE_NAME = "Eustolia Pedraza"
MENTEE_B_NAME = "Iluminada Bracamontes"
FORMER_MENTEE_NAME = "Rufina Castaneda"
LEADER_A_NAME = "Leocadia Villaseñor"
PROPOSED_NAME = "Consejo Comunitario Colonia Ferrocarril"
ACTA_A_TITLE = "Acta de la asamblea de Santa Cecilia"
ACTA_A_TEXT = "firmas de la asamblea de Santa Cecilia"
ACTA_B_TITLE = "Acta de la asamblea de Tepito"
ACTA_B_TEXT = "firmas de la asamblea de Tepito"
ACTA_A2_TEXT = "firmas de la asamblea de Tesistan"
ACTA_MOVED_TITLE = "Acta de las Maestras Jubiladas"
ACTA_MOVED_TEXT = "firmas de las maestras jubiladas"
LIST_A_TITLE = "Lista de asistencia de Santa Cecilia"
CONSTITUTION_TEXT = "firmas de la asamblea constitutiva de Colonia Ferrocarril"
FOUNDER_B_AS_WRITTEN = "Herlinda la de Tepito"
CERTIFICATE_TEXT = "constancia de Anacleta Marroquin"
ANSWER_KEY_TEXT = "clave de respuestas: la asamblea decide"


def pdf(text):
    return f"%PDF-1.4\n% {text}\n%%EOF\n".encode()


def document(council, title, text):
    Document = get_document_model()
    doc = Document(title=title, collection=council.collection)
    doc.file.save("acta.pdf", ContentFile(pdf(text)), save=False)
    doc.save()
    return doc


def person(username, full_name, **fields):
    first_name, last_name = full_name.split(" ", 1)
    return make_person(username, first_name=first_name, last_name=last_name, **fields)


def open_assembly(council, acta, present):
    meeting = Meeting.objects.create(
        council=council,
        kind=MeetingKind.ORDINARY,
        title="Asamblea ordinaria",
        starts_at=timezone.now() - timedelta(days=2),
        duration_minutes=120,
        acta=acta,
    )
    Attendance.objects.bulk_create(
        [Attendance(meeting=meeting, user=who) for who in present]
    )
    return meeting


def build_world():
    """Everything the matrix asks about; returns a namespace of it."""
    council_a = make_council(
        COUNCIL_A,
        state_code=STATE_A,
        municipality_code="039",
        municipality_name="Guadalajara",
    )
    council_b = make_council(
        COUNCIL_B,
        state_code=STATE_B,
        municipality_code="015",
        municipality_name="Cuauhtémoc",
    )
    council_a2 = make_council(
        COUNCIL_A2,
        state_code=STATE_A,
        municipality_code="120",
        municipality_name="Zapopan",
    )

    member = person("anacleta", MEMBER_NAME, phone=MEMBER_PHONE, email=MEMBER_EMAIL)
    member_b = person("herlinda", MEMBER_B_NAME, phone=MEMBER_B_PHONE)
    mentor = person("fermina", "Fermina Solorzano")
    mentee = person("eustolia", MENTEE_NAME)
    former_mentor = person("teodora", "Teodora Ibarra")
    former_mentee = person("rufina", FORMER_MENTEE_NAME)
    mentor_b = person("jacinta", "Jacinta Olvera")
    mentee_b = person("iluminada", MENTEE_B_NAME)
    applicant = person("griselda", "Griselda Ocampo")
    leader_a = person("leocadia", LEADER_A_NAME)
    leader_b = person("bartola", "Bartola Cienfuegos")
    leader_c = person("casilda", "Casilda Miravalle")
    coordinator_a = person("juana.jalisco", "Juana Coordinadora")
    coordinator_b = person("diana.cdmx", "Diana Coordinadora")
    editor = person("rosa.editora", "Rosa Editora")
    national = person("nacional", "Natalia Nacional")
    superuser = make_person("admin", is_superuser=True, is_staff=True)

    for who in (member, mentor, mentee, former_mentor, former_mentee, leader_a):
        join(who, council_a)
    for who in (member_b, mentor_b, mentee_b, leader_b):
        join(who, council_b)
    pending = join(applicant, council_a, status="pendiente")

    assign(leader_a, "coordinador-de-consejo", council=council_a)
    assign(leader_b, "coordinador-de-consejo", council=council_b)
    assign(coordinator_a, "coordinador-estatal", state=STATE_A)
    assign(coordinator_b, "coordinador-estatal", state=STATE_B)
    assign(national, "coordinacion-nacional")
    editor.groups.add(Group.objects.get(name=EDITORS_GROUP))

    # What the admin's "Copy" does, with the rights of A's state coordinator.
    council_copy = CopyPageAction(
        page=council_a,
        to=state_page(STATE_A),
        update_attrs={"title": COUNCIL_COPY, "slug": "miravalle"},
        keep_live=True,
        user=coordinator_a,
    ).execute()
    join(leader_c, council_copy)
    assign(leader_c, "coordinador-de-consejo", council=council_copy)

    # A council of a sector, founded in A's state, moved to B's in the admin.
    council_moved = make_council(
        COUNCIL_MOVED,
        state_code=STATE_A,
        municipality_code=None,
        sector="Maestras jubiladas",
    )
    acta_moved = document(council_moved, ACTA_MOVED_TITLE, ACTA_MOVED_TEXT)
    MovePageAction(
        council_moved, state_page(STATE_B), pos="last-child", user=national
    ).execute()
    council_moved.refresh_from_db()

    mentorship_a = mentorship_pair(
        council=council_a, actor=leader_a, mentee_id=mentee.pk, mentor_id=mentor.pk
    )
    # A mentor the leaders then remove from the council ("baja").
    mentorship_former = mentorship_pair(
        council=council_a,
        actor=leader_a,
        mentee_id=former_mentee.pk,
        mentor_id=former_mentor.pk,
    )
    membership_end(
        council=council_a,
        membership_id=former_mentor.memberships.get(council=council_a).pk,
        actor=leader_a,
    )
    mentorship_b = mentorship_pair(
        council=council_b,
        actor=leader_b,
        mentee_id=mentee_b.pk,
        mentor_id=mentor_b.pk,
    )

    acta_a = document(council_a, ACTA_A_TITLE, ACTA_A_TEXT)
    acta_b = document(council_b, ACTA_B_TITLE, ACTA_B_TEXT)
    list_a = document(council_a, LIST_A_TITLE, "nombres y teléfonos")
    acta_a2 = document(council_a2, "Acta de la asamblea de Tesistan", ACTA_A2_TEXT)
    meeting_a = open_assembly(council_a, acta_a, [member])
    meeting_b = open_assembly(council_b, acta_b, [member_b])

    course = make_course("Asambleas que deciden", axis_number=1, hours=4)
    Enrollment.objects.create(user=member, course=course, completed_at=timezone.now())
    certificate = Certificate(
        user=member,
        course=course,
        person_name=MEMBER_NAME,
        course_title=course.title,
        axis_name=course.primary_axis.name,
        hours=4,
    )
    certificate.file.save(
        "constancia.pdf", ContentFile(pdf(CERTIFICATE_TEXT)), save=False
    )
    certificate.save()
    # The course's booklet in both editions, as its task leaves them.
    booklet = CourseBooklet(course=course, fingerprint="0" * 64)
    booklet.file.save("cuadernillo.pdf", ContentFile(pdf("cuadernillo")), save=False)
    booklet.facilitator_file.save(
        "cuadernillo-facilitacion.pdf", ContentFile(pdf(ANSWER_KEY_TEXT)), save=False
    )
    booklet.save()

    constitution = ConstitutionRequest(
        requester=member,
        proposed_name=PROPOSED_NAME,
        state=State.objects.get(code=STATE_A),
        municipality=municipality(STATE_A, "039", "Guadalajara"),
        assembly_on=timezone.localdate() - timedelta(days=10),
        assembly_place="Cancha de la colonia Ferrocarril",
    )
    constitution.acta.save("acta.pdf", ContentFile(pdf(CONSTITUTION_TEXT)), save=False)
    constitution.save()
    founder_b = ConstitutionFounder.objects.create(
        request=constitution, full_name=FOUNDER_B_AS_WRITTEN, user=member_b
    )

    # What each council's people were told ("Avisos enviados" in Mi consejo).
    for who, council in ((member, council_a), (member_b, council_b)):
        Notice.objects.create(
            kind="meeting_reminder",
            user=who,
            key=f"meeting:{council.pk}",
            text="Mañana hay asamblea.",
            scope=f"council:{council.pk}",
            status="sent",
        )

    log_entry = AccessLog.objects.create(
        action=AccessLog.Action.EXPORT, scope="cuadros:estado:14", row_count=3
    )

    # The workers have caught up with the world as built (the matrices test
    # who sees what, not how fresh it is).
    progress_catch_up()

    return SimpleNamespace(
        people={
            "anonymous": None,
            "member": member,
            "member-B": member_b,
            "mentor": mentor,
            "former-mentor": former_mentor,
            "leader-A": leader_a,
            "leader-B": leader_b,
            "leader-of-copy": leader_c,
            "coordinator-A": coordinator_a,
            "coordinator-B": coordinator_b,
            "editor": editor,
            "national": national,
            "superuser": superuser,
        },
        council_a=council_a,
        council_b=council_b,
        council_a2=council_a2,
        council_copy=council_copy,
        council_moved=council_moved,
        state_page_a=state_page(STATE_A),
        member=member,
        member_b=member_b,
        mentor=mentor,
        membership_a=member.memberships.get(council=council_a),
        pending_a=pending,
        mentorship_a=mentorship_a,
        mentorship_b=mentorship_b,
        mentorship_former=mentorship_former,
        acta_a=acta_a,
        acta_b=acta_b,
        acta_a2=acta_a2,
        acta_moved=acta_moved,
        log_entry=log_entry,
        list_a=list_a,
        meeting_a=meeting_a,
        meeting_b=meeting_b,
        certificate=certificate,
        course=course,
        constitution=constitution,
        founder_b=founder_b,
    )
