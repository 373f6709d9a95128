"""A notice goes out once, at a decent hour, to someone who agreed to it."""

from datetime import timedelta
from urllib.parse import unquote

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from notifications import services
from notifications.channels import ProviderError
from notifications.models import Channel, Notice, Status
from notifications.services import notify
from notifications.tasks import deliver, send_due_notices
from outbox.models import PendingTask

from .conftest import consent, phone_person, stop_line

pytestmark = pytest.mark.django_db


def test_a_notice_reaches_the_sms_provider_once(
    sms, clock, django_capture_on_commit_callbacks
):
    person = phone_person()
    with django_capture_on_commit_callbacks(execute=True):
        notice = notify("prueba", person, "prueba:1", "Hola, Lupe.", "/mi-formacion/")

    notice.refresh_from_db()
    assert notice.status == Status.SENT and notice.channel == Channel.SMS
    assert sms.accepted == [
        f"Hola, Lupe. http://testserver/mi-formacion/ {stop_line(person)}"
    ]
    assert [unquote(path) for path in sms.paths] == ["/sms/+523312345678"]
    assert notice.attempts == 1 and notice.sent_at == clock.moment


def test_notifying_twice_and_delivering_twice_sends_once(
    sms, clock, django_capture_on_commit_callbacks
):
    person = phone_person()
    with django_capture_on_commit_callbacks(execute=True):
        first = notify("prueba", person, "prueba:1", "Hola.")
        second = notify("prueba", person, "prueba:1", "Hola otra vez.")

    assert first.pk == second.pk and Notice.objects.count() == 1
    assert deliver.apply(args=[first.pk]).get() == Status.SENT
    assert len(sms.requests) == 1


def test_a_provider_that_refuses_is_retried_and_accepts_once(sms, clock, caplog):
    person = phone_person()
    notice = notify("prueba", person, "prueba:1", "Hola.")
    sms.refuse = 1

    # In-process, the task's retry (the outbox's RETRY policy) runs at once.
    deliver.apply(args=[notice.pk], throw=False)
    assert "retry" in caplog.text and "ProviderError('JSON" in caplog.text
    assert "HTTP 500" in caplog.text
    deliver.apply(args=[notice.pk]).get()

    assert [status for status, _ in sms.requests] == [500, 200]
    assert sms.accepted == [f"Hola. {stop_line(person)}"]
    notice.refresh_from_db()
    assert notice.status == Status.SENT and notice.attempts == 2


def test_a_provider_that_answers_too_late_is_not_sent_again(sms, settings, clock):
    """The provider took the message and its answer came after Apprise stopped
    waiting: it may have arrived, so the notice is failed, not retried."""
    settings.NOTIFY_SMS_URL = f"json://127.0.0.1:{sms.port}/sms/{{phone}}?rto=0.3"
    sms.delay = 1
    notice = notify("prueba", phone_person(), "prueba:1", "Hola.")

    assert deliver.apply(args=[notice.pk]).get() == Status.FAILED
    assert deliver.apply(args=[notice.pk]).get() == Status.FAILED
    send_due_notices.apply().get()

    assert len(sms.requests) == 1
    notice.refresh_from_db()
    assert notice.status == Status.FAILED and notice.attempts == 1
    assert "no respondió a tiempo" in notice.last_error


@pytest.mark.parametrize("status", [400, 404, 422])
def test_a_provider_that_refuses_for_good_is_not_retried(sms, clock, status):
    """A 4xx says the message will never be taken (a number the provider does
    not serve): recorded as failed, no retry, no storm."""
    sms.refuse, sms.refusal = 5, status
    notice = notify("prueba", phone_person(), "prueba:1", "Hola.")

    assert deliver.apply(args=[notice.pk]).get() == Status.FAILED
    send_due_notices.apply().get()

    assert len(sms.requests) == 1
    notice.refresh_from_db()
    assert notice.status == Status.FAILED
    assert f"no aceptó el mensaje (HTTP {status})" in notice.last_error


def test_too_many_requests_is_retried(sms, clock):
    sms.refuse, sms.refusal = 1, 429
    notice = notify("prueba", phone_person(), "prueba:1", "Hola.")

    with pytest.raises(ProviderError):
        services.deliver(notice.pk)
    assert services.deliver(notice.pk) == Status.SENT
    assert [status for status, _ in sms.requests] == [429, 200]


