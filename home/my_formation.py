"""/mi-formacion/: the signed-in member's own progress, read from every app."""

from collections import Counter

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from cococi_site import content
from cococi_site.site_address import absolute, webcal
from councils.cadres.readiness import (
    course_counts_toward,
    facts_from_records,
    member_readiness,
)
from councils.models import (
    CalendarFeed,
    ConstitutionFounder,
    Membership,
    MembershipStatus,
    Mentorship,
    RoleAssignment,
)
from courses.cache import axes_ordered
from courses.models import (
    AxisFollow,
    Certificate,
    CoursePage,
    Enrollment,
    QuizAttempt,
)
from courses.models.pages import attach_learner_progress
from courses.quiz import attempt_id_in
from members.forms import NoticeAcceptForm
from members.services import notice_to_accept


def published_by_axis():
    """{axis id: published public courses}, kept until the content changes."""
    return content.cached(
        "courses:published-by-axis",
        lambda: dict(
            CoursePage.objects.live()
            .public()
            # Wagtail's manager orders pages by path, which would group by it.
            .order_by()
            .values_list("primary_axis")
            .annotate(total=Count("pk"))
            .values_list("primary_axis", "total")
        ),
    )


def axis_progress(enrollments):
    """Per axis: published courses, those the member completed and those in
    progress; the bar counts a course in progress by its share of lessons
    done (the courses carry ``progress`` from ``attach_learner_progress``)."""
    published = published_by_axis()
    completed, started, partial = Counter(), Counter(), Counter()
    for enrollment in enrollments:
        course = enrollment.course
        if not course.live:
            continue  # unpublished since: not among the axis's courses
        if enrollment.is_completed:
            completed[course.primary_axis_id] += 1
        else:
            started[course.primary_axis_id] += 1
            progress = getattr(course, "progress", None)
            if progress and progress["total"]:
                share = progress["done"] / progress["total"]
                partial[course.primary_axis_id] += share
    rows = []
    for axis in axes_ordered():
        total = published.get(axis.pk, 0)
        done = min(completed[axis.pk], total)
        in_progress = min(started[axis.pk], total - done)
        share = done + min(partial[axis.pk], in_progress)
        rows.append(
            {
                "axis": axis,
                "done": done,
                "started": in_progress,
                "total": total,
                "percent": round(100 * share / total) if total else 0,
            }
        )
    return rows


def calendar_addresses(request, user):
    """The member's secret calendar address, as https and as webcal (which
    opens the phone's calendar app to subscribe), or None before she makes it."""
    feed = CalendarFeed.objects.filter(user=user).first()
    if feed is None:
        return None
    url = absolute(reverse("member_calendar", args=[feed.token]))
    return {"url": url, "webcal": webcal(url)}


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
        for certificate in Certificate.objects.valid().filter(user=user)
    }
    in_progress = [e for e in enrollments if not e.is_completed]
    completed = [e for e in enrollments if e.is_completed]
    for enrollment in completed:
        enrollment.certificate = certificates.get(enrollment.course_id)
    axes = axis_progress(enrollments)
    followed = set(AxisFollow.objects.filter(user=user).values_list("axis", flat=True))
    for row in axes:
        row["followed"] = row["axis"].pk in followed
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
            "calendar": calendar_addresses(request, user),
            "notice_to_accept": notice_to_accept(user),
            "notice_form": NoticeAcceptForm(),
            # Requests to constitute a council that name this person as a
            # founder, to confirm or decline (one query).
            "founder_requests": list(
                ConstitutionFounder.objects.awaiting(user)
                .select_related("request__state", "request__municipality", "role")
                .order_by("request__created_at", "pk")
            ),
        },
    )


@login_required
def course_finished(request, slug):
    """Where finishing a course lands: that she finished it, her constancia
    (or that it is being made), what the course counts toward on her road
    as a leader, and a course to take next. A course not finished yet sends
    her back to its page."""
    enrollment = (
        Enrollment.objects.filter(user=request.user, course__slug=slug)
        .select_related("course__primary_axis")
        .order_by("-completed_at")
        .first()
    )
    if enrollment is None or not enrollment.course.live:
        raise Http404
    course = enrollment.course
    if not enrollment.is_completed:
        return redirect(course.get_url(request))
    # The quiz attempt that finished it: its answers, one link away.
    attempt_id = attempt_id_in(request.GET)
    attempt = None
    if attempt_id is not None:
        attempt = (
            QuizAttempt.objects.filter(
                user=request.user,
                pk=attempt_id,
                lesson__path__startswith=course.path,
            )
            .select_related("lesson")
            .first()
        )
    return render(
        request,
        "home/course_finished.html",
        {
            "course": course,
            "enrollment": enrollment,
            # Revoked ones too: the page says so instead of "being prepared".
            "certificate": Certificate.objects.filter(user=request.user, course=course)
            .order_by("revoked_at")
            .first(),
            "counts_toward": course_counts_toward(request.user, course),
            "next_course": course.next_for(request.user),
            "attempt": attempt,
        },
    )
