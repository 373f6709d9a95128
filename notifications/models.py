from django.conf import settings
from django.contrib import admin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import kinds


class Channel(models.TextChoices):
    EMAIL = "email", _("e-mail")
    SMS = "sms", _("SMS")
    WHATSAPP = "whatsapp", _("WhatsApp")
    TELEGRAM = "telegram", _("Telegram")
    # Stands in for a phone channel with no provider configured (the demo):
    # the message is written to the log.
    CONSOLE = "console", _("console")


class Status(models.TextChoices):
    PENDING = "pending", _("pending")
    HELD = "held", _("held")
    SENDING = "sending", _("sending")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")
    CANCELLED = "cancelled", _("cancelled")
    SKIPPED = "skipped", _("skipped")


class Notice(models.Model):
    """One thing the site tells one person, once: ``(kind, user, key)`` is
    unique, so asking twice for the same notice changes nothing.

    ``pending`` → ``sending`` (claimed, committed before the message is handed
    to the provider) → ``sent``. ``held`` waits for ``send_after`` (quiet
    hours, the daily cap). ``skipped`` was never sent, on purpose (no consent,
    no channel), with the reason in ``last_error``. ``failed`` is a claim that
    never heard back from the provider: it may have arrived, so it is shown,
    never sent again. ``cancelled`` by a person."""

    # Nothing in a notice is content Wagtail must track: without this, every
    # notice written cost four more queries for the reference index.
    wagtail_reference_index_ignore = True

    kind = models.CharField(_("kind"), max_length=50)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="notices",
    )
    key = models.CharField(_("about"), max_length=100)
    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, blank=True
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    text = models.CharField(_("text"), max_length=500)
    link = models.CharField(_("link"), max_length=300, blank=True)
    # Whose business the notice is, for the leaders' view: "council:<id>" for
    # what a council's members are told. Empty for the person's own affairs.
    scope = models.CharField(_("scope"), max_length=50, blank=True, db_index=True)
    # The consent purpose it is sent under ("avisos"), or "necesario" for the
    # answer to something the person asked (a decision, a code, a constancia).
    purpose = models.CharField(_("purpose"), max_length=20, default="avisos")
    # Sent at once, whatever the hour or the daily count: a code the person is
    # waiting for.
    urgent = models.BooleanField(_("urgent"), default=False)
    # A fixed channel and address (a code to a phone being verified); empty:
    # the person's own channel, as chosen at send time.
    fixed_channel = models.CharField(
        _("fixed channel"), max_length=10, choices=Channel.choices, blank=True
    )
    address = models.CharField(_("address"), max_length=254, blank=True)
    # Pointless after this moment (a meeting's start, a code's expiry): not
    # sent later than that, whatever held it.
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)
    # The long form for e-mail: subject and body (the text is the short form).
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("body"), blank=True)
    # "<name>:<id>" of a registered attachment maker (notifications.attachments).
    attachment = models.CharField(_("attachment"), max_length=100, blank=True)
    # A code the text carries (a verification or sign-in code): once the
    # notice ends (sent, skipped, failed, cancelled) its text is replaced by
    # ``REDACTED``, so the code is never readable in the database after.
    secret = models.BooleanField(_("carries a secret"), default=False)
    segments = models.PositiveSmallIntegerField(_("SMS segments"), default=0)
    send_after = models.DateTimeField(_("not before"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    # A reason or the provider's complaint; never a URL or a token.
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "user", "key"], name="notice_once_per_person"
            )
        ]
        indexes = [
            models.Index(fields=["status", "send_after"]),
            # A meeting moved or deleted finds its reminders by key.
            models.Index(fields=["kind", "key"], name="notice_kind_key"),
            # The codes still to redact, found without reading every notice.
            models.Index(
                fields=["status"],
                condition=models.Q(secret=True),
                name="notice_secret_status",
            ),
        ]

    def __str__(self):
        return f"{self.kind} {self.key} → {self.user_id} ({self.status})"

    @admin.display(description=_("kind"))
    def kind_label(self):
        return kinds.label(self.kind)

    def get_text_display(self):
        """The text as people may read it (the admin's inspect view uses
        it): never a live code."""
        return str(REDACTED) if self.secret else self.text


# What a secret notice says once it ended, and what is shown of it before.
REDACTED = _("Code sent (not kept).")


class Preference(models.TextChoices):
    AUTOMATIC = "", _("automatic: e-mail, or else SMS")
    EMAIL = "email", _("e-mail")
    SMS = "sms", _("SMS")
    WHATSAPP = "whatsapp", _("WhatsApp")
    TELEGRAM = "telegram", _("Telegram")
    NONE = "ninguno", _("none")


class ChannelPreference(models.Model):
    """How a person wants to be told. Without a row: automatic."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="notice_preference",
    )
    channel = models.CharField(
        _("preferred channel"),
        max_length=10,
        choices=Preference.choices,
        blank=True,
        default=Preference.AUTOMATIC,
    )
    # SMS and WhatsApp go only to a phone marked verified: a number typed by
    # someone else (a leader, a typo) must not receive another person's notices.
    phone_verified_at = models.DateTimeField(
        _("phone verified at"), null=True, blank=True
    )
    # The number (as +52…) that was verified: a phone changed since, by the
    # person, a leader or an import, is not verified (``phone_verified``).
    verified_phone = models.CharField(_("verified phone"), max_length=20, blank=True)
    telegram_chat = models.CharField(_("Telegram chat"), max_length=64, blank=True)
    # The key of her stop link (/baja/<key>), written the first time a notice
    # under consent to notices is sent to her (``notifications.stop``). Short,
    # since every text carries it; random, never derived from anything.
    stop_key = models.CharField(
        _("stop key"),
        max_length=12,
        unique=True,
        null=True,
        blank=True,
        editable=False,
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("notice preference")
        verbose_name_plural = _("notice preferences")

    def __str__(self):
        return f"{self.user_id}: {self.channel or 'auto'}"

    def verifies(self, phone):
        """``phone`` (as +52…) is the number verified, and still is."""
        return bool(phone and self.phone_verified_at and self.verified_phone == phone)


class PhoneCode(models.Model):
    """A six-digit code sent to a person's phone to verify it. Only its hash
    is kept; it works for ``CODE_MINUTES`` and ``CODE_TRIES`` tries, for the
    number it was sent to."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="phone_codes",
    )
    phone = models.CharField(_("phone"), max_length=20)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    code_hash = models.CharField(_("code (hashed)"), max_length=128)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    tries = models.PositiveSmallIntegerField(_("tries"), default=0)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("phone verification code")
        verbose_name_plural = _("phone verification codes")
        indexes = [models.Index(fields=["user", "created_at"])]

    def __str__(self):
        return f"{self.user_id} {self.created_at:%Y-%m-%d %H:%M}"
