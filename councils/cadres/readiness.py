"""Readiness toward leadership roles: computed from what members did, never typed.

``member_facts`` gathers, for any set of members, what the requirements look at
(courses per axis, hours, study circles, months of membership, offices, mentor
sign-offs) in a fixed number of aggregate queries: one member or fifty thousand,
the same queries. ``evaluate`` then checks a role's requirements against one
member's facts in Python, with no query.
"""

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count, Max, Prefetch, Q, Sum
from django.utils import timezone

from cococi_site import content
from courses.cache import TIMEOUT as CACHE_TIMEOUT
from courses.cache import axes_ordered
from courses.models import Enrollment, LessonCompletion

from ..models import (
    Attendance,
    LeadershipRole,
    Meeting,
    MeetingKind,
    Membership,
    MembershipStatus,
    MentorSignOff,
    RoleAssignment,
    RoleRequirement,
)
from .requirements import RequirementKind, counts_course, describe_missing, measure

DAYS_PER_MONTH = 30
# Without any activity for this long a member counts as inactive.
INACTIVE_DAYS = 30
ENTRY_ROLE = "integrante"


def inactive_limit(now):
    """Last activity before this moment: inactive."""
    return now - timedelta(days=INACTIVE_DAYS)


def inactive_q(now, field="last_activity"):
    """Rows whose ``field`` (a last activity) is missing or before the limit."""
    return Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__lt": inactive_limit(now)})


@dataclass(slots=True)
class MemberFacts:
    user_id: int
    courses_by_axis: dict = field(default_factory=dict)  # axis id → completed
    completed_courses: set = field(default_factory=set)  # of required courses
    course_hours: Decimal = Decimal(0)
    circle_minutes: int = 0
    circles_attended: int = 0
    circles_facilitated: int = 0
    membership_days: int = 0
    active_member: bool = False
    council_id: int | None = None
    roles_held: set = field(default_factory=set)  # ever held, by role id
    current_roles: set = field(default_factory=set)
    sign_offs: set = field(default_factory=set)  # role ids signed off
    last_activity: object = None

    @property
    def hours(self):
        return float(self.course_hours) + self.circle_minutes / 60

    @property
    def courses_completed(self):
        return sum(self.courses_by_axis.values())

    @property
    def membership_months(self):
        return self.membership_days // DAYS_PER_MONTH

    def inactive_since(self, now):
        limit = inactive_limit(now)
        return self.last_activity is None or self.last_activity < limit

    def saw(self, moment):
        if moment and (self.last_activity is None or moment > self.last_activity):
            self.last_activity = moment


def start_of(day):
    """The first moment of ``day``, in the site's time zone."""
    return timezone.make_aware(datetime.combine(day, time.min)) if day else None


@dataclass
class RequirementResult:
    requirement: RoleRequirement
    met: bool
    current: float
    target: float
    # What is missing, as text; a callable until read, because a scope of
    # thousands of members reads almost none of them (translation is costly).
    describe: object = ""
    course: object = None  # the course to take, when that is what is missing

    @property
    def missing(self):
        if self.met:
            return ""
        if callable(self.describe):
            self.describe = self.describe()
        return self.describe

    @property
    def progress(self):
        if self.met:
            return 1.0
        return min(self.current / self.target, 1.0) if self.target else 0.0


@dataclass
class Readiness:
    role: LeadershipRole
    results: list

    @property
    def ready(self):
        return all(result.met for result in self.results)

    @property
    def percent(self):
        if not self.results:
            return 100
        done = sum(result.progress for result in self.results)
        return int(100 * done / len(self.results))

    @property
    def missing(self):
        return [result for result in self.results if not result.met]


def pathway():
    """Pathway roles in order, each with its requirements: kept under the content
    generation (``cococi_site.content``), forgotten whenever a role, a
    requirement, a course or an axis changes; two queries when the cache is
    cold."""

    # The requirements are kept on each role, cached with it.
    return content.cached("councils:pathway", pathway_fresh, CACHE_TIMEOUT)


def pathway_fresh():
    """The pathway read from the database (two queries), for the workers."""
    roles = _pathway_from_database()
    for role in roles:
        requirements_of(role)
    return roles


def leadership_roles():
    """Every leadership role in its order, in or out of the pathway: kept under
    the content generation like the pathway."""
    return content.cached(
        "councils:roles", lambda: list(LeadershipRole.objects.all()), CACHE_TIMEOUT
    )


