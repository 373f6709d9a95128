"""Readiness toward leadership roles, computed from what members did: courses
completed online or in study circles, hours, circles attended and facilitated,
months of membership, offices held and mentor sign-offs. Also the member's place
on the pathway, the bounded queries for a whole council, and "Mi ruta" on
/mi-formacion/."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext, ngettext

from councils.cadres.readiness import (
    MemberFacts,
    facts_from_records,
    member_facts,
    member_readiness,
    pathway,
    readiness_for,
)
from councils.factories import assign, join, make_council, make_person, role
from councils.models import (
    Attendance,
    Meeting,
    MeetingKind,
    Membership,
    MembershipStatus,
    MentorSignOff,
    RequirementKind,
    RoleAssignment,
    RoleRequirement,
    State,
)
from councils.services.meetings import meeting_close
from courses.cache import axes_ordered
from courses.models import Axis, CompletionSource, Enrollment, LessonCompletion
from courses.services import lesson_complete
from members.models import User
from tests.councils.helpers import signed_in, text_of
from tests.courses.learning_fixtures import make_course, make_lesson

pytestmark = pytest.mark.django_db

MY_FORMATION = "/mi-formacion/"
ASSEMBLY_DECIDES = (
    "You meet every requirement. Your council's assembly decides when to endorse you."
)
# member_facts: completions per axis, required courses completed, circles
# attended, circles facilitated, memberships, offices, sign-offs, last lesson.
MEMBER_FACTS_QUERIES = 8
# readiness_for: the facts; the pathway and the axes come from the cache (two
# queries and one when it is cold).
READINESS_FOR_QUERIES = MEMBER_FACTS_QUERIES


def days_ago(days):
    return timezone.localdate() - timedelta(days=days)


def axis(number):
    return Axis.objects.get(number=number)


def course_on(axis_number, title, hours=3):
    """A live course of the catalogue (no revision: quicker to build)."""
    return make_course(title, axis_number=axis_number, hours=hours, publish=False)


def course_with_lessons(title, *, lessons=2, axis_number=1, hours=4):
    course = course_on(axis_number, title, hours)
    return course, [
        make_lesson(course, f"{title} lección {n}", publish=False)
        for n in range(1, lessons + 1)
    ]


def complete(user, *courses):
    """Completed enrolments, as ``lesson_complete`` leaves them."""
    Enrollment.objects.bulk_create(
        [Enrollment(user=user, course=c, completed_at=timezone.now()) for c in courses]
    )


def requirement(role_slug, kind, **fields):
    return RoleRequirement.objects.create(
        role=role(role_slug), kind=kind, sort_order=90, **fields
    )


def seeded(role_slug, kind):
    return RoleRequirement.objects.get(role__slug=role_slug, kind=kind)


def result_of(user, req):
    """The result of one requirement for ``user``, computed as the site does."""
    route = member_readiness(user, role=req.role)
    return next(r for r in route.readiness.results if r.requirement.pk == req.pk)


def meeting(council, kind=MeetingKind.CIRCLE, *, minutes=120, attendees=(), **fields):
    found = Meeting.objects.create(
        council=council,
        kind=kind,
        starts_at=timezone.now() - timedelta(days=1),
        duration_minutes=minutes,
        **fields,
    )
    Attendance.objects.bulk_create(
        [Attendance(meeting=found, user=person) for person in attendees]
    )
    return found


def closed(council, kind=MeetingKind.CIRCLE, **fields):
    """A meeting closed without the workflow (an assembly would need its acta)."""
    return meeting(council, kind, closed_at=timezone.now(), **fields)


def axis_label(number):
    return gettext("axis %(number)s") % {"number": number}


@pytest.fixture
def council(db):
    return make_council("Consejo Santa Cecilia", provision=False, publish=False)


@pytest.fixture
def leader(council):
    person = make_person("ana.lider", first_name="Ana")
    assign(person, "coordinador-de-consejo", council=council)
    return person


@pytest.fixture
def member(council):
    person = make_person("juana", first_name="Juana")
    join(person, council)
    return person


def close_circle(council, leader, *, attendees, minutes=120, lessons=()):
    """A study circle closed by the council's leader, as in "Mi consejo"."""
    circle = meeting(council, minutes=minutes, attendees=attendees)
    circle.lessons.set(lessons)
    return meeting_close(meeting=circle, actor=leader)


