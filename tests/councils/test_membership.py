"""Joining a council, the leaders' decisions, transfers, members registered on
paper (one by one or from a CSV file) and who may read membership records."""

import json
import re
from datetime import timedelta

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from councils.factories import assign, join, make_council, make_person
from councils.models import Membership, MembershipStatus
from members.models import ConsentRecord, SignInCode, User
from tests.conftest import PASSWORD
from tests.councils.helpers import admin_url, messages_of, signed_in, spanish, text_of
from tests.notifications.conftest import consent

pytestmark = pytest.mark.django_db

CODE_SIGN_IN = "/cuenta/codigo/"
FIRST_PASSWORD = "/cuenta/codigo/contrasena/"
NEW_PASSWORD = "otra-contraseña-segura-456"


def refused(response):
    """The Wagtail admin turns PermissionDenied into a redirect to its home."""
    return response.status_code in (302, 403)


@pytest.fixture
def council_a(db):
    return make_council("Consejo Santa Cecilia", municipality_name="Guadalajara")


@pytest.fixture
def council_b(db):
    return make_council(
        "Consejo Oblatos", municipality_code="120", municipality_name="Zapopan"
    )


@pytest.fixture
def council_cdmx(db):
    return make_council(
        "Consejo Roma Norte",
        state_code="09",
        municipality_code="015",
        municipality_name="Cuauhtémoc",
    )


@pytest.fixture
def leader_a(council_a):
    leader = make_person("ana.lider", password=PASSWORD, first_name="Ana")
    assign(leader, "coordinador-de-consejo", council=council_a)
    return leader


@pytest.fixture
def leader_b(council_b):
    leader = make_person("beto.lider", password=PASSWORD, first_name="Beto")
    assign(leader, "coordinador-de-consejo", council=council_b)
    return leader


@pytest.fixture
def member(db):
    """Lucía, with e-mail; she agreed to notices (a decision is one)."""
    person = make_person(
        "lucia",
        password=PASSWORD,
        first_name="Lucía",
        last_name="Méndez",
        email="lucia@example.org",
    )
    consent(person)
    return person


def join_url(council):
    return council.url + "unirme/"


# Asking to join from the public page


def test_a_signed_in_member_asks_to_join_and_the_page_says_it_waits(council_a, member):
    client = signed_in(member)

    response = client.post(join_url(council_a))

    assert response.status_code == 302
    assert response["Location"] == council_a.url
    membership = Membership.objects.get()
    assert (membership.user, membership.council) == (member, council_a)
    assert membership.status == MembershipStatus.PENDING
    assert membership.joined_on is None
    page = client.get(council_a.url)
    assert page.status_code == 200
    assert 'action="' + join_url(council_a) not in page.content.decode()
    assert spanish(
        "Your request to join is waiting for the leaders' answer."
    ) in text_of(page)


def test_asking_twice_is_still_one_request(council_a, member):
    client = signed_in(member)

    client.post(join_url(council_a))
    client.post(join_url(council_a))

    assert Membership.objects.filter(user=member).count() == 1


def test_an_anonymous_visitor_is_sent_to_sign_in_and_nothing_is_recorded(
    client, council_a
):
    response = client.post(join_url(council_a))

    assert response.status_code == 302
    assert response["Location"].startswith("/cuenta/entrar/?next=")
    assert not Membership.objects.exists()


def test_a_get_on_the_join_route_asks_to_confirm_and_records_nothing(council_a, member):
    response = signed_in(member).get(join_url(council_a))

    assert response.status_code == 200
    assert 'action="' + join_url(council_a) + '"' in response.content.decode()
    assert not Membership.objects.exists()


# The leaders decide


