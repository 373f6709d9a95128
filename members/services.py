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
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from . import registry
from .models import (
    AccessLog,
    ConsentMethod,
    ConsentRecord,
    PrivacyNotice,
    Purpose,
    SignInCode,
)
from .security import two_factor_disable


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


def personal_data_export(*, user, actor):
    data = personal_data(user)
    AccessLog.objects.create(
        actor=actor,
        action=AccessLog.Action.EXPORT,
        scope=f"user:{user.pk}",
        detail="own data" if actor == user else "",
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
    two_factor_disable(user)
    AccessLog.objects.create(
        actor=None,
        action=AccessLog.Action.DELETE,
        scope=f"user:{user.pk}",
        detail="account deleted by its owner",
    )
    return user


PASSWORD_RESET_SUBJECT = "members/email/password_reset_subject.txt"
PASSWORD_RESET_BODY = "members/email/password_reset.txt"


def password_reset_send(*, user_id, protocol, domain, language):
    """E-mail the account's link to choose a new password, made here (in the
    worker) so that no link travels through the queue. Idempotent enough: a
    second e-mail carries a link as good as the first until one is used."""
    user = (
        get_user_model()
        .objects.active_people()
        .filter(pk=user_id)
        .exclude(email="")
        .first()
    )
    if user is None:
        return False
    context = {
        "email": user.email,
        "domain": domain,
        "protocol": protocol,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "user": user,
        "token": default_token_generator.make_token(user),
    }
    with translation.override(language):
        subject = "".join(render_to_string(PASSWORD_RESET_SUBJECT, context).split("\n"))
        body = render_to_string(PASSWORD_RESET_BODY, context)
    send_mail(subject, body, None, [user.email])
    return True


# Unambiguous on a phone keypad or read aloud: no 0/O, 1/I/L.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8


def sign_in_code_create(*, user, created_by):
    """A new one-time sign-in code for ``user`` (earlier unused ones stop working).
    Returns the code in clear: the only time it exists outside a hash."""

    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    now = timezone.now()
    with transaction.atomic():
        SignInCode.objects.filter(user=user, used_at__isnull=True).update(
            expires_at=now
        )
        SignInCode.objects.create(
            user=user,
            code_hash=make_password(code),
            created_by=created_by,
            expires_at=now + timedelta(days=settings.SIGN_IN_CODE_DAYS),
        )
    return code


def normalise_code(code):
    return "".join(code.split()).replace("-", "").upper()


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
    for candidate in SignInCode.objects.usable().select_for_update().filter(user=user):
        if check_password(normalise_code(code), candidate.code_hash):
            candidate.used_at = timezone.now()
            candidate.save(update_fields=["used_at"])
            return user
    return None


def sign_in_records_prune(*, now=None):
    """Delete what sign-in leaves behind once it is no longer needed: django-axes'
    attempts past the cool-off, its logs of sign-ins and failures (IP address,
    browser) older than SIGN_IN_RECORD_DAYS, used or expired one-time codes
    older than that, and expired sessions. Returns the rows deleted per kind."""
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
        "sessions": Session.objects.filter(expire_date__lte=now),
    }
    with transaction.atomic():
        return {kind: rows.delete()[0] for kind, rows in queries.items()}