# One requirement kind at a time: unmet, with what is missing, then met after the
# action that meets it.


def test_course_requirement_is_met_when_every_lesson_is_completed_online(member):
    course, lessons = course_with_lessons("Asambleas que deciden")
    req = requirement("promotor-comunitario", RequirementKind.COURSE, course=course)

    result = result_of(member, req)
    assert not result.met
    assert result.missing == gettext("the course «%(title)s»") % {
        "title": "Asambleas que deciden"
    }
    assert result.course == course
    assert (result.current, result.target) == (0, 1)

    lesson_complete(user=member, lesson=lessons[0], course=course)
    assert not result_of(member, req).met  # half a course is not the course

    lesson_complete(user=member, lesson=lessons[1], course=course)
    assert Enrollment.objects.get(user=member, course=course).completed_at
    result = result_of(member, req)
    assert result.met
    assert result.missing == ""
    assert result.course is None


def test_axis_courses_requirement_counts_completed_courses_of_that_axis(member):
    req = requirement(
        "promotor-comunitario", RequirementKind.AXIS_COURSES, axis=axis(4), number=2
    )
    first, second = course_on(4, "Cooperativas 1"), course_on(4, "Cooperativas 2")
    elsewhere = course_on(1, "Asambleas")
    unfinished = course_on(4, "Cooperativas 3")

    result = result_of(member, req)
    assert not result.met
    assert result.missing == ngettext(
        "%(count)s course of %(axis)s", "%(count)s courses of %(axis)s", 2
    ) % {"count": 2, "axis": axis_label(4)}
    assert "2" in result.missing and "4" in result.missing
    assert result.course is None  # the catalogue of the axis, not one course

    complete(member, first, elsewhere)
    Enrollment.objects.create(user=member, course=unfinished)  # not completed
    result = result_of(member, req)
    assert not result.met
    assert (result.current, result.target) == (1, 2)
    assert result.missing == ngettext(
        "%(count)s course of %(axis)s", "%(count)s courses of %(axis)s", 1
    ) % {"count": 1, "axis": axis_label(4)}

    complete(member, second)
    result = result_of(member, req)
    assert result.met
    assert result.missing == ""


def test_every_axis_requirement_names_only_the_axes_still_lacking(member):
    req = seeded("coordinador-estatal", RequirementKind.EVERY_AXIS)
    assert req.number == 1
    complete(member, *(course_on(n, f"Curso del eje {n}") for n in range(1, 5)))

    result = result_of(member, req)
    assert not result.met
    assert (result.current, result.target) == (4, 6)
    assert result.missing == ngettext(
        "%(count)s course in %(axes)s", "%(count)s courses in each of %(axes)s", 1
    ) % {"count": 1, "axes": f"{axis_label(5)}, {axis_label(6)}"}

    complete(member, course_on(5, "Curso del eje 5"), course_on(6, "Curso del eje 6"))
    result = result_of(member, req)
    assert result.met
    assert result.missing == ""


def test_hours_add_completed_courses_and_closed_study_circles(council, leader, member):
    req = seeded("promotor-comunitario", RequirementKind.HOURS)
    assert req.number == 8
    hours_text = gettext("%(hours)s hours of study")
    complete(member, course_on(1, "Asambleas", hours=Decimal("4.0")))
    # Neither a course in progress, an open circle nor an assembly counts.
    Enrollment.objects.create(user=member, course=course_on(2, "Contraloría", 10))
    meeting(council, minutes=600, attendees=[member])
    closed(council, MeetingKind.ORDINARY, minutes=600, attendees=[member])

    result = result_of(member, req)
    assert not result.met
    assert result.current == 4
    assert result.missing == hours_text % {"hours": "4"}

    close_circle(council, leader, attendees=[member], minutes=90)
    result = result_of(member, req)
    assert not result.met
    assert result.current == 5.5
    assert result.missing == hours_text % {"hours": "2.5"}

    complete(member, course_on(3, "Educación popular", hours=Decimal("2.5")))
    result = result_of(member, req)
    assert result.met
    assert result.current == 8
    assert result.missing == ""


