"""/mi-formacion/: the signed-in member's own progress, read from every app."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import render

from councils.models import Membership, MembershipStatus, Mentorship, RoleAssignment
from councils.readiness import member_readiness
from courses.cache import axes_ordered
from courses.models import Certificate, CoursePage, Enrollment
from courses.models.pages import attach_learner_progress

CHART_BAR_WIDTH = 300


def axis_progress(user):
    """Per axis: published courses and those the member completed (2 aggregates)."""
    published = dict(
        CoursePage.objects.live()
        .public()
        .values_list("primary_axis")
        .annotate(total=Count("pk"))
        .values_list("primary_axis", "total")
    )
    completed = dict(
        Enrollment.objects.filter(user=user, completed_at__isnull=False)
        .values_list("course__primary_axis")
        .annotate(total=Count("pk"))
        .values_list("course__primary_axis", "total")
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
                "bar": round(CHART_BAR_WIDTH * percent / 100),
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
    axes = axis_progress(user)
    memberships = list(
        Membership.objects.filter(
            user=user,
            status__in=[MembershipStatus.ACTIVE, MembershipStatus.PENDING],
        ).select_related("council__state")
    )
    roles = list(
        RoleAssignment.objects.active()
        .filter(user=user)
        .select_related("role", "council", "state")
    )
    route = member_readiness(user)
    return render(
        request,
        "home/my_formation.html",
        {
            "in_progress": in_progress,
            "completed": completed,
            "axes": axes,
            "chart_height": 34 * len(axes),
            "chart_bar_width": CHART_BAR_WIDTH,
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