def pathway_forget():
    content.forget()


def _pathway_from_database():
    return list(
        LeadershipRole.objects.filter(in_pathway=True)
        .order_by("sort_order", "name")
        .prefetch_related(
            Prefetch(
                "requirements",
                queryset=RoleRequirement.objects.select_related(
                    "course", "axis", "required_role"
                ).order_by("sort_order", "pk"),
            )
        )
    )


def _required_courses(roles):
    return {
        requirement.course_id
        for role in roles
        for requirement in requirements_of(role)
        if requirement.kind == RequirementKind.COURSE and requirement.course_id
    }


class _Facts(dict):
    """{user id: MemberFacts}, made on first mention."""

    def of(self, user_id):
        found = self.get(user_id)
        if found is None:
            found = self[user_id] = MemberFacts(user_id)
        return found

    def add_completions(self, rows):
        """(user, axis, courses completed, their hours, last completion)."""
        for user_id, axis_id, total, hours, last in rows:
            member = self.of(user_id)
            member.courses_by_axis[axis_id] = total
            member.course_hours += hours or 0
            member.saw(last)

    def add_required_courses(self, rows):
        for user_id, course_id in rows:
            self.of(user_id).completed_courses.add(course_id)

    def add_memberships(self, rows, today):
        """(user, joined on, left on, status, council) of active or past ones."""
        for user_id, joined, left, status, council_id in rows:
            member = self.of(user_id)
            end = today if status == MembershipStatus.ACTIVE else (left or today)
            member.membership_days += max((end - joined).days, 0)
            # Joining is activity: a member of a week is not "inactive for
            # 30 days", whatever they have done since.
            member.saw(start_of(joined))
            if status == MembershipStatus.ACTIVE:
                member.active_member = True
                member.council_id = council_id

    def add_roles(self, rows, today):
        """(user, role, ended on) of every office started by ``today``."""
        for user_id, role_id, ended in rows:
            member = self.of(user_id)
            member.roles_held.add(role_id)
            if ended is None or ended > today:
                member.current_roles.add(role_id)

    def add_activity(self, user_ids, within=None):
        """Study circles, facilitation, mentors' sign-offs and the last lesson:
        four queries."""
        circles = (
            Attendance.objects.filter(
                among("user_id", user_ids, within),
                meeting__kind=MeetingKind.CIRCLE,
                meeting__closed_at__isnull=False,
            )
            .values("user_id")
            .annotate(
                total=Count("pk"),
                minutes=Sum("meeting__duration_minutes"),
                last=Max("meeting__starts_at"),
            )
            .values_list("user_id", "total", "minutes", "last")
            .order_by()
        )
        for user_id, total, minutes, last in circles:
            member = self.of(user_id)
            member.circles_attended = total
            member.circle_minutes = minutes or 0
            member.saw(last)
        for user_id, total in (
            Meeting.objects.filter(
                among("facilitator_id", user_ids, within),
                kind=MeetingKind.CIRCLE,
                closed_at__isnull=False,
            )
            .values("facilitator_id")
            .annotate(total=Count("pk"))
            .values_list("facilitator_id", "total")
            .order_by()
        ):
            self.of(user_id).circles_facilitated = total
        for user_id, role_id in (
            MentorSignOff.objects.filter(among("mentee_id", user_ids, within))
            .values_list("mentee_id", "role_id")
            .order_by()
        ):
            self.of(user_id).sign_offs.add(role_id)
        for user_id, last in (
            LessonCompletion.objects.filter(among("user_id", user_ids, within))
            .values("user_id")
            .annotate(last=Max("completed_at"))
            .values_list("user_id", "last")
            .order_by()
        ):
            self.of(user_id).saw(last)


def among(field, user_ids, within=None):
    """Rows whose ``field`` is one of ``user_ids``; ``within``, the lowest and
    highest of them, lets PostgreSQL read just that stretch of the field's
    index instead of joining a whole table of millions against the subquery."""
    condition = Q(**{f"{field}__in": user_ids})
    if within:
        low, high = within
        condition &= Q(**{f"{field}__gte": low, f"{field}__lte": high})
    return condition


