"""The channels a notice can go by.

Phone and chat channels go through Apprise: an operator sets, in the
environment, one URL template per channel (``NOTIFY_SMS_URL``,
``NOTIFY_WHATSAPP_URL``, ``NOTIFY_TELEGRAM_URL``), with ``{phone}`` or
``{chat}`` where the provider's URL names the recipient, e.g.
``twilio://SID:TOKEN@+15551234567/{phone}``. The URLs hold the provider's
secrets: they stay in the environment, never in the database, and logs name
only the channel and the provider's host.

E-mail goes through Django's own e-mail backend (``EMAIL_*`` settings), not
Apprise's ``mailto://``, which would repeat the SMTP settings a second time.

Without a URL, a phone channel is off; with ``NOTIFY_CONSOLE`` (the demo) the
``consola://`` channel stands in for it and writes each message to the log.
"""

import logging
import re
import threading
from dataclasses import dataclass
from urllib.parse import unquote

import apprise
from apprise.decorators import notify as apprise_notify
from django.conf import settings
from django.core.mail import EmailMessage
from django.utils.translation import gettext as _

from . import attachments, stop
from .models import Channel
from .sms import for_sms, segments

logger = logging.getLogger(__name__)
console_logger = logging.getLogger("notifications.console")

CONSOLE_SCHEMA = "consola"
# A recipient to fill templates with when checking that they parse.
SAMPLES = {"phone": "+525512345678", "chat": "123456789"}


class ProviderError(OSError):
    """The provider (or the mail server) did not take the message. An OSError:
    the outbox's RETRY policy retries it."""


class UncertainDelivery(Exception):  # noqa: N818 (not an error of ours)
    """The message went out and no answer came back (the provider's answer
    timed out, the connection dropped mid-answer): it may have arrived. Not an
    OSError: never retried, since sending again could send it twice."""


class Undeliverable(Exception):  # noqa: N818 (not an error of ours)
    """The provider refused this message for good (HTTP 4xx: a number it does
    not serve, a bad request), or the channel's URL cannot be used: sending
    again would be refused again. Not an OSError: never retried."""


# HTTP answers that mean "not now" rather than "never".
TRANSIENT_4XX = ("408", "425", "429")

# Apprise's words (in its debug log) for a request that never reached the
# provider: safe to send again.
NOT_REACHED = (
    "Failed to establish a new connection",
    "Connection refused",
    "connect timeout",
    "NameResolutionError",
    "Name or service not known",
)


_sending = threading.local()


class _Router(logging.Handler):
    """Apprise's log records go to the send that made them (``_Capture``,
    per thread), never to the log: they name phone numbers, quote the
    message and may quote the provider's URL."""

    def emit(self, record):
        records = getattr(_sending, "records", None)
        if records is not None:
            records.append((record.levelno, record.getMessage()))


def quiet_apprise():
    """Route Apprise's logger to ``_Router`` (once, from ``ready``)."""
    apprise_logger = logging.getLogger("apprise")
    if not any(isinstance(handler, _Router) for handler in apprise_logger.handlers):
        apprise_logger.addHandler(_Router(logging.DEBUG))
    apprise_logger.setLevel(logging.DEBUG)
    apprise_logger.propagate = False


class _Capture:
    """The records Apprise writes during one send in this thread."""

    def __enter__(self):
        quiet_apprise()
        self.records = _sending.records = []
        return self

    def __exit__(self, *exc):
        _sending.records = None

    def outcome(self):
        """Why a send failed: ``"HTTP <status>"`` (a plugin's warning that the
        provider answered so), ``"not reached"`` (the request never left), or
        None (it left and no answer came back). Read from Apprise's own lines
        only, never from the payload it logs, which holds the message."""
        for level, message in self.records:
            status = re.search(r"error=(\d{3})\.?$", message)
            if level >= logging.WARNING and status:
                return f"HTTP {status.group(1)}"
        failures = [
            message
            for _level, message in self.records
            if message.startswith("Socket Exception:")
        ]
        if any(words in message for message in failures for words in NOT_REACHED):
            return "not reached"
        if failures:
            return None
        return "refused"


def _console(body, title, notify_type, meta, *args, **kwargs):
    console_logger.info(
        "Aviso por %s a %s: %s",
        meta.get("host") or "consola",
        unquote(meta.get("fullpath", "")).strip("/") or "-",
        body,
    )
    return True


def register_console():
    """``consola://<channel>/<recipient>``: an Apprise channel of our own."""
    if CONSOLE_SCHEMA not in apprise.Apprise().details().get("schemas", ()):
        apprise_notify(on=CONSOLE_SCHEMA, name="Consola")(_console)


def phone_e164(phone):
    """A Mexican number as written by a member → ``+52…`` (ten digits after
    the country code; the old 044/045 mobile and 01 long-distance prefixes
    dropped). A number written with another ``+`` country code is kept as
    written: ``sendable`` decides whether texts go to it."""
    digits = re.sub(r"[^0-9+]", "", phone or "")
    if not digits:
        return ""
    if digits.startswith("+"):
        digits = "+" + digits[1:].replace("+", "")
        # The "1" Mexican mobiles carried after +52 until 2019 (still in
        # WhatsApp exports) is no longer dialled.
        if digits.startswith("+521") and len(digits) == 14:
            digits = "+52" + digits[4:]
        return digits
    digits = digits.replace("+", "")
    if len(digits) == 13 and digits[:3] in ("044", "045"):
        digits = digits[3:]
    elif len(digits) == 12 and digits.startswith("01"):
        digits = digits[2:]
    elif len(digits) == 12 and digits.startswith("52"):
        digits = digits[2:]
    return f"+52{digits}"


