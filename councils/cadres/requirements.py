"""The kinds of requirement a leadership role may ask for, each declared once:
its choice and label, the fields of ``RoleRequirement`` it needs, how a
member's facts (``readiness.MemberFacts``) measure against it, and how what is
still lacking is said to the member. Adding a kind: its choice in
``RequirementKind``, its entry in ``KINDS``, and a migration for the choices
(``makemigrations``); a kind that counts something not yet among the facts
also needs it gathered in ``readiness.member_facts``."""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext


class RequirementKind(models.TextChoices):
    COURSE = "curso", gettext_lazy("Complete a course")
    AXIS_COURSES = "cursos_eje", gettext_lazy("Complete N courses of an axis")
    EVERY_AXIS = (
        "cursos_cada_eje",
        gettext_lazy("Complete at least N courses in every axis"),
    )
    HOURS = "horas", gettext_lazy("Hours of study (courses and study circles)")
    CIRCLES_ATTENDED = "circulos_asistidos", gettext_lazy("Attend N study circles")
    CIRCLES_FACILITATED = (
        "circulos_facilitados",
        gettext_lazy("Facilitate N study circles"),
    )
    MEMBERSHIP_MONTHS = (
        "meses_membresia",
        gettext_lazy("N months of active membership"),
    )
    ROLE_HELD = "cargo", gettext_lazy("Hold or have held a role")
    MENTOR_SIGN_OFF = "aval_acompanante", gettext_lazy("Sign-off by a mentor")


@dataclass(frozen=True)
class Kind:
    # The fields of RoleRequirement this kind needs; the others stay empty.
    fields: frozenset
    # (requirement, facts, number, axes) -> (current, target): met when the
    # current figure reaches the target.
    measure: Callable
    # (requirement, lacking, facts, number, axes) -> what the member still
    # lacks, as text for them.
    missing: Callable
    # (requirement, number) -> the requirement in its own words, with its
    # course, axis, role or figure ("Attend 2 study circles"), where the kind's
    # label only names the kind ("Attend N study circles").
    wording: Callable
    # (requirement, course) -> whether completing ``course`` counts toward it.
    counts_course: Callable = lambda requirement, course: False


def axis_label(axis):
    return _("axis %(number)s") % {"number": axis.number}


def _course_missing(requirement, lacking, facts, number, axes):
    if requirement.course is None:
        return _("the course of this requirement no longer exists; ask the team")
    return _("the course «%(title)s»") % {"title": requirement.course.title}


def _every_axis_measure(requirement, facts, number, axes):
    by_axis = facts.courses_by_axis
    current = sum(min(by_axis.get(axis.pk, 0), number) for axis in axes)
    return current, number * len(axes)


def _every_axis_missing(requirement, lacking, facts, number, axes):
    lacking_axes = [
        axis for axis in axes if facts.courses_by_axis.get(axis.pk, 0) < number
    ]
    return ngettext(
        "%(count)s course in %(axes)s",
        "%(count)s courses in each of %(axes)s",
        number,
    ) % {
        "count": number,
        "axes": ", ".join(axis_label(axis) for axis in lacking_axes),
    }


def _course_wording(requirement, number):
    if requirement.course is None:
        return _("Complete a course that no longer exists")
    return _("Complete the course «%(title)s»") % {"title": requirement.course.title}


def _axis_courses_wording(requirement, number):
    return ngettext(
        "Complete %(count)s course of %(axis)s",
        "Complete %(count)s courses of %(axis)s",
        number,
    ) % {"count": number, "axis": axis_label(requirement.axis)}


def _role_wording(requirement, number):
    return _("Hold or have held the role %(role)s") % {
        "role": requirement.required_role.name
    }


