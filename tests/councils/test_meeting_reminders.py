"""Meeting reminders by phone: the day before, once; told again when the
meeting moves or is cancelled; nothing sent for a meeting deleted; held by the
quiet hours at night. A cancelled meeting shows as such on its pages and in
calendars (STATUS:CANCELLED, a greater SEQUENCE)."""

# The notifications tests' fixtures (clock, receiver, sms) are imported below
# and named again as the tests' arguments.
# ruff: noqa: F811

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from icalendar import Calendar

from councils.calendars import calendar_host
from councils.demo import COUNCILS
from councils.factories import assign, join, make_council, make_meeting
from councils.models import (
    Meeting,
    MeetingKind,
    Membership,
    MembershipStatus,
    Modality,
)
from councils.services.calendars import calendar_feed_renew
from councils.services.meetings import meeting_save
from councils.services.reminders import CHANGE, REMINDER, plan_reminders
from councils.tasks import plan_meeting_reminders
from members.factories import make_person
from notifications.models import ChannelPreference, Notice, Status
from notifications.services import send_due
from notifications.sms import for_sms, segments
from tests.conftest import PASSWORD
from tests.councils.helpers import admin_url, messages_of, signed_in, spanish, text_of
from tests.notifications.conftest import (  # noqa: F401 (fixtures)
    clock,
    phone_person,
    receiver,
    sms,
    stop_line,
)

pytestmark = pytest.mark.django_db

CDMX = ZoneInfo("America/Mexico_City")
# A day after the real one: the council page and the calendars, which read the
# real clock, show the meetings of these tests as upcoming.
DAY = timezone.localdate() + timedelta(days=2)


def at(days, hour, minute=0):
    return datetime.combine(DAY + timedelta(days=days), time(hour, minute), CDMX)


@pytest.fixture
def noon(clock):
    clock.moment = at(0, 12)
    return clock


@pytest.fixture
def council(db):
    return make_council(
        "Consejo Santa Cecilia",
        municipality_name="Guadalajara",
        meeting_place="Casa ejidal",
    )


@pytest.fixture
def members(council):
    """Three members with a verified phone who agreed to notices, and one who
    left the council."""
    people = [phone_person(f"socia{number}") for number in range(3)]
    for person in people:
        join(person, council)
    gone = phone_person("se.fue")
    join(gone, council, status=MembershipStatus.LEFT)
    return people


@pytest.fixture
def circle(council):
    return make_meeting(
        council, kind=MeetingKind.CIRCLE, starts_at=at(1, 18), is_public=True
    )


@pytest.fixture
def leader(council):
    person = make_person("ana.lider", password=PASSWORD, first_name="Ana")
    assign(person, "coordinador-de-consejo", council=council)
    return person


def reminders(meeting=None):
    notices = Notice.objects.filter(kind=REMINDER)
    if meeting is not None:
        notices = notices.filter(key__startswith=f"meeting:{meeting.pk}:")
    return notices


def changes():
    return Notice.objects.filter(kind=CHANGE)


