"""Account workflows that write across models, each in one transaction."""

import secrets
import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import models, transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from outbox.services import enqueue

from . import registry
from .models import (
    AccessLog,
    CodePurpose,
    ConsentMethod,
    ConsentRecord,
    PasswordResetRequest,
    PrivacyNotice,
    Purpose,
    SignInCode,
)
from .security import (
    app_device_new,
    app_device_unconfirmed,
    app_devices_abandoned,
    app_devices_unconfirmed_delete,
    recovery_codes_issue,
    two_factor_disable,
)
from .signals import sign_in_code_used


class NoNoticeInForce(Exception):
    pass


def current_notice():
    notice = PrivacyNotice.objects.current()
    if notice is None:
        raise NoNoticeInForce
    return notice


@transaction.atomic
def member_register(
    *, form, notice, voluntary_purposes, method=ConsentMethod.ONLINE, recorded_by=None
):
    """Create the account and record consent to the necessary purpose and each
    voluntary one, ticked or not, under the notice version that was shown."""
    user = form.save()
    consents_record(
        user=user,
        notice=notice,
        decisions={
            Purpose.NECESSARY: True,
            **{
                purpose: purpose in voluntary_purposes
                for purpose in Purpose.voluntary()
            },
        },
        method=method,
        recorded_by=recorded_by,
    )
    return user


def consents_record(
    *, user, notice, decisions, method=ConsentMethod.ONLINE, recorded_by=None
):
    now = timezone.now()
    ConsentRecord.objects.bulk_create(
        ConsentRecord(
            user=user,
            notice=notice,
            purpose=purpose,
            granted=granted,
            method=method,
            recorded_by=recorded_by,
            created_at=now,
        )
        for purpose, granted in decisions.items()
    )


@transaction.atomic
def consents_update(*, user, granted_voluntary):
    """Record a change to voluntary consents; unchanged purposes add nothing.
    The account's row is locked first: a double click compares the second
    request with the first one's records, and adds nothing."""
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    notice = current_notice()
    current = ConsentRecord.objects.current_for(user)
    decisions = {}
    for purpose in Purpose.voluntary():
        wanted = purpose in granted_voluntary
        record = current.get(purpose)
        if record is None or record.granted != wanted:
            decisions[purpose] = wanted
    if decisions:
        consents_record(user=user, notice=notice, decisions=decisions)
    return decisions


@transaction.atomic
def consent_withdraw(*, user, purpose, method=ConsentMethod.ONLINE):
    """Record that ``user`` no longer consents to the voluntary ``purpose``,
    under the notice in force (or, with none, the one she consented under).
    Nothing is added when she does not consent now; the account's row is
    locked first, so a double click records one withdrawal. Returns whether
    one was recorded."""
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    record = ConsentRecord.objects.current_for(user).get(purpose)
    if record is None or not record.granted:
        return False
    notice = PrivacyNotice.objects.current() or record.notice
    consents_record(user=user, notice=notice, decisions={purpose: False}, method=method)
    return True


class NoticeChanged(Exception):
    """The notice in force is not the version the person read."""


def notice_to_accept(user):
    """The notice in force, if ``user`` has not accepted it (their consent to
    the necessary purpose is under an earlier version, or missing); else None.
    One query, whatever the history."""
    accepted = ConsentRecord.objects.filter(
        user=user, notice=OuterRef("pk"), purpose=Purpose.NECESSARY, granted=True
    )
    notice = (
        PrivacyNotice.objects.published()
        .order_by("-published_at", "-pk")
        .annotate(accepted=Exists(accepted))
        .first()
    )
    return notice if notice is not None and not notice.accepted else None


@transaction.atomic
def notice_accept(*, user, version):
    """Record that ``user`` accepts the necessary use of their data under the
    notice in force, which must be ``version``, the one they read. Their
    voluntary choices stand as they were. The account's row is locked: a
    double click records one acceptance. Returns whether one was recorded."""
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    notice = current_notice()
    if notice.version != version:
        raise NoticeChanged
    if notice_to_accept(user) is None:
        return False
    consents_record(user=user, notice=notice, decisions={Purpose.NECESSARY: True})
    return True