KINDS = {
    RequirementKind.COURSE: Kind(
        frozenset({"course"}),
        lambda requirement, facts, number, axes: (
            float(
                requirement.course_id is not None
                and requirement.course_id in facts.completed_courses
            ),
            1,
        ),
        _course_missing,
        _course_wording,
        lambda requirement, course: requirement.course_id == course.pk,
    ),
    RequirementKind.AXIS_COURSES: Kind(
        frozenset({"axis", "number"}),
        lambda requirement, facts, number, axes: (
            facts.courses_by_axis.get(requirement.axis_id, 0),
            number,
        ),
        lambda requirement, lacking, facts, number, axes: (
            ngettext(
                "%(count)s course of %(axis)s", "%(count)s courses of %(axis)s", lacking
            )
            % {"count": lacking, "axis": axis_label(requirement.axis)}
        ),
        _axis_courses_wording,
        lambda requirement, course: requirement.axis_id == course.primary_axis_id,
    ),
    RequirementKind.EVERY_AXIS: Kind(
        frozenset({"number"}),
        _every_axis_measure,
        _every_axis_missing,
        lambda requirement, number: (
            ngettext(
                "Complete at least %(count)s course in every axis",
                "Complete at least %(count)s courses in every axis",
                number,
            )
            % {"count": number}
        ),
        lambda requirement, course: True,
    ),
    RequirementKind.HOURS: Kind(
        frozenset({"number"}),
        lambda requirement, facts, number, axes: (round(facts.hours, 1), number),
        lambda requirement, lacking, facts, number, axes: (
            _("%(hours)s hours of study") % {"hours": f"{lacking:g}"}
        ),
        lambda requirement, number: (
            _("%(hours)s hours of study (courses and study circles)")
            % {"hours": number}
        ),
        lambda requirement, course: bool(course.estimated_hours),
    ),
    RequirementKind.CIRCLES_ATTENDED: Kind(
        frozenset({"number"}),
        lambda requirement, facts, number, axes: (facts.circles_attended, number),
        lambda requirement, lacking, facts, number, axes: (
            ngettext(
                "to attend %(count)s study circle",
                "to attend %(count)s study circles",
                lacking,
            )
            % {"count": lacking}
        ),
        lambda requirement, number: (
            ngettext(
                "Attend %(count)s study circle",
                "Attend %(count)s study circles",
                number,
            )
            % {"count": number}
        ),
    ),
    RequirementKind.CIRCLES_FACILITATED: Kind(
        frozenset({"number"}),
        lambda requirement, facts, number, axes: (facts.circles_facilitated, number),
        lambda requirement, lacking, facts, number, axes: (
            ngettext(
                "to facilitate %(count)s study circle",
                "to facilitate %(count)s study circles",
                lacking,
            )
            % {"count": lacking}
        ),
        lambda requirement, number: (
            ngettext(
                "Facilitate %(count)s study circle",
                "Facilitate %(count)s study circles",
                number,
            )
            % {"count": number}
        ),
    ),
    RequirementKind.MEMBERSHIP_MONTHS: Kind(
        frozenset({"number"}),
        lambda requirement, facts, number, axes: (facts.membership_months, number),
        lambda requirement, lacking, facts, number, axes: (
            ngettext(
                "%(count)s month of active membership",
                "%(count)s months of active membership",
                lacking,
            )
            % {"count": lacking}
        ),
        lambda requirement, number: (
            ngettext(
                "%(count)s month of active membership",
                "%(count)s months of active membership",
                number,
            )
            % {"count": number}
        ),
    ),
    RequirementKind.ROLE_HELD: Kind(
        frozenset({"required_role"}),
        lambda requirement, facts, number, axes: (
            float(requirement.required_role_id in facts.roles_held),
            1,
        ),
        lambda requirement, lacking, facts, number, axes: (
            _("to hold the role %(role)s") % {"role": requirement.required_role.name}
        ),
        _role_wording,
    ),
    RequirementKind.MENTOR_SIGN_OFF: Kind(
        frozenset(),
        lambda requirement, facts, number, axes: (
            float(requirement.role_id in facts.sign_offs),
            1,
        ),
        lambda requirement, lacking, facts, number, axes: _("your mentor's sign-off"),
        lambda requirement, number: _("Sign-off by a mentor"),
    ),
}


def fields_of(kind):
    """The fields of ``RoleRequirement`` a kind needs (none for an unknown one)."""
    found = KINDS.get(kind)
    return set(found.fields) if found else set()


def measure(requirement, facts, axes):
    """(current, target) of a member against one requirement: met when current
    reaches target. The one place where each kind is counted."""
    kind = KINDS.get(requirement.kind)
    if kind is None:
        return 0, 1
    return kind.measure(requirement, facts, requirement.number or 0, axes)


def wording(requirement):
    """The requirement in its own words, for the member and her leaders."""
    kind = KINDS.get(requirement.kind)
    if kind is None:
        return _("an unknown requirement")
    return kind.wording(requirement, requirement.number or 0)


def counts_course(requirement, course):
    """Whether completing ``course`` counts toward ``requirement``."""
    kind = KINDS.get(requirement.kind)
    return bool(kind and kind.counts_course(requirement, course))


def describe_missing(requirement, lacking, facts, axes):
    """What a member still lacks for ``requirement``, as text for them."""
    kind = KINDS.get(requirement.kind)
    if kind is None:
        return _("an unknown requirement")
    return kind.missing(requirement, lacking, facts, requirement.number or 0, axes)
