"""``notify``: the one way an app tells a person something, and ``deliver``,
which sends it once, at a decent hour, to someone who agreed to be told.

1. ``notify`` writes the ``Notice`` in the caller's transaction (or finds the
   one already written for the same kind, person and key) and enqueues
   ``notifications.tasks.deliver`` through the outbox.
2. ``deliver`` reads the row again and decides at send time: consent to
   notices ("avisos") withdrawn, or no channel → ``skipped``; quiet hours
   (phone channels, 21:00–08:00 in the person's time) or the daily cap →
   ``held`` until the next 08:00 (beat's ``send_due_notices`` sends it then).
3. The claim (``sending``) is committed before the message is handed over. A
   provider that refuses releases the claim and the task is retried (the
   outbox's RETRY policy); once ``sent``, ``deliver`` does nothing. A claim
   that never heard back (the worker died while sending) may have been
   accepted by the provider: after ``NOTIFY_SENDING_LEASE_SECONDS`` it is
   marked ``failed`` for a person to see, never sent again.
"""

import logging
import time as time_module
from datetime import datetime, time, timedelta
from functools import partial

from celery import current_app
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import (
    IntegrityError,
    InterfaceError,
    OperationalError,
    connection,
    connections,
    transaction,
)
from django.db.models import F, QuerySet
from django.utils import timezone

from members.models import ConsentRecord, Purpose
from outbox.models import PendingTask
from outbox.services import enqueue, is_unfinished

from . import audience, channels, stop, zones
from .models import REDACTED, ChannelPreference, Notice, Preference, Status
from .sms import segments

logger = logging.getLogger(__name__)

DELIVER = "notifications.tasks.deliver"
DELIVER_BATCH = "notifications.tasks.deliver_batch"
OPEN = (Status.PENDING, Status.HELD)
# notify_many writes a list of people this many per statement (under SQLite's
# 999 parameters), and hands the notices to the workers in tasks of
# DELIVERY_BATCH notices each.
WRITE_BATCH = 900
DELIVERY_BATCH = 200
ENDED = (Status.SENT, Status.SKIPPED, Status.FAILED, Status.CANCELLED)


def now():
    """The current moment; tests replace it to stand at a chosen hour."""
    return timezone.now()


def absolute(link):
    if link.startswith("/"):
        return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + link
    return link


def sms_segments(text, link, purpose):
    """The segments of the text as an SMS, with the stop line a notice under
    consent to notices gets when it is sent (``stop``: a key of fixed
    length)."""
    footer = stop.line(stop.PLACEHOLDER) if purpose == Purpose.NOTICES else ""
    return segments(channels.phone_text(text, link, footer, sms=True))


def notice_fields(
    kind,
    key,
    text,
    link="",
    *,
    purpose=Purpose.NOTICES,
    scope="",
    subject="",
    body="",
    attachment="",
    urgent=False,
    channel="",
    address="",
    secret=False,
    valid_until=None,
):
    """The fields of a new notice, from what ``notify`` is told.

    ``purpose``: the consent it is sent under (``Purpose.NECESSARY`` for the
    answer to something the person asked). ``scope``: ``"council:<id>"`` when
    the council's leaders may see it went. ``subject``/``body``: the long
    form for e-mail, with ``attachment`` (``notifications.attachments``).
    ``urgent``: not held by quiet hours nor the daily cap. ``channel`` and
    ``address``: send there and only there (a code to a phone being verified).
    ``secret``: the text carries a code; it is redacted once the notice ends.
    ``valid_until``: not sent after this moment (a meeting's start, a code's
    expiry), whatever held it."""
    text, link = text[:500], absolute(link)[:300]
    return {
        "kind": kind,
        "key": key,
        "text": text,
        "link": link,
        "segments": sms_segments(text, link, purpose),
        "created_at": now(),
        "purpose": purpose,
        "scope": scope,
        "subject": " ".join(subject.split())[:200],
        "body": body,
        "attachment": attachment,
        "urgent": urgent,
        "fixed_channel": channel,
        "address": address,
        "secret": secret,
        "valid_until": valid_until,
    }


