"""A constancia checked from paper: a code a person reads aloud and types on a
phone in any case, with or without dashes; a form at /constancias/ to type it;
a QR code on the PDF and on the verification page that opens that page; and
the constancias issued before, whose case-sensitive codes keep verifying."""

import re

import pytest
import segno

from courses import services, verification
from courses.booklets import html_to_pdf
from courses.models import Certificate
from tests.courses import learning_fixtures
from tests.courses.learning_fixtures import text_of

pytestmark = pytest.mark.django_db

course = learning_fixtures.course

READABLE = re.compile(r"[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){4}")


@pytest.fixture
def award(course, make_user):
    """A constancia row as the issuing service leaves it (the PDF is beside the
    point here: ``test_certificates`` renders it)."""

    def award(username="lucia", **fields):
        return Certificate.objects.create(
            user=make_user(username),
            course=course,
            person_name="Lucía Méndez Ruiz",
            course_title="Asambleas que deciden",
            axis_name="Democracia participativa y directa",
            hours=4,
            **fields,
        )

    return award


def qr_path(url):
    """The drawing of ``url``'s QR code as segno makes it: a page showing the
    same path shows the QR code of exactly that address."""
    svg = segno.make(url, error="m").svg_inline(scale=1, lineclass=None)
    return re.search(r' d="([^"]+)"', svg).group(1)


def drawn_paths(html):
    return re.findall(r'<svg[^>]*class="qr"[^>]*>.*?<path[^>]* d="([^"]+)"', html, re.S)


# The code


def test_a_new_code_is_five_groups_of_four_without_ambiguous_letters(award):
    codes = {award(f"persona{n}").code for n in range(40)}

    assert len(codes) == 40
    for code in codes:
        assert READABLE.fullmatch(code), code
        assert not set(code) & set("ILOU")


def test_a_code_holds_at_least_the_96_bits_of_the_earlier_codes():
    assert len(set(verification.ALPHABET)) == 32
    assert verification.SYMBOLS * 5 >= 96


@pytest.mark.parametrize(
    "typed",
    [
        "7KQ3-M9XD-2HVB-RT4N-CWZ8",
        "7kq3-m9xd-2hvb-rt4n-cwz8",
        "7kq3 m9xd 2hvb rt4n cwz8",
        " 7KQ3M9XD2HVBRT4NCWZ8 ",
        "7kq3–m9xd—2hvb rt4n-cwz8",
    ],
)
def test_a_code_is_read_in_any_case_with_or_without_dashes_or_spaces(typed):
    assert verification.readable(typed) == "7KQ3-M9XD-2HVB-RT4N-CWZ8"


def test_the_letters_people_write_for_digits_are_read_as_the_digits():
    assert verification.readable("OIL3-M9XD-2HVB-RT4N-CWZ8") == (
        "0113-M9XD-2HVB-RT4N-CWZ8"
    )
    assert verification.readable("oil3 m9xd 2hvb rt4n cwz8") == (
        "0113-M9XD-2HVB-RT4N-CWZ8"
    )


@pytest.mark.parametrize(
    "typed",
    ["7KQ3-M9XD-2HVB-RT4N", "7KQ3-M9XD-2HVB-RT4N-CWZ8-X", "UKQ3-M9XD-2HVB-RT4N-CWZ8"],
)
def test_what_is_not_a_readable_code_is_not_read_as_one(typed):
    assert verification.readable(typed) is None


# The form at /constancias/


def test_constancias_offers_a_form_to_type_the_code(client):
    response = client.get("/constancias/")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'method="get"' in html
    assert 'name="codigo"' in html
    assert "Código de la constancia" in text_of(response)


def test_a_code_typed_in_lower_case_with_spaces_opens_the_constancia(client, award):
    certificate = award()
    typed = certificate.code.lower().replace("-", " ")

    response = client.get("/constancias/", {"codigo": typed}, follow=True)

    assert response.redirect_chain == [(f"/constancias/{certificate.code}/", 302)]
    text = text_of(response)
    assert "Esta constancia es auténtica." in text
    assert "Lucía Méndez Ruiz" in text
    assert certificate.code in text


def test_a_code_typed_with_o_and_l_for_zero_and_one_opens_the_constancia(client, award):
    certificate = award(code="0113-M9XD-2HVB-RT4N-CWZ8")

    response = client.get("/constancias/", {"codigo": "olI3m9xd2hvbrt4ncwz8"})

    assert response["Location"] == f"/constancias/{certificate.code}/"


