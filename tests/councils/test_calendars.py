"""Calendars: a council's public feed (``calendario.ics``), one meeting's file
("Add to my calendar"), and a member's private feed under a secret address
that she makes and changes on /mi-formacion/ (without JavaScript)."""

import logging
from datetime import UTC, timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from icalendar import Calendar
from wagtail.models import PageViewRestriction

from councils.calendars import PAST_DAYS, calendar_host
from councils.factories import join, make_council, make_meeting
from councils.models import (
    Attendance,
    CalendarFeed,
    CouncilPage,
    Meeting,
    MeetingKind,
    MembershipStatus,
    Modality,
)
from councils.services.calendars import calendar_feed_renew
from members.factories import make_person
from members.services import account_delete, personal_data
from tests.conftest import assert_only_the_site_script
from tests.councils.helpers import signed_in, spanish, text_of

pytestmark = pytest.mark.django_db

MY_FORMATION = "/mi-formacion/"
RENEW = "/calendario/nueva-direccion/"
# With the site and the council page in the shared cache (home.routing): the
# deepest page along the address (a feed's address, not a page's, is not
# kept) and its meetings.
PUBLIC_FEED_QUERIES = 2
# The feed with its person, her councils (published; no query for view
# restrictions while none exists), their meetings, the site (for the councils'
# addresses).
PRIVATE_FEED_QUERIES = 4


def parsed(response):
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response["Content-Disposition"].endswith('.ics"')
    return Calendar.from_ical(response.content)


def events_of(calendar):
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def uid(meeting):
    return f"meeting-{meeting.pk}@{calendar_host()}"


def feed_url(council):
    return f"{council.url}calendario.ics"


def event_url(council, meeting):
    return f"{council.url}reuniones/{meeting.pk}/evento.ics"


def soon(days=3, hour=18):
    moment = timezone.localtime() + timedelta(days=days)
    return moment.replace(hour=hour, minute=30, second=0, microsecond=0)


@pytest.fixture
def council(db):
    return make_council(
        "Consejo Santa Cecilia",
        municipality_name="Guadalajara",
        meeting_place="Casa ejidal",
    )


@pytest.fixture
def meetings(council):
    """A public assembly with an agenda, a public circle, a private meeting, a
    public meeting too long ago, and another council's public meeting."""
    rosa = make_person("rosa", first_name="Rosa", last_name="Quintanilla Ortega")
    join(rosa, council)
    assembly = make_meeting(
        council,
        "Asamblea de diciembre",
        starts_at=soon(),
        duration_minutes=90,
        agenda="1. Informe de la coordinación\n2. Plan de trabajo, 2027",
        agreements="Acuerdo secreto de la asamblea",
        is_public=True,
        facilitator=rosa,
    )
    Attendance.objects.create(meeting=assembly, user=rosa)
    circle = make_meeting(
        council,
        kind=MeetingKind.CIRCLE,
        place="",
        modality=Modality.ONLINE,
        starts_at=soon(days=10),
        is_public=True,
    )
    private = make_meeting(council, "Reunión interna", starts_at=soon(days=5))
    old = make_meeting(
        council,
        "Asamblea antigua",
        starts_at=timezone.now() - timedelta(days=PAST_DAYS + 1),
        is_public=True,
    )
    other = make_council("Consejo Oblatos", municipality_code="120")
    elsewhere = make_meeting(other, "Asamblea de Oblatos", is_public=True)
    return {
        "assembly": assembly,
        "circle": circle,
        "private": private,
        "old": old,
        "elsewhere": elsewhere,
        "other_council": other,
    }


# A council's public feed