def notify(kind, user, key, text, link="", **options):
    """Tell ``user`` ``text`` (with ``link``) once for ``(kind, key)``; returns
    the ``Notice``. Call it inside the transaction of the change it tells of.
    ``options``: those of ``notice_fields``."""
    fields = notice_fields(kind, key, text, link, **options)
    with transaction.atomic():
        try:
            with transaction.atomic():
                notice = Notice.objects.create(user=user, **fields)
        except IntegrityError:  # told already, or being told
            notice = Notice.objects.get(kind=kind, user=user, key=key)
            # Still pending with no task on its way (a caller retried after its
            # delivery failed in-process): send it again; never a second row.
            if notice.status == Status.PENDING and not is_unfinished(
                DELIVER, [notice.pk]
            ):
                send_later(notice.pk)
            return notice
        send_later(notice.pk)
    return notice


def notify_many(kind, users_or_ids, key, text, link="", **options):
    """``notify`` for many people at once, in a number of queries that does
    not grow with them: ``users_or_ids`` is a list of users or ids (written
    ``WRITE_BATCH`` at a time), or a queryset of one column of user ids
    (``Membership.objects.values("user_id")``: written in one statement).
    Those already told of the same kind and key are left as they were. The
    notices written are handed to the workers ``DELIVERY_BATCH`` at a time
    (``notifications.tasks.deliver_batch``). Returns their ids. Call it
    inside the transaction of the change it tells of."""
    template = Notice(**notice_fields(kind, key, text, link, **options))
    if isinstance(users_or_ids, QuerySet):
        sources = [users_or_ids]
    else:
        ids = list(dict.fromkeys(getattr(item, "pk", item) for item in users_or_ids))
        User = get_user_model()
        sources = [
            User.objects.filter(pk__in=ids[start : start + WRITE_BATCH]).values("pk")
            for start in range(0, len(ids), WRITE_BATCH)
        ]
    written = []
    # No savepoint: the notices and their tasks stand or fall with the caller.
    with transaction.atomic(savepoint=False):
        for source in sources:
            written += _insert_for(template, source)
        for start in range(0, len(written), DELIVERY_BATCH):
            send_batch_later(written[start : start + DELIVERY_BATCH])
    return written


