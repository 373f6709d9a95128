"""Hostile input (issue #7) in addresses: search boxes and filters given SQL,
NUL bytes, emoji and 10,000 characters answer normally; a ``next`` (or a
Referer) pointing off-site never sends anyone there."""

import html
import re
from urllib.parse import urlencode, urlsplit

import pytest
from django.db import transaction
from django.urls import reverse

from tests.conftest import PASSWORD
from tests.trust import people
from tests.trust.hostile import client_for, device_being_set_up, totp_now

pytestmark = pytest.mark.django_db

# Search strings

STRINGS = {
    "sql-or": "' OR 1=1 --",
    "sql-drop": '"; DROP TABLE councils_councilpage; --',
    "nul": "consejo\x00' OR 1=1",
    "emoji": "🌽 consejo 💪🏽 asamblea",
    "wildcards": "%_\\%",
    "long": "consejo comunitario " * 500,  # 10,000 characters
}

SEARCHES = {
    "site-search": (None, lambda w: reverse("search"), "q"),
    "my-councils": ("leader-A", lambda w: reverse("councils_admin:index"), "q"),
    "admin-pages": ("leader-A", lambda w: reverse("wagtailadmin_pages:search"), "q"),
    "admin-documents": ("leader-A", lambda w: reverse("wagtaildocs:index"), "q"),
    "admin-images": ("leader-A", lambda w: reverse("wagtailimages:index"), "q"),
    "admin-users": ("superuser", lambda w: reverse("wagtailusers_users:index"), "q"),
    "access-log": ("national", lambda w: "/admin/snippets/members/accesslog/", "q"),
    "constitutions": (
        "coordinator-A",
        lambda w: reverse("councils_admin:constitutions"),
        "estado",
    ),
    "courses-level": (None, lambda w: w.course_b.get_parent().url, "nivel"),
    "courses-axis": (None, lambda w: w.course_b.get_parent().url, "eje"),
    "courses-tag": (None, lambda w: w.course_b.get_parent().url, "etiqueta"),
    "materials-kind": (None, lambda w: "/materiales/", "tipo"),
    "state-page": (None, lambda w: w.state_page_a.url, "pagina"),
    "lesson-attempt": ("member", lambda w: w.quiz_lesson.url, "intento"),
}
# The cadre dashboard's filters, within a state its coordinator holds.
# (``motivo`` is no filter any more, nor read from the address: sent anyway.)
DASHBOARD_FILTERS = ["eje", "cargo", "avance", "inactivos", "p", "motivo", "export"]


@pytest.mark.parametrize("search", list(SEARCHES))
def test_a_hostile_search_answers_normally(hostile_world, search):
    who, url, parameter = SEARCHES[search]
    client = client_for(hostile_world, who)

    for name, string in STRINGS.items():
        response = client.get(url(hostile_world), {parameter: string})

        assert response.status_code == 200, name


@pytest.mark.parametrize("parameter", DASHBOARD_FILTERS)
def test_a_hostile_dashboard_filter_answers_normally(hostile_world, parameter):
    client = client_for(hostile_world, "coordinator-A")

    for name, string in STRINGS.items():
        response = client.get(
            reverse("councils_admin:cadre_dashboard"),
            {"estado": people.STATE_A, "personas": "1", parameter: string},
        )

        assert response.status_code == 200, name


def test_a_nul_byte_in_an_address_is_not_found(hostile_world):
    """A NUL byte reaches no page (PostgreSQL cannot even compare it)."""
    client = client_for(hostile_world, "member")
    for path in (
        "/consejos/%00/",
        hostile_world.council_a.url + "%00/",
        "/constancias/%00/",
        "/constancias/a%00b/pdf/",
        "/no-existe%00/",
    ):
        assert client.get(path).status_code == 404, path


# next= and other ways of being sent elsewhere

ELSEWHERE = [
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example/",
    "\\\\evil.example/",
    "/\t/evil.example/",
    "https:evil.example",
    "http://testserver@evil.example/",
    "javascript:alert(document.cookie)",
]