def test_an_unknown_code_is_told_in_spanish_on_the_form(client, award):
    award(code="0113-M9XD-2HVB-RT4N-CWZ8")

    response = client.get("/constancias/", {"codigo": "0113-M9XD-2HVB-RT4N-CWZ9"})

    assert response.status_code == 200
    text = text_of(response)
    assert "Ninguna constancia tiene este código." in text
    assert 'value="0113-M9XD-2HVB-RT4N-CWZ9"' in response.content.decode()


def test_an_empty_code_asks_for_it(client):
    response = client.get("/constancias/", {"codigo": "  "})

    assert response.status_code == 200
    assert "Escribe el código impreso en la constancia." in text_of(response)


def test_an_address_typed_in_lower_case_goes_to_the_constancias_own(client, award):
    certificate = award()

    response = client.get(f"/constancias/{certificate.code.lower()}/")

    assert response.status_code == 302
    assert response["Location"] == f"/constancias/{certificate.code}/"


def test_an_unknown_address_offers_the_form_again(client):
    response = client.get("/constancias/0113-M9XD-2HVB-RT4N-CWZ8/")

    assert response.status_code == 404
    assert 'name="codigo"' in response.content.decode()


# Constancias issued before the readable codes


def test_an_earlier_code_keeps_verifying_exactly_as_printed(client, award):
    certificate = award(code="aB3_xY-9kLmN0pQr")

    response = client.get("/constancias/aB3_xY-9kLmN0pQr/")

    assert response.status_code == 200
    assert "Esta constancia es auténtica." in text_of(response)
    form = client.get("/constancias/", {"codigo": " aB3_xY-9kLmN0pQr "})
    assert form["Location"] == f"/constancias/{certificate.code}/"


def test_an_earlier_code_typed_in_another_case_finds_the_only_one_it_can_be(
    client, award
):
    certificate = award(code="aB3_xY-9kLmN0pQr")

    response = client.get("/constancias/", {"codigo": "AB3_XY-9KLMN0PQR"})

    assert response["Location"] == f"/constancias/{certificate.code}/"


def test_an_earlier_code_in_another_case_is_looked_up_by_index(award):
    # A public page answers it: the lookup must not read every constancia.
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the plan is PostgreSQL's")
    award(code="aB3_xY-9kLmN0pQr")
    query = Certificate.objects.filter(code__iexact="AB3_XY-9KLMN0PQR")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = query.explain()

    assert "certificate_code_upper" in plan


def test_two_earlier_codes_differing_only_in_case_are_never_confused(client, award):
    lower = award("ana", code="abcdefgh_jkmnpqr")
    upper = award("beto", code="ABCDEFGH_JKMNPQR")

    assert client.get(f"/constancias/{lower.code}/").context["certificate"] == lower
    assert client.get(f"/constancias/{upper.code}/").context["certificate"] == upper
    guessed = client.get("/constancias/", {"codigo": "AbCdEfGh_JkMnPqR"})
    assert guessed.status_code == 200
    assert "Ninguna constancia tiene este código." in text_of(guessed)


def test_an_earlier_code_that_looks_readable_is_still_the_earlier_one(client, award):
    """16 symbols of the readable alphabet: an earlier code, never read as a
    readable one (those have 20)."""
    certificate = award(code="ABCDEFGHJKMNPQRS")

    response = client.get("/constancias/", {"codigo": "ABCDEFGHJKMNPQRS"})

    assert response["Location"] == f"/constancias/{certificate.code}/"


# The QR code


def test_the_verification_page_shows_the_qr_code_of_its_own_address(client, award):
    certificate = award()

    response = client.get(f"/constancias/{certificate.code}/")

    url = f"http://testserver/constancias/{certificate.code}/"
    assert drawn_paths(response.content.decode()) == [qr_path(url)]
    assert 'aria-label="Código QR de esta página"' in response.content.decode()


def test_the_qr_code_opens_the_address_the_site_is_served_at(client, award, settings):
    settings.WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8001"
    certificate = award()

    response = client.get(f"/constancias/{certificate.code}/")

    url = f"http://127.0.0.1:8001/constancias/{certificate.code}/"
    assert drawn_paths(response.content.decode()) == [qr_path(url)]


def test_the_printed_constancia_carries_the_qr_code_and_the_code(award):
    certificate = award()

    html = services.render_certificate_html(certificate)

    url = f"http://testserver/constancias/{certificate.code}/"
    assert drawn_paths(html) == [qr_path(url)]
    assert url in html
    assert certificate.code in html


def test_the_printed_constancia_with_its_qr_code_is_a_pdf(award):
    html = services.render_certificate_html(award())

    assert html_to_pdf(html).startswith(b"%PDF")
