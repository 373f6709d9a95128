"""A council leader's admin dashboard shows the membership requests waiting
for her, in the councils she leads only, with the way to Mi consejo."""

import pytest

from councils.factories import assign, join, make_council, make_person
from councils.models import MembershipStatus
from tests.conftest import PASSWORD
from tests.councils.helpers import signed_in, text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def councils(db):
    return (
        make_council("Consejo Santa Cecilia", municipality_name="Guadalajara"),
        make_council("Consejo Oblatos", municipality_code="120"),
    )


def test_a_leader_sees_the_requests_waiting_in_her_council(councils):
    mine, other = councils
    leader = make_person("ana.lider", password=PASSWORD, first_name="Ana")
    assign(leader, "coordinador-de-consejo", council=mine)
    for name in ("sofia", "lucia"):
        join(make_person(name), mine, status=MembershipStatus.PENDING)
    join(make_person("pedro"), mine)
    join(make_person("beto"), other, status=MembershipStatus.PENDING)

    response = signed_in(leader).get("/admin/")

    page = text_of(response)
    assert "2 solicitudes de integración esperan tu respuesta." in page
    assert 'href="/admin/mi-consejo/"' in response.content.decode()
    assert "Respóndelas en Mi consejo" in page


def test_no_request_panel_for_someone_who_leads_nothing(councils, editor):
    join(make_person("beto"), councils[1], status=MembershipStatus.PENDING)

    page = text_of(signed_in(editor).get("/admin/"))

    assert "esperan tu respuesta" not in page
    assert "Ninguna solicitud" not in page
