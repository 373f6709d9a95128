"""Registering a person without internet, from "Mi consejo": the page speaks
to the leader registering someone else, offers the paper consent form to
print, and the code page gives the whole address the person will type."""

import pytest
from django.test import override_settings

from councils.factories import assign, make_council, make_person
from members.models import PrivacyNotice, Purpose
from tests.conftest import PASSWORD
from tests.councils.helpers import admin_url, signed_in, spanish, text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def council(db):
    return make_council("Consejo Santa Cecilia", municipality_name="Guadalajara")


@pytest.fixture
def leader(council):
    person = make_person("ana.lider", password=PASSWORD, first_name="Ana")
    assign(person, "coordinador-de-consejo", council=council)
    return person


def test_the_form_speaks_as_the_leader_registering_someone_else(council, leader):
    response = signed_in(leader).get(admin_url("member_register", council.pk))

    page = response.content.decode()
    text = text_of(response)
    assert spanish("Register this person") in text
    assert ">Registrarme<" not in page
    # What the person accepted is recorded in the third person, the
    # necessary use (with the sensitive affiliation) spelled out.
    assert "Acepta el uso de sus datos" in text or "acepta el uso de sus datos" in text
    assert "afiliación al movimiento" in text
    for purpose in Purpose:
        assert str(purpose.label) not in text  # "Usar mis datos…", first person
    assert admin_url("consent_form", council.pk) in page
    assert spanish("Print the paper consent form") in text


def test_the_paper_consent_form_prints_the_notice_and_every_purpose(council, leader):
    notice = PrivacyNotice.objects.current()

    response = signed_in(leader).get(admin_url("consent_form", council.pk))

    assert response.status_code == 200
    page = response.content.decode()
    text = text_of(response)
    assert council.title in text
    assert notice.title in text
    assert notice.version in text
    # Every purpose with a box to tick, in the words of the person signing.
    for purpose in Purpose:
        assert str(purpose.label) in text
    assert page.count('class="box"') == len(Purpose)
    for line in ("Signature", "Place and date", "Last names", "Name(s)"):
        assert spanish(line) in text
    # Light and printable: the admin's scripts are not there, nor any script.
    assert "<script" not in page
    assert "printable.css" in page


def test_the_consent_form_is_only_for_the_councils_leaders(council, leader):
    other = make_council(
        "Consejo Oblatos", municipality_code="120", municipality_name="Zapopan"
    )
    outsider = make_person("beto", password=PASSWORD)
    assign(outsider, "coordinador-de-consejo", council=other)
    member = make_person("lucia", password=PASSWORD)

    assert signed_in(outsider).get(
        admin_url("consent_form", council.pk)
    ).status_code in (302, 403)
    assert signed_in(member).get(admin_url("consent_form", council.pk)).status_code in (
        302,
        403,
    )


@override_settings(WAGTAILADMIN_BASE_URL="https://formacion.cococi.mx")
def test_the_code_page_gives_the_whole_address_to_sign_in(council, leader):
    response = signed_in(leader).post(
        admin_url("member_register", council.pk),
        {
            "first_name": "María",
            "last_name": "López",
            "phone": "",
            "email": "",
            "paper_consent": "on",
        },
    )

    assert response.status_code == 200
    assert "https://formacion.cococi.mx/cuenta/codigo/" in text_of(response)
