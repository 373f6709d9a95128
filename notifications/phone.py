"""A person's channel choice and the proof that a phone is hers: a six-digit
code sent to it, typed back on "Mis datos". Only the code's hash is kept;
the notice that carried it is redacted once it ends (``Notice.secret``)."""

import secrets
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from members.models import Purpose

from . import services
from .channels import CHANNELS, phone_e164, sendable
from .models import Channel, ChannelPreference, Notice, PhoneCode, Status

CODE_MINUTES = 10
CODE_TRIES = 5
CODES_PER_HOUR = 3
# The channels a code goes by; the person's choice of them, else SMS.
CODE_CHANNELS = (Channel.SMS, Channel.WHATSAPP)
PHONE_CODE_KIND = "phone_verification"
SIGN_IN_CODE_KIND = "sign_in_code"


class PhoneError(Exception):
    """What the person is told, in her words; nothing was changed."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def preference_of(user):
    return ChannelPreference.objects.filter(user=user).first()


def phone_verified(user, preference=None):
    """``user``'s phone, as she has it now, is the number she proved."""
    preference = preference or preference_of(user)
    return bool(preference and preference.verifies(phone_e164(user.phone)))


def mark_verified(user, phone):
    """``phone`` (+52…) is proven to be ``user``'s."""
    preference, _created = ChannelPreference.objects.get_or_create(user=user)
    preference.phone_verified_at = services.now()
    preference.verified_phone = phone
    preference.save(update_fields=["phone_verified_at", "verified_phone", "updated_at"])
    return preference


@transaction.atomic
def preference_save(*, user, channel, telegram_chat=""):
    """Her channel (a ``Preference``) and, for Telegram, her chat."""
    preference, _created = ChannelPreference.objects.select_for_update().get_or_create(
        user=user
    )
    preference.channel = channel
    preference.telegram_chat = telegram_chat
    preference.save(update_fields=["channel", "telegram_chat", "updated_at"])
    return preference


def code_channel(user):
    preference = preference_of(user)
    if preference and preference.channel in CODE_CHANNELS:
        return preference.channel
    return Channel.SMS


@transaction.atomic
def code_send(*, user):
    """Send a new code to ``user``'s phone (earlier ones stop working).
    Returns the ``PhoneCode``; raises PhoneError (nothing sent) without a
    number or after ``CODES_PER_HOUR`` codes in the last hour."""
    # One request at a time per person: a double tap cannot pass the limit.
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    phone = phone_e164(user.phone)
    if not sendable(phone):
        raise PhoneError(
            _(
                "Your phone number is missing or not valid: correct it in "
                "“Correct my data” and ask for the code again."
            )
        )
    moment = services.now()
    recent = PhoneCode.objects.filter(
        user=user, created_at__gt=moment - timedelta(hours=1)
    ).count()
    if recent < CODES_PER_HOUR:
        # Per number too: several accounts naming one number cannot flood it.
        number_not_flooded(phone, moment)
    if recent >= CODES_PER_HOUR:
        raise PhoneError(
            _(
                "You asked for %(count)s codes in the last hour: wait a while "
                "and ask again, or use the last one you got."
            )
            % {"count": recent}
        )
    channel = code_channel(user)
    channel_on(channel)
    PhoneCode.objects.filter(
        user=user, used_at__isnull=True, expires_at__gt=moment
    ).update(expires_at=moment)
    # Nor does a text still waiting to carry one of them.
    services.cancel_open(
        Notice.objects.filter(kind=PHONE_CODE_KIND, user=user),
        "reemplazado por un código nuevo",
    )
    code = f"{secrets.randbelow(10**6):06d}"
    row = PhoneCode.objects.create(
        user=user,
        phone=phone,
        channel=channel,
        code_hash=make_password(code),
        created_at=moment,
        expires_at=moment + timedelta(minutes=CODE_MINUTES),
    )
    services.notify(
        PHONE_CODE_KIND,
        user,
        f"phone_code:{row.pk}",
        _(
            "Your COCOCI Formacion code is %(code)s. It is valid for %(minutes)s "
            "minutes. If you did not ask for it, ignore this message."
        )
        % {"code": code, "minutes": CODE_MINUTES},
        purpose=Purpose.NECESSARY,
        urgent=True,
        channel=channel,
        address=phone,
        secret=True,
        # A code that could not go while it worked never goes.
        valid_until=row.expires_at,
    )
    return row