def test_circles_attended_count_only_closed_study_circles(council, leader, member):
    req = seeded("promotor-comunitario", RequirementKind.CIRCLES_ATTENDED)
    assert req.number == 2
    meeting(council, attendees=[member])  # not closed yet
    closed(council, MeetingKind.ORDINARY, attendees=[member])  # an assembly
    close_circle(council, leader, attendees=[leader])  # she was absent

    result = result_of(member, req)
    assert not result.met
    assert result.missing == ngettext(
        "to attend %(count)s study circle", "to attend %(count)s study circles", 2
    ) % {"count": 2}

    close_circle(council, leader, attendees=[member, leader])
    result = result_of(member, req)
    assert (result.met, result.current) == (False, 1)
    assert result.missing == ngettext(
        "to attend %(count)s study circle", "to attend %(count)s study circles", 1
    ) % {"count": 1}

    close_circle(council, leader, attendees=[member])
    result = result_of(member, req)
    assert (result.met, result.current, result.missing) == (True, 2, "")


def test_circles_facilitated_count_closed_study_circles_she_led(
    council, leader, member
):
    req = seeded("coordinador-de-consejo", RequirementKind.CIRCLES_FACILITATED)
    assert req.number == 1
    meeting(council, facilitator=member, attendees=[member])  # not closed yet
    closed(council, MeetingKind.ACTION, facilitator=member, attendees=[member])
    close_circle(council, leader, attendees=[member])  # attended, not facilitated

    result = result_of(member, req)
    assert not result.met
    assert result.missing == ngettext(
        "to facilitate %(count)s study circle",
        "to facilitate %(count)s study circles",
        1,
    ) % {"count": 1}

    circle = meeting(council, facilitator=member, attendees=[leader])
    meeting_close(meeting=circle, actor=leader)
    result = result_of(member, req)
    assert (result.met, result.current, result.missing) == (True, 1, "")


def test_membership_months_add_left_memberships_but_not_pending_ones(council):
    req = seeded("promotor-comunitario", RequirementKind.MEMBERSHIP_MONTHS)
    assert req.number == 3
    other = make_council("Consejo Oblatos", provision=False, publish=False)
    person = make_person("pedro")
    Membership.objects.create(
        user=person,
        council=council,
        status=MembershipStatus.ACTIVE,
        joined_on=days_ago(40),
    )
    # A request never accepted and a rejected one count for nothing, whatever
    # date they carry.
    Membership.objects.create(
        user=person,
        council=other,
        status=MembershipStatus.PENDING,
        joined_on=days_ago(900),
    )
    Membership.objects.create(
        user=person,
        council=other,
        status=MembershipStatus.REJECTED,
        joined_on=days_ago(900),
    )

    result = result_of(person, req)
    assert not result.met
    assert result.current == 1
    assert result.missing == ngettext(
        "%(count)s month of active membership",
        "%(count)s months of active membership",
        2,
    ) % {"count": 2}

    # Sixty days in another council before a transfer count as well.
    Membership.objects.create(
        user=person,
        council=other,
        status=MembershipStatus.LEFT,
        joined_on=days_ago(200),
        left_on=days_ago(140),
    )
    result = result_of(person, req)
    assert (result.met, result.current, result.missing) == (True, 3, "")