def plan(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return plan_reminders()


def morning(clock, django_capture_on_commit_callbacks, days=1):
    clock.moment = at(days, 8, 5)
    with django_capture_on_commit_callbacks(execute=True):
        send_due()


def edit_data(meeting, **fields):
    data = {
        "kind": meeting.kind,
        "title": meeting.title,
        "starts_at": timezone.localtime(meeting.starts_at).strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": str(meeting.duration_minutes),
        "place": meeting.place,
        "modality": meeting.modality,
        "agenda": "",
        "agreements": "",
        "facilitator": "",
        "is_public": "on",
    }
    data.update(fields)
    return data


def event_of(response, meeting):
    assert response.status_code == 200
    calendar = Calendar.from_ical(response.content)
    uid = f"meeting-{meeting.pk}@{calendar_host()}"
    (event,) = [event for event in calendar.walk("VEVENT") if event["UID"] == uid]
    return event


# The reminder


def test_the_demo_s_reminder_is_one_text_message(
    sms, noon, settings, django_capture_on_commit_callbacks
):
    """The demo's council (a long name, a long place) on the demo's address:
    what, when, where and the stop link in one segment. Before the stop link
    the same reminder, with the council's page and "Para no recibir avisos:
    <site>/cuenta/mis-datos/", took two (254 characters)."""
    settings.WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8000"
    _slug, title, _state, _code, _sector, _axes, place, *_rest = COUNCILS[0]
    council = make_council(title, meeting_place=place)
    member = phone_person("integrante")
    join(member, council)
    make_meeting(council, kind=MeetingKind.CIRCLE, starts_at=at(1, 10))

    assert plan(django_capture_on_commit_callbacks) == 1

    (text,) = sms.accepted
    key = ChannelPreference.objects.get(user=member).stop_key
    assert text == for_sms(
        "Mañana 10:00: círculo de estudio de Colonia Santa Cecilia en Salón de "
        "usos múltiples de la colonia, calle Lerdo 120. "
        f"Baja: http://127.0.0.1:8000/baja/{key}"
    )
    assert segments(text) == 1 and len(text) <= 160
    assert reminders().get().segments == 1
    old = (
        "Mañana 10:00: círculo de estudio de Consejo Comunitario Colonia Santa "
        "Cecilia en Salón de usos múltiples de la colonia, calle Lerdo 120. "
        f"http://127.0.0.1:8000{council.url} "
        "Para no recibir avisos: http://127.0.0.1:8000/cuenta/mis-datos/"
    )
    assert segments(for_sms(old)) == 2


def test_a_short_reminder_keeps_the_council_s_page(
    sms, noon, django_capture_on_commit_callbacks
):
    oblatos = make_council("Consejo Oblatos", municipality_code="120")
    join(phone_person("socia"), oblatos)
    make_meeting(
        oblatos,
        kind=MeetingKind.CIRCLE,
        starts_at=at(1, 18),
        place="",
        modality=Modality.ONLINE,
    )

    plan(django_capture_on_commit_callbacks)

    (text,) = sms.accepted
    assert text.startswith(
        for_sms(
            "Mañana 18:00: círculo de estudio de Consejo Oblatos en línea. "
            f"http://testserver{oblatos.url} Baja: "
        )
    )
    assert segments(text) == 1


def test_members_are_reminded_the_day_before_once_however_often_it_runs(
    sms, noon, council, members, circle, django_capture_on_commit_callbacks
):
    make_meeting(council, "Cancelada", starts_at=at(1, 10), cancelled_at=noon())
    make_meeting(council, "La semana que viene", starts_at=at(6, 18))

    assert plan(django_capture_on_commit_callbacks) == 3
    assert plan(django_capture_on_commit_callbacks) == 0
    with django_capture_on_commit_callbacks(execute=True):
        plan_meeting_reminders.apply().get()  # the beat's task: nothing more

    # With its place and the stop link, the council's page would take a
    # second segment: it goes by e-mail, not by SMS.
    text = "Mañana 18:00: círculo de estudio de Consejo Santa Cecilia en Casa ejidal."
    assert sorted(sms.accepted) == sorted(
        for_sms(f"{text} {stop_line(member)}") for member in members
    )
    notices = reminders(circle)
    assert set(notices.values_list("user", flat=True)) == {m.pk for m in members}
    assert {(n.text, n.scope, n.status) for n in notices} == {
        (text, f"council:{council.pk}", Status.SENT)
    }
    assert Notice.objects.count() == 3  # the member who left: nothing


def test_a_meeting_is_reminded_in_its_council_s_time_zone(
    sms, noon, members, django_capture_on_commit_callbacks
):
    tijuana = make_council("Consejo Playas", state_code="02", municipality_code="004")
    person = phone_person("playas")
    join(person, tijuana)
    # 18:00 in Tijuana is 19:00 in Mexico City this day of the year or the
    # same hour: whichever, the reminder says Tijuana's hour.
    starts = datetime.combine(
        DAY + timedelta(days=1), time(18), ZoneInfo("America/Tijuana")
    )
    make_meeting(tijuana, starts_at=starts)

    plan(django_capture_on_commit_callbacks)

    assert reminders().get().text.startswith("Mañana 18:00: asamblea ordinaria")


def test_planning_costs_the_same_queries_for_one_member_or_two_hundred(
    noon, council, circle
):
    def planning_queries():
        Notice.objects.all().delete()
        council.get_full_url()  # the site's root paths, in the shared cache
        with CaptureQueriesContext(connection) as queries:
            plan_reminders()
        return len(queries)

    join(make_person("una"), council)
    one = planning_queries()
    assert reminders().count() == 1

    User = Membership._meta.get_field("user").related_model
    people = User.objects.bulk_create(
        User(username=f"persona{number}") for number in range(199)
    )
    Membership.objects.bulk_create(
        Membership(user=person, council=council, status=MembershipStatus.ACTIVE)
        for person in people
    )
    assert planning_queries() == one
    assert reminders().count() == 200


def test_a_reminder_planned_at_night_waits_for_the_morning(
    sms, clock, council, members, circle, django_capture_on_commit_callbacks
):
    clock.moment = at(0, 23)
    later = make_meeting(council, kind=MeetingKind.CIRCLE, starts_at=at(2, 17, 30))

    assert plan(django_capture_on_commit_callbacks) == 6
    assert sms.requests == []
    assert set(reminders().values_list("status", flat=True)) == {Status.HELD}
    # Read at 8:00 the next morning: the circle is "today", the other "tomorrow".
    assert reminders(circle).first().text.startswith("Hoy 18:00:")
    assert reminders(later).first().text.startswith("Mañana 17:30:")

    morning(clock, django_capture_on_commit_callbacks)
    assert len(sms.accepted) == 6
    assert set(reminders().values_list("status", flat=True)) == {Status.SENT}


# A meeting moved


def test_a_moved_meeting_is_reminded_again_and_its_members_told(
    client, sms, noon, council, members, leader, django_capture_on_commit_callbacks
):
    assembly = make_meeting(council, "Asamblea de mayo", starts_at=at(1, 18))
    assembly.is_public = True
    assembly.save()
    plan(django_capture_on_commit_callbacks)
    assert len(sms.accepted) == 3
    feed = f"{council.url}calendario.ics"
    before = event_of(client.get(feed), assembly)

    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(leader).post(
            admin_url("meeting_edit", council.pk, assembly.pk),
            edit_data(assembly, starts_at=at(1, 19, 30).strftime("%Y-%m-%dT%H:%M")),
        )
    assert response.status_code == 302

    assembly.refresh_from_db()
    assert assembly.revision == 1
    change = (
        "Cambio: asamblea ordinaria de Consejo Santa Cecilia, ahora mañana 19:30 "
        "en Casa ejidal."
    )
    assert len(sms.accepted) == 6
    assert all(text.startswith(for_sms(change)) for text in sms.accepted[3:])
    assert set(changes().values_list("key", flat=True)) == {
        f"meeting:{assembly.pk}:rev:1"
    }

    # The next run reminds of the new time.
    plan(django_capture_on_commit_callbacks)
    assert len(sms.accepted) == 9
    assert sms.accepted[-1].startswith(for_sms("Mañana 19:30: asamblea ordinaria"))
    assert reminders(assembly).count() == 6

    after = event_of(client.get(feed), assembly)
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])
    assert after["DTSTART"].dt == at(1, 19, 30)