def code_check(*, user, code_id, code):
    """Verify ``user``'s phone with ``code``, the one of ``PhoneCode``
    ``code_id``. Each try counts, right or wrong (kept even when refused).
    Raises PhoneError when refused; returns the preference when verified."""
    with transaction.atomic():
        row = (
            PhoneCode.objects.select_for_update().filter(pk=code_id, user=user).first()
        )
        error = _refusal(row, user)
        if error is None:
            row.tries += 1
            row.save(update_fields=["tries"])
            if check_password("".join(str(code).split()), row.code_hash):
                row.used_at = services.now()
                row.save(update_fields=["used_at"])
                return mark_verified(user, row.phone)
            left = CODE_TRIES - row.tries
            error = (
                ngettext(
                    "That code is not right. You have %(left)s more try.",
                    "That code is not right. You have %(left)s more tries.",
                    left,
                )
                % {"left": left}
                if left
                else _(
                    "That code is not right, and it was the last try: ask for "
                    "a new code."
                )
            )
    raise PhoneError(error)


def _refusal(row, user):
    """Why ``row`` cannot verify ``user``'s phone, or None."""
    if row is None:
        return _("That code is not valid here: ask for a new one.")
    if row.used_at is not None or row.expires_at <= services.now():
        return _("That code has expired: ask for a new one.")
    if row.tries >= CODE_TRIES:
        return _("Too many wrong tries with that code: ask for a new one.")
    if row.phone != phone_e164(user.phone):
        return _(
            "Your phone number changed after the code was sent: ask for a new one."
        )
    return None


def codes_prune():
    """Forget phone codes a day past their end: after the hour they are
    counted for, nothing needs them (and each names a phone number)."""
    limit = services.now() - timedelta(days=1)
    return PhoneCode.objects.filter(expires_at__lt=limit).delete()[0]


def latest_code(user):
    """The code she may still type, or None."""
    return (
        PhoneCode.objects.filter(
            user=user,
            used_at__isnull=True,
            expires_at__gt=services.now(),
            tries__lt=CODE_TRIES,
        )
        .order_by("-created_at", "-pk")
        .first()
    )


def proven_by_sign_in_code(*, user, code, **kwargs):
    """``user`` signed in with the one-time code ``code`` (a
    ``members.SignInCode``): if it was sent only by SMS to the number she has
    now, she proved she holds it (receiver of ``members.signals``)."""
    notice = Notice.objects.filter(
        kind=SIGN_IN_CODE_KIND,
        user=user,
        key=sign_in_code_key(code),
        status__in=(Status.SENDING, Status.SENT, Status.FAILED),
    ).first()
    if notice is not None and notice.address == phone_e164(user.phone):
        mark_verified(user, notice.address)


def number_not_flooded(phone, moment):
    """Raise PhoneError after ``CODES_PER_HOUR`` codes of either kind (a
    phone's verification, a sign-in code a leader sent) to ``phone`` in the
    hour before ``moment``, whoever they were for: one number is not flooded
    through several accounts."""
    count = Notice.objects.filter(
        kind__in=(PHONE_CODE_KIND, SIGN_IN_CODE_KIND),
        address=phone,
        created_at__gt=moment - timedelta(hours=1),
    ).count()
    if count >= CODES_PER_HOUR:
        raise PhoneError(
            _(
                "That number got %(count)s codes in the last hour: wait a while "
                "and ask again."
            )
            % {"count": count}
        )


def channel_on(channel):
    """Raise PhoneError when codes cannot go by ``channel`` now."""
    if not CHANNELS[channel].available():
        raise PhoneError(
            _("Codes by %(channel)s cannot be sent right now: try again later.")
            % {"channel": Channel(channel).label}
        )


def sign_in_code_key(code):
    return f"sign_in_code:{code.pk}"


def sign_in_code_send(*, user, code_row, code, scope=""):
    """Send ``user``'s new one-time sign-in ``code`` (of ``code_row``) by SMS
    to her phone, and nowhere else. Raises PhoneError without a number, or
    after ``CODES_PER_HOUR`` such messages to her in the last hour."""
    phone = phone_e164(user.phone)
    if not sendable(phone):
        raise PhoneError(
            _("%(name)s has no valid phone number: add it first.") % {"name": user}
        )
    channel_on(Channel.SMS)
    moment = services.now()
    recent = Notice.objects.filter(
        kind=SIGN_IN_CODE_KIND,
        user=user,
        created_at__gt=moment - timedelta(hours=1),
    ).count()
    if recent >= CODES_PER_HOUR:
        raise PhoneError(
            _(
                "%(count)s codes were sent by SMS to %(name)s in the last hour: "
                "wait a while before sending another."
            )
            % {"count": recent, "name": user}
        )
    number_not_flooded(phone, moment)
    return services.notify(
        SIGN_IN_CODE_KIND,
        user,
        sign_in_code_key(code_row),
        _(
            "COCOCI Formacion: your user is %(username)s and your code "
            "%(code)s. Sign in at %(link)s and choose your password."
        )
        % {
            "username": user.username,
            "code": f"{code[:4]}-{code[4:]}",
            "link": services.absolute(reverse("members:sign_in_code")),
        },
        purpose=Purpose.NECESSARY,
        urgent=True,
        channel=Channel.SMS,
        address=phone,
        secret=True,
        scope=scope,
        valid_until=code_row.expires_at,
    )
