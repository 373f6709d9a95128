"""Demo councils in three states, their leaders, members, meetings and a pending
constitution request. Created only by ``manage.py load_demo``; idempotent."""

import uuid
from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format

from courses.models import Axis, CoursePage
from members.models import ConsentMethod

from .cadres.services import mentorship_pair, ready_members_detect
from .factories import (
    assign,
    join,
    make_council,
    make_meeting,
    make_person,
    meeting_day,
)
from .models import (
    ConstitutionRequest,
    CouncilPage,
    LeadershipRole,
    Meeting,
    MeetingKind,
    Membership,
    Mentorship,
    Municipality,
    RequirementKind,
    RoleAssignment,
    RoleRequirement,
    State,
)
from .services.constitution import constitution_submit
from .services.meetings import acta_store, attendance_record, meeting_close
from .services.membership import membership_request
from .territory_import import load_demo_municipalities

# (slug, title, state code, municipality code or None, sector, priority axes,
#  meeting place, schedule, lead text)
COUNCILS = [
    (
        "santa-cecilia",
        "Consejo Comunitario Colonia Santa Cecilia",
        "14",
        "039",
        "",
        [1, 3],
        "Salón de usos múltiples de la colonia, calle Lerdo 120",
        "Sábados cada quince días, 10:00",
        "Somos vecinas y vecinos de Santa Cecilia que nos organizamos para decidir "
        "juntos sobre el agua, la seguridad y los espacios públicos de la colonia.",
    ),
    (
        "tlaquepaque-centro",
        "Consejo Comunitario Tlaquepaque Centro",
        "14",
        "098",
        "",
        [4],
        "Casa de la cultura, andador Independencia",
        "Primer domingo de cada mes, 11:00",
        "Artesanas, comerciantes y familias del centro de Tlaquepaque impulsando la "
        "economía solidaria del barrio.",
    ),
    (
        "iztapalapa-oriente",
        "Consejo Comunitario Iztapalapa Oriente",
        "09",
        "007",
        "",
        [2, 5],
        "Explanada de la unidad habitacional Ermita Zaragoza",
        "Jueves, 19:00",
        "Nos reunimos para vigilar las obras públicas de la zona y cuidar nuestros "
        "espacios verdes.",
    ),
    (
        "jovenes-universitarios-cdmx",
        "Consejo de Jóvenes Universitarios",
        "09",
        None,
        "Estudiantes universitarios",
        [6, 3],
        "Auditorio estudiantil (en línea cuando hay paro)",
        "Martes cada quince días, 17:00",
        "Un consejo sectorial de estudiantes de varias universidades de la ciudad.",
    ),
    (
        "xoxocotlan",
        "Consejo Comunitario Santa Cruz Xoxocotlán",
        "20",
        "385",
        "",
        [5, 4],
        "Corredor del mercado municipal",
        "Domingos, 9:00",
        "Campesinas y campesinos de Xoxocotlán defendiendo la tierra y el agua.",
    ),
]

# When each council meets, as its schedule above says (weekday, 0 is Monday;
# local time): the demo's meetings are held then (a test reads the schedule).
MEETS = {
    "santa-cecilia": (5, time(10)),
    "tlaquepaque-centro": (6, time(11)),
    "iztapalapa-oriente": (3, time(19)),
    "jovenes-universitarios-cdmx": (1, time(17)),
    "xoxocotlan": (6, time(9)),
}

# username → (council slug, role slug or None)
LEADERS = {
    "coordinadora": ("santa-cecilia", "coordinador-de-consejo"),
    "coordinador2": ("iztapalapa-oriente", "coordinador-de-consejo"),
}
STATE_COORDINATORS = {"estatal": "14"}

# Members of Santa Cecilia who studied together in a circle.
CIRCLE_MEMBERS = [
    ("lucia.ramos", "Lucía", "Ramos Flores", "3311122233"),
    ("pedro.sanchez", "Pedro", "Sánchez Ortiz", "3322233344"),
    ("ana.morales", "Ana", "Morales Díaz", ""),
    ("jorge.vazquez", "Jorge", "Vázquez Luna", "3344455566"),
    ("teresa.gomez", "Teresa", "Gómez Reyes", ""),
    ("raul.mendoza", "Raúl", "Mendoza Castro", "3366677788"),
]