def personal_data(user):
    """Everything held about ``user``, as a JSON-serialisable dict."""
    consents = [
        {
            "aviso": record.notice.version,
            "finalidad": record.purpose,
            "otorgado": record.granted,
            "forma": record.method,
            "fecha": record.created_at.isoformat(),
        }
        for record in user.consents.select_related("notice").order_by(
            "created_at", "pk"
        )
    ]
    data = {
        "perfil": {
            "usuario": user.username,
            "nombre": user.first_name,
            "apellidos": user.last_name,
            "correo": user.email,
            "telefono": user.phone,
            "alta": user.date_joined.isoformat(),
            "ultimo_acceso": user.last_login.isoformat() if user.last_login else None,
        },
        "consentimientos": consents,
    }
    for section in registry.sections():
        data[section.key] = section.export(user)
    return data


def personal_data_export(*, user, actor, printable=False):
    """Everything held about ``user``, logged as an export: the JSON file, or
    (``printable``) the page made to read and print, from the same data."""
    data = personal_data(user)
    detail = "own data" if actor == user else ""
    if printable:
        detail = f"{detail}, printable page".lstrip(", ")
    AccessLog.objects.record(
        actor=actor,
        action=AccessLog.Action.EXPORT,
        scope=f"user:{user.pk}",
        detail=detail,
        row_count=1,
    )
    return data


@transaction.atomic
def account_delete(*, user):
    """Block, then anonymise the person in one transaction.

    Rows that feed aggregate counts (completions, attendance) stay, linked to an
    account that no longer identifies anybody.
    """
    User = get_user_model()
    user = User.objects.select_for_update().get(pk=user.pk)
    user.is_active = False
    user.save(update_fields=["is_active"])
    for section in registry.sections():
        if section.erase:
            section.erase(user)
    user.username = f"eliminada-{uuid.uuid4().hex[:16]}"
    user.first_name = ""
    user.last_name = ""
    user.email = ""
    user.phone = ""
    user.set_unusable_password()
    user.is_staff = False
    user.is_superuser = False
    user.anonymised_at = timezone.now()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    # Secrets that would still open the account: one-time codes, second factors.
    SignInCode.objects.filter(user=user).delete()
    PasswordResetRequest.objects.filter(user=user).delete()
    two_factor_disable(user)
    AccessLog.objects.record(
        actor=None,
        action=AccessLog.Action.DELETE,
        scope=f"user:{user.pk}",
        detail="account deleted by its owner",
    )
    return user


PASSWORD_RESET_SUBJECT = "members/email/password_reset_subject.txt"
PASSWORD_RESET_BODY = "members/email/password_reset.txt"
PASSWORD_RESET_ADDRESS_WINDOW = timedelta(hours=1)


class TooManyResetRequests(Exception):
    pass


def password_reset_recipients(email):
    """The active accounts that use ``email``, whatever its case."""
    folded = email.casefold()
    return [
        user
        for user in get_user_model().objects.active_people().filter(email__iexact=email)
        if user.email.casefold() == folded
    ]