def test_the_leader_sees_the_request_and_accepting_it_makes_a_member(
    council_a, leader_a, member, django_capture_on_commit_callbacks, mailoutbox
):
    signed_in(member).post(join_url(council_a))
    membership = Membership.objects.get()
    leader = signed_in(leader_a)

    detail = leader.get(admin_url("council", council_a.pk))

    assert detail.status_code == 200
    assert "lucia" in detail.content.decode()
    assert (
        admin_url("membership_decide", council_a.pk, membership.pk)
        in detail.content.decode()
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = leader.post(
            admin_url("membership_decide", council_a.pk, membership.pk),
            {"action": "aceptar", "note": ""},
        )

    assert response.status_code == 302
    assert response["Location"] == admin_url("council", council_a.pk)
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.ACTIVE
    assert membership.joined_on == timezone.localdate()
    assert membership.decided_by == leader_a
    (email,) = mailoutbox
    assert email.to == ["lucia@example.org"]
    assert council_a.title in email.subject + email.body
    page = signed_in(member).get(council_a.url)
    assert spanish("You are a member of this council.") in text_of(page)


def test_accepting_someone_without_e_mail_sends_nothing(
    council_a, leader_a, django_capture_on_commit_callbacks, mailoutbox
):
    person = make_person("sin.correo", password=PASSWORD)
    membership = join(person, council_a, status="pendiente")

    with django_capture_on_commit_callbacks(execute=True):
        signed_in(leader_a).post(
            admin_url("membership_decide", council_a.pk, membership.pk),
            {"action": "aceptar"},
        )

    membership.refresh_from_db()
    assert membership.status == MembershipStatus.ACTIVE
    assert mailoutbox == []


def test_rejecting_a_request(
    council_a, leader_a, member, django_capture_on_commit_callbacks, mailoutbox
):
    membership = join(member, council_a, status="pendiente")

    with django_capture_on_commit_callbacks(execute=True):
        signed_in(leader_a).post(
            admin_url("membership_decide", council_a.pk, membership.pk),
            {"action": "rechazar", "note": "No vives en la colonia."},
        )

    membership.refresh_from_db()
    assert membership.status == MembershipStatus.REJECTED
    assert membership.joined_on is None
    assert membership.note == "No vives en la colonia."
    (email,) = mailoutbox
    assert "No vives en la colonia." in email.body


def test_a_decided_request_cannot_be_decided_again(council_a, leader_a, member):
    membership = join(member, council_a, status="pendiente")
    leader = signed_in(leader_a)
    url = admin_url("membership_decide", council_a.pk, membership.pk)
    leader.post(url, {"action": "rechazar"})

    response = leader.post(url, {"action": "aceptar"})

    membership.refresh_from_db()
    assert membership.status == MembershipStatus.REJECTED
    assert messages_of(response)[-1] == spanish("That request was already decided.")


def test_a_leader_cannot_accept_another_council_s_request_with_their_own_url(
    council_a, council_b, leader_a, member
):
    membership = join(member, council_b, status="pendiente")

    response = signed_in(leader_a).post(
        admin_url("membership_decide", council_a.pk, membership.pk),
        {"action": "aceptar"},
    )

    assert response.status_code == 302
    assert response["Location"] == admin_url("council", council_a.pk)
    assert messages_of(response) == [
        spanish("That request does not belong to this council.")
    ]
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.PENDING
    assert membership.decided_by is None


def test_a_leader_cannot_accept_through_the_other_council_s_url(
    council_a, council_b, leader_a, member
):
    membership = join(member, council_b, status="pendiente")
    client = signed_in(leader_a)

    assert refused(client.get(admin_url("council", council_b.pk)))
    response = client.post(
        admin_url("membership_decide", council_b.pk, membership.pk),
        {"action": "aceptar"},
    )

    assert refused(response)
    assert response.get("Location") != admin_url("council", council_b.pk)
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.PENDING


def test_a_plain_member_cannot_decide_requests(council_a, member):
    other = make_person("pedro", password=PASSWORD)
    join(member, council_a)
    membership = join(other, council_a, status="pendiente")

    response = signed_in(member).post(
        admin_url("membership_decide", council_a.pk, membership.pk),
        {"action": "aceptar"},
    )

    assert refused(response)
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.PENDING


def test_a_decision_without_an_action_changes_nothing(council_a, leader_a, member):
    membership = join(member, council_a, status="pendiente")

    response = signed_in(leader_a).post(
        admin_url("membership_decide", council_a.pk, membership.pk),
        {"action": "borrar"},
    )

    membership.refresh_from_db()
    assert membership.status == MembershipStatus.PENDING
    assert messages_of(response) == [
        spanish("Choose whether to accept or reject the request.")
    ]


def test_the_leader_records_that_a_member_left(council_a, leader_a, member):
    membership = join(member, council_a)

    signed_in(leader_a).post(admin_url("membership_end", council_a.pk, membership.pk))

    membership.refresh_from_db()
    assert membership.status == MembershipStatus.LEFT
    assert membership.left_on == timezone.localdate()


def test_a_leader_who_leaves_the_council_stops_leading_it(council_a, leader_a, member):
    co_leader = make_person("coco.lider", first_name="Coco")
    office = assign(co_leader, "coordinador-de-consejo", council=council_a)
    membership = join(co_leader, council_a)
    join(member, council_a)
    assert Membership.objects.visible_to(co_leader).count() == 2

    signed_in(leader_a).post(admin_url("membership_end", council_a.pk, membership.pk))

    office.refresh_from_db()
    co_leader = User.objects.get(pk=co_leader.pk)  # as on their next request
    assert office.ended_on == timezone.localdate()
    assert not Membership.objects.visible_to(co_leader).filter(user=member).exists()
    assert not co_leader.groups.exists()  # no more editing of the council's page
    assert refused(signed_in(co_leader).get(admin_url("council", council_a.pk)))


def test_a_leader_who_transfers_stops_leading_the_old_council(
    council_a, council_b, leader_b
):
    mover = make_person("mover.lider", first_name="Mora")
    old_office = assign(mover, "coordinador-de-consejo", council=council_a)
    join(mover, council_a)
    signed_in(mover).post(join_url(council_b))
    request = Membership.objects.get(council=council_b, user=mover)

    signed_in(leader_b).post(
        admin_url("membership_decide", council_b.pk, request.pk),
        {"action": "aceptar"},
    )

    old_office.refresh_from_db()
    assert old_office.ended_on == timezone.localdate()
    assert not mover.groups.exists()


def test_a_leader_cannot_end_another_council_s_membership(
    council_a, council_b, leader_a, member
):
    membership = join(member, council_b)
    client = signed_in(leader_a)

    client.post(admin_url("membership_end", council_a.pk, membership.pk))
    client.post(admin_url("membership_end", council_b.pk, membership.pk))

    membership.refresh_from_db()
    assert membership.status == MembershipStatus.ACTIVE


# One council at a time


def test_being_accepted_in_another_council_is_a_transfer(
    council_a, council_b, leader_b, member
):
    old = join(member, council_a)
    signed_in(member).post(join_url(council_b))
    request = Membership.objects.get(council=council_b)
    assert Membership.objects.get(pk=old.pk).status == MembershipStatus.ACTIVE

    signed_in(leader_b).post(
        admin_url("membership_decide", council_b.pk, request.pk),
        {"action": "aceptar"},
    )

    old.refresh_from_db()
    request.refresh_from_db()
    assert old.status == MembershipStatus.LEFT
    assert old.left_on == timezone.localdate()
    assert request.status == MembershipStatus.ACTIVE
    assert Membership.objects.active().filter(user=member).get() == request


def test_the_database_allows_one_active_membership_per_person(
    council_a, council_b, member
):
    join(member, council_a)

    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            user=member, council=council_b, status=MembershipStatus.ACTIVE
        )

    assert Membership.objects.filter(user=member).count() == 1