def test_a_channel_url_apprise_refuses_fails_the_notice_without_retrying(
    settings, clock
):
    settings.NOTIFY_SMS_URL = "nadie://secreto@proveedor/{phone}"
    notice = notify("prueba", phone_person(), "prueba:1", "Hola.")

    assert services.deliver(notice.pk) == Status.FAILED
    notice.refresh_from_db()
    assert "no es válida" in notice.last_error and "secreto" not in notice.last_error


def test_a_provider_that_cannot_be_reached_is_retried(sms, settings, clock, caplog):
    """Nothing left: the retry (the task's RETRY policy retries an OSError)
    may send it."""
    settings.NOTIFY_SMS_URL = "json://127.0.0.1:9/sms/{phone}"
    notice = notify("prueba", phone_person(), "prueba:1", "Hola.")

    with pytest.raises(ProviderError):
        services.deliver(notice.pk)

    notice.refresh_from_db()
    assert notice.status == Status.PENDING
    assert "no aceptó el mensaje (not reached)" in notice.last_error
    assert "+523312345678" not in caplog.text


def test_consent_withdrawn_before_sending_sends_nothing(
    sms, clock, django_capture_on_commit_callbacks
):
    person = phone_person()
    with django_capture_on_commit_callbacks() as callbacks:
        notice = notify("prueba", person, "prueba:1", "Hola.")
    consent(person, granted=False)
    for callback in callbacks:
        callback()

    notice.refresh_from_db()
    assert notice.status == Status.SKIPPED
    assert "consentimiento" in notice.last_error
    assert sms.requests == []


def test_nobody_is_texted_without_a_verified_phone(sms, clock):
    person = phone_person()
    person.notice_preference.phone_verified_at = None
    person.notice_preference.save()
    notice = notify("prueba", person, "prueba:1", "Hola.")

    assert deliver.apply(args=[notice.pk]).get() == Status.SKIPPED
    assert sms.requests == []


def test_quiet_hours_hold_a_text_until_eight(
    sms, clock, django_capture_on_commit_callbacks
):
    person = phone_person()
    clock.at(2026, 5, 20, 5, 0)  # 23:00 in Mexico City
    notice = notify("prueba", person, "prueba:1", "Hola.")

    assert deliver.apply(args=[notice.pk]).get() == Status.HELD
    notice.refresh_from_db()
    assert notice.send_after.isoformat() == "2026-05-20T14:00:00+00:00"  # 08:00

    clock.at(2026, 5, 20, 13, 59)
    with django_capture_on_commit_callbacks(execute=True):
        send_due_notices.apply().get()
    assert sms.requests == []

    clock.at(2026, 5, 20, 14, 0)
    with django_capture_on_commit_callbacks(execute=True):
        send_due_notices.apply().get()
    notice.refresh_from_db()
    assert notice.status == Status.SENT
    assert sms.accepted == [f"Hola. {stop_line(notice.user)}"]


def test_quiet_hours_follow_the_state_of_the_members_council(sms, clock):
    from councils.factories import join, make_council

    person = phone_person()
    join(person, make_council("Consejo Cancún", state_code="23"))
    # 20:30 in Mexico City, 21:30 in Cancún.
    clock.at(2026, 5, 20, 2, 30)
    notice = notify("prueba", person, "prueba:1", "Hola.")

    assert deliver.apply(args=[notice.pk]).get() == Status.HELD
    notice.refresh_from_db()
    assert notice.send_after.isoformat() == "2026-05-20T13:00:00+00:00"  # 08:00 Cancún


def test_e_mail_has_no_quiet_hours(clock):
    person = phone_person("rosa", email="rosa@example.org")
    clock.at(2026, 5, 20, 5, 0)
    notice = notify("prueba", person, "prueba:1", "Hola, Rosa.", "/mi-formacion/")

    assert deliver.apply(args=[notice.pk]).get() == Status.SENT
    (message,) = mail.outbox
    assert message.to == ["rosa@example.org"]
    assert "Hola, Rosa." in message.body
    assert "http://testserver/mi-formacion/" in message.body


