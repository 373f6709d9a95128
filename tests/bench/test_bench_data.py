"""bench_data builds a consistent data set at any size (here 60 members in six
councils, with fewer courses so it takes a second or two), and bench_cadres
measures it and writes its section of docs/benchmarks.md without touching the
rest of the file."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, Exists, F, OuterRef
from django.test import override_settings
from wagtail.signals import page_published

from bench import report
from bench.generator import delete_bench_data
from bench.sizes import (
    COUNCIL_LEADER,
    MEASURED_COUNCIL_SLUG,
    MEASURED_STATE_CODE,
    NATIONAL_LEADER,
    RICH_MEMBER,
    STATE_LEADER,
    Sizes,
)
from councils.cadres.readiness import member_readiness
from councils.models import (
    Attendance,
    CouncilPage,
    Meeting,
    Membership,
    RoleAssignment,
)
from councils.models.scopes import leader_scope
from courses import signals
from courses.models import (
    CourseBooklet,
    CoursePage,
    Enrollment,
    LessonCompletion,
)
from courses.tasks import build_course_booklet
from members.models import User

pytestmark = pytest.mark.django_db

SMALL = {"members": 60, "councils": 6, "courses": 6, "lessons": 4}


def build(**options):
    out = StringIO()
    call_command("bench_data", allow_sqlite=True, stdout=out, **SMALL, **options)
    return out.getvalue()


def bench_users():
    return User.objects.filter(username__startswith="bench-")


def test_the_measured_sizes_scale_with_the_members():
    full = Sizes(members=50_000, councils=500)
    assert (full.council_members, full.state_members, full.state_councils) == (
        200,
        5_000,
        50,
    )
    tenth = Sizes(members=5_000, councils=50)
    assert (tenth.council_members, tenth.state_members) == (20, 500)
    small = Sizes(**SMALL)
    # Never below five members (the privacy threshold), two councils per state.
    assert (small.council_members, small.state_members, small.state_councils) == (
        5,
        6,
        2,
    )
    assert not small.problems()
    assert Sizes(members=8, councils=6).problems()
    assert Sizes(members=60, councils=2).problems()


def test_a_small_data_set_is_complete_and_consistent(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks() as callbacks:
        output = build()

    # No booklet PDF was queued, and the receiver that queues them is back.
    assert not [
        callback
        for callback in callbacks
        if getattr(callback, "func", None) == build_course_booklet.delay
    ]
    assert page_published.disconnect(dispatch_uid="courses-booklet")
    signals.connect()

    sizes = Sizes(**SMALL)
    users = bench_users()
    assert users.count() == 60
    assert "lesson completions" in output
    active = Membership.objects.filter(status="activa", user__in=users)
    assert active.count() == 60
    assert not active.values("user").annotate(n=Count("pk")).filter(n__gt=1).exists()
    measured = CouncilPage.objects.get(slug=MEASURED_COUNCIL_SLUG)
    assert measured.live and measured.state.code == MEASURED_STATE_CODE
    assert active.filter(council=measured).count() == sizes.council_members
    assert (
        active.filter(council__state__code=MEASURED_STATE_CODE).count()
        == sizes.state_members
    )
    assert CouncilPage.objects.filter(slug__startswith="bench-").count() == 6

    courses = CoursePage.objects.filter(slug__startswith="bench-")
    assert courses.count() == 6 and all(course.live for course in courses)
    assert all(course.lessons().count() == 4 for course in courses)
    completions = LessonCompletion.objects.filter(user__in=users)
    assert completions.count() > 60
    assert completions.filter(source="circulo").exists()
    assert completions.filter(source="en_linea").exists()
    # Every completion has its enrolment, and names the lesson's own course.
    enrolled = Enrollment.objects.filter(
        user=OuterRef("user"), course=OuterRef("course")
    )
    assert not completions.exclude(Exists(enrolled)).exists()
    assert not completions.exclude(lesson__path__startswith=F("course__path")).exists()
    # An enrolment is completed exactly when all four lessons are.
    done = {
        (row["user"], row["course"]): row["n"]
        for row in completions.values("user", "course").annotate(n=Count("pk"))
    }
    for enrollment in Enrollment.objects.filter(user__in=users):
        lessons = done.get((enrollment.user_id, enrollment.course_id), 0)
        assert (enrollment.completed_at is not None) == (lessons == 4)
        if enrollment.completed_at:
            assert enrollment.completed_at >= enrollment.enrolled_at

    circles = Meeting.objects.filter(council__slug__startswith="bench-", kind="circulo")
    assert circles.exists()
    assert not circles.filter(closed_at__isnull=True).exists()
    assert not circles.filter(lessons__isnull=True).exists()
    assert not circles.filter(facilitator__isnull=True).exists()
    assert Attendance.objects.filter(meeting__in=circles).exists()
    # Who completed a lesson in a circle attended a circle of that lesson.
    for completion in completions.filter(source="circulo"):
        assert Attendance.objects.filter(
            user=completion.user_id,
            meeting__kind="circulo",
            meeting__lessons=completion.lesson_id,
        ).exists()
    assert not CourseBooklet.objects.exists()

    leader = User.objects.get(username=COUNCIL_LEADER)
    state_leader = User.objects.get(username=STATE_LEADER)
    national = User.objects.get(username=NATIONAL_LEADER)
    held = RoleAssignment.objects.active()
    assert held.filter(
        user=leader, role__slug="coordinador-de-consejo", council=measured
    ).exists()
    assert held.filter(
        user=state_leader,
        role__slug="coordinador-estatal",
        state__code=MEASURED_STATE_CODE,
    ).exists()
    assert held.filter(user=national, role__slug="coordinacion-nacional").exists()
    assert leader_scope(leader).council_ids == {measured.pk}
    assert leader_scope(state_leader).state_ids == {measured.state_id}
    assert leader_scope(national).national
    measured.refresh_from_db()
    assert measured.group and leader.groups.filter(pk=measured.group_id).exists()
    assert active.filter(user=leader, council=measured).exists()

    readiness = member_readiness(User.objects.get(username=RICH_MEMBER))
    assert readiness.next_role.slug == "coordinador-de-consejo"
    assert readiness.facts.circles_attended >= 2
    assert readiness.facts.courses_completed >= 6


def test_a_second_run_needs_reset_and_reset_rebuilds_the_same_data():
    build()
    counts = (bench_users().count(), LessonCompletion.objects.count())
    with pytest.raises(CommandError, match="--reset"):
        build()

    output = build(reset=True)

    assert "Deleting the previous benchmark data" in output
    assert (bench_users().count(), LessonCompletion.objects.count()) == counts
    assert CouncilPage.objects.filter(slug=MEASURED_COUNCIL_SLUG).count() == 1

    delete_bench_data()
    assert not bench_users().exists()
    assert not CouncilPage.objects.filter(slug__startswith="bench-").exists()
    assert not CoursePage.objects.filter(slug__startswith="bench-").exists()
    assert not LessonCompletion.objects.exists()


def test_bench_data_refuses_production_settings_and_other_databases():
    with (
        override_settings(SETTINGS_MODULE="cococi_site.settings.production"),
        pytest.raises(CommandError, match="production"),
    ):
        build()
    if connection.vendor != "postgresql":
        with pytest.raises(CommandError, match="PostgreSQL"):
            call_command("bench_data", stdout=StringIO(), **SMALL)
    with pytest.raises(CommandError, match="too few"):
        call_command(
            "bench_data", members=8, councils=6, allow_sqlite=True, stdout=StringIO()
        )


def test_bench_cadres_writes_its_section_and_keeps_the_rest(tmp_path):
    build()
    path = tmp_path / "benchmarks.md"
    path.write_text("# Benchmarks\n\nIntro.\n\n## Other numbers\n\nKeep me.\n")

    call_command(
        "bench_cadres", runs=2, output=str(path), label="tiny", stdout=StringIO()
    )
    call_command(
        "bench_cadres", runs=1, output=str(path), label="tinier", stdout=StringIO()
    )

    text = path.read_text()
    assert text.startswith("# Benchmarks\n\nIntro.\n\n")
    assert "## Other numbers\n\nKeep me.\n" in text
    assert text.count(report.HEADING) == 1
    assert "### tiny" in text and "### tinier" in text
    assert "### Queries by data set" in text
    rows = {row["name"]: row for row in report.load(path)["results"]["tiny"]["rows"]}
    readiness = rows[f"`member_readiness` of one member (`{RICH_MEMBER}`)"]
    assert readiness["status"] == "ok" and readiness["runs"] == 2
    assert readiness["target"] == "≤ 20 ms"
    dashboards = [row for name, row in rows.items() if name.startswith("Dashboard")]
    # Three leaders, each fresh, with 1 % of the rows stale and with every one.
    assert len(dashboards) == 9
    assert all(row["status"] == "ok" for row in dashboards)
    nightly = next(name for name in rows if name.startswith("Nightly refresh"))
    assert rows[nightly]["status"] == "ok" and rows[nightly]["runs"] >= 1
    assert rows[nightly]["target"] == "≤ 90,000 ms"
    catch_ups = [name for name in rows if name.startswith("The worker catching up")]
    assert len(catch_ups) == 2
    for page in ("Member page `/mi-formacion/`", "Lesson, signed in"):
        assert rows[f"{page} (`{RICH_MEMBER}`)"]["status"] == "ok"
    for row in dashboards:
        # Measured, or reported as unavailable with its HTTP status: never a crash.
        assert row["status"] == "ok" or row["status"].startswith("not available")

    # Running again under the same label replaces it.
    call_command(
        "bench_cadres", runs=1, output=str(path), label="tiny", stdout=StringIO()
    )
    assert path.read_text().count("### tiny\n") == 1


def test_bench_data_records_its_time_and_a_size_not_measured_shows(tmp_path):
    path = tmp_path / "benchmarks.md"
    path.write_text("# Benchmarks\n\n## Other numbers\n\nKeep me.\n")

    build(record=str(path), note="Machine shared with a web benchmark")

    text = path.read_text()
    assert "## Other numbers\n\nKeep me.\n" in text
    record = report.load(path)["generation"]["60"]
    assert record["command"].startswith("manage.py bench_data --members 60 ")
    phases = dict(record["phases"])
    assert "activity (circles, assemblies, completions, roles)" in phases
    assert record["seconds"] >= sum(phases.values())
    assert record["peak_memory_mib"] > 0
    # No dashboard measured on it yet: the section still says how it was built.
    assert "### Data sets built, not measured yet" in text
    assert "- 60 members: built by `manage.py bench_data --members 60 " in text
    assert "Machine shared with a web benchmark." in text
