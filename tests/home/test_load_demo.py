import pytest
from django.core.management import call_command
from django.utils import timezone, translation
from django.utils.formats import date_format
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page

from courses.models import Axis, CourseBooklet, CoursePage, LessonPage, MaterialPage
from members.demo import DEMO_PASSWORD, DEMO_USERS, load_demo_users
from members.models import User

pytestmark = pytest.mark.django_db

USERNAMES = [
    "admin",
    "editora",
    "revisora",
    "coordinadora",
    "coordinador2",
    "estatal",
    "integrante",
]


def snapshot():
    return {
        "users": sorted(User.objects.values_list("username", "password", "email")),
        "pages": sorted(
            Page.objects.values_list("url_path", "live", "latest_revision")
        ),
        "images": get_image_model().objects.count(),
        "documents": get_document_model().objects.count(),
        "booklets": sorted(CourseBooklet.objects.values_list("course", "fingerprint")),
    }


def test_load_demo_builds_the_whole_demo_and_twice_changes_nothing(
    client, django_capture_on_commit_callbacks
):
    # Booklets and constancias are built by tasks enqueued after the commit.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo")
    first = snapshot()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo")

    assert snapshot() == first

    # Accounts for each kind of person.
    assert [row[0] for row in DEMO_USERS] == USERNAMES
    for username in USERNAMES:
        assert client.login(username=username, password=DEMO_PASSWORD), username
    assert User.objects.get(username="admin").is_superuser
    assert not User.objects.filter(is_superuser=True).exclude(username="admin").exists()
    assert (
        User.objects.get(username="editora")
        .groups.filter(name="Equipo de formación")
        .exists()
    )
    assert (
        User.objects.get(username="revisora")
        .groups.filter(name="Revisión de formación")
        .exists()
    )
    integrante = User.objects.get(username="integrante")
    assert integrante.email == "" and integrante.phone
    assert integrante.certificates.count() == 1
    assert integrante.enrollments.filter(completed_at__isnull=True).count() == 1

    # A complete course on every axis, with 3-5 lessons, quizzes and a booklet.
    for axis in Axis.objects.all():
        assert CoursePage.objects.live().filter(primary_axis=axis).exists(), axis
    for course in CoursePage.objects.live():
        lessons = LessonPage.objects.live().child_of(course)
        assert 3 <= lessons.count() <= 5, course
        assert CourseBooklet.objects.filter(course=course).exists(), course
    assert sum(1 for lesson in LessonPage.objects.all() if lesson.quiz) >= 6
    assert MaterialPage.objects.live().count() >= 8
    assert all(material.document for material in MaterialPage.objects.all())
    # The library says how much each download weighs, as for an upload.
    assert all(
        material.document.file_size == material.document.file.size
        for material in MaterialPage.objects.select_related("document")
    )


def test_migrations_create_no_accounts():
    assert not User.objects.exists()


def test_demo_superuser_reaches_the_spanish_admin(client):
    load_demo_users()
    client.login(username="admin", password=DEMO_PASSWORD)

    response = client.get("/admin/")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="es' in html
    assert "Panel de control - COCOCI Formación" in html


def test_the_demo_shows_the_texts_a_member_without_e_mail_gets(
    settings, caplog, django_capture_on_commit_callbacks
):
    """``make demo`` has no SMS provider: the console channel writes each text
    to the log, and the demo's phone-only member agreed to notices and has her
    phone verified, so her texts are there."""
    from notifications.models import Notice, Status
    from notifications.services import notify

    settings.NOTIFY_CONSOLE = True
    settings.NOTIFY_QUIET_HOURS = None
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo")
    integrante = User.objects.get(username="integrante")

    with caplog.at_level("INFO", logger="notifications.console"):
        with django_capture_on_commit_callbacks(execute=True):
            notice = notify("prueba", integrante, "demo:1", "Hola, Juan.")

    notice.refresh_from_db()
    assert notice.status == Status.SENT
    assert "Aviso por sms a +525523456789: Hola, Juan." in caplog.text
    assert not Notice.objects.filter(user=integrante, status=Status.SKIPPED).exists()


def test_the_demo_tells_a_coherent_story_of_dates(django_capture_on_commit_callbacks):
    """People join a council before they attend its meetings, and meetings are
    held on the council's day at the hour its schedule says, whatever the day
    and hour ``load_demo`` runs."""
    from councils.models import Attendance, Meeting, Membership, RoleAssignment

    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo")

    attendances = Attendance.objects.select_related("meeting", "user")
    assert attendances.exists()
    for attendance in attendances:
        meeting = attendance.meeting
        joined_on = Membership.objects.get(
            user=attendance.user, council=meeting.council_id
        ).joined_on
        assert joined_on < timezone.localdate(meeting.starts_at), attendance

    for membership in Membership.objects.exclude(joined_on=None):
        assert membership.joined_on >= membership.council.founded_on, membership
        assert membership.requested_at <= membership.decided_at, membership
    for office in RoleAssignment.objects.exclude(council=None):
        joined_on = Membership.objects.get(
            user=office.user, council=office.council
        ).joined_on
        assert joined_on <= office.started_on, office

    meetings = Meeting.objects.select_related("council")
    assert meetings.count() >= 4
    with translation.override("es-mx"):
        for meeting in meetings:
            local = timezone.localtime(meeting.starts_at)
            schedule = meeting.council.meeting_schedule.lower()
            assert (local.minute, local.second) == (0, 0), meeting
            assert date_format(local, "l").lower() in schedule, (meeting, local)
            assert f"{local.hour}:00" in schedule, (meeting, local)
            if meeting.closed_at:
                assert meeting.starts_at < meeting.closed_at, meeting
