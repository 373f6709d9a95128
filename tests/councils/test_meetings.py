"""Meetings in "Mi consejo": study circles that complete lessons for those
present, assemblies closed with attendance and acta, and the limits of a leader's
reach (another council's meetings, closed meetings, bad uploads)."""

import html
import re
from datetime import date, datetime, time, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from wagtail.documents import get_document_model

from councils.factories import assign, join, make_council, make_person
from councils.models import Attendance, Meeting, MeetingKind
from courses.models import Certificate, Enrollment, LessonCompletion
from tests.conftest import PASSWORD
from tests.councils.helpers import admin_url, messages_of, signed_in, spanish, text_of
from tests.courses.learning_fixtures import make_course, make_lesson

pytestmark = pytest.mark.django_db

Document = get_document_model()

# A small but well-formed PDF: one empty page.
PDF = (
    b"%PDF-1.4\n"
    b"1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n"
    b"%%EOF\n"
)


def refused(response):
    """The Wagtail admin turns PermissionDenied into a redirect to its home."""
    return response.status_code in (302, 403, 404)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def council(db):
    return make_council("Consejo Santa Cecilia", municipality_name="Guadalajara")


@pytest.fixture
def other_council(db):
    return make_council("Consejo Oblatos", municipality_code="120")


@pytest.fixture
def leader(council):
    person = make_person("ana.lider", password=PASSWORD, first_name="Ana")
    assign(person, "coordinador-de-consejo", council=council)
    return person


@pytest.fixture
def other_leader(other_council):
    person = make_person("beto.lider", password=PASSWORD, first_name="Beto")
    assign(person, "coordinador-de-consejo", council=other_council)
    return person


@pytest.fixture
def leader_client(leader):
    return signed_in(leader)


@pytest.fixture
def members(council):
    """Three active members of the council."""
    people = [
        make_person(username, first_name=name, email=f"{username}@example.org")
        for username, name in (("juana", "Juana"), ("pedro", "Pedro"), ("rosa", "Rosa"))
    ]
    for person in people:
        join(person, council)
    return people


@pytest.fixture
def course(db):
    """A published course of exactly two published lessons."""
    course = make_course("Asambleas que deciden", axis_number=1)
    make_lesson(course, "Qué es un consejo")
    make_lesson(course, "Cómo convocar")
    return course


def lessons(course):
    return list(course.lessons())


def meeting_data(**fields):
    data = {
        "kind": MeetingKind.CIRCLE,
        "title": "Círculo de los sábados",
        "starts_at": "2025-03-01T10:00",
        "duration_minutes": "120",
        "place": "Casa ejidal",
        "modality": "presencial",
        "agenda": "",
        "agreements": "",
        "facilitator": "",
    }
    data.update(fields)
    return data


def make_meeting(council, kind=MeetingKind.CIRCLE, **fields):
    fields.setdefault("starts_at", timezone.now() - timedelta(hours=2))
    return Meeting.objects.create(council=council, kind=kind, **fields)


def attendance_of(meeting):
    return set(
        Attendance.objects.filter(meeting=meeting).values_list("user_id", flat=True)
    )


# Recording a study circle


def test_the_leader_records_a_study_circle_on_two_lessons(
    council, leader, leader_client, course
):
    first, second = lessons(course)

    response = leader_client.post(
        admin_url("meeting_add", council.pk),
        meeting_data(lessons=[first.pk, second.pk]),
    )

    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == admin_url("meeting", council.pk, meeting.pk)
    assert meeting.council == council
    assert meeting.kind == MeetingKind.CIRCLE
    assert meeting.created_by == leader
    assert set(meeting.lessons.all()) == {first, second}
    local = timezone.localtime(meeting.starts_at)
    assert (local.year, local.month, local.day, local.hour) == (2025, 3, 1, 10)
    detail = leader_client.get(response["Location"])
    assert detail.status_code == 200
    assert "Qué es un consejo" in text_of(detail)
    assert "Cómo convocar" in text_of(detail)