def test_a_council_offers_its_public_meetings_as_a_calendar(client, council, meetings):
    response = client.get(feed_url(council))
    calendar = parsed(response)

    assert calendar["VERSION"] == "2.0"
    assert "COCOCI" in str(calendar["PRODID"])
    assert str(calendar["X-WR-CALNAME"]) == "Consejo Santa Cecilia"
    assert str(calendar["X-WR-TIMEZONE"]) == settings.TIME_ZONE
    # How often calendar apps should look again: RFC 5545 durations.
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT1H" in response.content
    assert b"X-PUBLISHED-TTL:PT1H" in response.content
    events = events_of(calendar)
    assembly, circle = meetings["assembly"], meetings["circle"]
    assert set(events) == {uid(assembly), uid(circle)}

    event = events[uid(assembly)]
    assert event["DTSTART"].dt == assembly.starts_at
    assert event["DTSTART"].dt.utcoffset() == timedelta(0)
    assert event["DTEND"].dt == assembly.starts_at + timedelta(minutes=90)
    assert event["DTSTAMP"].dt.tzinfo is not None
    assert str(event["SUMMARY"]) == "Asamblea de diciembre · Consejo Santa Cecilia"
    assert str(event["LOCATION"]) == "Casa ejidal"
    description = str(event["DESCRIPTION"])
    assert "1. Informe de la coordinación\n2. Plan de trabajo, 2027" in description
    assert spanish("Ordinary assembly") in description
    assert str(event["URL"]) == f"http://testserver{council.url}"
    assert str(event["STATUS"]) == "CONFIRMED"
    assert int(event["SEQUENCE"]) >= 0

    online = events[uid(circle)]
    assert str(online["SUMMARY"]).startswith(spanish("Study circle"))
    assert str(online["LOCATION"]) == spanish("Online")


def test_the_public_feed_holds_no_private_meeting_nor_anyone_s_name(
    client, council, meetings
):
    content = client.get(feed_url(council)).content.decode()

    assert "Reunión interna" not in content
    assert f"meeting-{meetings['private'].pk}@" not in content
    assert "Asamblea antigua" not in content
    assert "Asamblea de Oblatos" not in content
    for secret in ("Rosa", "Quintanilla", "rosa", "Acuerdo secreto"):
        assert secret not in content
    assert "ATTENDEE" not in content and "ORGANIZER" not in content


def test_an_unpublished_council_has_no_calendar(client, meetings):
    hidden = make_council("Consejo en borrador", municipality_code="098")
    make_meeting(hidden, "Asamblea escondida", starts_at=soon(), is_public=True)
    hidden.unpublish()

    assert client.get(feed_url(hidden)).status_code == 404


def test_a_restricted_council_s_calendar_follows_the_page_s_restriction(
    client, council, meetings
):
    PageViewRestriction.objects.create(
        page=council, restriction_type=PageViewRestriction.LOGIN
    )

    response = client.get(feed_url(council))

    assert response.status_code == 302
    assert b"VCALENDAR" not in response.content
    member = make_person("lectora")
    assert signed_in(member).get(feed_url(council)).status_code == 200


def test_the_feed_is_only_at_its_one_address(client, council, meetings):
    assert client.get(feed_url(council) + "/").status_code == 404
    assert client.get(f"{council.url}otro.ics").status_code == 404


def test_the_sequence_grows_when_a_leader_changes_a_meeting(client, council, meetings):
    assembly = meetings["assembly"]
    before = events_of(parsed(client.get(feed_url(council))))[uid(assembly)]

    later = timezone.now() + timedelta(minutes=20)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assembly.place = "Salón de usos múltiples"
        assembly.save()
    after = events_of(parsed(client.get(feed_url(council))))[uid(assembly)]

    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])
    assert str(after["LOCATION"]) == "Salón de usos múltiples"
    assert after["UID"] == before["UID"]


def test_the_public_feed_costs_the_same_queries_for_two_or_twenty_meetings(
    client, council, meetings, django_assert_num_queries
):
    client.get(feed_url(council))  # warm-up: site, route
    with django_assert_num_queries(PUBLIC_FEED_QUERIES):
        parsed(client.get(feed_url(council)))
    for day in range(18):
        make_meeting(council, f"Reunión {day}", starts_at=soon(day), is_public=True)
    client.get(feed_url(council))
    with django_assert_num_queries(PUBLIC_FEED_QUERIES):
        calendar = parsed(client.get(feed_url(council)))
    assert len(calendar.walk("VEVENT")) == 20


# One meeting: "Add to my calendar"


