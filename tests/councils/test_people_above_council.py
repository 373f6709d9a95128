""" "Mi consejo" reached from above the council: a state's or the nation's
coordination sees a council's people (members with their phones, requests,
meetings' attendance, mentors) only after writing why, and every page seen is
written to the access log with that reason. The council's own leaders need no
reason. The dashboard's side of the same rule: ``test_cadre_dashboard.py``."""

import json

import pytest
from django.utils import timezone

from councils.factories import assign, join, make_council, make_person
from councils.models import Attendance, Meeting, MeetingKind, Membership
from members.models import AccessLog
from tests.councils.helpers import admin_url, messages_of, signed_in, spanish, text_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("worker_keeps_up")]

REASON = "Revisar la asistencia del círculo de marzo"
PHONE = "3312345678"
NAME = "Anacleta Marroquin"


@pytest.fixture
def council(db):
    return make_council("Consejo Santa Cecilia", publish=False)


@pytest.fixture
def member(council):
    person = make_person(
        "anacleta", first_name="Anacleta", last_name="Marroquin", phone=PHONE
    )
    join(person, council)
    return person


@pytest.fixture
def applicant(council):
    person = make_person("sofia", first_name="Sofía", last_name="Solicitante")
    return join(person, council, status="pendiente")


@pytest.fixture
def meeting(council, member):
    meeting = Meeting.objects.create(
        council=council, kind=MeetingKind.CIRCLE, starts_at=timezone.now()
    )
    Attendance.objects.create(meeting=meeting, user=member)
    return meeting


@pytest.fixture
def leader(council):
    person = make_person("ana.lider", first_name="Ana")
    assign(person, "coordinador-de-consejo", council=council)
    return person


@pytest.fixture
def state_coordinator(db):
    person = make_person("jalisco.coord", first_name="Jimena")
    assign(person, "coordinador-estatal", state="14")
    return person


@pytest.fixture
def national(db):
    person = make_person("nacional", first_name="Nora")
    assign(person, "coordinacion-nacional")
    return person


def give_reason(client, key, then):
    return client.post(
        admin_url("names_reason"),
        {"alcance": key, "motivo": REASON, "next": then},
        follow=True,
    )


def people_pages(council, meeting):
    return {
        "council": admin_url("council", council.pk),
        "meeting": admin_url("meeting", council.pk, meeting.pk),
        "meeting_attendance": admin_url("meeting_attendance", council.pk, meeting.pk),
        "meeting_edit": admin_url("meeting_edit", council.pk, meeting.pk),
        "mentorships": admin_url("mentorships", council.pk),
        "role_endorse": admin_url("role_endorse", council.pk),
    }


@pytest.mark.parametrize("who", ["state_coordinator", "national"])
def test_a_council_s_people_from_above_ask_for_a_reason_first(
    request, who, council, member, applicant, meeting
):
    client = signed_in(request.getfixturevalue(who))

    for url in people_pages(council, meeting).values():
        response = client.get(url)
        assert response.status_code == 200, url
        page = text_of(response)
        assert NAME not in page, url
        assert PHONE not in page, url
        assert "Sofía" not in page, url
        assert spanish("Show people") in page
    assert not AccessLog.objects.exists()


def test_with_a_reason_the_people_are_shown_and_each_page_logged(
    council, member, applicant, meeting, state_coordinator
):
    client = signed_in(state_coordinator)
    pages = people_pages(council, meeting)

    first = give_reason(client, f"consejo:{council.pk}", pages["council"])

    assert first.redirect_chain[-1][0] == pages["council"]
    assert PHONE in text_of(first)
    assert "Sofía" in text_of(first)
    for url in list(pages.values())[1:]:
        assert NAME in text_of(client.get(url)), url
    logs = list(AccessLog.objects.order_by("created_at", "pk"))
    assert [log.scope for log in logs] == [f"mi-consejo:{council.pk}"] * len(pages)
    assert [json.loads(log.detail)["vista"] for log in logs] == list(pages)
    assert {json.loads(log.detail)["motivo"] for log in logs} == {REASON}
    assert {log.actor for log in logs} == {state_coordinator}
    assert logs[0].row_count == 2  # the request and the member
    assert logs[1].row_count == 1  # the one present


