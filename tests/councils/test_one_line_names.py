"""Names people type are one line: a constitution request's council name,
sector and place, a meeting's title and place. A line break or another
control character is refused at the form, in Spanish, and nothing is saved."""

import pytest
from django.utils import timezone

from councils.factories import assign, make_council, make_person
from councils.models import ConstitutionRequest, Meeting
from tests.councils.helpers import admin_url, signed_in, spanish, text_of
from tests.councils.test_constitution import (
    FORM_URL,
    founder_rows,
    request_form_data,
)

pytestmark = pytest.mark.django_db

MESSAGE = "The name cannot contain line breaks or control characters."


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.mark.parametrize(
    "field", ["proposed_name", "assembly_place", "sector"], ids=str
)
@pytest.mark.parametrize("mark", ["\n", "\r\n", "\t", "\x1b", "\x85", "\u2028"])
def test_a_constitution_request_refuses_a_name_that_breaks_the_line(field, mark):
    requester = make_person("promotora", first_name="Alma")
    founders = founder_rows(
        make_person("coordinadora", first_name="Carmen"),
        make_person("secretario", first_name="Tomás"),
        requester,
    )
    data = request_form_data(founders)
    data[field] = f"Consejo Ferrocarril{mark}END:VCALENDAR"

    response = signed_in(requester).post(FORM_URL, data)

    assert response.status_code == 400  # the form again, with its errors
    assert spanish(MESSAGE) in text_of(response)
    assert not ConstitutionRequest.objects.exists()


@pytest.mark.parametrize("field", ["title", "place"])
def test_a_meeting_refuses_a_title_or_place_that_breaks_the_line(field):
    council = make_council("Consejo Santa Cecilia")
    leader = make_person("ana.lider")
    assign(leader, "coordinador-de-consejo", council=council)
    data = {
        "kind": "asamblea_ordinaria",
        "title": "Asamblea de diciembre",
        "starts_at": (timezone.localtime() + timezone.timedelta(days=7)).strftime(
            "%Y-%m-%dT%H:%M"
        ),
        "duration_minutes": "90",
        "place": "Casa ejidal",
        "modality": "presencial",
        "agenda": "1. Informe\n2. Plan",  # an agenda has lines: kept
        "is_public": "on",
    }
    client = signed_in(leader)
    accepted = client.post(admin_url("meeting_add", council.pk), data)
    assert accepted.status_code == 302
    assert Meeting.objects.get().agenda == "1. Informe\n2. Plan"

    data[field] = "Casa ejidal\r\nATTACH:http://otro.example/"
    response = client.post(admin_url("meeting_add", council.pk), data)

    assert response.status_code == 200
    assert spanish(MESSAGE) in text_of(response)
    assert Meeting.objects.count() == 1
