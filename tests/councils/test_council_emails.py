"""Council e-mails are sent once. A task may run again: Celery retries it, or a
worker killed after it ran but before acknowledging it has it handed to another
worker (acks_late). The decision e-mails record that they were sent, with the
sending, so the second run sends nothing; a send that failed records nothing,
so its retry sends it."""

import smtplib
from datetime import timedelta

import pytest
from celery.exceptions import Retry
from django.core import mail
from django.utils import timezone

from councils.factories import join, make_council, make_person
from councils.models import (
    ConstitutionRequest,
    Membership,
    MembershipStatus,
    RequestStatus,
    State,
)
from councils.tasks import notify_constitution_decision, notify_membership_decision

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def decided(db):
    """A request to join that the council's leaders accepted."""
    person = make_person("pedro", first_name="Pedro", email="pedro@example.org")
    membership = join(person, make_council("Consejo Santa Cecilia"), status="activa")
    Membership.objects.filter(pk=membership.pk).update(decided_at=timezone.now())
    return membership


@pytest.fixture
def rejected_request(db):
    from django.core.files.base import ContentFile

    requester = make_person("rosa", first_name="Rosa", email="rosa@example.org")
    request = ConstitutionRequest(
        requester=requester,
        proposed_name="Consejo Comunitario Las Huertas",
        state=State.objects.get(code="14"),
        assembly_on=timezone.localdate() - timedelta(days=10),
        assembly_place="Cancha de la colonia",
        status=RequestStatus.REJECTED,
        decision_reason="Falta el acta firmada.",
    )
    request.acta.save("acta.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
    request.save()
    return request


def test_a_membership_decision_run_twice_is_e_mailed_once(decided):
    first = notify_membership_decision.apply(args=[decided.pk]).get()
    again = notify_membership_decision.apply(args=[decided.pk]).get()

    assert (first, again) == (1, 0)
    (message,) = mail.outbox
    assert message.to == ["pedro@example.org"]
    decided.refresh_from_db()
    assert decided.decision_notified_at is not None
    assert decided.status == MembershipStatus.ACTIVE


def test_a_constitution_decision_run_twice_is_e_mailed_once(rejected_request):
    notify_constitution_decision.apply(args=[rejected_request.pk]).get()
    notify_constitution_decision.apply(args=[rejected_request.pk]).get()

    (message,) = mail.outbox
    assert message.to == ["rosa@example.org"]
    rejected_request.refresh_from_db()
    assert rejected_request.decision_notified_at is not None


def test_a_worker_killed_after_sending_hands_on_a_task_that_sends_nothing(decided):
    """The crash point: the e-mail went out and the task's transaction
    committed, then the worker died before acknowledging the task, so Redis
    hands the same message to another worker."""
    first = notify_membership_decision.apply(args=[decided.pk], task_id="message-1")
    assert first.get() == 1 and len(mail.outbox) == 1

    # The same message, delivered again to another worker.
    redelivered = notify_membership_decision.apply(
        args=[decided.pk], task_id="message-1"
    )

    assert redelivered.get() == 0
    assert len(mail.outbox) == 1


def test_a_send_that_failed_records_nothing_and_its_retry_sends(decided, monkeypatch):
    def refuse(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("Conexión cerrada")

    with monkeypatch.context() as patched:
        patched.setattr(
            "django.core.mail.backends.locmem.EmailBackend.send_messages", refuse
        )
        with pytest.raises(Retry):
            notify_membership_decision.apply(args=[decided.pk], throw=False)
    decided.refresh_from_db()
    assert decided.decision_notified_at is None

    notify_membership_decision.apply(args=[decided.pk]).get()

    assert len(mail.outbox) == 1


def test_a_person_without_e_mail_is_recorded_as_told_and_never_retried(db):
    person = make_person("sin.correo", first_name="Lupe")
    membership = join(person, make_council("Consejo Santa Cecilia"))

    assert notify_membership_decision.apply(args=[membership.pk]).get() == 0

    membership.refresh_from_db()
    assert membership.decision_notified_at is not None
    assert mail.outbox == []
