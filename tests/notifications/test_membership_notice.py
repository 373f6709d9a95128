"""The first consumer: a council's decision on a request to join reaches a
member without e-mail by SMS, once; a member with e-mail gets the e-mail as
before, now as the long form of the same notice."""

import pytest
from django.core import mail

from councils.factories import assign, join, make_council, make_person
from councils.models import Membership, MembershipStatus
from councils.services.membership import membership_decide
from councils.tasks import notify_membership_decision
from notifications.models import ChannelPreference, Notice, Status
from notifications.sms import segments

from .conftest import phone_person, stop_line

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def santa(db):
    council = make_council("Consejo Santa Cecilia")
    leader = make_person("coordinadora", first_name="Ana")
    assign(leader, "coordinador-de-consejo", council=council)
    return council, leader


def decide(santa, person, capture, *, accept=True):
    council, leader = santa
    request = join(person, council, status=MembershipStatus.PENDING)
    with capture(execute=True):
        membership_decide(
            council=council, membership_id=request.pk, actor=leader, accept=accept
        )
    return Membership.objects.get(pk=request.pk)


def test_an_acceptance_reaches_a_member_without_e_mail_by_sms_once(
    santa, sms, clock, django_capture_on_commit_callbacks
):
    person = phone_person()

    membership = decide(santa, person, django_capture_on_commit_callbacks)
    notify_membership_decision.apply(args=[membership.pk]).get()

    (text,) = sms.accepted
    assert text.startswith("Consejo Santa Cecilia acepto tu solicitud.")
    assert "http://testserver/mi-formacion/" in text
    assert text.endswith(stop_line(person))
    notice = Notice.objects.get(user=person)
    assert notice.kind == "membership_decision"
    assert notice.key == f"membership:{membership.pk}"
    assert notice.status == Status.SENT and notice.segments == segments(text)
    assert mail.outbox == []
    assert membership.decision_notified_at is not None


def test_a_refusal_is_told_too(santa, sms, clock, django_capture_on_commit_callbacks):
    person = phone_person()

    decide(santa, person, django_capture_on_commit_callbacks, accept=False)

    (text,) = sms.accepted
    assert "no pudo aceptar tu solicitud" in text


def test_a_member_with_e_mail_gets_the_e_mail_as_before_and_no_text(
    santa, sms, clock, django_capture_on_commit_callbacks
):
    person = phone_person("pedro", email="pedro@example.org")

    decide(santa, person, django_capture_on_commit_callbacks)

    (message,) = mail.outbox
    assert message.to == ["pedro@example.org"]
    assert message.subject == "Bienvenida, bienvenido a Consejo Santa Cecilia"
    assert sms.requests == []
    notice = Notice.objects.get(user=person)
    assert notice.channel == "email" and notice.status == Status.SENT


def test_a_member_who_chose_sms_gets_a_text_and_no_e_mail(
    santa, sms, clock, django_capture_on_commit_callbacks
):
    person = phone_person("pedro", email="pedro@example.org")
    ChannelPreference.objects.filter(user=person).update(channel="sms")

    decide(santa, person, django_capture_on_commit_callbacks)

    assert len(sms.accepted) == 1 and mail.outbox == []


def test_a_member_who_declined_notices_is_not_texted(
    santa, sms, clock, django_capture_on_commit_callbacks
):
    from .conftest import consent

    person = phone_person()
    consent(person, granted=False)

    membership = decide(santa, person, django_capture_on_commit_callbacks)

    assert sms.requests == []
    assert Notice.objects.get(user=person).status == Status.SKIPPED
    assert membership.decision_notified_at is not None