def test_a_member_cannot_ask_to_join_their_own_council_again(council_a, member):
    join(member, council_a)

    signed_in(member).post(join_url(council_a))

    assert Membership.objects.filter(user=member).count() == 1


# Members without internet, registered on paper


def register_data(**fields):
    data = {
        "first_name": "María",
        "last_name": "López Díaz",
        "phone": "3312345678",
        "email": "",
        "consent_voluntary": ["avisos"],
        "paper_consent": "on",
    }
    data.update(fields)
    return data


def codes_of(response):
    """(username, code) pairs of the page that shows one-time codes."""
    return re.findall(
        r"<code>([^<]+)</code></td><td><code>([A-Z0-9]{4}-[A-Z0-9]{4})</code>",
        response.content.decode(),
    )


def test_the_leader_registers_a_person_with_paper_consent(council_a, leader_a):
    response = signed_in(leader_a).post(
        admin_url("member_register", council_a.pk), register_data()
    )

    assert response.status_code == 200
    person = User.objects.get(first_name="María")
    assert person.username == "maria.lopez"
    assert person.last_name == "López Díaz"
    assert person.phone == "3312345678"
    assert not person.has_usable_password()
    consents = {
        record.purpose: record for record in ConsentRecord.objects.filter(user=person)
    }
    assert {purpose: record.granted for purpose, record in consents.items()} == {
        "necesario": True,
        "avisos": True,
        "contacto": False,
    }
    assert {record.method for record in consents.values()} == {"papel"}
    assert {record.recorded_by for record in consents.values()} == {leader_a}
    membership = Membership.objects.get(user=person)
    assert membership.council == council_a
    assert membership.status == MembershipStatus.ACTIVE
    assert membership.joined_on == timezone.localdate()
    ((username, code),) = codes_of(response)
    assert username == "maria.lopez"
    # Only a hash is kept.
    stored = SignInCode.objects.get(user=person)
    assert code.replace("-", "") not in stored.code_hash
    assert stored.created_by == leader_a


