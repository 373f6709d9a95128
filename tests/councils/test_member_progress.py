"""Per-member progress summaries (``MemberProgress``) as a leader meets them in
the cadre dashboard: whatever a service or the ORM changes shows on the very
next request, with no task run in between; what is written behind the signals'
back is caught by the nightly recompute; months of membership grow with the
calendar; and a dashboard with nothing to recompute writes nothing."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from councils.cadres.progress import progress_catch_up, progress_refresh_all
from councils.cadres.readiness import member_readiness
from councils.cadres.services import role_endorse
from councils.factories import assign, join, make_person, role
from councils.models import (
    Meeting,
    MeetingKind,
    MemberProgress,
    Membership,
    MembershipStatus,
    ReadyEvent,
    RequirementKind,
    RoleRequirement,
)
from councils.personal_data import erase_memberships
from councils.services.meetings import attendance_record, meeting_close
from councils.services.membership import membership_decide, membership_end
from courses.cache import axes_ordered
from courses.models import Axis, Enrollment
from courses.services import lesson_complete
from tests.councils import test_cadre_dashboard as cadre
from tests.councils.helpers import signed_in, text_of
from tests.councils.test_cadre_dashboard import dashboard_url, days_ago
from tests.councils.test_mentors_and_endorsement import assembly
from tests.courses.learning_fixtures import make_course, make_lesson

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("worker_keeps_up")]

# The dashboard tests' people: Santa Cecilia's six members (Ximena ready for
# "Promotor/a comunitario/a", Yolanda at 88% for lack of a month, Zoe at 50%,
# Wendy at 0%, Valeria with a 3-hour course, Ursula "Enlace de eje"), its
# coordinator, the coordinator of Jalisco and the national coordination.
santa = cadre.santa
second_axis_course = cadre.second_axis_course
santa_members = cadre.santa_members
santa_leader = cadre.santa_leader
jalisco = cadre.jalisco
national = cadre.national

PROMOTER = "Promotor/a comunitario/a"
COUNCIL_LEADER = "Coordinador/a de consejo"
MY_FORMATION = "/mi-formacion/"


@pytest.fixture
def media(settings, tmp_path):
    """The assembly's acta is written to a folder of this test only."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def dashboard(client, **params):
    """The dashboard of the next request. Its ``members`` are read from the
    database when iterated: read them before changing anything."""
    response = client.get(dashboard_url(**params))
    assert response.status_code == 200
    return response.context["dashboard"]


def rows_of(found):
    return {row["name"].split()[0]: row for row in found.members}


def rows(client):
    """The council view's per-person rows, by first name."""
    return rows_of(dashboard(client))


def council_row(client, council):
    """A state view's row for ``council``."""
    return next(
        row for row in dashboard(client).councils if row["council"] == council.title
    )


def pipeline(found):
    return {step["role"]: step["members"] for step in found.pipeline}


def requirement(kind, role_slug="promotor-comunitario"):
    return RoleRequirement.objects.get(role__slug=role_slug, kind=kind)


# Changes made through the services show on the next request


def test_completing_a_course_s_last_lesson_shows_on_the_leader_s_next_request(
    santa_members, santa_leader
):
    wendy = santa_members["Wendy"]
    course = make_course("Memoria del barrio", axis_number=3, hours=5, publish=False)
    first = make_lesson(course, "Escuchar a las vecinas", publish=False)
    last = make_lesson(course, "Contar nuestra historia", publish=False)
    client = signed_in(santa_leader)
    lesson_complete(user=wendy, lesson=first, course=course)
    halfway = rows(client)["Wendy"]

    lesson_complete(user=wendy, lesson=last, course=course)
    done = rows(client)["Wendy"]

    assert (halfway["courses"], halfway["hours"]) == (0, 0)
    assert (done["courses"], done["hours"]) == (1, 5.0)
    assert done["readiness"] == 31  # 5 of the 8 hours, 1 of the 3 months
    third_axis = Axis.objects.get(number=3)
    assert set(rows_of(dashboard(client, eje=third_axis.slug))) == {"Wendy"}


def test_closing_a_study_circle_counts_at_once_for_those_present(
    santa, santa_members, santa_leader, jalisco
):
    zoe, wendy = santa_members["Zoe"], santa_members["Wendy"]
    circle = Meeting.objects.create(
        council=santa,
        kind=MeetingKind.CIRCLE,
        starts_at=days_ago(1),
        duration_minutes=180,
    )
    leader, state = signed_in(santa_leader), signed_in(jalisco)
    before = council_row(state, santa)

    attendance_record(meeting=circle, actor=santa_leader, user_ids=[zoe.pk, wendy.pk])
    meeting_close(meeting=circle, actor=santa_leader)

    after = council_row(state, santa)
    members = rows(leader)

    # Above the council the sums are rounded to a multiple of 5: circles 6
    # then 8 (5, then 10), hours 23 then 29 (25, then 30).
    assert (before["circles"], after["circles"]) == (5, 10)
    assert (before["hours"], after["hours"]) == (25, 30)
    assert sum(row["circles"] for row in members.values()) == 8
    assert sum(row["hours"] for row in members.values()) == 29
    # Two 2-hour circles before, and this one of three hours.
    assert (members["Zoe"]["circles"], members["Zoe"]["hours"]) == (3, 7.0)
    assert (members["Wendy"]["circles"], members["Wendy"]["hours"]) == (1, 3.0)
    assert members["Ximena"]["circles"] == 2  # absent: unchanged


