"""The privacy notice says what the site does: state and national coordination
see figures, and a council's people by name only after writing a reason, which
is logged. The first version's short text promised "only aggregate figures";
members who accepted it are asked to accept the version in force."""

import html
import re

import pytest
from django.utils import timezone

from councils.factories import join, make_council, make_person
from councils.names import REASON_MINUTES
from courses.models import Enrollment
from members.models import ConsentMethod, ConsentRecord, PrivacyNotice, Purpose
from tests.councils.helpers import messages_of, signed_in, spanish, text_of
from tests.courses.learning_fixtures import make_course

pytestmark = pytest.mark.django_db

FIRST = "2026-11-borrador"
IN_FORCE = "2026-12-borrador"
ASKED = "El aviso de privacidad cambió"


def plain(text):
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())


def test_the_notice_in_force_is_the_version_that_tells_the_rule_for_names():
    assert PrivacyNotice.objects.current().version == IN_FORCE
    assert PrivacyNotice.objects.filter(version=FIRST).exists()


def test_the_short_text_at_registration_promises_no_less_than_the_site_does(client):
    page = text_of(client.get("/cuenta/registro/"))

    assert "en cifras agregadas" not in page
    assert "La coordinación estatal y la nacional ven cifras de cada consejo" in page
    assert (
        "tu nombre y tu avance solo después de escribir por qué necesitan verlos, y "
        "ese motivo queda registrado con su nombre y la fecha"
    ) in page


def test_the_full_notice_says_who_sees_names_and_for_how_long():
    body = plain(PrivacyNotice.objects.current().body)

    assert "ven cifras de cada consejo" in body
    assert "menos de cinco personas, o de ninguna, aparece como «menos de 5»" in body
    assert "solo después de escribir por qué necesitan verlas" in body
    assert "queda en un registro de accesos" in body
    # The time a reason lasts is the one the site applies.
    assert f"solo sirve durante {REASON_MINUTES} minutos" in body
    # What the site cannot do is not promised: the log keeps who looked at a
    # council's people, not at whom; a member cannot see it.
    assert "quién consultó" not in body and "quién vio" not in body


@pytest.fixture
def earlier_member(db):
    """A member who registered under the first version (voluntary: notices yes,
    contact no)."""
    first = PrivacyNotice.objects.get(version=FIRST)
    person = make_person("lupita", first_name="Lupita", password="x" * 12)
    for purpose, granted in (
        (Purpose.NECESSARY, True),
        (Purpose.NOTICES, True),
        (Purpose.COUNCIL_CONTACT, False),
    ):
        ConsentRecord.objects.create(
            user=person, notice=first, purpose=purpose, granted=granted
        )
    join(person, make_council("Consejo Santa Cecilia", publish=False))
    return person


def accept(client, **data):
    return client.post(
        "/cuenta/aviso-de-privacidad/aceptar/",
        {"version": IN_FORCE, "consent_necessary": "on", "next": "/mi-formacion/"}
        | data,
        follow=True,
    )


def test_a_member_of_the_first_version_is_asked_to_accept_the_new_one(earlier_member):
    client = signed_in(earlier_member)

    for url in ("/mi-formacion/", "/cuenta/mis-datos/"):
        page = text_of(client.get(url))
        assert ASKED in page, url
        assert "ven cifras de cada consejo" in page, url

    response = accept(client)

    assert response.redirect_chain[-1][0] == "/mi-formacion/"
    assert spanish("Thank you: you accepted the privacy notice.") in messages_of(
        response
    )
    assert ASKED not in text_of(response)
    latest = ConsentRecord.objects.current_for(earlier_member)
    assert latest[Purpose.NECESSARY].notice.version == IN_FORCE
    assert latest[Purpose.NECESSARY].method == ConsentMethod.ONLINE
    # Their voluntary choices stand as they made them.
    assert latest[Purpose.NOTICES].granted is True
    assert latest[Purpose.COUNCIL_CONTACT].granted is False
    assert ASKED not in text_of(client.get("/cuenta/mis-datos/"))


def test_what_the_page_says_about_the_new_version_is_what_happens(earlier_member):
    """Nothing waits for the new version to be accepted (the movement's
    purposes did not change, only who sees what is told better), so the page
    does not say that the account stops working: it says it keeps working,
    and what a member who does not agree can do. Enrolling works meanwhile,
    and the notice itself promises no more."""
    client = signed_in(earlier_member)
    course = make_course("Organización comunitaria")

    page = text_of(client.get("/mi-formacion/"))
    enrolled = client.post(course.url + "inscribirme/")

    assert "para seguir usando tu cuenta" not in page
    assert (
        spanish(
            "Read it and, if you agree, accept it. Your account keeps working "
            "meanwhile. If you do not agree, in My data you can withdraw your "
            "voluntary consents or delete your account."
        )
        in page
    )
    assert enrolled.status_code == 302
    assert Enrollment.objects.filter(user=earlier_member, course=course).exists()
    body = plain(PrivacyNotice.objects.current().body)
    assert "antes de seguir" not in body
    assert (
        "te pediremos, en «Mi formación» y en «Mis datos», que la leas y la aceptes"
        in body
    )


def test_a_member_registered_on_paper_under_the_first_version_is_asked_too(db):
    first = PrivacyNotice.objects.get(version=FIRST)
    leader = make_person("ana.lider")
    person = make_person("rosa", first_name="Rosa", password="x" * 12)
    ConsentRecord.objects.create(
        user=person,
        notice=first,
        purpose=Purpose.NECESSARY,
        granted=True,
        method=ConsentMethod.PAPER,
        recorded_by=leader,
    )

    assert ASKED in text_of(signed_in(person).get("/mi-formacion/"))


def test_a_member_who_registered_under_the_notice_in_force_is_not_asked(client):
    client.post(
        "/cuenta/registro/",
        {
            "first_name": "Nueva",
            "username": "nueva",
            "password1": "una-contraseña-larga-123",
            "password2": "una-contraseña-larga-123",
            "consent_necessary": "on",
        },
    )

    assert ASKED not in text_of(client.get("/mi-formacion/"))


def test_without_ticking_the_box_nothing_is_recorded(earlier_member):
    client = signed_in(earlier_member)
    before = ConsentRecord.objects.count()

    response = accept(client, consent_necessary="")

    assert ConsentRecord.objects.count() == before
    assert spanish(
        "Tick the box to accept the necessary use of your data. If you do not "
        "agree with it, you can delete your account in My data."
    ) in messages_of(response)
    assert ASKED in text_of(response)


def test_a_version_other_than_the_one_in_force_is_not_accepted(earlier_member):
    client = signed_in(earlier_member)
    before = ConsentRecord.objects.count()

    response = accept(client, version=FIRST)

    assert ConsentRecord.objects.count() == before
    assert spanish(
        "The privacy notice changed in the meantime: read it and accept it."
    ) in messages_of(response)


def test_accepting_twice_records_one_acceptance(earlier_member):
    client = signed_in(earlier_member)

    accept(client)
    accept(client)

    assert (
        ConsentRecord.objects.filter(
            user=earlier_member, purpose=Purpose.NECESSARY, notice__version=IN_FORCE
        ).count()
        == 1
    )


def test_a_later_version_asks_again(earlier_member):
    client = signed_in(earlier_member)
    accept(client)
    PrivacyNotice.objects.create(
        version="2027-03",
        title="Aviso de privacidad",
        summary="Versión de marzo.",
        body="<p>Texto.</p>",
        published_at=timezone.now(),
    )

    assert "Versión de marzo." in text_of(client.get("/mi-formacion/"))
