"""Row counts of the benchmark data set, printed by ``bench_data`` and written
into docs/benchmarks.md by ``bench_cadres``."""

from django.contrib.auth import get_user_model

from councils.models import (
    Attendance,
    CouncilPage,
    Meeting,
    MeetingKind,
    Membership,
    Mentorship,
    MentorSignOff,
    RoleAssignment,
)
from courses.models import CoursePage, Enrollment, LessonCompletion, LessonPage

from .sizes import MEASURED_COUNCIL_SLUG, MEASURED_STATE_CODE, PREFIX


def dataset_counts():
    """[(label, rows)] of the benchmark data (rows marked ``bench-``)."""
    users = get_user_model().objects.filter(username__startswith=PREFIX)
    councils = CouncilPage.objects.filter(slug__startswith=PREFIX)
    courses = CoursePage.objects.filter(slug__startswith=PREFIX)
    memberships = Membership.objects.filter(user__in=users.values("pk"))
    active = memberships.active()
    completions = LessonCompletion.objects.filter(course__in=courses.values("pk"))
    enrollments = Enrollment.objects.filter(course__in=courses.values("pk"))
    meetings = Meeting.objects.filter(council__in=councils.values("pk"))
    lessons = 0
    for path in courses.values_list("path", flat=True):
        lessons += LessonPage.objects.filter(path__startswith=path).count()
    return [
        ("members (users)", users.count()),
        ("councils", councils.count()),
        (
            "councils in the measured state",
            councils.filter(state__code=MEASURED_STATE_CODE).count(),
        ),
        ("active memberships", active.count()),
        (
            "active members of the measured council",
            active.filter(council__slug=MEASURED_COUNCIL_SLUG).count(),
        ),
        (
            "active members in the measured state",
            active.filter(council__state__code=MEASURED_STATE_CODE).count(),
        ),
        ("memberships left (history)", memberships.filter(status="baja").count()),
        ("pending membership requests", memberships.filter(status="pendiente").count()),
        ("courses", courses.count()),
        ("lessons", lessons),
        ("enrolments", enrollments.count()),
        (
            "enrolments completed",
            enrollments.completed().count(),
        ),
        ("lesson completions", completions.count()),
        (
            "lesson completions in study circles",
            completions.filter(source="circulo").count(),
        ),
        ("study circles (closed)", meetings.filter(kind=MeetingKind.CIRCLE).count()),
        ("assemblies (closed)", meetings.filter(kind=MeetingKind.ORDINARY).count()),
        (
            "attendance rows",
            Attendance.objects.filter(meeting__in=meetings.values("pk")).count(),
        ),
        (
            "role assignments",
            RoleAssignment.objects.filter(user__in=users.values("pk")).count(),
        ),
        (
            "mentor sign-offs",
            MentorSignOff.objects.filter(mentee__in=users.values("pk")).count(),
        ),
        (
            "mentorships",
            Mentorship.objects.filter(mentee__in=users.values("pk")).count(),
        ),
    ]