def test_a_public_meeting_is_one_event_to_add(client, council, meetings):
    assembly = meetings["assembly"]

    calendar = parsed(client.get(event_url(council, assembly)))

    assert list(events_of(calendar)) == [uid(assembly)]
    assert "Rosa" not in client.get(event_url(council, assembly)).content.decode()


def test_only_public_meetings_of_that_council_are_events(client, council, meetings):
    assert client.get(event_url(council, meetings["private"])).status_code == 404
    assert client.get(event_url(council, meetings["elsewhere"])).status_code == 404
    assert client.get(f"{council.url}reuniones/99999/evento.ics").status_code == 404
    assert client.get(f"{council.url}reuniones/{'9' * 30}/evento.ics").status_code == (
        404
    )


def test_the_council_page_offers_each_meeting_to_add_to_a_calendar(
    client, council, meetings
):
    response = client.get(council.url)
    page = response.content.decode()

    assert f'href="{event_url(council, meetings["assembly"])}"' in page
    assert f'href="{event_url(council, meetings["circle"])}"' in page
    assert f'href="{feed_url(council)}"' in page
    assert f'href="webcal://testserver{feed_url(council)}"' in page
    assert spanish("Add to my calendar") in text_of(response)


# A member's private feed


@pytest.fixture
def member(council, meetings):
    """Active in Santa Cecilia, pending in Oblatos, gone from a third council."""
    ana = make_person("ana", first_name="Ana", last_name="Robles")
    join(ana, council)
    join(ana, meetings["other_council"], status=MembershipStatus.PENDING)
    left = make_council("Consejo Tlaquepaque", municipality_code="098")
    join(ana, left, status=MembershipStatus.LEFT)
    make_meeting(left, "Asamblea de Tlaquepaque", starts_at=soon(), is_public=True)
    return ana


def private_url(feed):
    return f"/calendario/{feed.token}.ics"


def test_a_member_s_feed_has_all_her_council_s_meetings(client, member, meetings):
    """Her council's private meetings too (she is reminded of them), never
    another council's, nor anyone's name or what was agreed."""
    secret_elsewhere = make_meeting(
        meetings["other_council"], "Círculo interno de Oblatos", starts_at=soon()
    )
    feed = calendar_feed_renew(user=member)

    response = client.get(private_url(feed))
    calendar = parsed(response)

    events = events_of(calendar)
    assert set(events) == {
        uid(meetings["assembly"]),
        uid(meetings["circle"]),
        uid(meetings["private"]),
    }
    assert uid(secret_elsewhere) not in events
    assert str(events[uid(meetings["private"])]["SUMMARY"]).startswith(
        "Reunión interna"
    )
    assert str(calendar["X-WR-CALNAME"]) == spanish("My councils · COCOCI")
    assert response["Cache-Control"] == "private, no-store"
    content = response.content.decode()
    for absent in ("Oblatos", "Tlaquepaque", "Ana", "Rosa", "Acuerdo secreto"):
        assert absent not in content


def test_a_cancelled_private_meeting_stays_in_her_feed_as_cancelled(
    client, member, council, meetings
):
    private = meetings["private"]
    Meeting.objects.filter(pk=private.pk).update(
        cancelled_at=timezone.now(), revision=1
    )
    feed = calendar_feed_renew(user=member)

    event = events_of(parsed(client.get(private_url(feed))))[uid(private)]

    assert str(event["STATUS"]) == "CANCELLED"
    assert int(event["SEQUENCE"]) == 1


def test_the_public_feeds_still_hold_no_private_meeting(client, council, meetings):
    assert uid(meetings["private"]) not in events_of(
        parsed(client.get(feed_url(council)))
    )
    assert client.get(event_url(council, meetings["private"])).status_code == 404


def test_the_address_is_random_and_long(member):
    feed = calendar_feed_renew(user=member)
    other = calendar_feed_renew(user=make_person("beto"))

    assert len(feed.token) == 43
    assert feed.token != other.token
    assert (
        feed.token.isascii() and feed.token.replace("-", "").replace("_", "").isalnum()
    )
    assert feed.token not in str(feed)