def member_facts(user_ids, roles=None, today=None, within=None):
    """{user id: MemberFacts} for ``user_ids`` (a list or a values() queryset),
    in eight aggregate queries whatever their number (``within``: see
    ``among``)."""
    today = today or timezone.localdate()
    roles = roles if roles is not None else pathway()
    required_courses = _required_courses(roles)
    facts = _Facts()
    facts.add_completions(
        Enrollment.objects.completed()
        .filter(among("user_id", user_ids, within))
        .values("user_id", "course__primary_axis_id")
        .annotate(
            total=Count("pk"),
            hours=Sum("course__estimated_hours"),
            last=Max("completed_at"),
        )
        .values_list("user_id", "course__primary_axis_id", "total", "hours", "last")
        .order_by()
    )
    if required_courses:
        facts.add_required_courses(
            Enrollment.objects.completed()
            .filter(among("user_id", user_ids, within), course_id__in=required_courses)
            .values_list("user_id", "course_id")
            .order_by()
        )
    facts.add_activity(user_ids, within)
    facts.add_memberships(
        Membership.objects.filter(
            among("user_id", user_ids, within),
            status__in=[MembershipStatus.ACTIVE, MembershipStatus.LEFT],
            joined_on__isnull=False,
        )
        .values_list("user_id", "joined_on", "left_on", "status", "council_id")
        .order_by(),
        today,
    )
    facts.add_roles(
        RoleAssignment.objects.filter(
            among("user_id", user_ids, within), started_on__lte=today
        )
        .values_list("user_id", "role_id", "ended_on")
        .order_by(),
        today,
    )
    return dict(facts)


def facts_from_records(
    user, enrollments, memberships, assignments, roles=None, today=None
):
    """One member's MemberFacts from records a page has already read (all their
    enrolments with their courses, their memberships, their role assignments),
    plus the four queries of what it has not: the same facts as
    ``member_facts([user.pk])`` in half the queries."""
    today = today or timezone.localdate()
    roles = roles if roles is not None else pathway()
    required_courses = _required_courses(roles)
    facts = _Facts()
    by_axis = {}
    for enrollment in enrollments:
        if not enrollment.is_completed:
            continue
        course = enrollment.course
        total, hours, last = by_axis.get(course.primary_axis_id, (0, 0, None))
        by_axis[course.primary_axis_id] = (
            total + 1,
            hours + (course.estimated_hours or 0),
            max(last, enrollment.completed_at) if last else enrollment.completed_at,
        )
    facts.add_completions(
        (user.pk, axis_id, *figures) for axis_id, figures in by_axis.items()
    )
    facts.add_required_courses(
        (user.pk, enrollment.course_id)
        for enrollment in enrollments
        if enrollment.is_completed and enrollment.course_id in required_courses
    )
    facts.add_activity([user.pk])
    facts.add_memberships(
        (
            (user.pk, m.joined_on, m.left_on, m.status, m.council_id)
            for m in memberships
            if m.status in (MembershipStatus.ACTIVE, MembershipStatus.LEFT)
            and m.joined_on is not None
        ),
        today,
    )
    facts.add_roles(
        (
            (user.pk, a.role_id, a.ended_on)
            for a in assignments
            if a.started_on <= today
        ),
        today,
    )
    return facts.get(user.pk) or MemberFacts(user.pk)


def evaluate_requirement(requirement, facts, axes):
    current, target = measure(requirement, facts, axes)
    met = current >= target
    lacking = max(target - current, 0)
    return RequirementResult(
        requirement,
        met,
        current,
        target,
        lambda: describe_missing(requirement, lacking, facts, axes),
        course=(
            requirement.course
            if requirement.kind == RequirementKind.COURSE and not met
            else None
        ),
    )


def requirements_of(role):
    """The role's prefetched requirements as a list, kept on the role: ``.all()``
    builds a new queryset on every call, which adds up over thousands."""
    cached = getattr(role, "_requirement_list", None)
    if cached is None:
        cached = role._requirement_list = list(role.requirements.all())
    return cached


def evaluate(role, facts, axes):
    return Readiness(
        role,
        [
            evaluate_requirement(requirement, facts, axes)
            for requirement in requirements_of(role)
        ],
    )


def position(facts, roles):
    """(current pathway role, next pathway role) of a member."""
    index = _pathway_index(roles)
    held = [index[pk] for pk in facts.current_roles if pk in index]
    if held:
        step = max(held)
    elif facts.active_member and ENTRY_ROLE in index["slugs"]:
        step = index["slugs"][ENTRY_ROLE]
    else:
        return None, (roles[0] if roles else None)
    following = roles[step + 1] if step + 1 < len(roles) else None
    return roles[step], following


