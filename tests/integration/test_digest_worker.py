"""The weekly digest through Redis: a real worker detects who became ready,
writes each council leader's DigestDelivery and sends the e-mail from its own
process."""

from datetime import timedelta
from importlib import import_module

import pytest
from django.apps import apps
from django.conf import settings
from django.core import mail
from django.utils import timezone
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page, Site

from councils.cadres.services import week_start
from councils.cadres.tasks import send_weekly_digests
from councils.factories import assign, join, make_council, make_person
from councils.models import (
    Attendance,
    DigestDelivery,
    LeadershipRole,
    Meeting,
    MeetingKind,
    Membership,
    ReadyEvent,
    RoleRequirement,
    State,
)
from courses.models import Axis, CourseIndexPage, Enrollment
from home.models import HomePage
from tests.courses.learning_fixtures import make_course

from .conftest import wait_for


def seed_site():
    """What the migrations ship and a transactional test before this one may
    have flushed: the axes, the page tree with /cursos/ and /consejos/ (a page
    per state), the states, the roles and the pathway's requirements. Each
    piece is rebuilt only when missing, with the migrations' own functions."""
    if not Axis.objects.exists():
        import_module("courses.migrations.0002_seed_axes").seed_axes(apps, None)
    home = HomePage.objects.first()
    if home is None:
        Locale.objects.get_or_create(
            language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
        )
        root = Page.get_first_root_node() or Page.add_root(
            instance=Page(title="Root", slug="root")
        )
        home = root.add_child(
            instance=HomePage(
                title="Consejos Comunitarios Convencionistas", slug="inicio"
            )
        )
        Site.objects.all().delete()
        Site.objects.create(
            hostname="localhost", port=80, root_page=home, is_default_site=True
        )
    if not CourseIndexPage.objects.exists():
        home.add_child(instance=CourseIndexPage(title="Cursos", slug="cursos"))
    if not State.objects.exists() or not LeadershipRole.objects.exists():
        import_module(
            "councils.migrations.0002_seed_states_roles_and_directory"
        ).forwards(apps, None)
    if not RoleRequirement.objects.exists():
        import_module("councils.migrations.0004_seed_pathway").forwards(apps, None)


@pytest.fixture
def council_week(live_worker):
    """A council's week: Lucía joined and finished a course, Mario joined and
    did nothing (new, not inactive), Nora (a member for 45 days) did nothing,
    Rosa (a member for 100 days) attended two 4-hour circles and so meets every
    requirement of "Promotor/a comunitario/a"."""
    seed_site()
    # Without provisioning: the root collection may have been flushed as well.
    council = make_council(
        "Consejo Santa Cecilia",
        municipality_name="Guadalajara",
        publish=False,
        provision=False,
    )
    leader = make_person(
        "ana.lider", first_name="Ana", last_name="Lideresa", email="ana@example.org"
    )
    assign(leader, "coordinador-de-consejo", council=council)
    people = {}
    for username, name in (
        ("lucia", "Lucía"),
        ("mario", "Mario"),
        ("nora", "Nora"),
        ("rosa", "Rosa"),
    ):
        people[username] = make_person(username, first_name=name, last_name="Tlaloc")
        join(people[username], council)
    Membership.objects.filter(user=people["nora"]).update(
        joined_on=timezone.localdate() - timedelta(days=45)
    )
    Membership.objects.filter(user=people["rosa"]).update(
        joined_on=timezone.localdate() - timedelta(days=100)
    )
    for _number in range(2):
        circle = Meeting.objects.create(
            council=council,
            kind=MeetingKind.CIRCLE,
            starts_at=timezone.now() - timedelta(days=2),
            duration_minutes=240,
            closed_at=timezone.now(),
        )
        Attendance.objects.create(meeting=circle, user=people["rosa"])
    course = make_course("Economía solidaria", axis_number=2, publish=False)
    Enrollment.objects.bulk_create(
        [Enrollment(user=people["lucia"], course=course, completed_at=timezone.now())]
    )
    return council, leader, people


def test_the_worker_sends_the_weekly_digest_once(council_week, live_worker):
    council, leader, people = council_week
    assert not DigestDelivery.objects.exists()

    first = send_weekly_digests.delay()

    delivery = wait_for(
        lambda: DigestDelivery.objects.filter(user=leader).first(), timeout=60
    )
    assert delivery.week == week_start()
    assert delivery.summary == {
        "consejos": [council.pk],
        "nuevos": 2,  # Lucía and Mario
        "terminados": 1,  # Lucía's course
        "listos": 1,  # Rosa, detected by the same task
        "inactivos": 1,  # Nora (Mario joined this week)
    }
    event = ReadyEvent.objects.get()
    assert (event.user, event.role.slug) == (people["rosa"], "promotor-comunitario")
    assert mail.outbox == []  # sent by the worker process, not by this one
    # The worker logs each task with what it returned: one digest sent.
    assert wait_for(lambda: finished(live_worker, first.id)).endswith(": 1")
    assert "councils.tasks.send_weekly_digests" in live_worker["log"].read_text()

    # A second run in the same week sends nothing more.
    second = send_weekly_digests.delay()
    assert wait_for(lambda: finished(live_worker, second.id)).endswith(": 0")
    assert DigestDelivery.objects.count() == 1
    assert ReadyEvent.objects.count() == 1


def finished(worker, task_id):
    """The worker's "succeeded" log line of a task, once it is there."""
    for line in worker["log"].read_text().splitlines():
        if f"[{task_id}] succeeded" in line:
            return line.strip()
    return None