def test_the_daily_cap_holds_the_sixth_until_the_next_morning(settings, sms, clock):
    settings.NOTIFY_DAILY_CAP = 5
    person = phone_person()
    notices = [notify("prueba", person, f"prueba:{n}", f"Aviso {n}") for n in range(6)]

    statuses = [deliver.apply(args=[notice.pk]).get() for notice in notices]

    assert statuses == [Status.SENT] * 5 + [Status.HELD]
    assert len(sms.accepted) == 5
    sixth = Notice.objects.get(pk=notices[-1].pk)
    assert sixth.send_after.isoformat() == "2026-05-20T14:00:00+00:00"
    assert "límite" in sixth.last_error


def test_a_claim_that_never_heard_back_is_marked_failed_not_resent(sms, clock):
    person = phone_person()
    notice = notify("prueba", person, "prueba:1", "Hola.")
    # The worker died after claiming: the provider may have it.
    Notice.objects.filter(pk=notice.pk).update(
        status=Status.SENDING, claimed_at=clock.moment
    )

    assert deliver.apply(args=[notice.pk]).get() == Status.SENDING
    clock.at(2026, 5, 19, 20, 0)
    send_due_notices.apply().get()

    notice.refresh_from_db()
    assert notice.status == Status.FAILED and sms.requests == []
    assert deliver.apply(args=[notice.pk]).get() == Status.FAILED
    assert sms.requests == []


def test_the_reconciliation_sends_a_notice_whose_task_was_lost(
    sms, clock, django_capture_on_commit_callbacks
):
    from outbox.reconcile import reconcile

    person = phone_person()
    notice = notify("prueba", person, "prueba:1", "Hola.")
    PendingTask.objects.all().delete()  # eager mode keeps none anyway
    clock.at(2026, 5, 19, 18, 10)

    with django_capture_on_commit_callbacks(execute=True):
        counts, _sent = reconcile()

    assert counts["avisos sin enviar"] == 1
    notice.refresh_from_db()
    assert notice.status == Status.SENT and len(sms.accepted) == 1


def test_without_a_provider_the_demo_writes_texts_to_the_log(settings, clock, caplog):
    settings.NOTIFY_SMS_URL = ""
    settings.NOTIFY_CONSOLE = True
    person = phone_person()
    notice = notify("prueba", person, "prueba:1", "Tu consejo aceptó tu solicitud.")

    with caplog.at_level("INFO", logger="notifications.console"):
        assert deliver.apply(args=[notice.pk]).get() == Status.SENT

    notice.refresh_from_db()
    assert notice.channel == Channel.CONSOLE
    assert "Tu consejo acepto tu solicitud." in caplog.text
    assert "+523312345678" in caplog.text


def test_without_a_provider_nor_the_console_a_text_is_skipped(settings, clock):
    settings.NOTIFY_SMS_URL = ""
    settings.NOTIFY_CONSOLE = False
    notice = notify("prueba", phone_person(), "prueba:1", "Hola.")

    assert deliver.apply(args=[notice.pk]).get() == Status.SKIPPED
    notice.refresh_from_db()
    assert "no configurado" in notice.last_error


def test_the_providers_secret_is_never_logged_nor_stored(settings, sms, clock, caplog):
    settings.NOTIFY_SMS_URL = (
        f"json://cuenta:secreto-del-proveedor@127.0.0.1:{sms.port}/sms/{{phone}}"
    )
    sms.refuse = 1
    notice = notify("prueba", phone_person(), "prueba:1", "Hola.")

    with caplog.at_level("DEBUG"):
        deliver.apply(args=[notice.pk], throw=False)
        deliver.apply(args=[notice.pk]).get()

    notice.refresh_from_db()
    assert notice.status == Status.SENT
    assert "secreto-del-proveedor" not in caplog.text
    assert not Notice.objects.filter(last_error__contains="secreto").exists()


@pytest.mark.parametrize(
    "url",
    [
        "nadie://secreto@proveedor/{phone}",
        # Apprise raises on this one instead of refusing it.
        "http://usuario:secreto@[::1/{phone}",
    ],
)
def test_a_channel_url_apprise_cannot_read_stops_manage_py_check(settings, url):
    settings.NOTIFY_SMS_URL = url

    with pytest.raises(SystemCheckError) as error:
        call_command("check")

    assert "NOTIFY_SMS_URL" in str(error.value)
    assert "notifications.E001" in str(error.value)
    assert "secreto" not in str(error.value)