def test_months_of_a_member_who_left_stop_counting_on_the_day_she_left(council):
    person = make_person("rosa")
    Membership.objects.create(
        user=person,
        council=council,
        status=MembershipStatus.LEFT,
        joined_on=days_ago(400),
        left_on=days_ago(310),
    )
    facts = member_facts([person.pk])[person.pk]
    assert facts.membership_days == 90
    assert facts.membership_months == 3
    assert not facts.active_member
    req = seeded("promotor-comunitario", RequirementKind.MEMBERSHIP_MONTHS)
    assert result_of(person, req).met


def test_role_held_requirement_is_met_by_a_current_or_an_ended_office(council, member):
    req = seeded("coordinador-de-consejo", RequirementKind.ROLE_HELD)
    assert req.required_role.slug == "promotor-comunitario"
    # An office that only starts tomorrow is not held yet.
    assign(member, "promotor-comunitario", council=council, started_on=days_ago(-1))

    result = result_of(member, req)
    assert not result.met
    assert result.missing == gettext("to hold the role %(role)s") % {
        "role": "Promotor/a comunitario/a"
    }

    RoleAssignment.objects.filter(user=member).delete()
    assign(
        member,
        "promotor-comunitario",
        council=council,
        started_on=days_ago(400),
        ended_on=days_ago(30),
    )
    assert result_of(member, req).met

    current = make_person("tere")
    assign(current, "promotor-comunitario", council=council)
    assert result_of(current, req).met


def test_mentor_sign_off_must_be_for_the_role_asked(member, leader):
    req = seeded("coordinador-de-consejo", RequirementKind.MENTOR_SIGN_OFF)
    MentorSignOff.objects.create(
        mentee=member, role=role("promotor-comunitario"), signed_by=leader
    )

    result = result_of(member, req)
    assert not result.met
    assert result.missing == gettext("your mentor's sign-off")

    MentorSignOff.objects.create(
        mentee=member, role=role("coordinador-de-consejo"), signed_by=leader
    )
    result = result_of(member, req)
    assert (result.met, result.missing) == (True, "")


def test_a_course_requirement_of_a_role_outside_the_pathway_is_met_too(member):
    """Asked for a role that is not a pathway step, the completed course counts."""
    course = course_on(2, "Contraloría ciudadana")
    req = requirement("enlace-de-eje", RequirementKind.COURSE, course=course)
    assert not result_of(member, req).met

    complete(member, course)
    route = member_readiness(member, role=role("enlace-de-eje"))
    assert route.next_role.slug == "enlace-de-eje"
    assert [r.met for r in route.readiness.results] == [True]
    assert route.ready and route.percent == 100


# Study circles complete courses exactly as studying online does.


def test_a_course_studied_in_a_closed_study_circle_meets_its_requirement(
    council, leader, member
):
    course, lessons = course_with_lessons("Huertos comunitarios", hours=5)
    course_req = requirement(
        "promotor-comunitario", RequirementKind.COURSE, course=course
    )
    hours_req = seeded("promotor-comunitario", RequirementKind.HOURS)
    online = make_person("pedro")
    join(online, council)
    for lesson in lessons:
        lesson_complete(user=online, lesson=lesson, course=course)

    close_circle(council, leader, attendees=[member], minutes=120, lessons=lessons)

    assert set(
        LessonCompletion.objects.filter(user=member).values_list("source", flat=True)
    ) == {CompletionSource.CIRCLE}
    assert Enrollment.objects.get(user=member, course=course).completed_at
    assert result_of(member, course_req).met
    assert result_of(online, course_req).met
    in_circle, alone = member_facts([member.pk, online.pk]).values()
    assert in_circle.completed_courses == alone.completed_courses == {course.pk}
    assert in_circle.course_hours == alone.course_hours == 5
    # The circle's own two hours come on top of the course's five.
    assert in_circle.hours == 7
    hours = result_of(member, hours_req)
    assert (hours.met, hours.current) == (False, 7)
    assert hours.missing == gettext("%(hours)s hours of study") % {"hours": "1"}


# A course deleted from the catalogue leaves its requirement visibly broken.