def test_a_reason_for_the_state_covers_its_councils(
    council, member, meeting, state_coordinator
):
    client = signed_in(state_coordinator)

    give_reason(client, "estado:14", admin_url("index"))

    assert PHONE in text_of(client.get(admin_url("council", council.pk)))


def test_a_reason_for_another_council_opens_nothing_here(
    council, member, state_coordinator
):
    other = make_council("Consejo Oblatos", municipality_code="120", publish=False)
    client = signed_in(state_coordinator)

    give_reason(client, f"consejo:{other.pk}", admin_url("index"))

    assert PHONE not in text_of(client.get(admin_url("council", council.pk)))


def test_a_change_sent_without_a_reason_changes_nothing(
    council, applicant, state_coordinator
):
    client = signed_in(state_coordinator)

    response = client.post(
        admin_url("membership_decide", council.pk, applicant.pk),
        {"action": "aceptar"},
    )

    assert response.status_code == 302
    assert response["Location"] == admin_url("council", council.pk)
    applicant.refresh_from_db()
    assert applicant.status == "pendiente"
    assert spanish(
        "To see or change the people of a council you do not lead, write why."
    ) in messages_of(response)
    assert Membership.objects.filter(council=council, status="activa").count() == 0


def test_with_a_reason_a_change_is_made(council, applicant, state_coordinator):
    client = signed_in(state_coordinator)
    give_reason(client, f"consejo:{council.pk}", admin_url("council", council.pk))

    client.post(
        admin_url("membership_decide", council.pk, applicant.pk),
        {"action": "aceptar"},
    )

    applicant.refresh_from_db()
    assert applicant.status == "activa"


def test_the_council_s_own_leader_needs_no_reason_and_is_not_logged(
    council, member, meeting, leader
):
    client = signed_in(leader)

    for url in people_pages(council, meeting).values():
        assert NAME in text_of(client.get(url)), url
    assert not AccessLog.objects.exists()


def test_the_digest_setting_needs_no_reason(council, state_coordinator):
    response = signed_in(state_coordinator).post(
        admin_url("digest_toggle", council.pk), {"recibir": "0"}
    )

    assert response.status_code == 302
    assert spanish("You will no longer receive the weekly digest.") in messages_of(
        response
    )


# What counts as a reason: letters and digits, not characters that show nothing


@pytest.mark.parametrize(
    "invisible",
    [
        "\u200b" * 12,  # zero-width spaces
        "\u200b\u200c\u200d\u2060\ufeff\u200e" * 3,  # joiners, marks, BOM
        "\u3164" * 12,  # Hangul fillers: "letters" that show nothing
        "ab\u200bcd\u200bef\u200bgh\u200bi",  # nine visible letters
        "!!!! ---- ....",  # punctuation only
        "\u00a0\u3000\t" * 5,  # whitespace of other kinds
    ],
)
def test_a_reason_that_shows_fewer_than_ten_letters_is_refused(
    council, member, state_coordinator, invisible
):
    client = signed_in(state_coordinator)
    target = admin_url("council", council.pk)

    response = client.post(
        admin_url("names_reason"),
        {"alcance": f"consejo:{council.pk}", "motivo": invisible, "next": target},
        follow=True,
    )

    assert PHONE not in text_of(response)
    warning = spanish(
        "To see people by name above a council, write why you need to (at least "
        "%(minimum)s letters or digits)."
    )
    assert warning % {"minimum": 10} in text_of(response)
    assert PHONE not in text_of(client.get(target))
    assert not AccessLog.objects.exists()


def test_a_reason_is_kept_and_logged_without_its_invisible_characters(
    council, member, state_coordinator
):
    client = signed_in(state_coordinator)
    target = admin_url("council", council.pk)
    typed = "\u200bRevisar\u200d la\u00a0 asistencia\u2060 de\tmarzo\u200b "

    response = client.post(
        admin_url("names_reason"),
        {"alcance": f"consejo:{council.pk}", "motivo": typed, "next": target},
        follow=True,
    )

    assert PHONE in text_of(response)
    logged = json.loads(AccessLog.objects.get().detail)["motivo"]
    assert logged == "Revisar la asistencia de marzo"