def test_an_accepted_member_appears_and_an_ended_membership_disappears(
    santa, santa_members, santa_leader
):
    client = signed_in(santa_leader)
    newcomer = make_person("rocio", first_name="Rocío", last_name="Tlaloc")
    request = join(newcomer, santa, status=MembershipStatus.PENDING)
    assert dashboard(client).total == 6

    membership_decide(
        council=santa, membership_id=request.pk, actor=santa_leader, accept=True
    )
    accepted = dashboard(client)
    accepted_names = [row["name"] for row in accepted.members]
    membership_end(council=santa, membership_id=request.pk, actor=santa_leader)
    ended = dashboard(client)

    assert accepted.total == 7
    assert "Rocío Tlaloc" in accepted_names
    assert pipeline(accepted)["Integrante"] == 7
    assert ended.total == 6
    assert "Rocío Tlaloc" not in [row["name"] for row in ended.members]


def test_an_erased_account_disappears_from_the_council_and_the_state_counts(
    santa, santa_members, santa_leader, jalisco
):
    leader, state = signed_in(santa_leader), signed_in(jalisco)
    assert dashboard(state).total == 6  # shown as 5: rounded above the council

    erase_memberships(santa_members["Wendy"])

    assert dashboard(state).total == 5
    assert council_row(state, santa)["members"] == 5
    erase_memberships(santa_members["Valeria"])
    assert council_row(state, santa)["members"] == "<5"
    assert dashboard(leader).total == 4
    assert "Wendy" not in rows(leader)


# Offices and requirements


def test_an_office_endorsed_by_the_assembly_moves_the_member_along_the_pipeline(
    santa, santa_members, santa_leader, media
):
    ximena = santa_members["Ximena"]
    client = signed_in(santa_leader)
    before = dashboard(client)

    role_endorse(
        council=santa,
        actor=santa_leader,
        user=ximena,
        role=role("promotor-comunitario"),
        meeting=assembly(santa),
        started_on=timezone.localdate(),
    )
    after = dashboard(client)

    assert pipeline(before)["Integrante"] == 6
    assert pipeline(before)[PROMOTER] == 0
    assert pipeline(after)["Integrante"] == 5
    assert pipeline(after)[PROMOTER] == 1
    row = rows_of(after)["Ximena"]
    assert (row["current_role"], row["next_role"]) == (PROMOTER, COUNCIL_LEADER)
    assert row["ready"] is False
    # Toward the council's coordination: the office, half the circles, 8 of
    # 20 hours and half the months of its eight requirements.
    assert row["readiness"] == 30


def test_an_office_saved_or_ended_through_the_orm_moves_the_member_too(
    santa, santa_members, santa_leader
):
    zoe = santa_members["Zoe"]
    client = signed_in(santa_leader)
    assert rows(client)["Zoe"]["current_role"] == "Integrante"

    office = assign(zoe, "promotor-comunitario", council=santa)
    promoted = rows(client)["Zoe"]
    office.ended_on = timezone.localdate()
    office.save()
    ended = rows(client)["Zoe"]

    assert (promoted["current_role"], promoted["next_role"]) == (
        PROMOTER,
        COUNCIL_LEADER,
    )
    assert (ended["current_role"], ended["next_role"]) == ("Integrante", PROMOTER)


def test_a_changed_requirement_changes_readiness_on_the_next_request(
    santa_members, santa_leader
):
    zoe = santa_members["Zoe"]  # two circles, 4 of 8 hours, a new member
    client = signed_in(santa_leader)
    assert rows(client)["Zoe"]["readiness"] == 50
    assert member_readiness(zoe).percent == 50  # the pathway is now cached

    hours = requirement(RequirementKind.HOURS)
    hours.number = 4
    hours.save()

    assert rows(client)["Zoe"]["readiness"] == 66  # circles and hours met
    assert member_readiness(zoe).percent == 66


def test_a_deleted_requirement_changes_readiness_on_the_next_request(
    santa_members, santa_leader
):
    yolanda = santa_members["Yolanda"]  # short only of a month of membership
    client = signed_in(santa_leader)
    assert rows(client)["Yolanda"]["readiness"] == 88
    assert member_readiness(yolanda).ready is False

    requirement(RequirementKind.MEMBERSHIP_MONTHS).delete()

    found = dashboard(client)
    row = rows_of(found)["Yolanda"]
    assert (row["readiness"], row["ready"]) == (100, True)
    assert member_readiness(yolanda).ready is True
    assert yolanda in [event.user for event in found.ready_events]