def test_a_held_reminder_of_the_old_time_is_not_sent(
    sms, clock, council, members, circle, django_capture_on_commit_callbacks
):
    clock.moment = at(0, 22)
    plan(django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        circle.place = "Salón parroquial"
        meeting_save(meeting=circle)

    assert set(reminders(circle).values_list("status", flat=True)) == {Status.CANCELLED}
    morning(clock, django_capture_on_commit_callbacks)
    # Only the change: "…ahora hoy 18:00 en Salón parroquial."
    assert len(sms.accepted) == 3
    assert all("ahora hoy 18:00 en Salon parroquial" in text for text in sms.accepted)


def test_a_change_far_ahead_tells_no_one_and_a_close_one_tells_everyone(
    sms, noon, council, members, django_capture_on_commit_callbacks
):
    far = make_meeting(council, "Asamblea de julio", starts_at=at(30, 18))
    close = make_meeting(council, "Asamblea del viernes", starts_at=at(4, 18))
    with django_capture_on_commit_callbacks(execute=True):
        for meeting in (far, close):
            meeting.starts_at += timedelta(hours=1)
            meeting_save(meeting=meeting)

    assert not changes().filter(key__startswith=f"meeting:{far.pk}:").exists()
    assert changes().filter(key__startswith=f"meeting:{close.pk}:").count() == 3
    assert len(sms.accepted) == 3


# A meeting cancelled


def test_a_cancelled_meeting_is_told_and_its_reminders_are_not_sent(
    client,
    sms,
    clock,
    council,
    members,
    circle,
    leader,
    django_capture_on_commit_callbacks,
):
    clock.moment = at(0, 23)
    plan(django_capture_on_commit_callbacks)  # held until the morning
    leader_client = signed_in(leader)
    url = admin_url("meeting_cancel", council.pk, circle.pk)

    page = leader_client.get(url)
    assert page.status_code == 200
    assert spanish("Yes, cancel the meeting") in text_of(page)
    assert Meeting.objects.get(pk=circle.pk).cancelled_at is None

    with django_capture_on_commit_callbacks(execute=True):
        response = leader_client.post(url, {"reason": "Lluvias   fuertes"})
    assert response.status_code == 302
    assert spanish("The meeting was cancelled. Its members are told.") in messages_of(
        response
    )
    circle.refresh_from_db()
    assert circle.is_cancelled and circle.cancel_reason == "Lluvias fuertes"
    assert circle.revision == 1
    assert set(reminders().values_list("status", flat=True)) == {Status.CANCELLED}

    morning(clock, django_capture_on_commit_callbacks)
    cancelled = (
        "Cancelada: círculo de estudio de Consejo Santa Cecilia, hoy 18:00. "
        "Lluvias fuertes."
    )
    assert len(sms.accepted) == 3
    assert all(text.startswith(for_sms(cancelled)) for text in sms.accepted)

    # Its pages say so…
    assert "Cancelada" in text_of(client.get(council.url))
    detail = leader_client.get(admin_url("meeting", council.pk, circle.pk))
    assert "Cancelada" in text_of(detail) and "Lluvias fuertes" in text_of(detail)
    # …and every calendar: the council's, the meeting's, a member's own.
    feed = calendar_feed_renew(user=members[0])
    for address in (
        f"{council.url}calendario.ics",
        f"{council.url}reuniones/{circle.pk}/evento.ics",
        f"/calendario/{feed.token}.ics",
    ):
        event = event_of(client.get(address), circle)
        assert str(event["STATUS"]) == "CANCELLED"
        assert int(event["SEQUENCE"]) == 1
        assert str(event["SUMMARY"]).startswith("Cancelada:")

    # Planned again: a cancelled meeting is not reminded.
    assert plan(django_capture_on_commit_callbacks) == 0


def test_only_those_who_lead_the_council_cancel_its_meetings(
    noon, council, members, circle, leader
):
    other = make_council("Consejo Oblatos", municipality_code="120")
    stranger = make_person("beto.lider", password=PASSWORD)
    assign(stranger, "coordinador-de-consejo", council=other)
    url = admin_url("meeting_cancel", council.pk, circle.pk)

    for person in (stranger, members[0]):
        response = signed_in(person).post(url, {"reason": "No"})
        assert response.status_code in (302, 403, 404)
    # Through the other council's address: not found.
    response = signed_in(stranger).post(
        admin_url("meeting_cancel", other.pk, circle.pk), {"reason": "No"}
    )
    assert response.status_code == 404
    circle.refresh_from_db()
    assert not circle.is_cancelled and not changes().exists()


def test_bad_input_when_cancelling_changes_nothing(
    noon, council, members, circle, leader
):
    leader_client = signed_in(leader)
    url = admin_url("meeting_cancel", council.pk, circle.pk)

    response = leader_client.post(url, {"reason": "x" * 201})
    assert response.status_code == 400
    assert "200" in text_of(response)
    circle.refresh_from_db()
    assert not circle.is_cancelled

    leader_client.post(url, {"reason": ""})
    response = leader_client.post(url, {"reason": ""})  # twice: one cancellation
    assert spanish("This meeting can no longer be cancelled.") in messages_of(response)
    circle.refresh_from_db()
    assert circle.revision == 1 and changes().count() == 3

    # A cancelled meeting cannot be edited any more.
    response = leader_client.post(
        admin_url("meeting_edit", council.pk, circle.pk), edit_data(circle)
    )
    assert response.status_code == 302
    assert spanish("This meeting was cancelled and can't be changed.") in messages_of(
        response
    )


# A meeting deleted


def test_a_meeting_deleted_after_its_reminders_were_queued_sends_nothing(
    sms, noon, council, members, circle, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as queued:
        plan_reminders()
    assert reminders().count() == 3 and queued

    circle.delete()
    for deliver in queued:  # the workers take the tasks after the delete
        deliver()

    assert sms.requests == []
    assert set(Notice.objects.values_list("status", flat=True)) == {Status.CANCELLED}


# Still for its person when it goes


def test_who_left_the_council_overnight_is_not_reminded_in_the_morning(
    sms, clock, council, members, circle, django_capture_on_commit_callbacks
):
    clock.moment = at(0, 23)
    plan(django_capture_on_commit_callbacks)
    leaving = members[0]
    Membership.objects.filter(user=leaving, council=council).update(
        status=MembershipStatus.LEFT
    )

    morning(clock, django_capture_on_commit_callbacks)

    assert len(sms.accepted) == 2
    gone = reminders(circle).get(user=leaving)
    assert gone.status == Status.CANCELLED
    assert gone.last_error == "ya no forma parte del consejo"


def test_who_left_is_not_told_of_a_cancellation(
    sms, noon, council, members, circle, leader, django_capture_on_commit_callbacks
):
    plan(django_capture_on_commit_callbacks)
    sms.requests.clear()
    Membership.objects.filter(user=members[0], council=council).update(
        status=MembershipStatus.LEFT
    )

    with django_capture_on_commit_callbacks(execute=True):
        signed_in(leader).post(
            admin_url("meeting_cancel", council.pk, circle.pk), {"reason": ""}
        )

    assert len(sms.accepted) == 2
    assert not changes().filter(user=members[0]).exists()


def test_a_reminder_held_past_the_meeting_is_never_sent(
    settings, sms, noon, council, members, circle, django_capture_on_commit_callbacks
):
    """The daily cap held it until the next morning, after the circle: it
    would tell of a meeting already over."""
    settings.NOTIFY_DAILY_CAP = 0
    plan(django_capture_on_commit_callbacks)
    assert set(reminders(circle).values_list("status", flat=True)) == {Status.HELD}

    settings.NOTIFY_DAILY_CAP = 5
    morning(
        clock=noon,
        django_capture_on_commit_callbacks=django_capture_on_commit_callbacks,
        days=2,
    )

    assert sms.requests == []
    assert set(reminders(circle).values_list("last_error", flat=True)) == {
        "caducó antes de poder enviarse"
    }
    assert set(reminders(circle).values_list("status", flat=True)) == {Status.CANCELLED}