def on_site(url):
    """Whether a browser would stay here: it drops tabs and newlines and reads
    a backslash as a slash."""
    url = re.sub(r"[\t\n\r]", "", html.unescape(url).strip()).replace("\\", "/")
    parts = urlsplit(url)
    if parts.scheme and not parts.netloc:  # "https:evil.example" leaves too
        return False
    return parts.scheme in ("", "http", "https") and parts.netloc in ("", "testserver")


def assert_stays(response):
    """A redirect stays on this site, and so do the page's links, forms and
    ``next`` fields."""
    assert on_site(response.get("Location", "")), response["Location"]
    if response.status_code == 200:
        page = response.content.decode()
        targets = re.findall(r'(?:href|action)="([^"]*)"', page) + re.findall(
            r'name="next"[^>]*value="([^"]*)"', page
        )
        assert targets
        for target in targets:
            assert on_site(target), target


def sign_in(world, target):
    return client_for(world, None).post(
        reverse("members:login") + "?" + urlencode({"next": target}),
        {"username": "anacleta", "password": PASSWORD},
    )


def sign_in_form(world, target):
    return client_for(world, None).get(
        reverse("members:login") + "?" + urlencode({"next": target})
    )


def admin_sign_in(world, target):
    return client_for(world, None).post(
        reverse("wagtailadmin_login"),
        {"username": "leocadia", "password": PASSWORD, "next": target},
    )


def register(world, target):
    return client_for(world, None).post(
        reverse("members:register"),
        {
            "first_name": "Nicanora",
            "username": "nicanora",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "consent_necessary": "on",
            "next": target,
        },
    )


def register_form(world, target):
    return client_for(world, None).get(
        reverse("members:register") + "?" + urlencode({"next": target})
    )


def sign_out(world, target):
    return client_for(world, "member").post(reverse("members:logout"), {"next": target})


def language(world, target):
    return client_for(world, None).post(
        reverse("set_language"), {"language": "en", "next": target}
    )


def language_by_referer(world, target):
    return client_for(world, None).post(
        reverse("set_language"), {"language": "en"}, HTTP_REFERER=target
    )


def second_step(world, target):
    return client_for(world, "guarded").post(
        reverse("members:two_factor_verify"),
        {"code": world.recovery_codes[1], "next": target},
    )


def second_step_form(world, target):
    return client_for(world, "guarded").get(
        reverse("members:two_factor_verify") + "?" + urlencode({"next": target})
    )


def second_step_set_up(world, target):
    """The codes page after setting the app up links to ``next``."""
    client = client_for(world, "member-B")
    client.get(reverse("members:two_factor"))
    device = device_being_set_up(world, "member-B")
    return client.post(
        reverse("members:two_factor"), {"code": totp_now(device), "next": target}
    )


def second_step_status(world, target):
    return client_for(world, "guarded-verified").get(
        reverse("members:two_factor") + "?" + urlencode({"next": target})
    )


def code_sign_in(world, target):
    return client_for(world, None).post(
        reverse("members:sign_in_code") + "?" + urlencode({"next": target}),
        {
            "username": world.offline.username,
            "code": world.offline_code,
            "next": target,
        },
    )


def first_password(world, target):
    return client_for(world, "offline").post(
        reverse("members:password_first_set") + "?" + urlencode({"next": target}),
        {"new_password1": PASSWORD, "new_password2": PASSWORD, "next": target},
    )


REDIRECTORS = {
    "sign-in": sign_in,
    "sign-in-form": sign_in_form,
    "admin-sign-in": admin_sign_in,
    "code-sign-in": code_sign_in,
    "first-password": first_password,
    "register": register,
    "register-form": register_form,
    "sign-out": sign_out,
    "language": language,
    "language-referer": language_by_referer,
    "second-step": second_step,
    "second-step-form": second_step_form,
    "second-step-set-up": second_step_set_up,
    "second-step-status": second_step_status,
}


