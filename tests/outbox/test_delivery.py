"""A message to the outside world is sent at most once, however often the task
that sends it runs: again after a crash, after a retry, or twice at once."""

import smtplib

import pytest
from django.db import DatabaseError

from outbox import services
from outbox.models import Delivery

pytestmark = pytest.mark.django_db


class Mailbox:
    def __init__(self):
        self.sent = []

    def send(self, text="Tu constancia está lista"):
        def deliver():
            self.sent.append(text)
            return 1

        return deliver


def test_a_message_is_sent_once_however_often_its_task_runs():
    mailbox = Mailbox()

    assert services.send_once("constancia:1", mailbox.send()) == 1
    for _again in range(3):
        with pytest.raises(services.NotSent):
            services.send_once("constancia:1", mailbox.send())

    assert mailbox.sent == ["Tu constancia está lista"]
    assert services.sent_at("constancia:1") is not None


def test_a_refused_message_is_sent_by_the_retry():
    mailbox = Mailbox()

    def refuse():
        raise smtplib.SMTPConnectError(421, "Servicio no disponible")

    with pytest.raises(smtplib.SMTPConnectError):
        services.send_once("constancia:1", refuse)
    assert services.sent_at("constancia:1") is None

    services.send_once("constancia:1", mailbox.send())
    assert mailbox.sent == ["Tu constancia está lista"]


def test_a_message_whose_sending_could_not_be_recorded_is_not_sent_again(
    monkeypatch,
):
    """The database went away right after the mail server took the message:
    the claim stays, and the task's retry sends nothing."""
    mailbox = Mailbox()
    real_update = type(Delivery.objects.all()).update

    def update(queryset, **fields):
        if "sent_at" in fields:
            raise DatabaseError("server closed the connection unexpectedly")
        return real_update(queryset, **fields)

    monkeypatch.setattr(type(Delivery.objects.all()), "update", update)
    services.send_once("constancia:1", mailbox.send())
    monkeypatch.undo()

    with pytest.raises(services.NotSent):
        services.send_once("constancia:1", mailbox.send())
    assert mailbox.sent == ["Tu constancia está lista"]
    assert services.sent_at("constancia:1") is not None