@transaction.atomic
def password_reset_request(*, email, address, language):
    """A link to choose a new password, e-mailed (through the outbox) to each
    account that uses ``email``, unless it had one within PASSWORD_RESET_INTERVAL:
    the page says the same either way. An address that asked
    PASSWORD_RESET_ADDRESS_LIMIT times in the last hour is refused
    (TooManyResetRequests), and the refusal is not counted."""
    now = timezone.now()
    asked = PasswordResetRequest.objects.since(now - PASSWORD_RESET_ADDRESS_WINDOW)
    if (
        asked.filter(ip_address=address).count()
        >= settings.PASSWORD_RESET_ADDRESS_LIMIT
    ):
        raise TooManyResetRequests
    sent_to = []
    for user in password_reset_recipients(email):
        # One request at a time per account: ten at once send one e-mail.
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        recent = PasswordResetRequest.objects.since(
            now - settings.PASSWORD_RESET_INTERVAL
        )
        if not recent.filter(user=user).exists():
            sent_to.append(user)
            # Named: members.tasks imports this module.
            enqueue("members.tasks.send_password_reset", user.pk, language)
    PasswordResetRequest.objects.bulk_create(
        [
            PasswordResetRequest(ip_address=address, user=user, requested_at=now)
            for user in sent_to or [None]
        ]
    )
    return sent_to


