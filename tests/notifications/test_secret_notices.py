"""A code carried by a notice never stays readable: once the notice ends
(sent, skipped, failed, cancelled) its text is replaced, and the superusers'
admin and her own data never show a live one."""

from datetime import timedelta

import pytest
from django.test import Client

from members.factories import make_person
from members.models import Purpose
from notifications.models import Notice, Status
from notifications.services import notify
from notifications.tasks import send_due_notices
from tests.councils.helpers import spanish

from .conftest import phone_person

pytestmark = pytest.mark.django_db

CODE = "482913"
REDACTED = "Código enviado (no se guarda)."


def secret_notice(person, key="phone_code:1", **fields):
    return notify(
        "phone_verification",
        person,
        key,
        f"Tu código es {CODE}.",
        purpose=Purpose.NECESSARY,
        urgent=True,
        channel="sms",
        address="+523312345678",
        secret=True,
        **fields,
    )


def test_a_sent_code_arrives_and_is_then_redacted(
    sms, clock, django_capture_on_commit_callbacks
):
    person = phone_person()
    with django_capture_on_commit_callbacks(execute=True):
        notice = secret_notice(person)

    assert sms.accepted == [f"Tu codigo es {CODE}."]
    notice.refresh_from_db()
    assert notice.status == Status.SENT
    assert notice.text == REDACTED == spanish("Code sent (not kept).")
    assert CODE not in notice.body


def test_a_skipped_code_is_redacted(
    settings, sms, clock, django_capture_on_commit_callbacks
):
    settings.NOTIFY_SMS_URL = ""  # the channel is off: skipped
    person = phone_person()
    with django_capture_on_commit_callbacks(execute=True):
        notice = secret_notice(person)

    notice.refresh_from_db()
    assert notice.status == Status.SKIPPED and notice.text == REDACTED
    assert sms.requests == []


def test_a_claim_never_heard_back_and_a_cancelled_one_are_redacted_by_beat(
    settings, clock
):
    person = phone_person()
    lost = secret_notice(person, "phone_code:1")
    cancelled = secret_notice(person, "phone_code:2")
    Notice.objects.filter(pk=lost.pk).update(
        status=Status.SENDING,
        claimed_at=clock.moment
        - timedelta(seconds=settings.NOTIFY_SENDING_LEASE_SECONDS),
    )
    Notice.objects.filter(pk=cancelled.pk).update(status=Status.CANCELLED)

    send_due_notices.apply().get()

    for notice in (lost, cancelled):
        notice.refresh_from_db()
        assert notice.text == REDACTED
    assert Notice.objects.get(pk=lost.pk).status == Status.FAILED


def test_an_ordinary_notice_keeps_its_text(
    sms, clock, django_capture_on_commit_callbacks
):
    person = phone_person()
    with django_capture_on_commit_callbacks(execute=True):
        notice = notify("prueba", person, "1", "Mañana hay asamblea.")

    notice.refresh_from_db()
    assert notice.status == Status.SENT and notice.text == "Mañana hay asamblea."


def test_the_admin_and_her_own_data_never_show_a_live_code(clock):
    person = phone_person()
    notice = secret_notice(person)  # still pending: its text holds the code
    assert CODE in Notice.objects.get(pk=notice.pk).text
    admin = make_person("admin", is_superuser=True, is_staff=True)
    client = Client()
    client.force_login(admin)

    inspect = client.get(f"/admin/notices/inspect/{notice.pk}/").content.decode()
    listing = client.get("/admin/notices/").content.decode()

    assert REDACTED in inspect
    assert CODE not in inspect and CODE not in listing
    own = Client()
    own.force_login(person)
    assert CODE not in own.get("/cuenta/mis-datos/").content.decode()
    assert CODE not in own.post("/cuenta/mis-datos/exportar/").content.decode()
