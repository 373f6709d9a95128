"""/mi-formacion/: the signed-in member's own progress, read from every app."""

from collections import Counter

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import render
from django.utils import timezone

from cococi_site import content
from councils.models import Membership, MembershipStatus, Mentorship, RoleAssignment
from councils.readiness import facts_from_records, member_readiness
from courses.cache import axes_ordered
from courses.models import Certificate, CoursePage, Enrollment
from courses.models.pages import attach_learner_progress


def published_by_axis():
    """{axis id: published public courses}, kept until the content changes."""
    return content.cached(
        "courses:published-by-axis",
        lambda: dict(
            CoursePage.objects.live()
            .public()
            .values_list("primary_axis")
            .annotate(total=Count("pk"))
            .values_list("primary_axis", "total")
        ),
    )


def axis_progress(enrollments):
    """Per axis: published courses and those the member completed."""
    published = published_by_axis()
    completed = Counter(
        enrollment.course.primary_axis_id
        for enrollment in enrollments
        if enrollment.completed_at is not None
    )
    rows = []
    for axis in axes_ordered():
        total = published.get(axis.pk, 0)
        done = min(completed.get(axis.pk, 0), total)
        percent = round(100 * done / total) if total else 0
        rows.append(
            {
                "axis": axis,
                "done": done,
                "total": total,
                "percent": percent,
            }
        )
    return rows


@login_required
def my_formation(request):
    user = request.user
    enrollments = list(
        Enrollment.objects.filter(user=user)
        .select_related("course__primary_axis")
        .order_by("completed_at", "-enrolled_at")
    )
    courses = [enrollment.course for enrollment in enrollments]
    attach_learner_progress(user, courses)
    certificates = {
        certificate.course_id: certificate
        for certificate in Certificate.objects.filter(
            user=user, revoked_at__isnull=True
        )
    }
    in_progress = [e for e in enrollments if e.completed_at is None]
    completed = [e for e in enrollments if e.completed_at is not None]
    for enrollment in completed:
        enrollment.certificate = certificates.get(enrollment.course_id)
    axes = axis_progress(enrollments)
    # Current and past ones: the page shows the first, the route counts both.
    memberships = list(
        Membership.objects.filter(
            user=user,
            status__in=[
                MembershipStatus.ACTIVE,
                MembershipStatus.PENDING,
                MembershipStatus.LEFT,
            ],
        ).select_related("council__state")
    )
    today = timezone.localdate()
    assignments = list(
        RoleAssignment.objects.filter(user=user, started_on__lte=today).select_related(
            "role", "council", "state"
        )
    )
    roles = [a for a in assignments if a.ended_on is None or a.ended_on > today]
    facts = facts_from_records(user, enrollments, memberships, assignments)
    route = member_readiness(user, facts=facts)
    return render(
        request,
        "home/my_formation.html",
        {
            "in_progress": in_progress,
            "completed": completed,
            "axes": axes,
            "council": next(
                (m.council for m in memberships if m.status == MembershipStatus.ACTIVE),
                None,
            ),
            "pending_councils": [
                m.council for m in memberships if m.status == MembershipStatus.PENDING
            ],
            "roles": roles,
            "route": route,
            "mentors": Mentorship.objects.active().filter(mentor=user).exists(),
            # The active roles are at hand: no need for a scope query.
            "leads": user.is_superuser or any(a.role.grants_editing for a in roles),
        },
    )