def sendable(phone):
    """Texts and codes go to ``phone`` (+…): a number of the countries the
    operator serves (``NOTIFY_PHONE_PATTERN``: Mexican numbers by default, not
    the 800 and 900 service numbers), so that nobody can make the site text
    premium or foreign numbers at the movement's cost."""
    return bool(re.fullmatch(settings.NOTIFY_PHONE_PATTERN, phone or ""))


def phone_text(text, link="", footer="", *, sms=False):
    """What a phone receives: ``text``, its ``link`` (unless the text holds
    it) and the ``footer`` (how to stop notices). By SMS, folded to GSM-7 and
    without the link where it would cost one more segment: the text says what,
    when and where, and the stop line must be there."""
    parts = [text, link if link and link not in text else "", footer]
    full = " ".join(part for part in parts if part)
    if not sms:
        return full
    full = for_sms(full)
    short = for_sms(" ".join(part for part in (text, footer) if part))
    return short if segments(short) < segments(full) else full


@dataclass(frozen=True)
class PhoneChannel:
    name: str
    setting: str
    placeholder: str
    # No message by phone between these hours, in the person's own time.
    quiet_hours: bool = True

    def template(self):
        return getattr(settings, self.setting, "") or ""

    def configured(self):
        return bool(self.template())

    def available(self):
        return self.configured() or settings.NOTIFY_CONSOLE

    def stored_name(self):
        return self.name if self.configured() else Channel.CONSOLE

    def url(self, recipient):
        if self.configured():
            return self.template().replace(f"{{{self.placeholder}}}", recipient)
        return f"{CONSOLE_SCHEMA}://{self.name}/{recipient}"

    def text(self, notice, stop_key=""):
        footer = stop.line(stop_key) if stop_key else ""
        return phone_text(
            notice.text, notice.link, footer, sms=self.name == Channel.SMS
        )

    def send(self, notice, recipient, stop_key=""):
        url = self.url(recipient)
        sender = apprise.Apprise()
        if not sender.add(url):
            raise Undeliverable(
                _("The %(channel)s URL is not valid.") % {"channel": self.name}
            )
        host = provider_name(sender[0])
        with _Capture() as capture:
            accepted = sender.notify(body=self.text(notice, stop_key), title="")
        if not accepted:
            outcome = capture.outcome()
            if outcome is None:
                raise UncertainDelivery(
                    _("%(host)s did not answer in time: it may have arrived.")
                    % {"host": host}
                )
            reason = _("%(host)s did not accept the message (%(outcome)s).") % {
                "host": host,
                "outcome": outcome,
            }
            status = outcome.removeprefix("HTTP ")
            if status.startswith("4") and status not in TRANSIENT_4XX:
                raise Undeliverable(reason)
            raise ProviderError(reason)
        logger.info("Notice %s sent by %s through %s", notice.pk, self.name, host)


class EmailChannel:
    name = Channel.EMAIL
    quiet_hours = False

    def configured(self):
        return True

    def available(self):
        return True

    def stored_name(self):
        return self.name

    def send(self, notice, recipient, stop_key=""):
        body = notice.body or notice.text
        if notice.link and notice.link not in body:
            body = f"{body}\n\n{notice.link}"
        if stop_key:
            body = f"{body.rstrip()}\n\n{stop.line(stop_key, short=False)}\n"
        message = EmailMessage(
            notice.subject or _("A notice from COCOCI Formación"), body, to=[recipient]
        )
        attached = attachments.make(notice.attachment)
        if attached:
            message.attach(*attached)
        try:
            message.send(fail_silently=False)
        except OSError as error:  # SMTP refused or unreachable: retried
            raise ProviderError(type(error).__name__) from error
        logger.info("Notice %s sent by e-mail", notice.pk)


EMAIL = EmailChannel()
SMS = PhoneChannel(Channel.SMS, "NOTIFY_SMS_URL", "phone")
WHATSAPP = PhoneChannel(Channel.WHATSAPP, "NOTIFY_WHATSAPP_URL", "phone")
TELEGRAM = PhoneChannel(Channel.TELEGRAM, "NOTIFY_TELEGRAM_URL", "chat")
CHANNELS = {channel.name: channel for channel in (EMAIL, SMS, WHATSAPP, TELEGRAM)}


def provider_name(plugin):
    """Apprise's service name of a provider ("Twilio", "JSON"…), never its
    host: some providers' URLs carry a key or the recipient's number where a
    host would be."""
    return str(plugin.service_name or plugin.protocol or "?")


def provider_host(url):
    """``provider_name`` of a provider URL, or "?" for one Apprise cannot read."""
    try:
        plugin = apprise.Apprise.instantiate(url)
    except Exception:  # Apprise raises several kinds on a URL it cannot read
        plugin = None
    return "?" if plugin is None else provider_name(plugin)


def status():
    """[(label, on)] for the admin: which channels can send, without URLs."""
    rows = [(_("e-mail"), True)]
    for channel in (SMS, WHATSAPP, TELEGRAM):
        rows.append((Channel(channel.name).label, channel.configured()))
    return rows
