"""Hostile input (issue #7): stored XSS. A payload typed into every field that
users fill and the site shows comes out as text, never as markup.

``SOURCES`` stores the payload the way a person would, through the real form;
``PLACES`` lists, for each source, who looks where. One test runs per place.
The plain-text e-mails that carry the same text: ``test_hostile_input_emails.py``.
"""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from councils.models import CouncilPage, LeadershipRole, Meeting, State
from courses.models import Certificate, QuizAttempt
from courses.services import render_certificate_html
from members.models import AccessLog, PrivacyNotice, User
from tests.councils.helpers import signed_in, spanish
from tests.courses.conftest import page_form_data, stream_form_data
from tests.courses.learning_fixtures import make_lesson, quiz_data, quiz_ids
from tests.notifications.conftest import consent
from tests.trust import people
from tests.trust.hostile import (
    PAYLOAD,
    assert_escaped,
    assert_plain_text,
    client_for,
    rename,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("worker_keeps_up")]

GUIDE_URL = "/consejos/como-constituir-un-consejo/"
REASON = "Seguimiento del plan estatal de formación"
FULL_NAME = f"{PAYLOAD} {PAYLOAD}"


def admin(name, *args):
    return reverse(f"councils_admin:{name}", args=args)


def cadres(**params):
    from urllib.parse import urlencode

    return f"{admin('cadre_dashboard')}?{urlencode(params)}"


def with_reason(world, url):
    """``url``, once A's state coordinator has written why they look at
    people by name there (by POST, as the form does)."""
    posted(
        client_for(world, "coordinator-A").post(
            admin("names_reason"),
            {"alcance": f"estado:{people.STATE_A}", "motivo": REASON, "next": url},
        )
    )
    return url


def posted(response, *, status=302):
    assert response.status_code == status, response.content.decode()[:3000]
    return response


# Sources: the payload typed into a form, as a person would.


def member_names(world):
    """A member of A and the mentee of A's mentor rename themselves."""
    rename(client_for(world, "member"), people.MEMBER_EMAIL)
    rename(signed_in(world.mentorship_a.mentee))


def rich_text_with_link(text, url):
    """Draftail's contentstate: a paragraph whose text is one link to ``url``."""
    return json.dumps(
        {
            "blocks": [
                {
                    "key": "a1b2c",
                    "type": "unstyled",
                    "depth": 0,
                    "text": text,
                    "inlineStyleRanges": [],
                    "entityRanges": [{"offset": 0, "length": len(text), "key": 0}],
                }
            ],
            "entityMap": {
                "0": {"type": "LINK", "mutability": "MUTABLE", "data": {"url": url}}
            },
        }
    )


def council_page(world, *, link="https://example.org/"):
    """A's leader publishes A's page with the payload in every text field."""
    council = world.council_a
    data = page_form_data(
        PAYLOAD,
        council.slug,
        municipality=str(council.municipality_id),
        sector=PAYLOAD,
        status=council.status,
        founded_on="",
        meeting_place=PAYLOAD,
        meeting_schedule=PAYLOAD,
        contact_email="",
        contact_phone="",
    )
    data.update(
        stream_form_data(
            "body",
            [
                ("heading", PAYLOAD),
                ("paragraph", rich_text_with_link(PAYLOAD, link)),
                ("quote", {"text": PAYLOAD, "attribution": PAYLOAD}),
            ],
        )
    )
    data["action-publish"] = "action-publish"
    posted(
        client_for(world, "leader-A").post(
            reverse("wagtailadmin_pages:edit", args=[council.pk]), data
        )
    )
    assert CouncilPage.objects.get(pk=council.pk).title == PAYLOAD