def test_a_requirement_whose_course_was_deleted_is_never_met(council, leader, member):
    course = course_on(1, "Asambleas que deciden", hours=4)
    req = requirement("promotor-comunitario", RequirementKind.COURSE, course=course)
    # Everything else the promotor/a role asks for: 2 circles, 8 hours, 3 months.
    Membership.objects.filter(user=member).update(joined_on=days_ago(100))
    close_circle(council, leader, attendees=[member], minutes=240)
    close_circle(council, leader, attendees=[member], minutes=240)
    complete(member, course)
    before = member_readiness(member)
    assert before.next_role.slug == "promotor-comunitario"
    assert (before.ready, before.percent) == (True, 100)

    course.delete()
    req.refresh_from_db()
    assert req.course_id is None

    route = member_readiness(member)
    result = next(r for r in route.readiness.results if r.requirement.pk == req.pk)
    assert not result.met
    assert result.course is None
    assert result.missing == gettext(
        "the course of this requirement no longer exists; ask the team"
    )
    assert route.readiness.missing == [result]
    assert not route.ready
    # Four requirements, three met; the hours stay met with the circles alone.
    assert route.percent == 75


def test_a_course_requirement_stored_without_course_is_never_met(member):
    req = requirement("promotor-comunitario", RequirementKind.COURSE, course=None)
    complete(member, *(course_on(n, f"Curso {n}") for n in (1, 2)))
    result = result_of(member, req)
    assert (result.met, result.progress, result.course) == (False, 0.0, None)
    assert result.missing == gettext(
        "the course of this requirement no longer exists; ask the team"
    )


# Where a member stands on the pathway.


def test_an_active_member_without_pathway_office_is_integrante_heading_for_promotor(
    council, member
):
    # An office outside the pathway does not move her along it.
    assign(member, "secretario-de-actas", council=council)
    route = member_readiness(member)
    assert route.current_role.slug == "integrante"
    assert route.next_role.slug == "promotor-comunitario"
    assert route.readiness.role == route.next_role


def test_a_council_coordinator_heads_for_state_coordinator(council, member):
    assign(
        member,
        "promotor-comunitario",
        council=council,
        started_on=days_ago(500),
        ended_on=days_ago(200),
    )
    assign(member, "coordinador-de-consejo", council=council, started_on=days_ago(199))
    route = member_readiness(member)
    assert route.current_role.slug == "coordinador-de-consejo"
    assert route.next_role.slug == "coordinador-estatal"


def test_someone_without_council_or_office_starts_at_the_first_pathway_role(db):
    person = make_person("visitante")
    route = member_readiness(person)
    assert route.current_role is None
    assert route.next_role.slug == "integrante"


def test_a_member_who_left_and_held_an_office_in_the_past_starts_again(council):
    person = make_person("rosa")
    Membership.objects.create(
        user=person,
        council=council,
        status=MembershipStatus.LEFT,
        joined_on=days_ago(400),
        left_on=days_ago(10),
    )
    assign(
        person,
        "promotor-comunitario",
        council=council,
        started_on=days_ago(300),
        ended_on=days_ago(10),
    )
    route = member_readiness(person)
    assert route.current_role is None
    assert route.next_role.slug == "integrante"


def test_the_last_pathway_role_has_no_next_role(member):
    assign(member, "formador")
    route = member_readiness(member)
    assert route.current_role.slug == "formador"
    assert route.next_role is None
    assert route.readiness is None
    assert route.percent == 100
    assert not route.ready


# A whole council at once: bounded queries, same answers as one by one.