@pytest.mark.parametrize("redirector", list(REDIRECTORS))
def test_next_never_leads_off_site(hostile_world, redirector):
    for target in ELSEWHERE:
        # Each attempt from scratch: a sign-in or a used code changes the world.
        with transaction.atomic():
            response = REDIRECTORS[redirector](hostile_world, target)

            assert response.status_code in (200, 302), (target, response.status_code)
            assert_stays(response)
            transaction.set_rollback(True)


@pytest.mark.parametrize("redirector", ["sign-in", "language", "second-step"])
def test_next_on_this_site_is_followed(hostile_world, redirector):
    """The same views do honour a target on this site: the refusals are the
    targets'."""
    response = REDIRECTORS[redirector](hostile_world, "/cursos/?eje=1")

    assert response.status_code == 302
    assert response["Location"] == "/cursos/?eje=1"


# NUL bytes in forms

NUL = "a\x00b"
NUL_FORMS = {
    "quiz-answer": (
        "member",
        lambda w: w.quiz_lesson.url + "autoevaluacion/",
        lambda w: {key: [NUL, value] for key, value in w.quiz_answers.items()},
    ),
    "membership-note": (
        "leader-A",
        lambda w: reverse(
            "councils_admin:membership_decide", args=[w.council_a.pk, w.pending_a.pk]
        ),
        lambda w: {"action": "rechazar", "note": NUL},
    ),
    "mentor-note": (
        "mentor",
        lambda w: reverse("mentors:mentee", args=[w.mentorship_a.pk]),
        lambda w: {"action": "nota", "met_on": "2025-01-01", "text": NUL},
    ),
    "profile": (
        "member",
        lambda w: reverse("members:profile_edit"),
        lambda w: {"first_name": NUL, "last_name": NUL, "phone": "", "email": ""},
    ),
    "meeting": (
        "leader-A",
        lambda w: reverse("councils_admin:meeting_add", args=[w.council_a.pk]),
        lambda w: {"kind": NUL, "title": NUL, "place": NUL, "agenda": NUL},
    ),
    "attendance": (
        "leader-A",
        lambda w: reverse(
            "councils_admin:meeting_attendance", args=[w.council_a.pk, w.meeting_a.pk]
        ),
        lambda w: {"present": [NUL]},
    ),
    "sign-in": (
        None,
        lambda w: reverse("members:login"),
        lambda w: {"username": NUL, "password": NUL},
    ),
    "sign-in-code": (
        None,
        lambda w: reverse("members:sign_in_code"),
        lambda w: {"username": NUL, "code": NUL},
    ),
    "consents": (
        "member",
        lambda w: reverse("members:consents_update"),
        lambda w: {"voluntary": [NUL]},
    ),
    "second-step": (
        "guarded",
        lambda w: reverse("members:two_factor_verify"),
        lambda w: {"code": NUL},
    ),
    "language": (None, lambda w: reverse("set_language"), lambda w: {"language": NUL}),
    "password-reset": (
        None,
        lambda w: reverse("members:password_reset"),
        lambda w: {"email": NUL},
    ),
}


@pytest.mark.parametrize("form", list(NUL_FORMS))
def test_a_nul_byte_in_a_form_is_refused_or_dropped(hostile_world, form):
    """PostgreSQL stores no NUL byte: a form that passed one on was an error 500."""
    who, url, data = NUL_FORMS[form]

    response = client_for(hostile_world, who).post(
        url(hostile_world), data(hostile_world)
    )

    assert response.status_code < 500


@pytest.mark.parametrize("path", [*ELSEWHERE, "/\\evil.example", "//evil.example"])
def test_a_call_to_action_cannot_lead_off_site(path):
    """The home page's buttons take a path typed by the formation team."""
    from wagtail.blocks import StructBlockValidationError

    from home.blocks import ActionBlock

    block = ActionBlock()
    with pytest.raises(StructBlockValidationError) as refused:
        block.clean(block.to_python({"label": "Únete", "page": None, "path": path}))

    assert "path" in refused.value.block_errors
    assert block.clean(
        block.to_python({"label": "Únete", "page": None, "path": "/cuenta/registro/"})
    )
