"""Telling a council's members of its meetings: a reminder the day before,
and a notice when a meeting that was (or is about to be) reminded moves or is
cancelled. Everything goes through ``notifications`` (consent, channel and
quiet hours are decided there, at send time).

The planner costs the same queries whatever the number of members: the
meetings to remind (one query), then for each meeting its notices written
for the active members of its council in one statement and handed to the
workers in batches (``notify_many``)."""

import re
from datetime import UTC, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import formats, translation
from django.utils.translation import gettext as _

from notifications import services as notices
from notifications.models import Notice

from ..models import Meeting, Membership, Modality
from ..timezones import council_zone

REMINDER = "meeting_reminder"
CHANGE = "meeting_change"
# The planner looks this far ahead, and reminds the meetings of the members'
# "tomorrow" (or today, if it was never reminded) in their council's zone.
LOOK_AHEAD = timedelta(hours=48)
# Not worth reminding: a meeting that starts this soon after the reminder
# would go out.
TOO_LATE = timedelta(minutes=30)
# A meeting this close is told of when it changes to every member, reminded
# or not.
CLOSE = timedelta(days=7)


def reminder_key(meeting, starts_at=None):
    """One reminder per meeting and time (in UTC, whoever wrote it)."""
    starts_at = (starts_at or meeting.starts_at).astimezone(UTC)
    return f"meeting:{meeting.pk}:{starts_at:%Y%m%d%H%M}"


def change_key(meeting):
    return f"meeting:{meeting.pk}:rev:{meeting.revision}"


def meeting_notices(meeting_id, kind):
    return Notice.objects.filter(kind=kind, key__startswith=f"meeting:{meeting_id}:")


def sending_moment(moment, tz):
    """When a notice planned at ``moment`` reaches a phone (in ``tz``): at
    once, or at the end of the quiet hours."""
    local = moment.astimezone(tz)
    if notices.quiet(local):
        return notices.next_morning(local)
    return local


def council_link(council):
    return notices.absolute(council.get_url() or "/")


def lower_first(label):
    label = str(label)
    return label[:1].lower() + label[1:]


def what(meeting):
    return lower_first(meeting.get_kind_display())


def where(meeting):
    place = meeting.place.strip() or meeting.council.meeting_place.strip()
    if place and meeting.modality != Modality.ONLINE or meeting.place.strip():
        return _("at %(place)s") % {"place": " ".join(place.split())}
    return lower_first(meeting.get_modality_display())


def day_label(local, today):
    if local.date() == today:
        return _("Today")
    if local.date() == today + timedelta(days=1):
        return _("Tomorrow")
    return formats.date_format(local, "l j/m").capitalize()


# The words every council's name begins with: its members know them, and
# a text message has 160 characters (``short_name``).
GENERIC_PREFIX = re.compile(r"^consejo\s+comunitario\s+(?=\S)", re.IGNORECASE)


def short_name(council):
    """The council's name as its members' texts give it: without the words
    "Consejo Comunitario" that begin most names ("Colonia Santa Cecilia"),
    so that a reminder with its place and the stop link fits one SMS."""
    title = " ".join(council.title.split())
    return GENERIC_PREFIX.sub("", title) or title


def text_values(meeting, moment):
    """What a meeting's texts say of it, at the hour they reach the members
    (planned at ``moment``, held by the quiet hours)."""
    tz = council_zone(meeting.council)
    local = meeting.starts_at.astimezone(tz)
    return {
        "day": day_label(local, sending_moment(moment, tz).date()),
        "time": f"{local:%H:%M}",
        "what": what(meeting),
        "council": short_name(meeting.council),
        "where": where(meeting),
    }


def reminder_text(meeting, moment):
    # The council's page goes as the notice's link: by SMS only where it
    # fits (``notifications.channels.phone_text``).
    return _("%(day)s %(time)s: %(what)s of %(council)s %(where)s.") % text_values(
        meeting, moment
    )


