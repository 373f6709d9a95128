"""Who must sign in with a second factor, and the helpers of the two-factor
views. Apps that give people sight of other members' data register a predicate
here (``register_privilege``), so this app does not import them."""

import secrets

from django.conf import settings
from django.db.models import Q
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODES = 10
RECOVERY_DEVICE = "codigos-de-recuperacion"
APP_DEVICE = "aplicacion"

_predicates = []


def register_privilege(predicate):
    """``predicate(user)`` is true when the user can see others' member data."""
    _predicates.append(predicate)


def sees_others_data(user):
    if not user.is_authenticated:
        return False
    if user.is_superuser or user.has_perm("members.view_user"):
        return True
    return any(predicate(user) for predicate in _predicates)


def two_factor_required(user):
    return settings.REQUIRE_TWO_FACTOR and sees_others_data(user)


def may_give_activation_code(issuer, person):
    """What this app knows of who may give ``person`` an activation code for
    two-step verification: never themselves; to a superuser only a superuser;
    to an account that sees every member (members.view_user) only another such.
    The app that makes leaders checks the rest: whom the issuer leads."""
    if issuer.pk == person.pk:
        return False
    if person.is_superuser:
        return issuer.is_superuser
    return issuer.has_perm("members.view_user") or not person.has_perm(
        "members.view_user"
    )


def confirmed_devices(user):
    return list(devices_for_user(user, confirmed=True))


def has_two_factor(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def app_device_new(user):
    """A new authenticator-app device to set up (unconfirmed), with a new key.
    The view keeps it in the session that asked for it: a key is shown to one
    session, and only that session can confirm it."""
    return TOTPDevice.objects.create(user=user, name=APP_DEVICE, confirmed=False)


def app_devices_unconfirmed_delete(user, *, keep=None):
    """Delete the devices of ``user`` still being set up, but ``keep``."""
    TOTPDevice.objects.filter(user=user, confirmed=False).exclude(
        pk=getattr(keep, "pk", None)
    ).delete()


def app_devices_abandoned(*, before):
    """Devices whose set-up began before ``before`` and never ended."""
    return TOTPDevice.objects.filter(confirmed=False).filter(
        Q(created_at__lte=before) | Q(created_at__isnull=True)
    )


def app_device_unconfirmed(user, device_id):
    """The device ``device_id`` of ``user`` if it is still being set up, or None."""
    if not isinstance(device_id, int):
        return None
    return TOTPDevice.objects.filter(user=user, pk=device_id, confirmed=False).first()


def recovery_codes_issue(user):
    """Ten new one-time recovery codes, replacing any earlier ones; shown once."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [_recovery_code() for _n in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(
        [StaticToken(device=device, token=code.replace("-", "")) for code in codes]
    )
    return codes


def _recovery_code():
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread
    raw = "".join(secrets.choice(alphabet) for _n in range(10))
    return f"{raw[:5]}-{raw[5:]}"


def verify(user, code):
    """The device that accepts ``code`` (app code or recovery code), or None."""
    code = "".join((code or "").split()).replace("-", "").lower()
    if not code:
        return None
    for device in confirmed_devices(user):
        if device.verify_is_allowed()[0] and device.verify_token(code):
            return device
    return None


def two_factor_disable(user):
    """Every second factor of ``user`` gone, set up or half set up."""
    for device in devices_for_user(user, confirmed=None):
        device.delete()