# The nightly recompute


def test_rows_written_in_bulk_are_counted_after_the_nightly_recompute(
    santa, santa_members, santa_leader, second_axis_course
):
    client = signed_in(santa_leader)
    assert dashboard(client).total == 6
    quiet = make_person("quieta", first_name="Quieta", last_name="Tlaloc")
    # Bulk writes send no post_save; their querysets mark the members stale,
    # and the nightly recompute counts them whatever wrote them.
    joined = Membership(
        user=quiet,
        council=santa,
        status=MembershipStatus.ACTIVE,
        joined_on=timezone.localdate(),
    )
    Membership.objects.bulk_create([joined])
    wendy = santa_members["Wendy"]
    done = Enrollment(user=wendy, course=second_axis_course, completed_at=days_ago(1))
    Enrollment.objects.bulk_create([done])

    progress_refresh_all()

    found = rows(client)
    assert len(found) == 7
    assert "Quieta" in found
    assert (found["Wendy"]["courses"], found["Wendy"]["hours"]) == (1, 3.0)


def test_a_member_short_only_of_months_becomes_ready_as_the_calendar_turns(
    santa_members, santa_leader
):
    yolanda = santa_members["Yolanda"]  # 70 days a member, circles and hours met
    client = signed_in(santa_leader)
    assert rows(client)["Yolanda"]["ready"] is False
    today = timezone.localdate()

    not_yet = progress_refresh_all(today=today + timedelta(days=19))
    became = progress_refresh_all(today=today + timedelta(days=20))
    again = progress_refresh_all(today=today + timedelta(days=20))

    assert (not_yet, became, again) == (0, 1, 0)
    assert ReadyEvent.objects.filter(user=yolanda).count() == 1
    found = dashboard(client)
    row = rows_of(found)["Yolanda"]
    assert (row["readiness"], row["ready"]) == (100, True)
    assert yolanda in [event.user for event in found.ready_events]


# Nothing stale, nothing written


def write_statements(context):
    return [
        query["sql"]
        for query in context.captured_queries
        if query["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]


def test_a_catch_up_with_nothing_to_do_reads_four_times_and_writes_nothing(
    santa, santa_members, santa_leader
):
    dashboard(signed_in(santa_leader))
    members = MemberProgress.objects.filter(user__in=santa_members.values())
    assert members.count() == 6
    assert not members.filter(stale=True).exists()

    with CaptureQueriesContext(connection) as context:
        found = progress_catch_up()

    assert found == 0
    assert write_statements(context) == []
    # Work asked for, stale members, councils and states to add up: none.
    reads = [
        query
        for query in context.captured_queries
        if not query["sql"].startswith(("SAVEPOINT", "RELEASE"))
        and "pg_advisory" not in query["sql"]  # one recomputation at a time
    ]
    assert len(reads) == 4


def test_the_worker_leaves_no_row_stale_and_then_writes_nothing(
    santa_members, national
):
    client = signed_in(national)
    assert MemberProgress.objects.filter(stale=True).exists()

    dashboard(client)
    assert not MemberProgress.objects.filter(stale=True).exists()
    with CaptureQueriesContext(connection) as context:
        found = progress_catch_up()

    assert found == 0
    assert write_statements(context) == []


def test_the_nightly_recompute_rewrites_no_row_whose_figures_did_not_change(
    santa_members,
):
    progress_refresh_all()

    with CaptureQueriesContext(connection) as context:
        found = progress_refresh_all()

    assert found == 0
    # The totals are added up again (their time moves on); no member's row.
    assert not [
        sql for sql in write_statements(context) if "councils_memberprogress" in sql
    ]
    assert not MemberProgress.objects.filter(stale=True).exists()


# Courses and axes


def test_a_course_republished_with_other_hours_changes_its_completers_hours(
    santa_members, santa_leader, second_axis_course
):
    client = signed_in(santa_leader)
    assert rows(client)["Valeria"]["hours"] == 3.0

    second_axis_course.estimated_hours = 5
    second_axis_course.save_revision().publish()

    assert rows(client)["Valeria"]["hours"] == 5.0


def test_a_renamed_axis_shows_at_once_where_axes_are_listed(
    santa_members, santa_leader
):
    member, leader = signed_in(santa_members["Valeria"]), signed_in(santa_leader)
    axis = Axis.objects.get(number=2)
    old = axis.name
    assert old in text_of(member.get(MY_FORMATION))
    assert old in text_of(leader.get(dashboard_url()))

    axis.name = "Economía de los cuidados"
    axis.save()

    assert axes_ordered()[1].name == "Economía de los cuidados"
    for page in (
        text_of(member.get(MY_FORMATION)),
        text_of(leader.get(dashboard_url())),
    ):
        assert "Economía de los cuidados" in page
        assert old not in page