def scope_members(council, other, count, *, courses, lesson, start):
    """``count`` active members of ``council`` with varied histories (bulk)."""
    now, today = timezone.now(), timezone.localdate()
    people = User.objects.bulk_create(
        [
            User(username=f"persona{n}", first_name=f"Persona {n}", password="!")
            for n in range(start, start + count)
        ]
    )
    memberships, enrollments, completions, attendances = [], [], [], []
    offices, sign_offs = [], []
    state = State.objects.get(code="14")
    roles = {
        slug: role(slug)
        for slug in (
            "promotor-comunitario",
            "coordinador-de-consejo",
            "coordinador-estatal",
            "formador",
        )
    }
    circles = [
        closed(council, minutes=30 * (n + 1), facilitator=people[n % 3])
        for n in range(6)
    ]
    open_circle = meeting(council, facilitator=people[-1])
    assembly = closed(council, MeetingKind.ORDINARY, facilitator=people[-1])
    for index, person in enumerate(people):
        n = start + index
        memberships.append(
            Membership(
                user=person,
                council=council,
                status=MembershipStatus.ACTIVE,
                joined_on=today - timedelta(days=n * 7 % 500),
            )
        )
        if n % 4 == 0:
            memberships.append(
                Membership(
                    user=person,
                    council=other,
                    status=MembershipStatus.LEFT,
                    joined_on=today - timedelta(days=400 + n),
                    left_on=today - timedelta(days=300),
                )
            )
        if n % 5 == 0:
            memberships.append(
                Membership(
                    user=person,
                    council=other,
                    status=MembershipStatus.PENDING,
                    joined_on=today - timedelta(days=999),
                )
            )
        done = n % (len(courses) + 1)
        enrollments += [
            Enrollment(user=person, course=c, completed_at=now - timedelta(hours=n))
            for c in courses[:done]
        ]
        if done < len(courses):
            enrollments.append(Enrollment(user=person, course=courses[done]))
        if n % 3 == 0:
            completions.append(
                LessonCompletion(
                    user=person,
                    lesson=lesson,
                    course=courses[0],
                    completed_at=now - timedelta(minutes=n),
                )
            )
        attended = (
            circles[: n % 7] + [open_circle] * (n % 2) + [assembly] * (n % 3 == 0)
        )
        attendances += [Attendance(meeting=m, user=person) for m in attended]
        kind = n % 10
        if kind == 1:
            offices.append(
                RoleAssignment(
                    user=person, role=roles["promotor-comunitario"], council=council
                )
            )
        elif kind == 2:
            offices += [
                RoleAssignment(
                    user=person,
                    role=roles["promotor-comunitario"],
                    council=council,
                    started_on=today - timedelta(days=400),
                    ended_on=today - timedelta(days=100),
                ),
                RoleAssignment(
                    user=person, role=roles["coordinador-de-consejo"], council=council
                ),
            ]
        elif kind == 3:
            offices.append(
                RoleAssignment(
                    user=person, role=roles["coordinador-estatal"], state=state
                )
            )
        elif kind == 4:
            offices.append(RoleAssignment(user=person, role=roles["formador"]))
        elif kind == 5:
            offices.append(
                RoleAssignment(
                    user=person,
                    role=roles["coordinador-de-consejo"],
                    council=council,
                    started_on=today + timedelta(days=3),
                )
            )
        if n % 4 == 1:
            sign_offs.append(
                MentorSignOff(mentee=person, role=roles["promotor-comunitario"])
            )
        if n % 3 == 2:
            sign_offs.append(
                MentorSignOff(mentee=person, role=roles["coordinador-de-consejo"])
            )
    Membership.objects.bulk_create(memberships)
    Enrollment.objects.bulk_create(enrollments)
    LessonCompletion.objects.bulk_create(completions)
    Attendance.objects.bulk_create(attendances)
    RoleAssignment.objects.bulk_create(offices)
    MentorSignOff.objects.bulk_create(sign_offs)
    return people