def password_reset_send(*, user_id, language):
    """E-mail the account's link to choose a new password, made here (in the
    worker) so that no link travels through the queue, on the site's own address
    (SITE_URL), never the one a request named. Idempotent enough: a second
    e-mail carries a link as good as the first until one is used."""
    user = (
        get_user_model()
        .objects.active_people()
        .filter(pk=user_id)
        .exclude(email="")
        .first()
    )
    if user is None:
        return False
    path = reverse(
        "members:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    context = {"user": user, "reset_url": settings.WAGTAILADMIN_BASE_URL + path}
    with translation.override(language):
        subject = "".join(render_to_string(PASSWORD_RESET_SUBJECT, context).split("\n"))
        body = render_to_string(PASSWORD_RESET_BODY, context)
    # Not a notice (notifications.notify), on purpose: the link is a
    # credential. A Notice row would keep it in the database (and in the
    # person's data export) after it was used, and quiet hours or the daily
    # cap could hold it while the person waits at the screen. It goes at once,
    # to the address the person typed, and is stored nowhere. (members also
    # comes before notifications in the map and may not import it.)
    send_mail(subject, body, None, [user.email])
    return True


# Unambiguous on a phone keypad or read aloud: no 0/O, 1/I/L.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8


def sign_in_code_create(*, user, created_by, purpose=CodePurpose.SIGN_IN):
    """A new one-time code of ``purpose`` for ``user`` (earlier unused ones of
    that purpose stop working). Returns the code in clear: the only time it
    exists outside a hash."""
    return sign_in_code_issue(user=user, created_by=created_by, purpose=purpose)[0]


def sign_in_code_issue(*, user, created_by, purpose=CodePurpose.SIGN_IN):
    """``sign_in_code_create``, returning (code in clear, its ``SignInCode``)
    for whoever sends it on (``councils``: by SMS)."""

    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    days = (
        settings.TWO_FACTOR_CODE_DAYS
        if purpose == CodePurpose.TWO_FACTOR
        else settings.SIGN_IN_CODE_DAYS
    )
    now = timezone.now()
    with transaction.atomic():
        SignInCode.objects.filter(
            user=user, purpose=purpose, used_at__isnull=True
        ).update(expires_at=now)
        row = SignInCode.objects.create(
            user=user,
            purpose=purpose,
            code_hash=make_password(code),
            created_by=created_by,
            expires_at=now + timedelta(days=days),
        )
    return code, row


def normalise_code(code):
    return "".join(code.split()).replace("-", "").upper()


def one_time_code_find(*, user, code, purpose):
    """The unused, unexpired code of ``purpose`` of ``user`` that ``code`` is
    (its row locked until the transaction ends), or None."""
    candidates = SignInCode.objects.usable().select_for_update()
    for candidate in candidates.filter(user=user, purpose=purpose):
        if check_password(normalise_code(code), candidate.code_hash):
            return candidate
    return None


def one_time_code_use(candidate):
    candidate.used_at = timezone.now()
    candidate.save(update_fields=["used_at"])


@transaction.atomic
def sign_in_code_redeem(*, username, code):
    """The user whose unused, unexpired code this is, marking it used; else None."""

    user = (
        get_user_model()
        .objects.active_people()
        .filter(username__iexact=username.strip())
        .first()
    )
    if user is None:
        return None
    candidate = one_time_code_find(user=user, code=code, purpose=CodePurpose.SIGN_IN)
    if candidate is None:
        return None
    one_time_code_use(candidate)
    # Who sent the code on may learn something from its use (``notifications``:
    # a code sent only by SMS proves the phone), in this transaction.
    sign_in_code_used.send(sender=SignInCode, user=user, code=candidate)
    return user


class EnrolmentRefused(Exception):
    """``field`` is the code that was not right: "activation" or "code"."""

    def __init__(self, field):
        super().__init__(field)
        self.field = field


@transaction.atomic
def two_factor_activate(*, user, activation_code):
    """The first step of turning on two-step verification for an account that
    must use it, and so sees others' data: ``activation_code``, a one-time code
    given by whoever leads them in person or by phone, is spent, and a new
    authenticator key is made (any earlier one not confirmed is deleted).
    Returns its device, for the view to keep in this session only: nobody who
    has only the password ever sees a key that will be confirmed. Raises
    EnrolmentRefused("activation"), changing nothing, when the code is wrong."""
    activation = one_time_code_find(
        user=user, code=activation_code, purpose=CodePurpose.TWO_FACTOR
    )
    if activation is None:
        raise EnrolmentRefused("activation")
    one_time_code_use(activation)
    app_devices_unconfirmed_delete(user)
    return app_device_new(user)


@transaction.atomic
def two_factor_enrol(*, user, device_id, app_code):
    """Turn on two-step verification: the device being set up in this session
    (``device_id``; the view gives it only after the activation code when the
    account needs one) confirmed by ``app_code``, a code of its key. Returns
    the new recovery codes; raises EnrolmentRefused("code"), and changes
    nothing, when the code is wrong or the device is no longer being set up.
    The account's row is locked: a double click confirms once."""
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    device = app_device_unconfirmed(user, device_id)
    if device is None or not device.verify_token("".join(app_code.split())):
        raise EnrolmentRefused("code")
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    app_devices_unconfirmed_delete(user, keep=device)
    return recovery_codes_issue(user)


def sign_in_records_prune(*, now=None):
    """Delete what sign-in leaves behind once it is no longer needed: django-axes'
    attempts past the cool-off, its logs of sign-ins and failures (IP address,
    browser) older than SIGN_IN_RECORD_DAYS, used or expired one-time codes
    older than that, password-reset requests past the hour they are counted
    for, expired sessions, and authenticator keys whose set-up began longer
    ago than the longest session (no session that was shown them can still
    confirm them). Returns the rows deleted per kind."""
    from axes.models import AccessAttempt, AccessFailureLog
    from axes.models import AccessLog as SignInLog
    from django.contrib.sessions.models import Session

    now = now or timezone.now()
    limit = now - timedelta(days=settings.SIGN_IN_RECORD_DAYS)
    spent_codes = SignInCode.objects.filter(
        models.Q(used_at__lte=limit)
        | models.Q(used_at__isnull=True, expires_at__lte=limit)
    )
    queries = {
        "attempts": AccessAttempt.objects.filter(
            attempt_time__lte=now - settings.AXES_COOLOFF_TIME
        ),
        "sign_in_logs": SignInLog.objects.filter(attempt_time__lte=limit),
        "failure_logs": AccessFailureLog.objects.filter(attempt_time__lte=limit),
        "codes": spent_codes,
        "password_resets": PasswordResetRequest.objects.exclude(
            requested_at__gt=now - PASSWORD_RESET_ADDRESS_WINDOW
        ),
        "sessions": Session.objects.filter(expire_date__lte=now),
        "two_factor_setups": app_devices_abandoned(
            before=now - timedelta(seconds=settings.SESSION_COOKIE_AGE)
        ),
    }
    with transaction.atomic():
        return {kind: rows.delete()[0] for kind, rows in queries.items()}