def test_a_good_channel_url_passes_the_check(settings):
    settings.NOTIFY_SMS_URL = "twilio://ACabc:token@+15551234567/{phone}"
    settings.NOTIFY_TELEGRAM_URL = "tgram://123456789:abcdefg_hijklmnop/{chat}"

    call_command("check")


def test_the_morning_hands_every_held_notice_over_in_batches(
    settings, sms, clock, django_capture_on_commit_callbacks
):
    """After the quiet hours tens of thousands may wait: one run hands them
    all over, a batch per task, and the next run finds none to hand again."""
    settings.NOTIFY_QUIET_HOURS = (21, 8)
    clock.at(2026, 5, 20, 4, 0)  # 22:00 in Mexico City
    people = [phone_person(f"p{number}") for number in range(7)]
    with django_capture_on_commit_callbacks(execute=True):
        services.notify_many("prueba", people, "prueba:1", "Hola.")
    assert Notice.objects.filter(status=Status.HELD).count() == 7

    clock.at(2026, 5, 20, 14, 5)  # 08:05
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert services.send_due() == (7, 0)
    assert len(callbacks) == 1  # one batch

    assert len(sms.accepted) == 7
    assert services.send_due() == (0, 0)


def test_notices_inside_a_batch_on_its_way_are_not_sent_again(clock):
    """The reconciliation re-sends pending notices whose task was lost, not
    those in a batch task still on its way."""
    people = [phone_person(f"p{number}") for number in range(3)]
    first, second, third = services.notify_many("prueba", people, "prueba:1", "Hola.")
    PendingTask.objects.all().delete()
    PendingTask.objects.create(task=services.DELIVER_BATCH, args=[[first, second]])
    clock.moment += timedelta(minutes=10)

    assert services.unsent() == [third]


@pytest.mark.parametrize(
    "url",
    [
        "msg91://plantilla@CLAVESECRETA/{phone}",
        "bulksms://usuario:clave@{phone}",
    ],
)
def test_a_failure_names_the_provider_never_its_key_nor_the_number(url):
    from notifications.channels import provider_host

    named = provider_host(url.replace("{phone}", "+523312345678"))
    assert "CLAVESECRETA" not in named and "3312345678" not in named
    assert named and named != "?"


def test_what_a_text_says_never_decides_whether_it_is_retried(sms, settings, clock):
    """Apprise logs the message it sends: words in it ("Connection refused",
    "error=404.") are not the provider's answer."""
    settings.NOTIFY_SMS_URL = f"json://127.0.0.1:{sms.port}/sms/{{phone}}?rto=0.3"
    sms.delay = 1
    late = notify("prueba", phone_person(), "prueba:1", "Salon Connection refused.")

    assert services.deliver(late.pk) == Status.FAILED  # may have arrived

    sms.delay, sms.refuse = 0, 1
    refused = notify("prueba", phone_person("rosa"), "prueba:2", "Aula error=404.")
    with pytest.raises(ProviderError):  # the provider's 500: retried
        services.deliver(refused.pk)
    refused.refresh_from_db()
    assert refused.status == Status.PENDING and "HTTP 500" in refused.last_error


def test_sends_in_two_threads_keep_their_own_outcome_and_the_log_clean(
    sms, settings, clock
):
    """Apprise's lines (the number, the message) reach no handler of the
    site's log, from either of two sends at once."""
    import logging
    import threading

    from notifications.channels import SMS

    settings.NOTIFY_SMS_URL = f"json://127.0.0.1:{sms.port}/sms/{{phone}}?rto=0.5"
    sms.delay = 0.3
    notices = [
        notify("prueba", phone_person(f"p{number}"), "prueba:1", "Hola.")
        for number in range(2)
    ]
    errors, seen = [], []

    class Seen(logging.Handler):
        def emit(self, record):
            seen.append(record)

    def send(notice):
        try:
            SMS.send(notice, "+523312345678")
        except Exception as error:  # noqa: BLE001 (collected for the assert)
            errors.append(error)

    root = logging.getLogger()
    handler = Seen(logging.DEBUG)
    root.addHandler(handler)
    try:
        threads = [threading.Thread(target=send, args=[n]) for n in notices]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        root.removeHandler(handler)

    assert errors == [] and len(sms.accepted) == 2
    assert not [record for record in seen if record.name.startswith("apprise")]
    assert logging.getLogger("apprise").propagate is False