# A tiny valid PDF, standing in for a scanned acta.
DEMO_ACTA = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _person(username, first, last, phone):
    """A member registered on paper by their council: no password, only the
    necessary purpose consented to."""
    user = get_user_model().objects.filter(username=username).first()
    return user or make_person(
        username,
        consent=ConsentMethod.PAPER,
        first_name=first,
        last_name=last,
        phone=phone,
    )


def _join(user, council, after_founding=0):
    """An accepted membership, as a leader's acceptance records it: asked three
    days before, accepted at a meeting ``after_founding`` days after the
    council was founded (so before any meeting of the demo they attended)."""
    if Membership.objects.filter(user=user, council=council).exists():
        return
    founded = council.founded_on or timezone.localdate() - timedelta(days=200)
    joined_on = founded + timedelta(days=after_founding)
    accepted = datetime.combine(
        joined_on, time(19), tzinfo=timezone.get_current_timezone()
    )
    join(
        user,
        council,
        joined_on=joined_on,
        requested_at=accepted - timedelta(days=3),
        decided_at=accepted,
    )


def _office(user, role_slug, started_on, *, council=None, state=None):
    """An office held since ``started_on``, unless it is already recorded."""
    held = RoleAssignment.objects.filter(
        user=user, role__slug=role_slug, council=council, state=state
    )
    if not held.exists():
        assign(user, role_slug, council=council, state=state, started_on=started_on)


# What a council's page offers to reach it (not every council fills it in).
CONTACTS = {
    "santa-cecilia": {
        "contact_email": "santacecilia@consejos.example.org",
        "contact_phone": "33 1234 5678",
    },
    "iztapalapa-oriente": {"contact_phone": "55 8765 4321"},
}


@transaction.atomic
def load_demo_councils():
    """Returns the number of councils created."""
    load_demo_municipalities()
    User = get_user_model()
    axes = {axis.number: axis for axis in Axis.objects.all()}
    created = 0
    councils = {}
    for (
        slug,
        title,
        state_code,
        mun_code,
        sector,
        priority,
        place,
        schedule,
        text,
    ) in COUNCILS:
        council = CouncilPage.objects.filter(slug=slug).first()
        if council is None:
            council = make_council(
                title,
                slug=slug,
                state_code=state_code,
                municipality_code=mun_code,
                sector=sector,
                founded_on=timezone.localdate() - timedelta(days=200 + 30 * created),
                meeting_place=place,
                meeting_schedule=schedule,
                body=[
                    ("paragraph", f"<p>{text}</p>"),
                ],
                priority_axes=[axes[number] for number in priority],
                **CONTACTS.get(slug, {}),
            )
            created += 1
        councils[slug] = council

    today = timezone.localdate()
    for username, (slug, role_slug) in LEADERS.items():
        user = User.objects.filter(username=username).first()
        if user is None:
            continue
        _join(user, councils[slug])
        _office(user, role_slug, today - timedelta(days=180), council=councils[slug])
    for username, state_code in STATE_COORDINATORS.items():
        user = User.objects.filter(username=username).first()
        if user:
            _office(
                user,
                "coordinador-estatal",
                today - timedelta(days=365),
                state=State.objects.get(code=state_code),
            )

    santa_cecilia = councils["santa-cecilia"]
    member = User.objects.filter(username="integrante").first()
    if member:
        _join(member, santa_cecilia, after_founding=30)
    circle_people = [_person(*row) for row in CIRCLE_MEMBERS]
    for number, person in enumerate(circle_people):
        _join(person, santa_cecilia, after_founding=40 + 7 * number)
    coordinator = User.objects.filter(username="coordinadora").first()
    if coordinator and not santa_cecilia.meetings.exists():
        _demo_meetings(santa_cecilia, coordinator, circle_people + [member])
    # Someone waiting for an answer, for the leaders to see.
    waiting = _person("sofia.nunez", "Sofía", "Núñez Herrera", "3377788899")
    if not Membership.objects.filter(user=waiting).exists():
        membership_request(user=waiting, council=santa_cecilia)
    _demo_constitution_request()
    _demo_pathway(santa_cecilia, coordinator, member)
    return created


