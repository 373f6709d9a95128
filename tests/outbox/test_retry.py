"""Every task of the site's apps retries when the database or the mail server
fails for a while: a task published has left the outbox, so one that gives up
at the first SMTP error is an e-mail nobody receives."""

import smtplib

import pytest
from celery.exceptions import Retry
from django.core import mail

from cococi_site.celery import app
from councils.factories import join, make_council, make_person
from councils.tasks import notify_membership_decision

APPS = ("courses.", "councils.", "members.", "outbox.")


def our_tasks():
    app.loader.import_default_modules()
    return {name: task for name, task in app.tasks.items() if name.startswith(APPS)}


def test_every_task_of_the_site_retries_on_database_and_mail_errors():
    tasks = our_tasks()
    assert "councils.tasks.notify_membership_decision" in tasks
    for name, task in tasks.items():
        if name in ("outbox.tasks.resend_pending_tasks", "outbox.tasks.reconcile"):
            continue  # run by beat every few minutes: the next run is their retry
        retried = getattr(task, "autoretry_for", ())
        assert OSError in retried, name
        assert task.acks_late, name
        # Capped backoff, for longer than any outage worth waiting out (the
        # jittered waits average half their bound: about eight hours in all).
        assert task.retry_backoff_max == 600, name
        assert task.max_retries >= 100, name


@pytest.mark.django_db
def test_a_notice_e_mail_is_retried_when_the_mail_server_fails(monkeypatch):
    """Council e-mails are notices now: the notice's delivery is what the
    mail server refuses, and what is retried."""
    from notifications.models import Notice, Status
    from notifications.tasks import deliver
    from tests.notifications.conftest import consent

    person = make_person("pedro", email="pedro@example.org")
    consent(person)
    membership = join(person, make_council("Consejo Santa Cecilia"))
    notify_membership_decision.apply(args=[membership.pk]).get()
    notice = Notice.objects.get(user=person)

    def refuse(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("Conexión cerrada")

    monkeypatch.setattr(
        "django.core.mail.backends.locmem.EmailBackend.send_messages", refuse
    )
    with pytest.raises(Retry):
        deliver.apply(args=[notice.pk], throw=False)

    assert mail.outbox == []
    notice.refresh_from_db()
    assert notice.status == Status.PENDING
