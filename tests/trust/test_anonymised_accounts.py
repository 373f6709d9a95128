"""A deleted (anonymised) account disappears from everything leaders read: the
council's member list, the cadre dashboard and its exports, the "ready for the
next role" notices, the weekly digest, the admin's user search, and the
per-member summaries and caches behind them."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from councils.cadres.services import digest_for
from councils.factories import assign, join, make_council, role
from councils.models import MemberProgress, ReadyEvent
from courses.services import lesson_complete
from members.models import User
from tests.conftest import PASSWORD
from tests.courses.learning_fixtures import make_course, make_lesson

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("worker_keeps_up")]

NAME = ("Eulalia", "Tlacuilo Benavides")
PHONE = "3311224466"
EMAIL = "eulalia.tlacuilo@example.org"
DASHBOARD = "/admin/formacion-de-cuadros/"


@pytest.fixture
def council_world(make_user):
    council = make_council()
    leader = make_user("lider", first_name="Rosaura", last_name="Quintero")
    join(leader, council)
    assign(leader, "coordinador-de-consejo", council=council)
    person = make_user(
        "eulalia",
        first_name=NAME[0],
        last_name=NAME[1],
        phone=PHONE,
        email=EMAIL,
    )
    join(person, council)
    course = make_course("Organización vecinal", axis_number=1)
    lesson = make_lesson(course, "Nuestra asamblea")
    lesson_complete(user=person, lesson=lesson, course=course)
    ReadyEvent.objects.create(
        user=person,
        role=role("promotor-comunitario"),
        council=council,
        detected_at=timezone.now(),
    )
    return council, leader, person


def leader_pages(council, leader):
    """Everything a council leader reads about the council's members."""
    client = Client()
    client.force_login(leader)
    urls = [
        f"/admin/mi-consejo/{council.pk}/",
        f"{DASHBOARD}?consejo={council.pk}",
        f"{DASHBOARD}?consejo={council.pk}&export=csv",
        f"{DASHBOARD}?consejo={council.pk}&export=xlsx",
    ]
    pages = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        body = b"".join(response) if response.streaming else response.content
        pages[url] = body.decode("utf-8", errors="replace")
    return pages


def delete_account(person):
    client = Client()
    client.force_login(person)
    response = client.post("/cuenta/mis-datos/eliminar/", {"password": PASSWORD})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.anonymised_at is not None


def test_a_deleted_member_is_gone_from_every_leader_view_and_export(council_world):
    council, leader, person = council_world
    before = leader_pages(council, leader)
    # The dashboard (and its CSV) showed her, so the check below means something.
    assert NAME[1] in before[f"{DASHBOARD}?consejo={council.pk}"]
    assert NAME[1] in before[f"{DASHBOARD}?consejo={council.pk}&export=csv"]
    assert PHONE in before[f"/admin/mi-consejo/{council.pk}/"]

    delete_account(person)

    for url, body in leader_pages(council, leader).items():
        for trace in (*NAME, PHONE, EMAIL, "eulalia", person.username):
            assert trace not in body, (url, trace)


def test_the_dashboard_counts_no_longer_include_the_deleted_member(council_world):
    council, leader, person = council_world
    client = Client()
    client.force_login(leader)
    before = client.get(f"{DASHBOARD}?consejo={council.pk}").context["dashboard"]

    delete_account(person)

    after = client.get(f"{DASHBOARD}?consejo={council.pk}").context["dashboard"]
    assert after.total == before.total - 1
    # Her summary row no longer belongs to any council (no dashboard reads it).
    progress = MemberProgress.objects.get(user=person)
    assert progress.council_id is None
    assert not progress.active_member


def test_the_ready_notice_and_the_weekly_digest_forget_her(council_world):
    council, leader, person = council_world
    now = timezone.now()
    digest = digest_for(leader, [council], now - timedelta(days=7), now)
    assert [event.user for event in digest["ready"]] == [person]

    delete_account(person)

    assert not ReadyEvent.objects.filter(user=person).exists()
    digest = digest_for(leader, [council], now - timedelta(days=7), now)
    everyone = [
        *(membership.user for membership in digest["new_members"]),
        *(enrollment.user for enrollment in digest["completions"]),
        *(event.user for event in digest["ready"]),
        *digest["inactive"],
    ]
    assert person not in everyone


def test_admin_user_search_finds_nothing_of_her(council_world, superuser):
    _council, _leader, person = council_world
    client = Client()
    client.force_login(superuser)
    assert NAME[1] in client.get("/admin/users/", {"q": "Tlacuilo"}).content.decode()

    delete_account(person)

    for query in ("Tlacuilo", "Eulalia", EMAIL, PHONE, "eulalia"):
        html = client.get("/admin/users/", {"q": query}).content.decode()
        # The search box repeats the query; the results must not.
        html = re.sub(r"<input[^>]*>", "", html)
        assert NAME[1] not in html and EMAIL not in html, query
        assert person.username not in html, query
    assert not User.objects.filter(first_name=NAME[0]).exists()