def test_another_person_s_address_shows_only_her_own_councils(client, member, meetings):
    beto = make_person("beto")
    join(beto, meetings["other_council"])
    mine = calendar_feed_renew(user=member)
    theirs = calendar_feed_renew(user=beto)

    assert set(events_of(parsed(client.get(private_url(theirs))))) == {
        uid(meetings["elsewhere"])
    }
    assert uid(meetings["elsewhere"]) not in events_of(
        parsed(client.get(private_url(mine)))
    )


def test_a_changed_address_no_longer_works(client, member):
    old = calendar_feed_renew(user=member)
    new = calendar_feed_renew(user=member)

    assert old.token != new.token
    assert client.get(private_url(old)).status_code == 404
    assert client.get(private_url(new)).status_code == 200
    assert CalendarFeed.objects.filter(user=member).count() == 1


@pytest.mark.parametrize(
    "address",
    [
        "/calendario/" + "a" * 43 + ".ics",  # well formed, unknown
        "/calendario/" + "a" * 44 + ".ics",  # too long
        "/calendario/" + "a" * 100 + ".ics",
        "/calendario/" + "a" * 42 + ".ics",  # too short
        "/calendario/" + "%C3%B1" * 43 + ".ics",  # ñ
        "/calendario/" + "a" * 42 + "%00.ics",
        "/calendario/" + "a" * 42 + "%2F.ics",
        "/calendario/.ics",
    ],
)
def test_bad_addresses_are_not_found(client, member, address):
    calendar_feed_renew(user=member)

    assert client.get(address).status_code == 404


def test_a_membership_ended_leaves_the_feed(client, member, council, meetings):
    feed = calendar_feed_renew(user=member)
    member.memberships.filter(council=council).update(status=MembershipStatus.LEFT)

    calendar = parsed(client.get(private_url(feed)))

    assert calendar.walk("VEVENT") == []


def test_a_blocked_account_s_feed_is_empty(client, member):
    feed = calendar_feed_renew(user=member)
    member.is_active = False
    member.save()

    assert parsed(client.get(private_url(feed))).walk("VEVENT") == []


def test_an_unpublished_or_restricted_council_leaves_the_feed(client, member, council):
    feed = calendar_feed_renew(user=member)
    PageViewRestriction.objects.create(
        page=council, restriction_type=PageViewRestriction.LOGIN
    )
    assert parsed(client.get(private_url(feed))).walk("VEVENT") == []
    PageViewRestriction.objects.all().delete()
    council.unpublish()
    assert parsed(client.get(private_url(feed))).walk("VEVENT") == []


def test_a_deleted_account_s_address_is_gone(client, member):
    feed = calendar_feed_renew(user=member)

    account_delete(user=member)

    assert not CalendarFeed.objects.filter(pk=feed.pk).exists()
    assert client.get(private_url(feed)).status_code == 404


def test_the_own_data_export_says_when_the_address_was_made_not_the_address(member):
    feed = calendar_feed_renew(user=member)

    data = personal_data(member)

    assert data["calendario"] == [{"creada": feed.created_at.isoformat()}]
    assert feed.token not in str(data)


def test_the_private_feed_costs_the_same_queries_for_two_or_twenty_meetings(
    client, member, council, django_assert_num_queries
):
    feed = calendar_feed_renew(user=member)
    client.get(private_url(feed))  # warm-up: site
    with django_assert_num_queries(PRIVATE_FEED_QUERIES):
        parsed(client.get(private_url(feed)))
    for day in range(18):
        make_meeting(council, f"Reunión {day}", starts_at=soon(day), is_public=True)
    client.get(private_url(feed))
    with django_assert_num_queries(PRIVATE_FEED_QUERIES):
        calendar = parsed(client.get(private_url(feed)))
    # 18 new, the fixture's two public meetings and its private one.
    assert len(calendar.walk("VEVENT")) == 21


def test_the_secret_address_is_not_logged(client, member, caplog):
    feed = calendar_feed_renew(user=member)
    caplog.set_level(logging.DEBUG)

    client.get(private_url(feed))
    calendar_feed_renew(user=member)
    client.get(private_url(feed))  # now unknown: 404

    assert feed.token not in caplog.text