def test_sending_the_same_registration_twice_registers_one_person(council_a, leader_a):
    client = signed_in(leader_a)
    url = admin_url("member_register", council_a.pk)
    client.post(url, register_data())

    again = client.post(url, register_data(first_name="maría "), follow=True)

    assert list(
        User.objects.filter(first_name__iexact="maría").values_list(
            "username", flat=True
        )
    ) == ["maria.lopez"]
    assert "María López Díaz ya está registrada en este consejo" in (
        again.content.decode()
    )


def test_a_namesake_with_another_phone_is_another_person(council_a, leader_a):
    client = signed_in(leader_a)
    url = admin_url("member_register", council_a.pk)
    client.post(url, register_data())

    client.post(url, register_data(phone="3398765432"))

    assert User.objects.filter(first_name="María").count() == 2


def test_the_registered_person_signs_in_once_with_the_code_and_chooses_a_password(
    council_a, leader_a
):
    response = signed_in(leader_a).post(
        admin_url("member_register", council_a.pk), register_data()
    )
    ((username, code),) = codes_of(response)
    client = Client()

    assert client.get(CODE_SIGN_IN).status_code == 200
    response = client.post(CODE_SIGN_IN, {"username": username, "code": code})

    assert response.status_code == 302
    assert response["Location"] == FIRST_PASSWORD
    person = User.objects.get(username=username)
    assert client.session[SESSION_KEY] == str(person.pk)
    assert client.get(FIRST_PASSWORD).status_code == 200
    response = client.post(
        FIRST_PASSWORD,
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == "/mi-formacion/"
    person.refresh_from_db()
    assert person.has_usable_password()
    assert Client().login(username=username, password=NEW_PASSWORD)

    # The code was spent: a second use fails, with a message in Spanish.
    again = Client()
    response = again.post(CODE_SIGN_IN, {"username": username, "code": code})
    assert response.status_code == 200
    assert SESSION_KEY not in again.session
    assert spanish(
        "The username or the code is not right, or the code has expired or was "
        "already used. Ask your council's leaders for a new one."
    ) in text_of(response)


def test_the_first_password_page_is_only_for_who_just_used_a_code(member):
    client = signed_in(member)

    response = client.post(
        FIRST_PASSWORD,
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.check_password(PASSWORD)
    assert not member.check_password(NEW_PASSWORD)


def test_a_wrong_code_signs_nobody_in(council_a, leader_a):
    response = signed_in(leader_a).post(
        admin_url("member_register", council_a.pk), register_data()
    )
    ((username, code),) = codes_of(response)
    wrong = "2345-6789" if code != "2345-6789" else "3456-789A"
    client = Client()

    response = client.post(CODE_SIGN_IN, {"username": username, "code": wrong})

    assert response.status_code == 200
    assert SESSION_KEY not in client.session
    assert SignInCode.objects.usable().filter(user__username=username).count() == 1
    assert spanish(
        "The username or the code is not right, or the code has expired or was "
        "already used. Ask your council's leaders for a new one."
    ) in text_of(response)


def test_without_the_paper_consent_nobody_is_registered(council_a, leader_a):
    users = User.objects.count()

    response = signed_in(leader_a).post(
        admin_url("member_register", council_a.pk),
        register_data(paper_consent=""),
    )

    assert response.status_code == 200
    assert User.objects.count() == users
    assert not ConsentRecord.objects.exists()
    assert not Membership.objects.exists()
    assert spanish(
        "Without the signed consent form nobody can be registered."
    ) in text_of(response)


def test_a_bad_phone_registers_nobody(council_a, leader_a):
    users = User.objects.count()

    response = signed_in(leader_a).post(
        admin_url("member_register", council_a.pk), register_data(phone="12-34")
    )

    assert response.status_code == 200
    assert User.objects.count() == users
    assert "12-34" in response.content.decode()  # the form comes back filled in


def test_another_council_s_leader_cannot_register_members_here(council_a, leader_b):
    users = User.objects.count()

    response = signed_in(leader_b).post(
        admin_url("member_register", council_a.pk), register_data()
    )

    assert refused(response)
    assert User.objects.count() == users


# Importing members from a CSV file


GOOD_CSV = (
    "nombre,apellidos,telefono,correo,avisos,contacto\n"
    "Juana,Pérez Sol,3311111111,juana@example.org,sí,no\n"
    "Pedro,Ramírez,,,no,sí\n"
    "Rosa,Hernández,33 2222 2222,,x,\n"
)
BAD_CSV = (
    "nombre,apellidos,telefono,correo,avisos,contacto\n"
    "Juana,Pérez Sol,3311111111,,sí,no\n"
    "Pedro,Ramírez,123,,no,no\n"
    ",Sin Nombre,,,no,no\n"
    "Rosa,Hernández,,,tal vez,no\n"
)


def csv_upload(text, name="integrantes.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def preview(client, council, upload, **fields):
    data = {"step": "preview", "file": upload, "paper_consent": "on", **fields}
    return client.post(admin_url("members_import", council.pk), data)


def test_a_good_file_is_previewed_and_nobody_is_created_yet(council_a, leader_a):
    users = User.objects.count()

    response = preview(signed_in(leader_a), council_a, csv_upload(GOOD_CSV))

    assert response.status_code == 200
    text = text_of(response)
    for name in ("Juana Pérez Sol", "Pedro Ramírez", "Rosa Hernández"):
        assert name in text
    assert "juana@example.org" in text
    assert 'name="step" value="confirm"' in response.content.decode()
    assert User.objects.count() == users
    assert not Membership.objects.exists()


def test_confirming_the_preview_registers_everyone_with_their_codes(
    council_a, leader_a
):
    client = signed_in(leader_a)
    preview(client, council_a, csv_upload(GOOD_CSV))

    response = client.post(
        admin_url("members_import", council_a.pk), {"step": "confirm"}
    )

    assert response.status_code == 200
    codes = dict(codes_of(response))
    assert set(codes) == {"juana.perez", "pedro.ramirez", "rosa.hernandez"}
    people = User.objects.filter(username__in=codes)
    assert all(not person.has_usable_password() for person in people)
    assert (
        Membership.objects.active().filter(council=council_a, user__in=people).count()
        == 3
    )
    juana = people.get(username="juana.perez")
    assert juana.email == "juana@example.org"
    granted = {
        (record.user.username, record.purpose): record.granted
        for record in ConsentRecord.objects.select_related("user")
    }
    assert granted[("juana.perez", "avisos")] is True
    assert granted[("juana.perez", "contacto")] is False
    assert granted[("pedro.ramirez", "contacto")] is True
    assert granted[("rosa.hernandez", "avisos")] is True
    assert set(ConsentRecord.objects.values_list("method", flat=True)) == {"papel"}
    # Confirming again does not register them twice.
    client.post(admin_url("members_import", council_a.pk), {"step": "confirm"})
    assert User.objects.filter(first_name="Juana").count() == 1


def test_a_file_with_bad_lines_names_them_and_registers_nobody(council_a, leader_a):
    client = signed_in(leader_a)
    users = User.objects.count()

    response = preview(client, council_a, csv_upload(BAD_CSV))

    assert response.status_code == 200
    errors = dict(response.context["errors"])
    assert set(errors) == {3, 4, 5}
    assert 'name="step" value="confirm"' not in response.content.decode()
    client.post(admin_url("members_import", council_a.pk), {"step": "confirm"})
    assert User.objects.count() == users
    assert not Membership.objects.exists()
    # Each line's problem, in Spanish.
    text = text_of(response)
    line = spanish("Line %(line)s: %(message)s")
    assert line % {"line": 3, "message": errors[3]} in text
    assert spanish("the phone must have 10 digits").lower() in errors[3].lower()
    assert spanish("the name is missing").lower() in errors[4].lower()
    assert (
        spanish("column %(column)s must say sí or no") % {"column": "avisos"}
    ).lower() in errors[5].lower()


@pytest.mark.parametrize(
    "bad_line",
    [
        "Pedro,Ramírez,55-12,,no,no",
        ",Sin Nombre,,,no,no",
        "Rosa,Hernández,,,tal vez,no",
    ],
    ids=["bad-phone", "no-name", "maybe"],
)
def test_one_bad_line_among_good_ones_registers_nobody(council_a, leader_a, bad_line):
    text = (
        "nombre,apellidos,telefono,correo,avisos,contacto\n"
        "Juana,Pérez Sol,3311111111,,sí,no\n"
        f"{bad_line}\n"
        "Luis,Ortega,,,no,no\n"
    )
    client = signed_in(leader_a)
    users = User.objects.count()

    response = preview(client, council_a, csv_upload(text))
    client.post(admin_url("members_import", council_a.pk), {"step": "confirm"})

    assert [line for line, _message in response.context["errors"]] == [3]
    assert User.objects.count() == users
    assert not Membership.objects.exists()
    assert spanish("Line %(line)s: %(message)s").split("%(line)s")[0].strip() in (
        text_of(response)
    )


def test_a_binary_file_is_refused(council_a, leader_a):
    users = User.objects.count()
    workbook = SimpleUploadedFile(
        "integrantes.xlsx",
        b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00" + bytes(range(256)),
        content_type="application/vnd.ms-excel",
    )

    response = preview(signed_in(leader_a), council_a, workbook)

    assert response.status_code == 200
    assert response.context["errors"]
    assert not response.context["rows"]
    assert User.objects.count() == users
    assert spanish("The file is not a CSV text file.") in text_of(response)


def test_confirming_without_a_preview_registers_nobody(council_a, leader_a):
    users = User.objects.count()

    response = signed_in(leader_a).post(
        admin_url("members_import", council_a.pk), {"step": "confirm"}, follow=True
    )

    assert response.redirect_chain[-1][0] == admin_url("members_import", council_a.pk)
    assert User.objects.count() == users
    assert spanish("Upload the file again: the preview expired.") in text_of(response)


def test_the_import_needs_the_paper_consent(council_a, leader_a):
    response = preview(
        signed_in(leader_a), council_a, csv_upload(GOOD_CSV), paper_consent=""
    )

    assert response.status_code == 200
    assert "rows" not in response.context
    assert 'name="step" value="confirm"' not in response.content.decode()


# Who reads membership records


def test_a_council_leader_sees_only_their_council_s_memberships(
    council_a, council_b, leader_a, member
):
    mine = join(member, council_a)
    theirs = join(make_person("pedro"), council_b)
    own = join(leader_a, council_a)

    visible = set(Membership.objects.visible_to(leader_a))

    assert visible == {mine, own}
    assert theirs not in visible


def test_a_leader_sees_their_own_membership_elsewhere(council_a, council_b, leader_a):
    own = join(leader_a, council_b)

    assert set(Membership.objects.visible_to(leader_a)) == {own}


def test_a_state_coordinator_sees_the_state_s_councils_only(
    council_a, council_b, council_cdmx
):
    coordinator = make_person("coordinadora.jal")
    assign(coordinator, "coordinador-estatal", state="14")
    in_a = join(make_person("uno"), council_a)
    in_b = join(make_person("dos"), council_b, status="pendiente")
    in_cdmx = join(make_person("tres"), council_cdmx)

    visible = set(Membership.objects.visible_to(coordinator))

    assert visible == {in_a, in_b}
    assert in_cdmx not in visible


def test_a_plain_member_sees_only_their_own(council_a, member):
    own = join(member, council_a)
    join(make_person("vecino"), council_a)

    assert list(Membership.objects.visible_to(member)) == [own]


def test_a_superuser_sees_every_membership(council_a, council_cdmx, superuser):
    rows = {join(make_person("uno"), council_a), join(make_person("dos"), council_cdmx)}

    assert set(Membership.objects.visible_to(superuser)) == rows


def test_an_ended_leadership_no_longer_shows_memberships(council_a, member):
    former = make_person("exlider")
    assign(
        former,
        "coordinador-de-consejo",
        council=council_a,
        started_on=timezone.localdate() - timedelta(days=30),
        ended_on=timezone.localdate(),
    )
    join(member, council_a)

    assert not Membership.objects.visible_to(former).exists()


# One's own data


def test_deleting_one_s_account_ends_their_memberships(council_a, council_b, member):
    active = join(member, council_a)
    pending = join(member, council_b, status="pendiente")
    client = signed_in(member)

    response = client.post("/cuenta/mis-datos/eliminar/", {"password": PASSWORD})

    assert response.status_code == 302
    for membership in (active, pending):
        membership.refresh_from_db()
        assert membership.status == MembershipStatus.LEFT
        assert membership.left_on == timezone.localdate()
    assert not Membership.objects.active().exists()


def test_deleting_one_s_account_ends_an_office_endorsed_to_start_later(
    council_a, member
):
    later = timezone.localdate() + timedelta(days=10)
    office = assign(
        member, "coordinador-de-consejo", council=council_a, started_on=later
    )
    client = signed_in(member)

    client.post("/cuenta/mis-datos/eliminar/", {"password": PASSWORD})

    office.refresh_from_db()
    assert office.ended_on == later  # ends as it starts: never held
    assert not office.__class__.objects.active(on=later).exists()


def test_the_own_data_export_includes_the_councils(council_a, council_b, member):
    join(member, council_a, status="baja")
    join(member, council_b)

    response = signed_in(member).post("/cuenta/mis-datos/exportar/")

    data = json.loads(response.content.decode("utf-8"))
    rows = {row["consejo"]: row for row in data["consejos"]}
    assert set(rows) == {"Consejo Santa Cecilia", "Consejo Oblatos"}
    assert rows["Consejo Oblatos"]["estado"] == "activa"
    assert rows["Consejo Oblatos"]["ingreso"] == timezone.localdate().isoformat()
    assert rows["Consejo Santa Cecilia"]["estado"] == "baja"