@pytest.fixture
def scopes(db):
    """A council of 10 members and one of 200, with a course and an axis
    requirement on the pathway so every fact is looked at."""
    small = make_council("Consejo Pequeño", provision=False, publish=False)
    big = make_council("Consejo Grande", provision=False, publish=False)
    other = make_council("Consejo Anterior", provision=False, publish=False)
    courses = [
        course_on(number, f"Curso {number}", hours=number) for number in (1, 2, 3, 4)
    ] + [course_on(4, "Curso 4 bis", hours=Decimal("1.5"))]
    lesson = make_lesson(courses[0], "Lección única", publish=False)
    requirement("promotor-comunitario", RequirementKind.COURSE, course=courses[0])
    requirement(
        "promotor-comunitario", RequirementKind.AXIS_COURSES, axis=axis(4), number=2
    )
    built = {"courses": courses, "lesson": lesson}
    scope_members(small, other, 10, start=0, **built)
    scope_members(big, other, 200, start=10, **built)
    return small, big


def active_ids(council):
    return Membership.objects.filter(
        council=council, status=MembershipStatus.ACTIVE
    ).values("user_id")


def queries_of(function, *args):
    with CaptureQueriesContext(connection) as context:
        result = function(*args)
    return result, len(context.captured_queries)


def comparable(route):
    readiness = route.readiness
    return (
        route.facts,
        route.current_role,
        route.next_role,
        route.percent,
        route.ready,
        [
            (r.requirement.pk, r.met, r.current, r.target, r.missing, r.course)
            for r in (readiness.results if readiness else [])
        ],
    )


def test_member_facts_of_a_council_take_the_same_queries_for_10_or_200(scopes):
    small, big = scopes
    roles = pathway()  # given, as readiness_for does: only the facts are counted
    facts_small, small_queries = queries_of(member_facts, active_ids(small), roles)
    facts_big, big_queries = queries_of(member_facts, active_ids(big), roles)

    assert len(facts_small) == 10 and len(facts_big) == 200
    assert small_queries == big_queries == MEMBER_FACTS_QUERIES
    for user_id, facts in facts_big.items():
        assert member_facts([user_id])[user_id] == facts


def test_readiness_of_a_council_takes_bounded_queries_and_matches_one_by_one(
    scopes,
):
    small, big = scopes
    pathway(), axes_ordered()  # the cache, as any request after the first finds it
    routes_small, small_queries = queries_of(readiness_for, active_ids(small))
    routes_big, big_queries = queries_of(readiness_for, active_ids(big))

    assert small_queries == big_queries == READINESS_FOR_QUERIES
    for council, routes in ((small, routes_small), (big, routes_big)):
        assert set(routes) == {row["user_id"] for row in active_ids(council)}
        for user_id, route in routes.items():
            alone = member_readiness(User(pk=user_id))
            assert comparable(route) == comparable(alone), user_id
    # The histories are varied enough to exercise every path.
    routes = routes_big.values()
    assert {r.next_role.slug if r.next_role else None for r in routes} == {
        "promotor-comunitario",
        "coordinador-de-consejo",
        "coordinador-estatal",
        "formador",
        None,
    }
    assert any(r.ready for r in routes)
    assert len({r.percent for r in routes}) > 5


def test_readiness_for_a_list_includes_people_with_no_history(member):
    nobody = make_person("nadie")
    routes = readiness_for([member.pk, nobody.pk])
    assert routes[member.pk].next_role.slug == "promotor-comunitario"
    assert routes[nobody.pk].current_role is None
    assert routes[nobody.pk].next_role.slug == "integrante"


# "Mi ruta" on /mi-formacion/.


def route_section(response):
    html = response.content.decode()
    start = html.index('id="mi-ruta"')
    return html[start : html.index("</section>", start)]


