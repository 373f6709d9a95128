"""Sign-in leaves records behind (IP addresses, browsers, one-time codes,
password-reset requests, sessions); the daily prune deletes each kind once its
retention period ends, and not before."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from axes.models import AccessLog as SignInLog
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from members.models import PasswordResetRequest, SignInCode
from members.services import sign_in_code_create, sign_in_records_prune
from members.tasks import prune_sign_in_records
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/cuenta/entrar/"
TWO_FACTOR = "/cuenta/dos-pasos/"


@pytest.fixture
def history(make_user, settings):
    """Lucía fails to sign in twice, then signs in; a leader gives Pedro a code;
    Pedro asks for a password link."""
    settings.SIGN_IN_RECORD_DAYS = 30
    lucia = make_user("lucia")
    pedro = make_user("pedro")
    client = Client()
    for _attempt in range(2):
        client.post(LOGIN, {"username": "lucia", "password": "no-es-esta"})
    # A new address, so that the success does not wipe the failures above.
    signed_in = Client(REMOTE_ADDR="10.0.0.9")
    signed_in.post(LOGIN, {"username": "lucia", "password": PASSWORD})
    # She opens two-step verification's page and leaves it: a key is made.
    signed_in.get(TWO_FACTOR)
    sign_in_code_create(user=pedro, created_by=lucia)
    Client().post("/cuenta/recuperar/", {"email": "pedro@example.org"})
    assert PasswordResetRequest.objects.count() == 1
    assert AccessAttempt.objects.count() == 1
    # Failures are counted on the attempt; no per-failure log is kept.
    assert AccessFailureLog.objects.count() == 0
    assert SignInLog.objects.count() == 1
    assert Session.objects.count() == 1
    assert TOTPDevice.objects.filter(confirmed=False).count() == 1
    return lucia, pedro


def counts():
    return {
        "attempts": AccessAttempt.objects.count(),
        "sign_in_logs": SignInLog.objects.count(),
        "failure_logs": AccessFailureLog.objects.count(),
        "codes": SignInCode.objects.count(),
        "password_resets": PasswordResetRequest.objects.count(),
        "sessions": Session.objects.count(),
        "two_factor_setups": TOTPDevice.objects.filter(confirmed=False).count(),
    }


def test_today_only_nothing_is_deleted(history):
    before = counts()

    deleted = prune_sign_in_records.delay().get()

    assert set(deleted.values()) == {0}
    assert counts() == before


def test_after_the_cool_off_the_failed_attempts_go_and_the_logs_stay(history):
    deleted = sign_in_records_prune(now=timezone.now() + timedelta(hours=1))

    assert deleted["attempts"] == 1
    assert counts()["attempts"] == 0
    assert deleted["password_resets"] == 1  # counted for an hour only
    assert counts()["sign_in_logs"] == 1
    # A fresh failure now starts the count again from one.
    Client().post(LOGIN, {"username": "lucia", "password": "no-es-esta"})
    assert AccessAttempt.objects.get().failures_since_start == 1


def test_after_the_retention_period_everything_of_sign_in_is_gone(history):
    # Pedro's code expires after SIGN_IN_CODE_DAYS (14), then waits 30 more days.
    later = timezone.now() + timedelta(days=14 + 31)

    deleted = sign_in_records_prune(now=later)

    assert deleted == {
        "attempts": 1,
        "sign_in_logs": 1,
        "failure_logs": 0,
        "codes": 1,
        "password_resets": 1,
        "sessions": 1,
        "two_factor_setups": 1,
    }
    assert set(counts().values()) == {0}


def test_a_code_still_valid_or_recently_used_is_kept(history):
    _lucia, pedro = history
    # 31 days on: the code is expired, but for less than 30 days.
    deleted = sign_in_records_prune(now=timezone.now() + timedelta(days=31))

    assert deleted["codes"] == 0
    assert SignInCode.objects.filter(user=pedro).exists()
    assert deleted["sign_in_logs"] == 1  # that one is 31 days old


def test_a_key_set_up_and_left_goes_when_no_session_can_confirm_it(history):
    """A key is shown to one session, which lasts two weeks at most; a key
    turned on is never pruned."""
    lucia, pedro = history
    TOTPDevice.objects.create(user=pedro, name="aplicacion", confirmed=True)
    left = TOTPDevice.objects.get(user=lucia)

    within = sign_in_records_prune(now=timezone.now() + timedelta(days=13))
    after = sign_in_records_prune(now=timezone.now() + timedelta(days=15))

    assert within["two_factor_setups"] == 0
    assert after["two_factor_setups"] == 1
    assert not TOTPDevice.objects.filter(pk=left.pk).exists()
    assert TOTPDevice.objects.filter(user=pedro, confirmed=True).exists()
