"""Hostile input (issue #7): the e-mails the site sends are plain text, so a
payload typed into a name, a council's title, a note or a reason must arrive as
typed, not as HTML entities (``&lt;``, ``&#x27;``: Django's templates escape
unless told otherwise), and with no HTML part where it would be markup. The
pages that show the same text: ``test_hostile_input_xss.py``."""

import pytest
from django.core import mail
from django.urls import reverse

from councils.cadres.services import digests_send
from councils.models import ConstitutionRequest, CouncilPage
from tests.councils.helpers import signed_in
from tests.notifications.conftest import consent
from tests.trust import people
from tests.trust.hostile import PAYLOAD, assert_plain_text, client_for, rename

pytestmark = pytest.mark.django_db

FULL_NAME = f"{PAYLOAD} {PAYLOAD}"


def admin(name, *args):
    return reverse(f"councils_admin:{name}", args=args)


def posted(response):
    assert response.status_code == 302, response.content.decode()[:3000]
    return response


def test_a_membership_decision_e_mail_reads_as_typed(
    hostile_world, django_capture_on_commit_callbacks
):
    world = hostile_world
    consent(world.applicant)
    CouncilPage.objects.filter(pk=world.council_a.pk).update(title=PAYLOAD)

    with django_capture_on_commit_callbacks(execute=True):
        posted(
            client_for(world, "leader-A").post(
                admin("membership_decide", world.council_a.pk, world.pending_a.pk),
                {"action": "rechazar", "note": PAYLOAD},
            )
        )

    (message,) = mail.outbox
    assert message.to == [world.applicant.email]
    assert_plain_text(message, f"{PAYLOAD}\n")
    assert PAYLOAD in message.subject


def test_a_constitution_decision_e_mail_reads_as_typed(
    hostile_world, django_capture_on_commit_callbacks
):
    world = hostile_world
    consent(world.constitution.requester)
    ConstitutionRequest.objects.filter(pk=world.constitution.pk).update(
        proposed_name=PAYLOAD
    )

    with django_capture_on_commit_callbacks(execute=True):
        posted(
            client_for(world, "coordinator-A").post(
                admin("constitution", world.constitution.pk),
                {"action": "rechazar", "reason": PAYLOAD},
            )
        )

    (message,) = mail.outbox
    assert message.to == [people.MEMBER_EMAIL]
    assert_plain_text(message, PAYLOAD)
    assert PAYLOAD in message.subject


def test_a_password_reset_e_mail_reads_as_typed(
    hostile_world, django_capture_on_commit_callbacks
):
    rename(client_for(hostile_world, "member"), people.MEMBER_EMAIL)

    with django_capture_on_commit_callbacks(execute=True):
        posted(
            client_for(hostile_world, None).post(
                reverse("members:password_reset"), {"email": people.MEMBER_EMAIL}
            )
        )

    (message,) = mail.outbox
    assert_plain_text(message, FULL_NAME)


def test_the_weekly_digest_reads_as_typed(
    hostile_world, django_capture_on_commit_callbacks
):
    world = hostile_world
    consent(world.leader_a)
    rename(signed_in(world.applicant))
    posted(
        client_for(world, "leader-A").post(
            admin("membership_decide", world.council_a.pk, world.pending_a.pk),
            {"action": "aceptar"},
        )
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert digests_send() >= 1

    # Only leader A agreed to notices: the other leaders' digests are skipped.
    (message,) = mail.outbox
    assert message.to == [world.leader_a.email]
    assert_plain_text(message, FULL_NAME)
