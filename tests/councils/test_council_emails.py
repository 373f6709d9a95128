"""Council decisions are told once, as notices (``notifications.notify``) on
each person's channel: e-mail, with the long form of the e-mail templates, for
whoever has an address and chose nothing else. A task may run again: Celery
retries it, or a worker killed after it ran but before acknowledging it has it
handed to another worker (acks_late). The notice is keyed by the decision and
the row records when it was written, so the second run writes nothing; a mail
server that fails leaves the notice pending, and its own retry sends it."""

import smtplib
from datetime import timedelta

import pytest
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
from notifications.models import Notice, Status
from notifications.tasks import deliver
from tests.notifications.conftest import consent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def decided(db):
    """A request to join that the council's leaders accepted, of a person who
    agreed to notices."""
    person = make_person("pedro", first_name="Pedro", email="pedro@example.org")
    consent(person)
    membership = join(person, make_council("Consejo Santa Cecilia"), status="activa")
    Membership.objects.filter(pk=membership.pk).update(decided_at=timezone.now())
    return membership


@pytest.fixture
def rejected_request(db):
    from django.core.files.base import ContentFile

    requester = make_person("rosa", first_name="Rosa", email="rosa@example.org")
    consent(requester)
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


def run(task, pk, capture, **options):
    """The task, with the notice's delivery that follows its commit."""
    with capture(execute=True):
        return task.apply(args=[pk], **options).get()


def test_a_membership_decision_run_twice_is_e_mailed_once(
    decided, django_capture_on_commit_callbacks
):
    first = run(
        notify_membership_decision, decided.pk, django_capture_on_commit_callbacks
    )
    again = run(
        notify_membership_decision, decided.pk, django_capture_on_commit_callbacks
    )

    assert (first, again) == (1, 0)
    (message,) = mail.outbox
    assert message.to == ["pedro@example.org"]
    assert message.subject == "Bienvenida, bienvenido a Consejo Santa Cecilia"
    assert "Ya eres integrante del consejo" in message.body
    assert "http://testserver/mi-formacion/" in message.body
    decided.refresh_from_db()
    assert decided.decision_notified_at is not None
    assert decided.status == MembershipStatus.ACTIVE
    notice = Notice.objects.get(user=decided.user)
    assert notice.status == Status.SENT
    assert notice.scope == f"council:{decided.council_id}"


def test_a_constitution_decision_run_twice_is_e_mailed_once(
    rejected_request, django_capture_on_commit_callbacks
):
    for _run in range(2):
        run(
            notify_constitution_decision,
            rejected_request.pk,
            django_capture_on_commit_callbacks,
        )

    (message,) = mail.outbox
    assert message.to == ["rosa@example.org"]
    assert "Falta el acta firmada." in message.body
    rejected_request.refresh_from_db()
    assert rejected_request.decision_notified_at is not None


def test_a_worker_killed_after_sending_hands_on_a_task_that_sends_nothing(
    decided, django_capture_on_commit_callbacks
):
    """The crash point: the notice was written and sent and the task's
    transaction committed, then the worker died before acknowledging the
    task, so Redis hands the same message to another worker."""
    first = run(
        notify_membership_decision,
        decided.pk,
        django_capture_on_commit_callbacks,
        task_id="message-1",
    )
    assert first == 1 and len(mail.outbox) == 1

    # The same message, delivered again to another worker.
    redelivered = run(
        notify_membership_decision,
        decided.pk,
        django_capture_on_commit_callbacks,
        task_id="message-1",
    )

    assert redelivered == 0
    assert len(mail.outbox) == 1


def test_a_mail_server_that_fails_leaves_the_notice_pending_and_its_retry_sends(
    decided, monkeypatch, django_capture_on_commit_callbacks
):
    def refuse(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("Conexión cerrada")

    with monkeypatch.context() as patched:
        patched.setattr(
            "django.core.mail.backends.locmem.EmailBackend.send_messages", refuse
        )
        run(notify_membership_decision, decided.pk, django_capture_on_commit_callbacks)
    notice = Notice.objects.get(user=decided.user)
    assert notice.status == Status.PENDING and notice.last_error
    assert mail.outbox == []

    # The decision is told (its notice written) whatever the mail server does.
    decided.refresh_from_db()
    assert decided.decision_notified_at is not None
    deliver.apply(args=[notice.pk]).get()
    deliver.apply(args=[notice.pk]).get()

    assert len(mail.outbox) == 1
    notice.refresh_from_db()
    assert notice.status == Status.SENT


def test_a_person_without_any_channel_is_recorded_as_told_and_never_retried(
    db, django_capture_on_commit_callbacks
):
    person = make_person("sin.correo", first_name="Lupe")
    consent(person)
    membership = join(person, make_council("Consejo Santa Cecilia"))

    run(notify_membership_decision, membership.pk, django_capture_on_commit_callbacks)

    membership.refresh_from_db()
    assert membership.decision_notified_at is not None
    assert mail.outbox == []
    notice = Notice.objects.get(user=person)
    assert notice.status == Status.SKIPPED


def test_without_consent_to_notices_nothing_is_sent(
    db, django_capture_on_commit_callbacks
):
    """No consent record to "avisos" (a registration that ticked nothing
    optional): the decision is recorded, its notice skipped, nothing sent."""
    person = make_person("sin.permiso", first_name="Eva", email="eva@example.org")
    membership = join(person, make_council("Consejo Santa Cecilia"), status="activa")

    run(notify_membership_decision, membership.pk, django_capture_on_commit_callbacks)

    assert mail.outbox == []
    notice = Notice.objects.get(user=person)
    assert notice.status == Status.SKIPPED
    assert "consentimiento" in notice.last_error
    membership.refresh_from_db()
    assert membership.decision_notified_at is not None


def test_a_pending_request_is_not_told(db, django_capture_on_commit_callbacks):
    person = make_person("espera", email="espera@example.org")
    consent(person)
    membership = join(
        person, make_council("Consejo Santa Cecilia"), status=MembershipStatus.PENDING
    )

    assert (
        run(
            notify_membership_decision,
            membership.pk,
            django_capture_on_commit_callbacks,
        )
        == 0
    )
    assert not Notice.objects.exists()
    membership.refresh_from_db()
    assert membership.decision_notified_at is None
