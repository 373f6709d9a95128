"""The same thing sent twice at the same moment (a double tap, two leaders on
two phones) gives one result and a clear message, never an error 500: pairing a
mentor, accepting one person's requests to two councils, approving two requests
for councils of the same name, and e-mailing a decision.

The tests "at the same moment" run two requests in two threads, each with its
own database connection, released together: on PostgreSQL, where rows are
locked. (The demo's SQLite makes each transaction take the write lock as it
begins, tested in ``tests/cococi_site/test_settings.py``; its in-memory test
database cannot be shared by two connections.) The other tests send the same
thing twice in a row, on any database."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.db import connection, connections
from django.test import Client
from django.utils import timezone

from councils.factories import assign, join, make_council, make_person, municipality
from councils.models import (
    ConstitutionFounder,
    ConstitutionRequest,
    CouncilPage,
    LeadershipRole,
    Membership,
    MembershipStatus,
    Mentorship,
    RequestStatus,
    State,
)
from councils.tasks import notify_membership_decision
from tests.councils.helpers import admin_url, messages_of, spanish
from tests.notifications.conftest import consent


def at_the_same_moment(test):
    """PostgreSQL only; committed data, seen by the threads' connections, and
    the rows the migrations made put back afterwards."""
    test = pytest.mark.django_db(transaction=True, serialized_rollback=True)(test)
    return pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="two connections at once need PostgreSQL (DATABASE_URL)",
    )(test)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def signed_in(user):
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def together(*sends):
    """Run ``sends`` in threads released at once; their responses, in order."""
    start = threading.Barrier(len(sends))

    def run(send):
        try:
            start.wait(timeout=30)
            return send()
        finally:
            connections.close_all()  # this thread's own connection

    with ThreadPoolExecutor(max_workers=len(sends)) as pool:
        return list(pool.map(run, sends))


def council_with_leader(title, username, **place):
    council = make_council(title, publish=False, **place)
    leader = make_person(username, first_name=username.title())
    assign(leader, "coordinador-de-consejo", council=council)
    return council, leader


def said(responses):
    return sorted(
        message for response in responses for message in messages_of(response)
    )


def poster(user, url, data):
    """A POST of ``data`` to ``url`` by ``user``, from a client of its own, to
    be sent later."""
    client = signed_in(user)
    return lambda: client.post(url, data)


# Pairing a mentor


def pair(leader, council, mentee, mentor):
    return poster(
        leader,
        admin_url("mentorships", council.pk),
        {"mentee": mentee.pk, "mentor": mentor.pk},
    )


def mentor_and_member(council):
    mentor = make_person("marta", first_name="Marta", last_name="Ruiz")
    member = make_person("nico", first_name="Nico", last_name="Paz")
    join(mentor, council)
    join(member, council)
    return mentor, member


@pytest.mark.django_db
def test_pairing_the_same_mentor_twice_says_so_and_pairs_once():
    council, leader = council_with_leader("Consejo Santa Cecilia", "ana.lider")
    mentor, member = mentor_and_member(council)

    pair(leader, council, member, mentor)()
    again = pair(leader, council, member, mentor)()

    assert again.status_code == 200
    assert spanish("%(mentor)s already accompanies %(member)s.") % {
        "mentor": "Marta Ruiz",
        "member": "Nico Paz",
    } in messages_of(again)
    assert Mentorship.objects.filter(mentee=member).count() == 1


@at_the_same_moment
def test_pairing_sent_twice_at_once_pairs_once():
    council, leader = council_with_leader("Consejo Santa Cecilia", "ana.lider")
    mentor, member = mentor_and_member(council)

    responses = together(
        pair(leader, council, member, mentor), pair(leader, council, member, mentor)
    )

    assert sorted(response.status_code for response in responses) == [200, 302]
    assert said(responses) == sorted(
        [
            spanish("The mentor will accompany the member."),
            spanish("%(mentor)s already accompanies %(member)s.")
            % {"mentor": "Marta Ruiz", "member": "Nico Paz"},
        ]
    )
    assert Mentorship.objects.filter(mentee=member).count() == 1


# Accepting one person in two councils


@at_the_same_moment
def test_two_leaders_accepting_one_person_at_once_make_one_active_membership():
    santa, ana = council_with_leader("Consejo Santa Cecilia", "ana.lider")
    oblatos, beto = council_with_leader(
        "Consejo Oblatos", "beto.lider", municipality_code="120"
    )
    # Three people, each accepted by both leaders at once: a race lost by
    # chance once is not a pass.
    for name in ("Sofía", "Tania", "Úrsula"):
        person = make_person(name.lower(), first_name=name)
        asked = [join(person, c, status="pendiente") for c in (santa, oblatos)]

        responses = together(
            poster(
                ana,
                admin_url("membership_decide", santa.pk, asked[0].pk),
                {"action": "aceptar"},
            ),
            poster(
                beto,
                admin_url("membership_decide", oblatos.pk, asked[1].pk),
                {"action": "aceptar"},
            ),
        )

        assert [response.status_code for response in responses] == [302, 302]
        statuses = sorted(
            Membership.objects.filter(user=person).values_list("status", flat=True)
        )
        # Taken in turn: the second acceptance is a transfer out of the first.
        assert statuses == sorted([MembershipStatus.ACTIVE, MembershipStatus.LEFT])


# Approving two requests for councils of the same name


def constitution_request(requester, name):
    request = ConstitutionRequest(
        requester=requester,
        proposed_name=name,
        state=State.objects.get(code="14"),
        municipality=municipality("14", "039", "Guadalajara"),
        assembly_on=timezone.localdate() - timedelta(days=10),
        assembly_place="Cancha de la colonia",
    )
    request.acta.save("acta.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
    request.save()
    # Approval waits for a founder elected to coordinate to confirm: here the
    # requester, who confirmed by sending it.
    ConstitutionFounder.objects.create(
        request=request,
        full_name=requester.get_full_name() or requester.username,
        user=requester,
        role=LeadershipRole.objects.get(slug="coordinador-de-consejo"),
        confirmed_at=timezone.now(),
    )
    return request


@at_the_same_moment
def test_two_requests_of_one_name_approved_at_once_make_one_council():
    name = "Consejo Comunitario Las Huertas"
    coordinator = make_person("coord.jalisco", first_name="Juana")
    assign(coordinator, "coordinador-estatal", state="14")
    requests = [
        constitution_request(make_person(username), name)
        for username in ("alma", "berta")
    ]

    responses = together(
        *(
            poster(coordinator, admin_url("constitution", pk), {"action": "aprobar"})
            for pk in (request.pk for request in requests)
        )
    )

    # The approval answers with the founders' sign-in codes (200), or goes
    # back to the request (302); the other one with the form and its error.
    assert {response.status_code for response in responses} <= {200, 302}
    assert CouncilPage.objects.filter(title=name).count() == 1
    assert sorted(
        ConstitutionRequest.objects.values_list("status", flat=True)
    ) == sorted([RequestStatus.APPROVED, RequestStatus.PENDING])
    taken = spanish("There is already a council called «%(name)s» there.")
    assert taken % {"name": name} in said(responses)


# E-mailing a decision


@at_the_same_moment
def test_a_decision_e_mailed_by_two_workers_at_once_is_sent_once():
    person = make_person("pedro", first_name="Pedro", email="pedro@example.org")
    consent(person)  # to notices: the decision goes under it
    membership = join(person, make_council("Consejo Santa Cecilia", publish=False))

    sent = together(
        *(
            lambda: notify_membership_decision.apply(args=[membership.pk]).result
            for _worker in range(2)
        )
    )

    assert sorted(sent) == [0, 1]
    assert len(mail.outbox) == 1