# "My calendar" on /mi-formacion/, without JavaScript


def test_a_member_makes_and_changes_her_address_with_plain_forms(member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)

    page = client.get(MY_FORMATION)
    html = page.content.decode()
    assert 'id="mi-calendario"' in html
    assert f'<form method="post" action="{RENEW}">' in html
    assert "csrfmiddlewaretoken" in html
    assert_only_the_site_script(html)
    assert spanish("Create my calendar address") in text_of(page)
    assert client.post(RENEW).status_code == 403  # no CSRF token

    token = page.cookies[settings.CSRF_COOKIE_NAME].value
    response = client.post(RENEW, {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert response["Location"] == f"{MY_FORMATION}#mi-calendario"
    feed = CalendarFeed.objects.get(user=member)

    html = client.get(MY_FORMATION).content.decode()
    address = f"http://testserver/calendario/{feed.token}.ics"
    assert '<label for="direccion-calendario">' in html
    assert f'id="direccion-calendario" readonly value="{address}"' in html
    assert f'href="webcal://testserver/calendario/{feed.token}.ics"' in html
    assert spanish("Change the address") == "Cambiar la dirección"
    assert "Cambiar la dirección" in html

    response = client.post(RENEW, {"csrfmiddlewaretoken": token}, follow=True)
    assert spanish(
        "Your calendar has a new address. The old one no longer works: "
        "add the new one to your calendar app."
    ) in text_of(response)
    new = CalendarFeed.objects.get(user=member)
    assert new.token != feed.token
    assert client.get(f"/calendario/{feed.token}.ics").status_code == 404
    assert new.token in client.get(MY_FORMATION).content.decode()


def test_the_button_needs_a_signed_in_post(client, member):
    response = client.post(RENEW)
    assert response.status_code == 302
    assert "/cuenta/entrar/" in response["Location"]
    assert signed_in(member).get(RENEW).status_code == 405
    assert not CalendarFeed.objects.exists()


def test_the_calendar_strings_are_in_spanish():
    for msgid in (
        "My calendar",
        "Your calendar's address",
        "Open in my calendar app",
        "The old address stops working at once.",
        "Your calendar address is ready. Add it to your calendar app.",
        "Follow every public meeting of this council in your phone's calendar:",
        "council calendar (.ics)",
        "subscribe from my phone",
        "My calendar's secret address",
        "Agenda:",
    ):
        spanish(msgid)


def test_times_are_written_in_utc(client, council, meetings):
    content = client.get(feed_url(council)).content.decode()
    start = meetings["assembly"].starts_at.astimezone(UTC)

    assert f"DTSTART:{start:%Y%m%dT%H%M%S}Z" in content


@pytest.mark.parametrize("mark", ["\n", "\r", "\r\n", "\x0b", "\x1b", "\x85", "\u2028"])
def test_what_people_typed_cannot_break_a_calendar_apart(
    client, council, meetings, mark
):
    """A council's name comes from a member's constitution request; a
    meeting's title, place and agenda from its leaders: no line of theirs
    becomes a line of the calendar."""
    CouncilPage.objects.filter(pk=council.pk).update(
        title=f"Consejo Santa Cecilia{mark}END:VCALENDAR"
    )
    assembly = meetings["assembly"]
    Meeting.objects.filter(pk=assembly.pk).update(
        title=f"Asamblea{mark}BEGIN:VALARM",
        place=f"Casa ejidal{mark}ATTACH:http://otro.example/",
        agenda=f"1. Informe{mark}2. Plan",
    )

    for url in (feed_url(council), event_url(council, assembly)):
        response = client.get(url)
        assert response.status_code == 200
        body = response.content.decode()
        for line in body.split("\r\n"):
            # Only folded continuations start with a space; no other breaks.
            assert not any(char in line for char in "\r\n\x0b\x1b\x85\u2028")
            assert not line.startswith(("END:VCALENDAR ", "BEGIN:VALARM", "ATTACH:"))
        calendar = parsed(response)
        assert len(list(calendar.walk("VEVENT"))) >= 1
        assert not list(calendar.walk("VALARM"))