def meeting(world):
    """A's leader records a public meeting, with its acta."""
    acta = SimpleUploadedFile("acta.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
    posted(
        client_for(world, "leader-A").post(
            admin("meeting_add", world.council_a.pk),
            {
                "kind": "asamblea_ordinaria",
                "title": PAYLOAD,
                "starts_at": (
                    timezone.localtime() + timezone.timedelta(days=7)
                ).strftime("%Y-%m-%dT%H:%M"),
                "duration_minutes": "90",
                "place": PAYLOAD,
                "modality": "presencial",
                "agenda": PAYLOAD,
                "agreements": PAYLOAD,
                "is_public": "on",
                "acta_file": acta,
            },
        )
    )
    world.new_meeting = Meeting.objects.get(title=PAYLOAD)


def mentor_note(world):
    posted(
        client_for(world, "mentor").post(
            reverse("mentors:mentee", args=[world.mentorship_a.pk]),
            {
                "action": "nota",
                "met_on": timezone.localdate().isoformat(),
                "text": PAYLOAD,
            },
        )
    )


def role_pk(slug):
    return str(LeadershipRole.objects.get(slug=slug).pk)


def constitution_request(world):
    """A member of B asks to constitute a council in A's state."""
    founders = [
        {"username": "rosa.editora", "role": role_pk("coordinador-de-consejo")},
        *({"full_name": PAYLOAD, "phone": ""} for _ in range(4)),
    ]
    data = {
        "proposed_name": PAYLOAD,
        "state": str(State.objects.get(code="14").pk),
        "municipality": str(world.council_a.municipality_id),
        "sector": "",
        "assembly_on": timezone.localdate().isoformat(),
        "assembly_place": PAYLOAD,
        "acta": SimpleUploadedFile("acta.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf"),
        "fundadores-TOTAL_FORMS": "5",
        "fundadores-INITIAL_FORMS": "0",
        "fundadores-MIN_NUM_FORMS": "0",
        "fundadores-MAX_NUM_FORMS": "40",
    }
    for number, founder in enumerate(founders):
        for name in ("full_name", "phone", "username", "role"):
            data[f"fundadores-{number}-{name}"] = founder.get(name, "")
    posted(client_for(world, "member-B").post(GUIDE_URL + "solicitud/", data))


def constitution_rejected(world):
    posted(
        client_for(world, "coordinator-A").post(
            admin("constitution", world.constitution.pk),
            {"action": "rechazar", "reason": PAYLOAD},
        )
    )


def quiz(world):
    """An editor's quiz with the payload in its questions, answers and feedback;
    a member answers it."""
    world.payload_lesson = make_lesson(
        world.course_b,
        "Lección con trampa",
        quiz=quiz_data(
            (PAYLOAD, [(PAYLOAD, True, PAYLOAD), ("Otra", False, PAYLOAD)]),
        ),
    )
    ((question, choices),) = quiz_ids(world.payload_lesson)
    posted(
        client_for(world, "member").post(
            world.payload_lesson.url + "autoevaluacion/", {f"q-{question}": choices[1]}
        )
    )
    world.attempt = QuizAttempt.objects.get(lesson=world.payload_lesson)


def access_reason(world):
    """A state coordinator writes why they look at people by name: the reason
    goes to the access log that national coordination reads."""
    client = client_for(world, "coordinator-A")
    response = client.post(
        reverse("councils_admin:names_reason"),
        {
            "alcance": f"estado:{people.STATE_A}",
            "motivo": PAYLOAD,
            "next": cadres(estado=people.STATE_A, personas=1),
        },
        follow=True,
    )
    assert response.status_code == 200
    assert AccessLog.objects.filter(detail__contains="motivo").exists()


def privacy_summary(world):
    """The short privacy notice, written by the formation team in the admin."""
    PrivacyNotice.objects.filter(pk=PrivacyNotice.objects.current().pk).update(
        summary=PAYLOAD
    )


def nothing(world):
    """The payload travels in the address of the page itself."""


SOURCES = {
    "member-names": member_names,
    "council-page": council_page,
    "meeting": meeting,
    "mentor-note": mentor_note,
    "constitution-request": constitution_request,
    "constitution-rejected": constitution_rejected,
    "quiz": quiz,
    "access-reason": access_reason,
    "privacy-summary": privacy_summary,
    "query": nothing,
}

# (source, who looks, where) — the place's URL is a function of the world; the
# last item says whether the payload is shown there as text (a search strips it).
PLACES = [
    ("member-names", "member", lambda w: reverse("members:my_data"), True),
    ("member-names", "member", lambda w: reverse("members:profile_edit"), True),
    ("member-names", "leader-A", lambda w: admin("council", w.council_a.pk), True),
    (
        "member-names",
        "leader-A",
        lambda w: admin("meeting", w.council_a.pk, w.meeting_a.pk),
        True,
    ),
    (
        "member-names",
        "leader-A",
        lambda w: admin("meeting_attendance", w.council_a.pk, w.meeting_a.pk),
        True,
    ),
    ("member-names", "leader-A", lambda w: admin("mentorships", w.council_a.pk), True),
    ("member-names", "leader-A", lambda w: admin("role_endorse", w.council_a.pk), True),
    ("member-names", "leader-A", lambda w: cadres(consejo=w.council_a.pk), True),
    (
        "member-names",
        "coordinator-A",
        lambda w: with_reason(w, cadres(estado=people.STATE_A, personas=1)),
        True,
    ),
    (
        "member-names",
        "coordinator-A",
        lambda w: admin("constitution", w.constitution.pk),
        True,
    ),
    ("member-names", "mentor", lambda w: reverse("mentors:mentees"), True),
    (
        "member-names",
        "mentor",
        lambda w: reverse("mentors:mentee", args=[w.mentorship_a.pk]),
        True,
    ),
    (
        "member-names",
        "superuser",
        lambda w: reverse("wagtailusers_users:index") + "?q=anacleta",
        True,
    ),
    ("council-page", None, lambda w: w.council_a.url, True),
    ("council-page", None, lambda w: w.state_page_a.url, True),
    ("council-page", None, lambda w: reverse("search") + "?q=img", True),
    ("council-page", "leader-A", lambda w: admin("index") + "?q=img", True),
    ("council-page", "leader-A", lambda w: admin("council", w.council_a.pk), True),
    (
        "council-page",
        "leader-A",
        lambda w: reverse("wagtailadmin_explore", args=[w.council_a.pk]),
        True,
    ),
    (
        "council-page",
        "leader-A",
        lambda w: reverse("wagtailadmin_pages:edit", args=[w.council_a.pk]),
        True,
    ),
    (
        "council-page",
        "coordinator-A",
        lambda w: cadres(estado=people.STATE_A),
        True,
    ),
    (
        "meeting",
        "leader-A",
        lambda w: admin("meeting", w.council_a.pk, w.new_meeting.pk),
        True,
    ),
    ("meeting", "leader-A", lambda w: admin("council", w.council_a.pk), True),
    (
        "meeting",
        "leader-A",
        lambda w: admin("meeting_attendance", w.council_a.pk, w.new_meeting.pk),
        True,
    ),
    (
        "meeting",
        "leader-A",
        lambda w: admin("meeting_edit", w.council_a.pk, w.new_meeting.pk),
        True,
    ),
    ("meeting", None, lambda w: w.council_a.url, True),
    ("meeting", "leader-A", lambda w: reverse("wagtaildocs:index"), True),
    (
        "mentor-note",
        "mentor",
        lambda w: reverse("mentors:mentee", args=[w.mentorship_a.pk]),
        True,
    ),
    ("constitution-request", "member-B", lambda w: GUIDE_URL, True),
    # The founder it names by username, asked to confirm on /mi-formacion/.
    ("constitution-request", "editor", lambda w: reverse("my_formation"), True),
    ("constitution-request", "coordinator-A", lambda w: admin("constitutions"), True),
    (
        "constitution-request",
        "coordinator-A",
        lambda w: admin(
            "constitution",
            w.constitution.__class__.objects.get(proposed_name=PAYLOAD).pk,
        ),
        True,
    ),
    ("constitution-rejected", "member", lambda w: GUIDE_URL, True),
    (
        "constitution-rejected",
        "coordinator-A",
        lambda w: admin("constitution", w.constitution.pk),
        True,
    ),
    ("quiz", "member", lambda w: w.payload_lesson.url, True),
    (
        "quiz",
        "member",
        lambda w: f"{w.payload_lesson.url}?intento={w.attempt.pk}",
        True,
    ),
    (
        "access-reason",
        "national",
        lambda w: (
            "/admin/snippets/members/accesslog/inspect/"
            f"{AccessLog.objects.latest('pk').pk}/"
        ),
        True,
    ),
    ("privacy-summary", None, lambda w: reverse("members:register"), True),
    ("query", None, lambda w: f"{reverse('search')}?q={PAYLOAD}", False),
    ("query", "leader-A", lambda w: f"{admin('index')}?q={PAYLOAD}", True),
    (
        "query",
        "coordinator-A",
        lambda w: cadres(estado=people.STATE_A, personas=1, eje=PAYLOAD),
        True,
    ),
    (
        "query",
        "leader-A",
        lambda w: reverse("wagtailadmin_pages:search") + f"?q={PAYLOAD}",
        False,
    ),
    (
        "query",
        "leader-A",
        lambda w: reverse("wagtaildocs:index") + f"?q={PAYLOAD}",
        False,
    ),
]


def place_id(place):
    source, who, _url, _shown = place
    return f"{source}/{who or 'anonymous'}"


@pytest.mark.parametrize(
    "place", [pytest.param(place, id=place_id(place)) for place in PLACES]
)
def test_stored_payload_comes_out_escaped(hostile_world, place):
    source, who, url, shown = place
    SOURCES[source](hostile_world)

    response = client_for(hostile_world, who).get(url(hostile_world))

    assert response.status_code == 200, response.status_code
    assert_escaped(response.content.decode(), shown=shown)


def test_every_source_is_looked_at():
    assert {place[0] for place in PLACES} == set(SOURCES)


def test_a_javascript_link_in_a_council_page_is_not_published(hostile_world):
    council_page(hostile_world, link="javascript:alert(document.cookie)")

    html = client_for(hostile_world, None).get(hostile_world.council_a.url)

    assert html.status_code == 200
    assert "javascript:" not in html.content.decode()


def test_a_name_is_escaped_in_the_welcome_message(hostile_world):
    response = client_for(hostile_world, None).post(
        reverse("members:register"),
        {
            "first_name": PAYLOAD,
            "last_name": PAYLOAD,
            "username": "intrusa",
            "password1": "una-contraseña-larga-123",
            "password2": "una-contraseña-larga-123",
            "consent_necessary": "on",
        },
        follow=True,
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert_escaped(html)
    assert (
        escape(spanish("Welcome, %(name)s! Your account is ready.")).split(",")[0]
        in html
    )


def test_a_username_with_markup_is_refused(hostile_world):
    users = User.objects.count()

    response = client_for(hostile_world, None).post(
        reverse("members:register"),
        {
            "first_name": "Ana",
            "username": PAYLOAD,
            "password1": "una-contraseña-larga-123",
            "password2": "una-contraseña-larga-123",
            "consent_necessary": "on",
        },
    )

    assert response.status_code == 200
    assert User.objects.count() == users
    assert_escaped(response.content.decode(), shown=False)
    assert "letras" in response.content.decode().lower()


def test_names_typed_by_leaders_come_out_escaped(hostile_world):
    """Registering a member without internet, and importing members from a
    CSV: the sign-in codes page and the preview show the names as text."""
    client = client_for(hostile_world, "leader-A")
    council = hostile_world.council_a

    codes = client.post(
        admin("member_register", council.pk),
        {"first_name": PAYLOAD, "last_name": PAYLOAD, "paper_consent": "on"},
    )
    quoted = PAYLOAD.replace('"', '""')
    preview = client.post(
        admin("members_import", council.pk),
        {
            "step": "preview",
            "paper_consent": "on",
            "file": SimpleUploadedFile(
                "integrantes.csv",
                f'nombre,apellidos\n"{quoted}","{quoted}"\n'.encode(),
                "text/csv",
            ),
        },
    )

    assert codes.status_code == 200 and preview.status_code == 200
    assert_escaped(codes.content.decode())
    assert_escaped(preview.content.decode())


def test_the_constancia_shows_the_name_as_text(
    hostile_world, mailoutbox, django_capture_on_commit_callbacks
):
    """A member with the payload for a name completes a course: the public
    verification page, the PDF's HTML and the e-mail carry it as text."""
    world = hostile_world
    consent(world.member)  # the constancia's e-mail is a notice
    client = client_for(world, "member")
    rename(client, people.MEMBER_EMAIL)
    with django_capture_on_commit_callbacks(execute=True):
        posted(client.post(world.lesson.url + "completar/"))
        posted(
            client.post(world.quiz_lesson.url + "autoevaluacion/", world.quiz_answers)
        )
    certificate = Certificate.objects.get(user=world.member, course=world.course_b)
    assert certificate.person_name == FULL_NAME

    page = client_for(world, None).get(
        reverse("courses:certificate_verify", args=[certificate.code])
    )

    assert page.status_code == 200
    assert_escaped(page.content.decode())
    assert_escaped(render_certificate_html(certificate))
    assert_plain_text(mailoutbox[-1], FULL_NAME)