def _insert_for(template, user_ids):
    """Write a copy of ``template`` for each user id the queryset ``user_ids``
    yields, in one statement (INSERT … SELECT), skipping those already told
    (the unique kind, person and key); returns the new rows' ids. Plain
    ``bulk_create`` would send one statement per few dozen rows on SQLite
    (999 parameters at most, 17 per notice)."""
    connection = connections[Notice.objects.db]
    quote = connection.ops.quote_name
    # PostgreSQL types a parameter of a SELECT list as text: each is cast to
    # its column's type (SQLite takes them as they come).
    typed = connection.vendor == "postgresql"
    columns, placeholders, values = [], [], []
    for field in Notice._meta.concrete_fields:
        if field.primary_key or field.name == "user":
            continue
        columns.append(quote(field.column))
        placeholders.append(
            f"CAST(%s AS {field.cast_db_type(connection)})" if typed else "%s"
        )
        values.append(
            field.get_db_prep_save(getattr(template, field.attname), connection)
        )
    select, params = user_ids.query.get_compiler(connection=connection).as_sql()
    user = quote(Notice._meta.get_field("user").column)
    # "WHERE 1 = 1": SQLite reads ON CONFLICT after a bare FROM as a join's ON.
    sql = (
        f"INSERT INTO {quote(Notice._meta.db_table)} ({', '.join(columns)}, {user}) "
        f"SELECT {', '.join(placeholders)}, chosen.* FROM ({select}) chosen "
        f"WHERE 1 = 1 ON CONFLICT DO NOTHING "
        f"RETURNING {quote(Notice._meta.pk.column)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*values, *params])
        return [row[0] for row in cursor.fetchall()]


def send_batch_later(notice_ids):
    """``send_later`` for a batch: one task delivers them one after another."""
    notice_ids = list(notice_ids)
    if not current_app.conf.task_always_eager:
        enqueue(DELIVER_BATCH, notice_ids)
        return
    transaction.on_commit(partial(_deliver_in_process, notice_ids, DELIVER_BATCH))


def deliver_batch(notice_ids):
    """``deliver`` each notice; a provider's refusal of one does not stop the
    others. Returns the statuses by id; raises ``ProviderError`` at the end
    when some were refused (the task's retry tries them again, and sends
    nothing twice)."""
    statuses, refused = {}, []
    for notice_id in notice_ids:
        try:
            statuses[notice_id] = deliver(notice_id)
        except channels.ProviderError as error:
            refused.append(notice_id)
            statuses[notice_id] = str(error)
    if refused:
        raise channels.ProviderError(
            f"{len(refused)} of {len(statuses)} notices refused by the provider"
        )
    return statuses


def cancel_open(notices, reason):
    """Cancel ``notices`` (a queryset) not yet handed to a provider; returns
    how many. In the transaction of what makes them pointless: a worker that
    reads one after the commit sends nothing."""
    cancelled = notices.filter(status__in=OPEN).update(
        status=Status.CANCELLED, last_error=reason[:300]
    )
    redact_ended(notices)
    return cancelled


def send_later(notice_id):
    """Enqueue the delivery through the outbox. Without a broker (tasks run
    in-process: the demo, a worker's nested tasks in tests) the delivery runs
    after the commit, and a provider's failure stays on the notice (pending,
    with its error, sent again by the reconciliation) instead of reaching the
    caller: a failed text must not undo nor retry what it tells of."""
    if not current_app.conf.task_always_eager:
        enqueue(DELIVER, notice_id)
        return
    transaction.on_commit(partial(_deliver_in_process, notice_id))


def _deliver_in_process(notice_id, task=DELIVER):
    try:
        result = current_app.tasks[task].apply(args=[notice_id], throw=False)
    except Exception as error:  # an eager retry that ran out raises Retry
        logger.warning("Notice %s not sent for now: %r", notice_id, error)
        return
    if result.failed():
        logger.warning("Notice %s not sent for now: %s", notice_id, result.result)


def consented(user, purpose=Purpose.NOTICES):
    record = ConsentRecord.objects.current_for(user).get(purpose)
    return bool(record and record.granted)


UNREAD = object()


def route(user, notice=None, preference=UNREAD):
    """(channel, recipient) for ``user``, or (None, reason). ``preference``:
    her row, when the caller read it already."""
    if notice is not None and notice.fixed_channel:
        channel = channels.CHANNELS.get(notice.fixed_channel)
        if channel is None or not notice.address:
            return None, "canal fijo sin destinatario"
        if not channel.available():
            return None, f"canal {notice.fixed_channel} no configurado"
        return channel, notice.address
    if preference is UNREAD:
        preference = ChannelPreference.objects.filter(user=user).first()
    choice = preference.channel if preference else Preference.AUTOMATIC
    phone = channels.phone_e164(user.phone)
    if not (preference and preference.verifies(phone)):
        phone = ""  # typed by someone, never proven hers: not used
    if choice == Preference.NONE:
        return None, "la persona eligió no recibir avisos"
    if choice == Preference.AUTOMATIC:
        if user.email:
            return channels.EMAIL, user.email
        choice = Preference.SMS
    if choice == Preference.EMAIL:
        return (channels.EMAIL, user.email) if user.email else (None, "sin correo")
    channel = channels.CHANNELS[choice]
    if choice == Preference.TELEGRAM:
        recipient = preference.telegram_chat if preference else ""
    else:
        recipient = phone
    if not recipient:
        return None, f"sin destinatario verificado para {choice}"
    if choice != Preference.TELEGRAM and not channels.sendable(recipient):
        return None, "número fuera de los países a los que se envían avisos"
    if not channel.available():
        return None, f"canal {choice} no configurado"
    return channel, recipient


def quiet(local):
    if not settings.NOTIFY_QUIET_HOURS:
        return False
    start, end = settings.NOTIFY_QUIET_HOURS
    return local.hour >= start or local.hour < end


def next_morning(local, *, next_day=False):
    """The next ``NOTIFY_QUIET_HOURS`` end (08:00) after ``local``, as UTC."""
    end = (settings.NOTIFY_QUIET_HOURS or (0, 8))[1]
    day = local.date()
    if next_day or local.hour >= end:
        day += timedelta(days=1)
    return datetime.combine(day, time(end), tzinfo=local.tzinfo)


def redacted(notice):
    """The fields that replace a secret notice's text once it ended."""
    return {"text": str(REDACTED), "body": ""} if notice.secret else {}


def redact_ended(notices=None):
    """Replace the text of every secret notice that ended (by whatever path:
    a cancellation, a claim marked failed) and still carries it. Returns the
    number redacted."""
    rows = Notice.objects.all() if notices is None else notices
    return (
        rows.filter(secret=True, status__in=ENDED)
        .exclude(text=str(REDACTED), body="")
        .update(text=str(REDACTED), body="")
    )


def _hold(notice, until, reason):
    Notice.objects.filter(pk=notice.pk, status__in=OPEN).update(
        status=Status.HELD, send_after=until, last_error=reason
    )
    return Status.HELD


def _close(notice, status, reason):
    Notice.objects.filter(pk=notice.pk, status__in=OPEN).update(
        status=status, last_error=reason[:300], **redacted(notice)
    )
    logger.info("Notice %s %s: %s", notice.pk, status, reason)
    return status


def sent_today(user, local):
    start = datetime.combine(local.date(), time(0), tzinfo=local.tzinfo)
    return Notice.objects.filter(
        user=user,
        status__in=(Status.SENDING, Status.SENT, Status.FAILED),
        claimed_at__gte=start,
    ).count()


def deliver(notice_id):
    """Send the notice ``notice_id`` if and when it should go; returns its
    status. Run it as often as you like: a notice goes out once."""
    notice = Notice.objects.select_related("user").filter(pk=notice_id).first()
    if notice is None:
        return None
    if notice.status not in OPEN:
        return notice.status
    moment = now()
    if notice.send_after and notice.send_after > moment:
        return notice.status
    if notice.valid_until and notice.valid_until <= moment:
        return _close(notice, Status.CANCELLED, "caducó antes de poder enviarse")
    user = notice.user
    if not user.is_active or user.anonymised_at:
        return _close(notice, Status.SKIPPED, "cuenta inactiva")
    if notice.purpose != Purpose.NECESSARY and not consented(user, notice.purpose):
        return _close(notice, Status.SKIPPED, "sin consentimiento para avisos")
    unwanted = audience.unwanted(notice)
    if unwanted:
        return _close(notice, Status.CANCELLED, unwanted)
    preference = ChannelPreference.objects.filter(user=user).first()
    channel, recipient = route(user, notice, preference)
    if channel is None:
        return _close(notice, Status.SKIPPED, recipient)
    local = moment.astimezone(zones.zone_of(user))
    if not notice.urgent and channel.quiet_hours and quiet(local):
        return _hold(notice, next_morning(local), "horario de descanso")
    if not notice.urgent and sent_today(user, local) >= settings.NOTIFY_DAILY_CAP:
        return _hold(
            notice, next_morning(local, next_day=True), "límite diario de avisos"
        )
    # Made before the claim: a claim is only ever followed by the sending.
    stop_key = (
        stop.key_for(user, preference) if notice.purpose == Purpose.NOTICES else ""
    )
    claimed = Notice.objects.filter(pk=notice.pk, status__in=OPEN).update(
        status=Status.SENDING,
        channel=channel.stored_name(),
        claimed_at=moment,
        attempts=F("attempts") + 1,
    )
    if not claimed:
        return None  # another run took it
    try:
        channel.send(notice, recipient, stop_key=stop_key)
    except (channels.UncertainDelivery, channels.Undeliverable) as error:
        # It may have arrived, or it never will: failed, never sent again.
        Notice.objects.filter(pk=notice.pk, status=Status.SENDING).update(
            status=Status.FAILED, last_error=str(error)[:300], **redacted(notice)
        )
        logger.warning("Notice %s failed, not retried: %s", notice.pk, error)
        return Status.FAILED
    except Exception as error:
        # Refused: not sent. The claim is released for the retry.
        reason = (
            str(error)[:300]
            if isinstance(error, channels.ProviderError)
            else (type(error).__name__)
        )
        Notice.objects.filter(pk=notice.pk, status=Status.SENDING).update(
            status=Status.PENDING, last_error=reason
        )
        raise channels.ProviderError(reason) from error
    _record_sent(notice)
    return Status.SENT


def _record_sent(notice, tries=4):
    """Write "sent" for a notice the provider took. A database that blinks
    right then (a restart, a dropped connection) is given a few seconds: the
    notice was sent, and saying so spares it the "may have arrived" of a
    claim never confirmed. Still down after that: the error goes up, the
    task's retry finds the claim and sends nothing."""
    for attempt in range(tries):
        try:
            Notice.objects.filter(pk=notice.pk).update(
                status=Status.SENT, sent_at=now(), last_error="", **redacted(notice)
            )
            return
        except (OperationalError, InterfaceError):
            if attempt == tries - 1 or connection.in_atomic_block:
                raise
            connection.close()  # the next query opens a new one
            time_module.sleep(0.5 * (attempt + 1))


def send_due(limit=20_000):
    """Hand the held notices whose time has come to the workers, in batches
    (``DELIVERY_BATCH`` a task: the morning after quiet hours may find tens of
    thousands); mark claims that never heard back as failed. Returns
    (handed over, failed)."""
    moment = now()
    ids = list(
        Notice.objects.filter(status=Status.HELD, send_after__lte=moment)
        .order_by("send_after", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    for start in range(0, len(ids), DELIVERY_BATCH):
        batch = ids[start : start + DELIVERY_BATCH]
        with transaction.atomic():
            # Pending again: the next run does not hand them over twice; a
            # batch task lost on its way is found by the reconciliation.
            Notice.objects.filter(pk__in=batch, status=Status.HELD).update(
                status=Status.PENDING
            )
            send_batch_later(batch)
    lease = timedelta(seconds=settings.NOTIFY_SENDING_LEASE_SECONDS)
    failed = Notice.objects.filter(
        status=Status.SENDING, claimed_at__lte=moment - lease
    ).update(
        status=Status.FAILED,
        last_error="sin respuesta del proveedor: pudo llegar; no se reenvía",
    )
    if failed:
        logger.warning("%s notices claimed and never confirmed: marked failed", failed)
    redact_ended()
    return len(ids), failed


def unsent(older_than=timedelta(minutes=5)):
    """Ids of notices still pending a while after they were written or handed
    over, with no task on its way (it was lost or given up): the
    reconciliation sends them again. The ids inside unfinished batch tasks
    are on their way."""
    moment = now() - older_than
    queued = set()
    for args in PendingTask.objects.filter(
        task=DELIVER_BATCH, failed_at__isnull=True
    ).values_list("args", flat=True):
        queued.update(args[0] if args else ())
    pending = Notice.objects.filter(status=Status.PENDING, created_at__lte=moment)
    return [pk for pk in pending.values_list("pk", flat=True) if pk not in queued]
