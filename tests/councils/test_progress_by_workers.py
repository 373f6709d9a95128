"""What an editor's change costs the editor, and what the worker does after:
a republished course or a changed role writes one row of work whatever the
number of members concerned; the worker does what it asks, and the nightly
recompute does it too; the dashboard shows "actualizando" meanwhile. (With a
real worker and broker: tests/integration/test_progress_worker.py.)"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from councils.cadres.progress import progress_catch_up, progress_refresh_all
from councils.factories import join, make_council, make_person
from councils.models import (
    CouncilProgress,
    MemberProgress,
    ProgressWork,
    RequirementKind,
    RoleRequirement,
    StateProgress,
)
from courses.models import Enrollment
from tests.courses.learning_fixtures import make_course

pytestmark = pytest.mark.django_db


def completers(course, council, count, start=0):
    people = [make_person(f"persona{start + n}") for n in range(count)]
    for person in people:
        join(person, council)
    Enrollment.objects.bulk_create(
        [
            Enrollment(user=person, course=course, completed_at=timezone.now())
            for person in people
        ]
    )
    return people


def publish_statements(course):
    with CaptureQueriesContext(connection) as context:
        course.save_revision().publish()
    return context.captured_queries


def test_republishing_a_course_costs_the_editor_the_same_for_1_or_40_completers():
    council = make_council("Consejo Santa Cecilia", publish=False, provision=False)
    course = make_course("Memoria del barrio", hours=3)
    completers(course, council, 1)
    progress_refresh_all()
    publish_statements(course)  # Wagtail's own first-time reads
    one = publish_statements(course)
    completers(course, council, 39, start=1)
    progress_refresh_all()
    forty = publish_statements(course)

    assert len(one) == len(forty)
    assert not [q for q in forty if "councils_memberprogress" in q["sql"]]
    # One row asked by the last publish (the nightly recompute did the others).
    assert ProgressWork.objects.filter(course=course).count() == 1
    assert not MemberProgress.objects.filter(stale=True).exists()

    course.estimated_hours = 5
    course.save_revision().publish()
    progress_catch_up()

    assert not ProgressWork.objects.exists()
    assert set(MemberProgress.objects.values_list("hours", flat=True)) == {5.0}
    totals = CouncilProgress.objects.get(council=council)
    assert (totals.members, totals.hours, totals.dirty) == (40, 200.0, False)


def test_a_changed_requirement_waits_for_the_worker_and_then_counts():
    council = make_council("Consejo Santa Cecilia", publish=False, provision=False)
    course = make_course("Memoria del barrio", hours=3)
    completers(course, council, 6)
    progress_refresh_all()
    before = dict(MemberProgress.objects.values_list("pk", "readiness"))
    hours = RoleRequirement.objects.get(
        role__slug="promotor-comunitario", kind=RequirementKind.HOURS
    )

    with CaptureQueriesContext(connection) as editor:
        hours.number = 3
        hours.save()

    assert not [q for q in editor.captured_queries if "memberprogress" in q["sql"]]
    assert ProgressWork.objects.filter(kind=ProgressWork.Kind.EVERYONE).count() == 1
    hours.save()  # saved twice before the worker runs: asked for once
    assert ProgressWork.objects.count() == 1
    assert dict(MemberProgress.objects.values_list("pk", "readiness")) == before

    progress_catch_up()

    after = dict(MemberProgress.objects.values_list("pk", "readiness"))
    assert all(after[pk] > before[pk] for pk in before)
    assert not ProgressWork.objects.exists()


def test_the_nightly_recompute_does_the_work_asked_before_it_started():
    council = make_council("Consejo Santa Cecilia", publish=False, provision=False)
    completers(make_course("Memoria del barrio"), council, 2)
    ProgressWork.objects.create(kind=ProgressWork.Kind.EVERYONE)

    progress_refresh_all()

    assert not ProgressWork.objects.exists()
    assert CouncilProgress.objects.get(council=council).members == 2


def test_a_deleted_council_leaves_its_state_s_sums_with_the_next_catch_up():
    kept = make_council("Consejo Santa Cecilia", publish=False, provision=False)
    gone = make_council(
        "Consejo Oblatos", municipality_code="120", publish=False, provision=False
    )
    course = make_course("Memoria del barrio")
    completers(course, kept, 5)
    completers(course, gone, 5, start=5)
    progress_refresh_all()
    state = StateProgress.objects.get(state_id=gone.state_id)
    assert state.members == 10

    gone.delete()
    progress_catch_up()

    state.refresh_from_db()
    assert (state.members, state.dirty) == (5, False)