def change_text(meeting, moment):
    values = text_values(meeting, moment)
    values["day"] = lower_first(values["day"])
    if meeting.is_cancelled:
        text = _("Cancelled: %(what)s of %(council)s, %(day)s %(time)s.") % values
        reason = " ".join(meeting.cancel_reason.split()).rstrip(".")
        return f"{text} {reason}." if reason else text
    return (
        _("Change: %(what)s of %(council)s, now %(day)s %(time)s %(where)s.") % values
    )


def to_remind(moment):
    """The meetings to remind at ``moment``: not cancelled nor closed, on the
    day after the reminder reaches the members (or the same day), in their
    council's zone."""
    meetings = (
        Meeting.objects.filter(
            starts_at__gt=moment + TOO_LATE,
            starts_at__lte=moment + LOOK_AHEAD,
            cancelled_at__isnull=True,
            closed_at__isnull=True,
        )
        .select_related("council__state")
        .order_by("starts_at", "pk")
    )
    chosen = []
    for meeting in meetings:
        tz = council_zone(meeting.council)
        arrives = sending_moment(moment, tz)
        local = meeting.starts_at.astimezone(tz)
        if local - arrives < TOO_LATE:
            continue
        if local.date() <= arrives.date() + timedelta(days=1):
            chosen.append(meeting)
    return chosen


def members_of(council_id):
    """The active members' ids of a council, as a subquery."""
    return (
        Membership.objects.active()
        .filter(council_id=council_id, user__is_active=True)
        .values("user_id")
    )


def plan_reminders(moment=None):
    """Write the reminders of the meetings of tomorrow for every active member
    of their councils, once per meeting and time (a meeting moved is reminded
    again). Returns how many notices were written."""
    moment = moment or notices.now()
    written = 0
    with translation.override(settings.LANGUAGE_CODE):
        for meeting in to_remind(moment):
            text = reminder_text(meeting, moment)
            written += len(
                notices.notify_many(
                    REMINDER,
                    members_of(meeting.council_id),
                    reminder_key(meeting),
                    text,
                    council_link(meeting.council),
                    scope=f"council:{meeting.council_id}",
                    valid_until=meeting.starts_at,
                )
            )
    return written


def tell_change(meeting, *, old_starts_at):
    """The meeting moved, changed place or was cancelled (its ``revision``
    already grown): the reminders not yet sent for its old time are cancelled,
    and whoever was reminded (or every active member, for a meeting within
    ``CLOSE``) is told. Call it in the transaction of the change. Returns the
    number of notices written."""
    moment = notices.now()
    if max(old_starts_at, meeting.starts_at) <= moment:
        return 0  # a meeting of the past, put right
    reason = "la reunión se canceló" if meeting.is_cancelled else "la reunión cambió"
    reminders = meeting_notices(meeting.pk, REMINDER)
    if meeting.is_cancelled:
        notices.cancel_open(reminders, reason)
    else:
        old = reminders.filter(key=reminder_key(meeting, old_starts_at))
        notices.cancel_open(old, reason)
    # An earlier change not yet sent says what is no longer true.
    notices.cancel_open(meeting_notices(meeting.pk, CHANGE), reason)
    told = Q(pk__in=reminders.values("user_id"))
    if min(old_starts_at, meeting.starts_at) - moment <= CLOSE:
        told |= Q(pk__in=members_of(meeting.council_id))
    # Only who is still a member: someone who left is told nothing more.
    people = (
        get_user_model()
        .objects.filter(told)
        .filter(pk__in=members_of(meeting.council_id))
        .values("pk")
    )
    with translation.override(settings.LANGUAGE_CODE):
        text = change_text(meeting, moment)
        link = council_link(meeting.council)
    return len(
        notices.notify_many(
            CHANGE,
            people,
            change_key(meeting),
            text,
            link,
            scope=f"council:{meeting.council_id}",
            valid_until=max(old_starts_at, meeting.starts_at),
        )
    )


def forget_deleted(meeting_id):
    """A meeting deleted: its notices not yet sent are cancelled (in the
    transaction of the delete, so no worker sends them)."""
    return notices.cancel_open(
        Notice.objects.filter(key__startswith=f"meeting:{meeting_id}:").filter(
            kind__in=(REMINDER, CHANGE)
        ),
        "la reunión se borró",
    )