def _demo_pathway(council, coordinator, member):
    """The introductory course as the first step of the pathway, a mentor for
    the demo member, a closed assembly that can endorse offices, and who is
    ready for their next role today."""
    intro = CoursePage.objects.live().order_by("path").first()
    promoter = LeadershipRole.objects.get(slug="promotor-comunitario")
    if intro and not promoter.requirements.filter(kind=RequirementKind.COURSE).exists():
        RoleRequirement.objects.create(
            role=promoter, kind=RequirementKind.COURSE, course=intro, sort_order=0
        )
    if coordinator and member and not Mentorship.objects.filter(mentee=member).exists():
        mentorship_pair(
            council=council,
            actor=coordinator,
            mentee_id=member.pk,
            mentor_id=coordinator.pk,
        )
    if (
        coordinator
        and not council.meetings.filter(kind=MeetingKind.ORDINARY)
        .exclude(closed_at=None)
        .exists()
    ):
        held_on = meeting_day(*MEETS[council.slug], weeks=-6)
        with translation.override("es-mx"):
            month = date_format(held_on, "F").lower()
        present = council.memberships.active().values_list("user_id", flat=True)
        assembly = make_meeting(
            council,
            f"Asamblea ordinaria de {month}",
            kind=MeetingKind.ORDINARY,
            starts_at=held_on,
            agreements="Se eligió a la comisión del agua.",
            created_by=coordinator,
            acta=acta_store(
                council=council,
                uploaded=ContentFile(DEMO_ACTA, name=f"acta-{month}.pdf"),
                title=f"Acta: asamblea ordinaria de {month}",
            ),
        )
        attendance_record(meeting=assembly, actor=coordinator, user_ids=list(present))
        meeting_close(meeting=assembly, actor=coordinator)
        _closed_when_it_ended(assembly)
    ready_members_detect()


def _closed_when_it_ended(meeting):
    """Recorded on the day it was held, as a leader does at its end."""
    ended = meeting.starts_at + timedelta(minutes=meeting.duration_minutes)
    Meeting.objects.filter(pk=meeting.pk).update(closed_at=ended)


def _demo_meetings(council, coordinator, people):
    """Every other week on the council's day and hour: a study circle four
    weeks ago; an assembly and a circle to come."""
    weekday, hour = MEETS[council.slug]
    course = CoursePage.objects.live().order_by("path").first()
    circle = make_meeting(
        council,
        "Círculo de estudio: ¿Qué es un COCOCI?",
        kind=MeetingKind.CIRCLE,
        starts_at=meeting_day(weekday, hour, weeks=-4),
        duration_minutes=150,
        agenda="Lectura en voz alta del cuadernillo y discusión por lección.",
        agreements="Cada quien invita a dos vecinas al siguiente círculo.",
        facilitator=coordinator,
        created_by=coordinator,
        lessons=course.lessons() if course else (),
    )
    attendance_record(
        meeting=circle,
        actor=coordinator,
        user_ids=[person.pk for person in people if person],
    )
    # Closed today: closing it is what credits its lessons, and they are
    # credited today.
    meeting_close(meeting=circle, actor=coordinator)
    make_meeting(
        council,
        "Asamblea ordinaria: agua y seguridad",
        kind=MeetingKind.ORDINARY,
        starts_at=meeting_day(weekday, hour, weeks=2),
        agenda="1. Informe de la comisión del agua.\n2. Propuestas de seguridad.",
        is_public=True,
        created_by=coordinator,
    )
    make_meeting(
        council,
        "Círculo de estudio: democracia participativa",
        kind=MeetingKind.CIRCLE,
        starts_at=meeting_day(weekday, hour, weeks=4),
        is_public=True,
        created_by=coordinator,
    )


def _demo_constitution_request():
    if ConstitutionRequest.objects.exists():
        return
    promoter = _person("promotora", "Elena", "Cruz Navarro", "3398765432")
    coordinator_role = LeadershipRole.objects.get(slug="coordinador-de-consejo")
    founders = [
        {"full_name": "Elena Cruz Navarro", "user": promoter, "role": coordinator_role},
        {"full_name": "Martha Ibarra Solís"},
        {"full_name": "Francisco Delgado Ruiz"},
        {"full_name": "Guadalupe Torres Lara"},
        {"full_name": "Miguel Ángel Salas"},
        {"full_name": "Rocío Aguilar Peña"},
    ]
    # The promoter sent the request naming herself: that is her confirmation.
    constitution_submit(
        requester=promoter,
        data={
            "proposed_name": "Consejo Comunitario Zapopan Norte",
            "state": State.objects.get(code="14"),
            "municipality": Municipality.objects.get(state__code="14", code="120"),
            "assembly_on": timezone.localdate() - timedelta(days=6),
            "assembly_place": "Parque de la colonia Constitución",
        },
        founders=founders,
        acta=ContentFile(DEMO_ACTA, name=f"acta-{uuid.uuid4().hex[:8]}.pdf"),
    )
