"""The rule that keeps the cadre dashboard's summaries true, kept by the code:
a bulk write (``update``, ``bulk_create``) to a table readiness reads sends no
signal, yet marks the members it touches stale, in the writer's transaction;
members it does not touch keep their rows as they were."""

from datetime import timedelta

import pytest
from django.utils import timezone

from councils.factories import assign, join, make_council, make_person, role
from councils.models import (
    Attendance,
    Meeting,
    MeetingKind,
    MemberProgress,
    Membership,
    MembershipStatus,
    MentorSignOff,
    RoleAssignment,
)
from courses.factories import CoursePageFactory, LessonPageFactory
from courses.models import Enrollment, LessonCompletion

pytestmark = pytest.mark.django_db


@pytest.fixture
def council():
    return make_council()


@pytest.fixture
def people(council):
    """Two active members, each with an up-to-date progress row."""
    found = [make_person(name) for name in ("ana", "bea")]
    for person in found:
        join(person, council)
    fresh(*found)
    return found


def fresh(*users):
    MemberProgress.objects.mark_stale(user.pk for user in users)
    MemberProgress.objects.filter(pk__in=[user.pk for user in users]).update(
        stale=False
    )


def stale(user):
    return MemberProgress.objects.filter(pk=user.pk, stale=True).exists()


def test_a_membership_updated_in_bulk_marks_its_member_stale(people):
    ana, bea = people
    Membership.objects.filter(user=ana).update(
        joined_on=timezone.localdate() - timedelta(days=400)
    )
    assert stale(ana)
    assert not stale(bea)


def test_a_membership_created_in_bulk_marks_its_member_stale(council):
    carla = make_person("carla")
    Membership.objects.bulk_create(
        [
            Membership(
                user=carla,
                council=council,
                status=MembershipStatus.ACTIVE,
                joined_on=timezone.localdate(),
            )
        ]
    )
    assert stale(carla)


def test_attendance_created_in_bulk_marks_its_members_stale(council, people):
    ana, bea = people
    circle = Meeting.objects.create(
        council=council,
        kind=MeetingKind.CIRCLE,
        starts_at=timezone.now() - timedelta(days=2),
        closed_at=timezone.now(),
    )
    fresh(ana, bea)
    Attendance.objects.bulk_create([Attendance(meeting=circle, user=ana)])
    assert stale(ana)
    assert not stale(bea)


def test_a_circle_closed_in_bulk_marks_its_attendees_and_facilitator_stale(
    council, people
):
    ana, bea = people
    carla = make_person("carla")
    join(carla, council)
    circle = Meeting.objects.create(
        council=council,
        kind=MeetingKind.CIRCLE,
        starts_at=timezone.now() - timedelta(days=2),
        facilitator=bea,
    )
    Attendance.objects.create(meeting=circle, user=ana)
    fresh(ana, bea, carla)
    Meeting.objects.filter(pk=circle.pk).update(closed_at=timezone.now())
    assert stale(ana) and stale(bea)
    assert not stale(carla)


def test_an_office_ended_in_bulk_marks_its_holder_stale(council, people):
    ana, bea = people
    assign(ana, "promotor-comunitario", council=council)
    fresh(ana)
    RoleAssignment.objects.filter(user=ana).update(ended_on=timezone.localdate())
    assert stale(ana)
    assert not stale(bea)


def test_a_sign_off_created_in_bulk_marks_its_mentee_stale(people):
    ana, bea = people
    MentorSignOff.objects.bulk_create(
        [MentorSignOff(mentee=ana, role=role("coordinador-de-consejo"))]
    )
    assert stale(ana)
    assert not stale(bea)


@pytest.fixture
def course():
    return CoursePageFactory(title="Asambleas que deciden")


def test_a_course_completed_in_bulk_marks_its_member_stale(people, course):
    ana, bea = people
    Enrollment.objects.bulk_create(
        [Enrollment(user=ana, course=course, completed_at=timezone.now())]
    )
    assert stale(ana)
    assert not stale(bea)


def test_enrolments_updated_in_bulk_mark_their_members_stale(people, course):
    ana, bea = people
    Enrollment.objects.create(user=ana, course=course)
    fresh(ana)
    Enrollment.objects.filter(user=ana).update(completed_at=timezone.now())
    assert stale(ana)
    assert not stale(bea)


def test_lessons_completed_in_bulk_mark_their_members_stale(people, course):
    ana, bea = people
    lesson = LessonPageFactory(parent=course, title="Qué es un consejo")
    LessonCompletion.objects.bulk_create(
        [LessonCompletion(user=ana, lesson=lesson, course=course)]
    )
    assert stale(ana)
    assert not stale(bea)
    fresh(ana)
    LessonCompletion.objects.filter(user=ana).update(completed_at=timezone.now())
    assert stale(ana)