def test_a_study_circle_without_lessons_is_refused(council, leader_client, course):
    response = leader_client.post(admin_url("meeting_add", council.pk), meeting_data())

    assert response.status_code == 200
    assert not Meeting.objects.exists()
    assert spanish("Choose the lessons the study circle worked on.") in text_of(
        response
    )


def test_a_bad_date_is_refused(council, leader_client, course):
    response = leader_client.post(
        admin_url("meeting_add", council.pk),
        meeting_data(starts_at="el sábado", lessons=[lessons(course)[0].pk]),
    )

    assert response.status_code == 200
    assert response.context["form"].errors["starts_at"]
    assert not Meeting.objects.exists()


# Only lessons open to everyone: a circle completes its lessons, and enrols
# those present, so a restricted course must not be reachable through one.


@pytest.fixture
def restricted_course(db):
    """A course for the formation team only, and one still a draft whose
    lesson was published; each with a lesson."""
    from django.contrib.auth.models import Group
    from wagtail.models import PageViewRestriction

    restricted = make_course("Estrategia interna", axis_number=2)
    make_lesson(restricted, "Mapa de alianzas")
    restriction = PageViewRestriction.objects.create(
        page=restricted, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.set([Group.objects.get(name="Equipo de formación")])
    draft = make_course("Curso en preparación", axis_number=3, live=False)
    make_lesson(draft, "Lección sin curso publicado")
    return restricted


def test_the_meeting_form_offers_only_lessons_open_to_everyone(
    council, leader_client, course, restricted_course
):
    response = leader_client.get(admin_url("meeting_add", council.pk))

    offered = {str(lesson) for lesson in response.context["form"]["lessons"]}
    text = text_of(response)
    assert "Qué es un consejo" in text and "Cómo convocar" in text
    assert "Mapa de alianzas" not in text
    assert "Lección sin curso publicado" not in text
    assert len(offered) == 2


def course_groups(response):
    """The meeting form's lessons: {course: (open?, [(lesson, checked?)])}."""
    groups = {}
    for attrs, title, body in re.findall(
        r'<details class="lessons-course"([^>]*)>\s*'
        r"<summary>([^<]+?) <span.*?</summary>(.*?)</details>",
        response.content.decode(),
        flags=re.S,
    ):
        groups[html.unescape(title)] = (
            "open" in attrs,
            [
                (html.unescape(label.strip()), bool(checked))
                for checked, label in re.findall(
                    r'<input type="checkbox" name="lessons"[^>]*?( checked)?>([^<]+)',
                    body,
                )
            ],
        )
    return groups


def test_two_courses_of_the_same_title_keep_their_lessons_apart(
    council, leader_client, course
):
    twin = make_course(course.title, axis_number=2, slug="asambleas-que-deciden-2")
    make_lesson(twin, "Cooperativas")

    html = leader_client.get(admin_url("meeting_add", council.pk)).content.decode()

    summaries = re.findall(
        r'<details class="lessons-course"[^>]*>\s*<summary>([^<]+?) <', html
    )
    assert summaries.count(course.title) == 2


def test_the_meeting_form_groups_lessons_under_their_course_and_keeps_them_on_edit(
    council, leader_client, course
):
    other = make_course("Economía solidaria", axis_number=2)
    make_lesson(other, "Qué es un consejo")  # the same title, another course
    make_lesson(other, "Cooperativas")

    blank = course_groups(leader_client.get(admin_url("meeting_add", council.pk)))

    assert blank == {
        "Asambleas que deciden": (
            False,
            [("Qué es un consejo", False), ("Cómo convocar", False)],
        ),
        "Economía solidaria": (
            False,
            [("Qué es un consejo", False), ("Cooperativas", False)],
        ),
    }

    chosen = other.get_children().specific().get(title="Qué es un consejo")
    meeting = make_meeting(council, title="Círculo de economía")
    meeting.lessons.set([chosen])
    edit = leader_client.get(admin_url("meeting_edit", council.pk, meeting.pk))

    groups = course_groups(edit)
    assert groups["Asambleas que deciden"] == (
        False,
        [("Qué es un consejo", False), ("Cómo convocar", False)],
    )
    assert groups["Economía solidaria"] == (
        True,
        [("Qué es un consejo", True), ("Cooperativas", False)],
    )
    assert "1 de 2 lecciones elegidas" in text_of(edit)
    # Saved again untouched, the meeting keeps its lesson.
    response = leader_client.post(
        admin_url("meeting_edit", council.pk, meeting.pk),
        meeting_data(title="Círculo de economía", lessons=[chosen.pk]),
    )
    assert response.status_code == 302
    assert list(meeting.lessons.all()) == [chosen]


def test_a_forged_lesson_of_a_restricted_course_is_refused(
    council, leader_client, course, restricted_course
):
    secret = restricted_course.get_children().specific().get()

    response = leader_client.post(
        admin_url("meeting_add", council.pk), meeting_data(lessons=[secret.pk])
    )

    assert response.status_code == 200
    assert response.context["form"].errors["lessons"]
    assert not Meeting.objects.exists()


def test_closing_a_circle_never_opens_a_restricted_course(
    council, leader_client, members, course, restricted_course
):
    """A circle recorded on a lesson before its course was restricted: closing
    it completes the open lesson only, and enrols nobody in the other course."""
    open_lesson = lessons(course)[0]
    secret = restricted_course.get_children().specific().get()
    meeting = make_meeting(council)
    meeting.lessons.set([open_lesson, secret])
    Attendance.objects.create(meeting=meeting, user=members[0])

    leader_client.post(admin_url("meeting_close", council.pk, meeting.pk))

    meeting.refresh_from_db()
    assert meeting.is_closed
    assert set(
        LessonCompletion.objects.filter(user=members[0]).values_list(
            "lesson_id", flat=True
        )
    ) == {open_lesson.pk}
    assert not Enrollment.objects.filter(course=restricted_course).exists()


# Attendance


def test_the_attendance_form_has_one_checkbox_per_active_member(
    council, other_council, leader_client
):
    for number in range(30):
        join(make_person(f"integrante{number:02d}"), council)
    join(make_person("pendiente"), council, status="pendiente")
    join(make_person("ya.no"), council, status="baja")
    join(make_person("de.otro"), other_council)
    meeting = make_meeting(council)

    response = leader_client.get(
        admin_url("meeting_attendance", council.pk, meeting.pk)
    )

    assert response.status_code == 200
    page = response.content.decode()
    forms = [
        form
        for form in re.findall(r"<form\b.*?</form>", page, flags=re.S)
        if 'name="present"' in form
    ]
    assert len(forms) == 1
    assert len(re.findall(r'<input type="checkbox" name="present"', forms[0])) == 30
    for username in ("pendiente", "ya.no", "de.otro"):
        assert username not in page


def test_marking_three_members_present_saves_three_rows(
    council, leader_client, members
):
    for number in range(3):
        join(make_person(f"ausente{number}"), council)
    meeting = make_meeting(council)

    response = leader_client.post(
        admin_url("meeting_attendance", council.pk, meeting.pk),
        {"present": [person.pk for person in members]},
    )

    assert response.status_code == 302
    assert response["Location"] == admin_url("meeting", council.pk, meeting.pk)
    assert attendance_of(meeting) == {person.pk for person in members}
    # Taking it again replaces the list.
    leader_client.post(
        admin_url("meeting_attendance", council.pk, meeting.pk),
        {"present": [members[0].pk]},
    )
    assert attendance_of(meeting) == {members[0].pk}


@pytest.mark.parametrize("intruder", ["stranger", "other_council", "pending"])
def test_naming_someone_who_is_not_an_active_member_changes_nothing(
    council, other_council, leader_client, members, intruder
):
    meeting = make_meeting(council)
    Attendance.objects.create(meeting=meeting, user=members[0])
    person = make_person("intrusa")
    if intruder == "other_council":
        join(person, other_council)
    elif intruder == "pending":
        join(person, council, status="pendiente")

    response = leader_client.post(
        admin_url("meeting_attendance", council.pk, meeting.pk),
        {"present": [members[1].pk, person.pk]},
    )

    assert response.status_code == 400
    assert attendance_of(meeting) == {members[0].pk}
    assert spanish(
        "The list names someone who is not a member of this council."
    ) in text_of(response)


def test_a_made_up_id_in_the_attendance_changes_nothing(
    council, leader_client, members
):
    meeting = make_meeting(council)
    Attendance.objects.create(meeting=meeting, user=members[0])

    for bad in ("999999", "abc"):
        response = leader_client.post(
            admin_url("meeting_attendance", council.pk, meeting.pk),
            {"present": [members[1].pk, bad]},
        )
        assert response.status_code == 400

    assert attendance_of(meeting) == {members[0].pk}


# Closing a study circle


def test_closing_a_study_circle_completes_its_lessons_for_those_present(
    council,
    leader,
    leader_client,
    members,
    course,
    django_capture_on_commit_callbacks,
):
    juana, pedro, rosa = members
    first, second = lessons(course)
    meeting = make_meeting(council)
    meeting.lessons.set([first, second])
    leader_client.post(
        admin_url("meeting_attendance", council.pk, meeting.pk),
        {"present": [juana.pk, pedro.pk]},
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = leader_client.post(
            admin_url("meeting_close", council.pk, meeting.pk)
        )

    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.is_closed
    assert meeting.closed_by == leader
    completions = LessonCompletion.objects.all()
    assert {(row.user_id, row.lesson_id) for row in completions} == {
        (juana.pk, first.pk),
        (juana.pk, second.pk),
        (pedro.pk, first.pk),
        (pedro.pk, second.pk),
    }
    assert {row.source for row in completions} == {"circulo"}
    assert {row.recorded_by_id for row in completions} == {leader.pk}
    assert not LessonCompletion.objects.filter(user=rosa).exists()
    # The course had exactly those two lessons: it is complete for both, and
    # their constancias were issued.
    for person in (juana, pedro):
        assert Enrollment.objects.get(user=person, course=course).completed_at
        assert Certificate.objects.filter(user=person, course=course).exists()
    assert not Enrollment.objects.filter(user=rosa).exists()
    assert not Certificate.objects.filter(user=rosa).exists()
    assert spanish("The meeting is closed.") in messages_of(response)


def test_a_circle_on_one_of_two_lessons_counts_toward_the_course(
    council, leader_client, members, course, django_capture_on_commit_callbacks
):
    first, _second = lessons(course)
    meeting = make_meeting(council)
    meeting.lessons.set([first])
    Attendance.objects.create(meeting=meeting, user=members[0])

    with django_capture_on_commit_callbacks(execute=True):
        leader_client.post(admin_url("meeting_close", council.pk, meeting.pk))

    enrollment = Enrollment.objects.get(user=members[0], course=course)
    assert enrollment.completed_at is None
    assert LessonCompletion.objects.filter(user=members[0]).count() == 1
    assert not Certificate.objects.exists()


def test_a_closed_meeting_cannot_be_closed_again_nor_its_attendance_changed(
    council, leader_client, members, course
):
    meeting = make_meeting(council)
    meeting.lessons.set(lessons(course))
    Attendance.objects.create(meeting=meeting, user=members[0])
    leader_client.post(admin_url("meeting_close", council.pk, meeting.pk))
    meeting.refresh_from_db()
    closed_at = meeting.closed_at
    completions = LessonCompletion.objects.count()

    again = leader_client.post(admin_url("meeting_close", council.pk, meeting.pk))
    attendance = leader_client.post(
        admin_url("meeting_attendance", council.pk, meeting.pk),
        {"present": [person.pk for person in members]},
    )
    edit = leader_client.post(
        admin_url("meeting_edit", council.pk, meeting.pk),
        meeting_data(title="Cambiado", lessons=[lessons(course)[0].pk]),
    )

    meeting.refresh_from_db()
    assert meeting.closed_at == closed_at
    assert meeting.title == ""
    assert attendance_of(meeting) == {members[0].pk}
    assert LessonCompletion.objects.count() == completions
    assert spanish("This meeting is already closed.") in messages_of(again)
    assert spanish("This meeting is closed: its attendance is final.") in (
        messages_of(attendance)
    )
    assert spanish("This meeting is closed and can't be changed.") in messages_of(edit)


def test_a_study_circle_without_attendance_is_not_closed(
    council, leader_client, course
):
    meeting = make_meeting(council)
    meeting.lessons.set(lessons(course))

    response = leader_client.post(admin_url("meeting_close", council.pk, meeting.pk))

    meeting.refresh_from_db()
    assert not meeting.is_closed
    assert not LessonCompletion.objects.exists()
    assert spanish("Record who attended before closing the study circle.") in (
        messages_of(response)
    )


# Assemblies and their actas


def acta(name="acta.pdf", content=PDF, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_an_assembly_closes_only_with_attendance_and_acta(
    council, leader_client, members
):
    meeting = make_meeting(council, MeetingKind.ORDINARY, title="Asamblea de marzo")
    close = admin_url("meeting_close", council.pk, meeting.pk)

    no_attendance = leader_client.post(close)
    meeting.refresh_from_db()
    assert not meeting.is_closed
    assert spanish("Record who attended before closing the assembly.") in (
        messages_of(no_attendance)
    )

    leader_client.post(
        admin_url("meeting_attendance", council.pk, meeting.pk),
        {"present": [person.pk for person in members]},
    )
    no_acta = leader_client.post(close)
    meeting.refresh_from_db()
    assert not meeting.is_closed
    assert spanish("Upload the acta before closing the assembly.") in messages_of(
        no_acta
    )

    upload = leader_client.post(
        admin_url("meeting_edit", council.pk, meeting.pk),
        meeting_data(
            kind=MeetingKind.ORDINARY, title="Asamblea de marzo", acta_file=acta()
        ),
    )
    assert upload.status_code == 302
    meeting.refresh_from_db()
    document = Document.objects.get()
    assert meeting.acta == document
    assert document.collection_id == council.collection_id
    with document.file.open("rb") as stored:
        assert stored.read() == PDF

    leader_client.post(close)
    meeting.refresh_from_db()
    assert meeting.is_closed


def test_a_photo_of_the_acta_is_accepted(council, leader_client):
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (20, 20), "white").save(buffer, format="PNG")
    meeting = make_meeting(council, MeetingKind.ORDINARY)

    response = leader_client.post(
        admin_url("meeting_edit", council.pk, meeting.pk),
        meeting_data(
            kind=MeetingKind.ORDINARY,
            acta_file=acta("acta.png", buffer.getvalue(), "image/png"),
        ),
    )

    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.acta.collection_id == council.collection_id


@pytest.mark.parametrize(
    ("name", "content", "msgid"),
    [
        (
            "acta.txt",
            b"Acta de la asamblea",
            "The acta must be a PDF or a photo (JPG or PNG).",
        ),
        ("acta.pdf", b"<html>no soy un PDF</html>", "This file is not a valid PDF."),
        (
            "acta.png",
            b"\x89PNG\r\n\x1a\n" + b"basura" * 50,
            "This file is not a valid image.",
        ),
    ],
    ids=["text", "fake-pdf", "broken-png"],
)
def test_a_bad_acta_is_refused_and_nothing_changes(
    council, leader_client, name, content, msgid
):
    meeting = make_meeting(council, MeetingKind.ORDINARY, title="Asamblea de marzo")

    response = leader_client.post(
        admin_url("meeting_edit", council.pk, meeting.pk),
        meeting_data(
            kind=MeetingKind.ORDINARY,
            title="Otro título",
            acta_file=acta(name, content, "application/pdf"),
        ),
    )

    assert response.status_code == 200
    assert response.context["form"].errors["acta_file"]
    assert not Document.objects.exists()
    meeting.refresh_from_db()
    assert meeting.acta is None
    assert meeting.title == "Asamblea de marzo"
    assert spanish(msgid) in text_of(response)


def test_an_acta_above_the_size_limit_is_refused(settings, council, leader_client):
    settings.COUNCIL_ACTA_MAX_SIZE = 100
    meeting = make_meeting(council, MeetingKind.ORDINARY)

    response = leader_client.post(
        admin_url("meeting_edit", council.pk, meeting.pk),
        meeting_data(kind=MeetingKind.ORDINARY, acta_file=acta()),
    )

    assert response.status_code == 200
    assert not Document.objects.exists()
    meeting.refresh_from_db()
    assert meeting.acta is None
    expected = spanish("The acta is too large: the limit is %(limit)s.")
    assert expected.split("%(limit)s")[0].strip() in text_of(response)


def test_a_new_meeting_with_a_bad_acta_is_not_created(council, leader_client):
    response = leader_client.post(
        admin_url("meeting_add", council.pk),
        meeting_data(kind=MeetingKind.ORDINARY, acta_file=acta("acta.pdf", b"nada")),
    )

    assert response.status_code == 200
    assert not Meeting.objects.exists()
    assert not Document.objects.exists()


# Another council's leader


def test_another_leader_cannot_reach_this_council_s_meeting(
    council, other_council, other_leader, members, course
):
    meeting = make_meeting(council, title="Círculo de marzo")
    meeting.lessons.set(lessons(course))
    Attendance.objects.create(meeting=meeting, user=members[0])
    client = signed_in(other_leader)
    stranger = make_person("de.oblatos")
    join(stranger, other_council)

    for council_id in (council.pk, other_council.pk):
        assert refused(client.get(admin_url("meeting", council_id, meeting.pk)))
        assert refused(client.get(admin_url("meeting_edit", council_id, meeting.pk)))
        assert refused(
            client.post(
                admin_url("meeting_edit", council_id, meeting.pk),
                meeting_data(title="Tomado", lessons=[lessons(course)[0].pk]),
            )
        )
        assert refused(
            client.get(admin_url("meeting_attendance", council_id, meeting.pk))
        )
        assert refused(
            client.post(
                admin_url("meeting_attendance", council_id, meeting.pk),
                {"present": [stranger.pk]},
            )
        )
        assert refused(client.post(admin_url("meeting_close", council_id, meeting.pk)))
        assert refused(client.get(admin_url("meeting_add", council.pk)))

    meeting.refresh_from_db()
    assert meeting.council == council
    assert meeting.title == "Círculo de marzo"
    assert not meeting.is_closed
    assert attendance_of(meeting) == {members[0].pk}
    assert not LessonCompletion.objects.exists()
    assert Meeting.objects.count() == 1


def test_a_plain_member_cannot_reach_the_meetings(council, members):
    meeting = make_meeting(council)
    client = signed_in(members[0])

    assert refused(client.get(admin_url("meeting", council.pk, meeting.pk)))
    assert refused(client.post(admin_url("meeting_close", council.pk, meeting.pk)))
    meeting.refresh_from_db()
    assert not meeting.is_closed


# On the public page


def test_public_upcoming_meetings_show_on_the_council_s_page(client, council):
    soon = timezone.now() + timedelta(days=3)
    make_meeting(
        council, title="Asamblea abierta de abril", starts_at=soon, is_public=True
    )
    make_meeting(council, title="Reunión interna de coordinación", starts_at=soon)
    make_meeting(
        council,
        title="Asamblea pasada",
        starts_at=timezone.now() - timedelta(days=3),
        is_public=True,
    )

    text = text_of(client.get(council.url))

    assert "Asamblea abierta de abril" in text
    assert "Reunión interna de coordinación" not in text
    assert "Asamblea pasada" not in text


def test_a_meeting_without_a_title_is_named_by_its_local_day(council):
    evening = timezone.make_aware(
        datetime.combine(date(2026, 12, 8), time(19, 0))
    )  # 01:00 on the 9th in UTC

    meeting = Meeting.objects.get(pk=make_meeting(council, starts_at=evening).pk)

    assert str(meeting) == "Círculo de estudio del 8 de diciembre de 2026"


def test_correcting_the_attendance_keeps_who_has_left_since(
    council, leader, leader_client, members
):
    from councils.services.membership import membership_end

    juana, pedro, rosa = members
    meeting = make_meeting(council)
    url = admin_url("meeting_attendance", council.pk, meeting.pk)
    leader_client.post(url, {"present": [juana.pk, pedro.pk]})
    membership_end(
        council=council, membership_id=pedro.memberships.get().pk, actor=leader
    )

    leader_client.post(url, {"present": [juana.pk, rosa.pk]})

    assert attendance_of(meeting) == {juana.pk, pedro.pk, rosa.pk}


# Who may facilitate


def facilitator_choices(response):
    field = response.context["form"].fields["facilitator"]
    return {user.username for user in field.queryset}


def test_facilitators_are_members_and_those_holding_an_office_here_today(
    council, other_council, leader, leader_client, members
):
    yesterday = timezone.localdate() - timedelta(days=1)
    trainer = make_person("tere.formadora", first_name="Tere")
    assign(trainer, "formador", started_on=yesterday - timedelta(days=30))
    former = make_person("fito.exformador", first_name="Fito")
    assign(
        former,
        "formador",
        started_on=yesterday - timedelta(days=400),
        ended_on=yesterday,
    )
    state = make_person("eva.estatal", first_name="Eva")
    assign(state, "coordinador-estatal", state="14")
    elsewhere = make_person("ciro.estatal", first_name="Ciro")
    assign(elsewhere, "coordinador-estatal", state="09")
    outsider = make_person("oli.otro", first_name="Oli")
    join(outsider, other_council)

    choices = facilitator_choices(
        leader_client.get(admin_url("meeting_add", council.pk))
    )

    assert {"juana", "pedro", "rosa", "tere.formadora", "eva.estatal"} <= choices
    assert "fito.exformador" not in choices  # an office that has ended
    assert "ciro.estatal" not in choices  # another state's coordinator
    assert "oli.otro" not in choices  # another council's member


def test_a_facilitator_whose_office_ended_can_stay_on_a_meeting_being_edited(
    council, leader_client, course
):
    yesterday = timezone.localdate() - timedelta(days=1)
    former = make_person("fito.exformador", first_name="Fito")
    office = assign(former, "formador", started_on=yesterday - timedelta(days=90))
    meeting = make_meeting(council, facilitator=former)
    office.ended_on = yesterday
    office.save()
    first = lessons(course)[0]
    meeting.lessons.set([first])

    response = leader_client.post(
        admin_url("meeting_edit", council.pk, meeting.pk),
        meeting_data(
            title="Círculo corregido", facilitator=former.pk, lessons=[first.pk]
        ),
    )

    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.title == "Círculo corregido"
    assert meeting.facilitator == former


def test_closing_a_circle_asks_first_and_says_what_it_credits(
    council, leader_client, members, course
):
    """ "Cerrar la reunión" cannot be undone: the meeting's page leads to a
    page that says what closing does; only its POST closes."""
    meeting = make_meeting(council)
    meeting.lessons.set(lessons(course))
    for person in members[:2]:
        Attendance.objects.create(meeting=meeting, user=person)
    close = admin_url("meeting_close", council.pk, meeting.pk)

    detail = leader_client.get(admin_url("meeting", council.pk, meeting.pk))
    assert f'href="{close}"' in detail.content.decode()
    assert f'action="{close}"' not in detail.content.decode()

    confirm = leader_client.get(close)

    assert confirm.status_code == 200
    page = text_of(confirm)
    assert "¿Cerrar «" in page
    assert "2 personas presentes" in page
    for lesson in lessons(course):
        assert lesson.title in page
    assert "No se puede deshacer" in page
    meeting.refresh_from_db()
    assert not meeting.is_closed
    assert not LessonCompletion.objects.exists()

    leader_client.post(close)

    meeting.refresh_from_db()
    assert meeting.is_closed
    assert LessonCompletion.objects.filter(user=members[0]).exists()


def test_a_closed_meeting_offers_no_confirmation(council, leader_client, members):
    meeting = make_meeting(council)
    Attendance.objects.create(meeting=meeting, user=members[0])
    close = admin_url("meeting_close", council.pk, meeting.pk)
    leader_client.post(close)

    response = leader_client.get(close)

    assert response.status_code == 302
    assert spanish("This meeting can no longer be closed.") in messages_of(response)