def test_my_formation_shows_the_route_with_links_to_what_is_missing(
    council, leader, member
):
    course = course_on(1, "Asambleas que deciden")
    requirement("promotor-comunitario", RequirementKind.COURSE, course=course)
    requirement(
        "promotor-comunitario", RequirementKind.AXIS_COURSES, axis=axis(4), number=2
    )
    Membership.objects.filter(user=member).update(joined_on=days_ago(100))
    close_circle(council, leader, attendees=[member], minutes=60)
    # Months met (1), circles 1/2, hours 1/8, course 0, axis courses 0: of 5.
    expected = int(100 * (1 + 0.5 + 0.125) / 5)
    assert member_readiness(member).percent == expected == 32

    response = signed_in(member).get(MY_FORMATION)
    assert response.status_code == 200
    section = route_section(response)
    text = text_of(response)
    assert "<strong>Integrante</strong>" in section  # today
    assert "<strong>Promotor/a comunitario/a</strong>" in section  # next
    assert f'value="{expected}"' in section
    assert f"{expected}%" in text
    course_missing = gettext("the course «%(title)s»") % {"title": course.title}
    assert f'<a href="{course.url}">{escape(course_missing)}</a>' in section
    axis_missing = ngettext(
        "%(count)s course of %(axis)s", "%(count)s courses of %(axis)s", 2
    ) % {"count": 2, "axis": axis_label(4)}
    catalogue = f"/cursos/?eje={axis(4).slug}"
    assert f'<a href="{catalogue}">{escape(axis_missing)}</a>' in section
    assert (gettext("%(hours)s hours of study") % {"hours": "7"}) in text
    assert gettext(ASSEMBLY_DECIDES) not in text


def test_my_formation_lists_every_requirement_in_its_own_words_with_its_figures(
    council, leader, member
):
    """Not the kind's label ("Asistir a N círculos de estudio"): the
    requirement's own wording, with its number, course or axis."""
    course = course_on(1, "Asambleas que deciden")
    requirement("promotor-comunitario", RequirementKind.COURSE, course=course)
    requirement(
        "promotor-comunitario", RequirementKind.AXIS_COURSES, axis=axis(4), number=2
    )
    close_circle(council, leader, attendees=[member], minutes=60)

    response = signed_in(member).get(MY_FORMATION)
    section = route_section(response)
    every = section[section.index("<details>") :]
    items = [" ".join(text_of_html(item).split()) for item in every.split("<li>")[1:]]

    assert items == [
        "○ Asistir a 2 círculos de estudio (1/2)",
        "○ 8 horas de estudio (cursos y círculos de estudio) (1/8)",
        "○ 3 meses como integrante activa (0/3)",
        "○ Terminar el curso «Asambleas que deciden»",
        "○ Terminar 2 cursos del eje 4 (0/2)",
    ]
    assert " N " not in every


def text_of_html(fragment):
    return re.sub(r"<[^>]+>", "", fragment)


def test_my_formation_tells_a_member_who_meets_everything_that_the_assembly_decides(
    council, leader, member
):
    Membership.objects.filter(user=member).update(joined_on=days_ago(100))
    for _ in range(2):
        close_circle(council, leader, attendees=[member], minutes=240)

    response = signed_in(member).get(MY_FORMATION)
    section = route_section(response)
    text = text_of(response)
    assert "<strong>Integrante</strong>" in section
    assert "<strong>Promotor/a comunitario/a</strong>" in section
    assert 'value="100"' in section
    assert gettext(ASSEMBLY_DECIDES) in text
    assert gettext("You still need") not in text


def test_facts_from_a_pages_records_equal_the_aggregates_for_every_member(scopes):
    """/mi-formacion/ builds a member's facts from the records it has read (their
    enrolments, memberships and offices) plus four queries: the same facts."""
    small, big = scopes
    roles = pathway()
    today = timezone.localdate()
    user_ids = [row["user_id"] for row in active_ids(small)] + [
        row["user_id"] for row in active_ids(big)
    ][:60]
    expected = member_facts(user_ids, roles)
    for user_id in user_ids:
        user = User(pk=user_id)
        enrollments = list(
            Enrollment.objects.filter(user=user).select_related("course")
        )
        memberships = list(Membership.objects.filter(user=user))
        assignments = list(RoleAssignment.objects.filter(user=user))
        with CaptureQueriesContext(connection) as context:
            facts = facts_from_records(
                user, enrollments, memberships, assignments, roles, today
            )
        assert len(context.captured_queries) == 4
        assert facts == expected.get(user_id, MemberFacts(user_id)), user_id
