"""Councils' meetings as iCalendar (RFC 5545): a council's public feed, a
member's private feed and a single meeting, for Google Calendar and phones.

A council's public feed and a meeting's file hold only public meetings
(``Meeting.is_public``, the ones the council's page announces); a member's
private feed also holds her councils' other meetings (study circles,
assemblies), which she, as a member, is reminded of anyway. Each is written
with what the page says of a meeting plus its agenda: never its attendance,
agreements, acta or facilitator, nor any member's name.
Times are written in UTC, which every calendar shows in its own time zone."""

import unicodedata
from datetime import UTC, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vDuration

from cococi_site.pages import restricted_ids

from .models import CouncilPage, Meeting, MembershipStatus, Modality

PRODID = "-//COCOCI Formación//Calendario de consejos//ES"
# Meetings that ended longer ago than this leave the feeds; a feed holds at
# most this many meetings, the next ones first.
PAST_DAYS = 60
MAX_EVENTS = 200
# How often calendar apps are asked to look again.
REFRESH = timedelta(hours=1)
# Unicode categories never written into a calendar: controls (CR, LF, VT,
# ESC, NEL…), line and paragraph separators, format characters.
CONTROLS = {"Cc", "Zl", "Zp", "Cf"}
# RFC 5545's INTEGER is 32 bits.
MAX_SEQUENCE = 2**31 - 1


def calendar_host():
    """The site's own host name, for events' UIDs: the same whatever address
    a feed was fetched from, so an event is never duplicated."""
    return urlsplit(settings.WAGTAILADMIN_BASE_URL).hostname or "cococi"


def recent_meetings():
    """Meetings worth a place in a calendar: those still to come, and those of
    the last ``PAST_DAYS`` days (cancelled ones too: STATUS:CANCELLED)."""
    since = timezone.now() - timedelta(days=PAST_DAYS)
    return Meeting.objects.filter(starts_at__gte=since)


def public_meetings():
    """The public ones of ``recent_meetings``."""
    return recent_meetings().filter(is_public=True)


def council_meetings(council):
    """The meetings of ``council``'s public feed (one query)."""
    return _with_councils(public_meetings(), [council])


def member_councils(user):
    """The councils whose meetings ``user``'s private feed shows: those she is
    an active member of today, published and behind no view restriction (a
    calendar app cannot sign in to pass one). None for an account that is no
    longer active (blocked, deleted)."""
    if not user.is_active:
        return []
    councils = list(
        CouncilPage.objects.live()
        .filter(
            memberships__user=user,
            memberships__status=MembershipStatus.ACTIVE,
        )
        .distinct()
        .order_by("title")
    )
    restricted = restricted_ids(councils)
    return [council for council in councils if council.pk not in restricted]


def member_meetings(councils):
    """Every meeting, public or not, of ``councils`` (those a member is an
    active member of: ``member_councils``), each with its council object (one
    query, whatever their number)."""
    return _with_councils(recent_meetings(), councils)


def _with_councils(meetings, councils):
    by_id = {council.pk: council for council in councils}
    if not by_id:
        return []
    meetings = list(
        meetings.filter(council_id__in=by_id).order_by("starts_at")[:MAX_EVENTS]
    )
    for meeting in meetings:
        meeting.council = by_id[meeting.council_id]
    return meetings


def sequence(meeting):
    """The version of the event: the meeting's ``revision``, which grows when
    its time or place changes or it is cancelled (what makes a phone's
    calendar take the new version, RFC 5545 3.8.7.4)."""
    return min(max(meeting.revision, 0), MAX_SEQUENCE)


def one_line(text):
    """``text`` as one line of plain characters: line breaks and every other
    control or separator character become spaces. What leaders and members
    type (a council's name, a meeting's title or place) is written into
    calendars that phones read, some of which take a lone CR for a line end."""
    return " ".join(
        "".join(
            " " if unicodedata.category(char) in CONTROLS else char for char in text
        ).split()
    )


def plain_lines(text):
    """``text`` with its line breaks kept and every other control character
    gone (a meeting's agenda)."""
    return "\n".join(one_line(line) for line in text.splitlines())


def meeting_event(meeting, council_url, stamp):
    council = meeting.council
    what = one_line(meeting.title or meeting.get_kind_display())
    council_name = one_line(council.title)
    event = Event()
    event.add("uid", f"meeting-{meeting.pk}@{calendar_host()}")
    event.add("dtstamp", stamp)
    event.add("dtstart", meeting.starts_at.astimezone(UTC))
    event.add(
        "dtend",
        (meeting.starts_at + timedelta(minutes=meeting.duration_minutes)).astimezone(
            UTC
        ),
    )
    summary = f"{what} · {council_name}"
    if meeting.is_cancelled:
        summary = _("Cancelled: %(meeting)s") % {"meeting": summary}
    event.add("summary", summary)
    if one_line(meeting.place):
        event.add("location", one_line(meeting.place))
    elif meeting.modality == Modality.ONLINE:
        event.add("location", meeting.get_modality_display())
    lines = [
        f"{meeting.get_kind_display()} · {meeting.get_modality_display()}",
        council_name,
    ]
    agenda = plain_lines(meeting.agenda).strip()
    if agenda:
        lines += ["", _("Agenda:"), agenda]
    lines += ["", council_url]
    event.add("description", "\n".join(lines))
    event.add("url", council_url)
    event.add("status", "CANCELLED" if meeting.is_cancelled else "CONFIRMED")
    event.add("sequence", sequence(meeting))
    event.add("last-modified", meeting.updated_at.astimezone(UTC))
    event.add("created", meeting.created_at.astimezone(UTC))
    return event


def calendar_of(meetings, *, name, council_urls):
    """The iCalendar text of ``meetings``; ``council_urls`` gives each
    council's page address by its id."""
    stamp = timezone.now().astimezone(UTC).replace(microsecond=0)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", one_line(name))
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    # Unknown to the library as a property: written as a duration by hand.
    calendar.add("x-published-ttl", vDuration(REFRESH).to_ical().decode())
    # Every text in the site's language, whatever the calendar app asks for.
    with translation.override(settings.LANGUAGE_CODE):
        for meeting in meetings:
            calendar.add_component(
                meeting_event(meeting, council_urls[meeting.council_id], stamp)
            )
    return calendar.to_ical()


def ics_response(content, filename):
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Robots-Tag"] = "noindex"
    return response