def _pathway_index(roles):
    """{role id: step} and {slug: step} of the pathway, computed once per list
    (kept on the first role, which lives as long as the list)."""
    if not roles:
        return {"slugs": {}}
    cached = getattr(roles[0], "_pathway_index", None)
    if cached is None or cached["length"] != len(roles):
        cached = {role.pk: step for step, role in enumerate(roles)}
        cached["slugs"] = {role.slug: step for step, role in enumerate(roles)}
        cached["length"] = len(roles)
        roles[0]._pathway_index = cached
    return cached


@dataclass
class MemberReadiness:
    facts: MemberFacts
    current_role: object
    next_role: object
    readiness: Readiness | None
    # Set by the quick path (no per-requirement detail): see ``readiness_for``.
    quick: tuple | None = None

    @property
    def percent(self):
        if self.quick is not None:
            return self.quick[1]
        return self.readiness.percent if self.readiness else 100

    @property
    def ready(self):
        if self.quick is not None:
            return self.quick[0]
        return bool(self.readiness and self.readiness.ready)


def quick_progress(requirements, facts, axes):
    """(ready, percent) of ``facts`` against ``requirements``: the arithmetic of
    ``evaluate`` without building results or texts, for scopes of thousands."""
    if not requirements:
        return True, 100
    done = 0.0
    ready = True
    for requirement in requirements:
        current, target = measure(requirement, facts, axes)
        if current >= target:
            done += 1
        else:
            ready = False
            done += current / target
    return ready, int(100 * done / len(requirements))


def readiness_for(
    user_ids, roles=None, axes=None, detail=True, today=None, within=None
):
    """{user id: MemberReadiness} toward each member's next pathway role, in a
    bounded number of queries. ``detail=False`` gives only ready and percent
    (no per-requirement results), several times faster for large scopes."""
    roles = roles if roles is not None else pathway()
    axes = axes if axes is not None else axes_ordered()
    facts = member_facts(user_ids, roles, today=today, within=within)
    result = {}
    for user_id in user_ids if isinstance(user_ids, list) else facts:
        member = facts.get(user_id) or MemberFacts(user_id)
        current, following = position(member, roles)
        if following is None:
            result[user_id] = MemberReadiness(member, current, None, None)
        elif detail:
            result[user_id] = MemberReadiness(
                member, current, following, evaluate(following, member, axes)
            )
        else:
            result[user_id] = MemberReadiness(
                member,
                current,
                following,
                None,
                quick_progress(requirements_of(following), member, axes),
            )
    return result


def member_readiness(user, role=None, facts=None):
    """One member's readiness toward ``role`` (their next role by default);
    ``facts``: theirs, when the caller has them (``facts_from_records``)."""
    roles = pathway()
    axes = axes_ordered()
    looked_at = roles
    if role is not None:
        role_id = role.pk
        role = next((r for r in roles if r.pk == role_id), None)
        if role is None:
            # A role outside the pathway: its required courses must be looked at
            # too, or they would never count as completed.
            role = (
                LeadershipRole.objects.filter(pk=role_id)
                .prefetch_related(
                    Prefetch(
                        "requirements",
                        queryset=RoleRequirement.objects.select_related(
                            "course", "axis", "required_role"
                        ).order_by("sort_order", "pk"),
                    )
                )
                .get()
            )
            looked_at = [*roles, role]
    if facts is None:
        facts = member_facts([user.pk], looked_at).get(user.pk) or MemberFacts(user.pk)
    current, following = position(facts, roles)
    if role is not None:
        following = role
    return MemberReadiness(
        facts,
        current,
        following,
        evaluate(following, facts, axes) if following else None,
    )


def course_counts_toward(user, course, facts=None):
    """What completing ``course`` counts toward on ``user``'s road ahead: the
    requirements of her next pathway role and of those after it that the
    course meets or adds to (the course itself, courses of its axis or of
    every axis, hours), each as a ``RequirementResult`` of her facts, as
    [(role, [results])]. ``facts``: hers, when the caller has them."""
    roles = pathway()
    if facts is None:
        facts = member_facts([user.pk], roles).get(user.pk) or MemberFacts(user.pk)
    _current, following = position(facts, roles)
    if following is None:
        return []
    axes = axes_ordered()
    found = []
    for role in roles[roles.index(following) :]:
        results = [
            evaluate_requirement(requirement, facts, axes)
            for requirement in requirements_of(role)
            if counts_course(requirement, course)
        ]
        if results:
            found.append((role, results))
    return found
