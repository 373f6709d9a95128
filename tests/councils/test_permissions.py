"""Council leaders edit their own council and nothing else; state coordination
covers every council of its state; private files follow the same scopes.

Rights come from ``RoleAssignment`` rows alone: the tests give and end offices
and then act through the real admin and public URLs, as a browser would.
"""

import html
import re

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.models import (
    Collection,
    CollectionViewRestriction,
    GroupPagePermission,
)

from councils.factories import (
    assign,
    join,
    make_council,
    make_person,
    municipality,
    state_page,
)
from councils.models import CouncilPage, Membership, RoleAssignment, StatePage
from courses.models import Axis
from tests.councils.helpers import signed_in
from tests.courses.conftest import contentstate, page_form_data, stream_form_data

pytestmark = pytest.mark.django_db

Document = get_document_model()
ACTA_BYTES = b"%PDF-1.4\n% acta de la asamblea: firmas y nombres\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Uploaded documents in a folder of this test only."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def council_a(db):
    return make_council(
        "Consejo Comunitario Santa Cecilia",
        municipality_code="039",
        municipality_name="Guadalajara",
    )


@pytest.fixture
def council_b(db):
    return make_council(
        "Consejo Comunitario Las Juntas",
        municipality_code="067",
        municipality_name="Puerto Vallarta",
    )


@pytest.fixture
def council_cdmx(db):
    return make_council(
        "Consejo Comunitario Tepito",
        state_code="09",
        municipality_code="015",
        municipality_name="Cuauhtémoc",
    )


@pytest.fixture
def leader_a(council_a):
    person = make_person("lider.a", first_name="Lucía", email="lucia@example.org")
    assign(person, "coordinador-de-consejo", council=council_a)
    return person


@pytest.fixture
def leader_b(council_b):
    person = make_person("lider.b", first_name="Beto")
    assign(person, "coordinador-de-consejo", council=council_b)
    return person


@pytest.fixture
def jalisco_coordinator(db):
    person = make_person("coord.jalisco", first_name="Juana")
    assign(person, "coordinador-estatal", state="14")
    return person


def edit_url(page):
    return f"/admin/pages/{page.pk}/edit/"


def council_form_data(council, *, title=None, paragraph=""):
    """What the admin's edit form posts for ``council``, with a new body."""
    axes = Axis.objects.order_by("number")[:2]
    data = page_form_data(
        title or council.title,
        council.slug,
        municipality=str(council.municipality_id or ""),
        sector=council.sector,
        status=council.status,
        founded_on="2024-03-09",
        priority_axes=[str(axis.pk) for axis in axes],
        meeting_place="Salón ejidal de la colonia",
        meeting_schedule="Sábados cada quince días a las 10:00",
        contact_email="consejo@example.org",
        contact_phone="3312345678",
    )
    data.update(
        stream_form_data(
            "body",
            [
                ("heading", "Quiénes somos"),
                ("paragraph", contentstate(paragraph or "Vecinas organizadas.")),
            ],
        )
    )
    data["action-publish"] = "action-publish"
    return data


def assert_refused(response, forbidden_text=None):
    """The admin turns PermissionDenied into a redirect to its dashboard."""
    assert response.status_code in (302, 403), response.status_code
    if response.status_code == 302:
        assert response["Location"] in ("/admin/", "/admin") or (
            "/login/" in response["Location"]
        ), response["Location"]
    if forbidden_text:
        assert forbidden_text not in response.content.decode()


def make_document(council, title, data=ACTA_BYTES, name="acta.pdf"):
    document = Document(title=title, collection=council.collection)
    document.file.save(name, ContentFile(data), save=False)
    document.save()
    return document


def body_of(response):
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def pdf_upload(name="acta.pdf"):
    return SimpleUploadedFile(name, ACTA_BYTES, content_type="application/pdf")


# A council's own leaders


def test_council_leader_edits_and_publishes_their_council_page(council_a, leader_a):
    client = signed_in(leader_a)
    assert client.get(edit_url(council_a)).status_code == 200

    data = council_form_data(
        council_a,
        title="Consejo Comunitario Santa Cecilia Norte",
        paragraph="Nos reunimos para cuidar el agua del barrio.",
    )
    response = client.post(edit_url(council_a), data)

    assert response.status_code == 302, response.content.decode()[:3000]
    council_a.refresh_from_db()
    assert council_a.title == "Consejo Comunitario Santa Cecilia Norte"
    assert council_a.live and not council_a.has_unpublished_changes
    assert council_a.meeting_place == "Salón ejidal de la colonia"
    assert council_a.priority_axes.count() == 2
    public = Client().get(council_a.url)
    assert public.status_code == 200
    html = public.content.decode()
    assert "Consejo Comunitario Santa Cecilia Norte" in html
    assert "Nos reunimos para cuidar el agua del barrio." in html
    assert "Salón ejidal de la colonia" in html


def municipality_options(response):
    """The municipalities the page editor's select offers, by name."""
    select = re.search(
        r'<select name="municipality"[^>]*>(.*?)</select>',
        response.content.decode(),
        flags=re.S,
    )
    assert select, "no municipality select"
    labels = re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', select[1])
    return {html.unescape(label).split(",")[0] for label in labels}


def test_the_page_editor_offers_only_the_municipalities_of_the_council_s_state(
    council_a, council_b, council_cdmx, leader_a, jalisco_coordinator
):
    oaxaca = municipality("20", "067", "Oaxaca de Juárez")

    edit = signed_in(leader_a).get(edit_url(council_a))
    new_in_jalisco = signed_in(jalisco_coordinator).get(
        f"/admin/pages/add/councils/councilpage/{council_a.get_parent().pk}/"
    )

    for response in (edit, new_in_jalisco):
        assert response.status_code == 200
        offered = municipality_options(response)
        assert {"Guadalajara", "Puerto Vallarta"} <= offered
        assert not offered & {"Cuauhtémoc", oaxaca.name}


def test_council_leader_cannot_open_or_change_another_councils_page(
    council_a, council_b, leader_a
):
    client = signed_in(leader_a)

    assert_refused(client.get(edit_url(council_b)), "Consejo Comunitario Las Juntas")

    revisions = council_b.revisions.count()
    response = client.post(
        edit_url(council_b),
        council_form_data(council_b, title="Tomado", paragraph="Tomado por A."),
    )
    assert_refused(response)
    council_b.refresh_from_db()
    assert council_b.title == "Consejo Comunitario Las Juntas"
    assert council_b.revisions.count() == revisions
    assert "Tomado" not in Client().get(council_b.url).content.decode()


def test_council_leader_does_not_see_other_councils_in_the_page_explorer(
    council_a, council_b, leader_a
):
    client = signed_in(leader_a)

    response = client.get(f"/admin/pages/{council_b.get_parent().pk}/", follow=True)

    # The explorer starts at what the leader may edit: their own council.
    html = response.content.decode()
    assert "Consejo Comunitario Santa Cecilia" in html
    assert "Consejo Comunitario Las Juntas" not in html
    assert edit_url(council_b) not in html


def test_council_leader_uploads_files_only_to_their_own_collection(
    council_a, council_b, leader_a
):
    client = signed_in(leader_a)

    response = client.post(
        "/admin/documents/add/",
        {
            "title": "Acta de la asamblea de enero",
            "file": pdf_upload(),
            "collection": council_a.collection_id,
        },
    )
    assert response.status_code == 302
    assert Document.objects.get(title="Acta de la asamblea de enero").collection_id == (
        council_a.collection_id
    )

    response = client.post(
        "/admin/documents/add/",
        {
            "title": "Colado en B",
            "file": pdf_upload("colado.pdf"),
            "collection": council_b.collection_id,
        },
    )
    # A's collection is the only one offered: the upload is filed there, if at all.
    assert response.status_code in (200, 302, 403)
    assert not Document.objects.filter(collection=council_b.collection).exists()
    for document in Document.objects.filter(title="Colado en B"):
        assert document.collection_id == council_a.collection_id


def test_council_leader_cannot_upload_to_another_collection_in_bulk(
    council_a, council_b, leader_a
):
    client = signed_in(leader_a)

    response = client.post(
        "/admin/documents/multiple/add/",
        {"files[]": pdf_upload("masivo.pdf"), "collection": council_b.collection_id},
    )

    assert response.status_code in (200, 302, 400, 403)
    assert not Document.objects.filter(collection=council_b.collection).exists()
    for document in Document.objects.all():
        assert document.collection_id == council_a.collection_id


def test_council_leader_does_not_see_another_councils_documents(
    council_a, council_b, leader_a
):
    make_document(council_a, "Acta propia de Santa Cecilia")
    other = make_document(council_b, "Acta reservada de Las Juntas")
    client = signed_in(leader_a)

    response = client.get("/admin/documents/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Acta propia de Santa Cecilia" in html
    assert "Acta reservada de Las Juntas" not in html
    assert_refused(
        client.get(f"/admin/documents/edit/{other.pk}/"), "Acta reservada de Las Juntas"
    )
    client.post(f"/admin/documents/delete/{other.pk}/")
    assert Document.objects.filter(pk=other.pk).exists()


def test_council_leader_is_refused_another_councils_area_and_members(
    council_a, council_b, leader_a, leader_b
):
    member_b = make_person("vecina.b", first_name="Zoraida", last_name="Quintero")
    join(member_b, council_b)
    client = signed_in(leader_a)

    own = client.get(f"/admin/mi-consejo/{council_a.pk}/")
    assert own.status_code == 200
    assert "Consejo Comunitario Santa Cecilia" in own.content.decode()

    for url in (
        f"/admin/mi-consejo/{council_b.pk}/",
        f"/admin/mi-consejo/{council_b.pk}/?p=1",
        f"/admin/mi-consejo/{council_b.pk}/integrantes/nuevo/",
        f"/admin/mi-consejo/{council_b.pk}/reuniones/nueva/",
    ):
        response = client.get(url)
        assert_refused(response, "Zoraida")
        assert "vecina.b" not in response.content.decode()

    # B's own leader does see the member.
    html = signed_in(leader_b).get(f"/admin/mi-consejo/{council_b.pk}/").content
    assert "vecina.b" in html.decode()


# State coordination


def test_state_coordinator_edits_and_publishes_every_council_of_the_state(
    council_a, council_b, council_cdmx, jalisco_coordinator
):
    client = signed_in(jalisco_coordinator)

    for council, text in (
        (council_a, "Texto de la coordinación para Santa Cecilia."),
        (council_b, "Texto de la coordinación para Las Juntas."),
    ):
        assert client.get(edit_url(council)).status_code == 200
        response = client.post(
            edit_url(council), council_form_data(council, paragraph=text)
        )
        assert response.status_code == 302, response.content.decode()[:3000]
        assert text in Client().get(council.url).content.decode()

    assert_refused(client.get(edit_url(council_cdmx)), "Tepito")
    revisions = council_cdmx.revisions.count()
    response = client.post(
        edit_url(council_cdmx),
        council_form_data(council_cdmx, paragraph="Texto ajeno."),
    )
    assert_refused(response)
    assert council_cdmx.revisions.count() == revisions
    assert "Texto ajeno." not in Client().get(council_cdmx.url).content.decode()


def test_state_coordinator_sees_only_their_states_councils_in_my_council(
    council_a, council_b, council_cdmx, jalisco_coordinator
):
    client = signed_in(jalisco_coordinator)

    response = client.get("/admin/mi-consejo/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Consejo Comunitario Santa Cecilia" in html
    assert "Consejo Comunitario Las Juntas" in html
    assert "Tepito" not in html
    assert client.get(f"/admin/mi-consejo/{council_b.pk}/").status_code == 200
    assert_refused(client.get(f"/admin/mi-consejo/{council_cdmx.pk}/"), "Tepito")


def test_state_coordination_holds_page_rights_once_however_many_councils(
    council_a, council_b, jalisco_coordinator
):
    jalisco = state_page("14")
    group = jalisco.group
    assert group is not None
    assert jalisco_coordinator.groups.filter(pk=group.pk).exists()
    rows = GroupPagePermission.objects.filter(group=group)
    assert set(rows.values_list("page_id", flat=True)) == {jalisco.pk}
    count = rows.count()

    third = make_council(
        "Consejo Comunitario Tlaquepaque Centro", municipality_code="098"
    )

    assert set(rows.values_list("page_id", flat=True)) == {jalisco.pk}
    assert rows.count() == count
    # The right on the state page reaches the new council, and its files too.
    client = signed_in(jalisco_coordinator)
    assert client.get(edit_url(third)).status_code == 200
    document = make_document(third, "Acta de Tlaquepaque")
    client.post(
        "/admin/motivo/",
        {"alcance": f"consejo:{third.pk}", "motivo": "Revisar el acta nueva"},
    )
    response = client.get(document.url)
    assert response.status_code == 200
    assert body_of(response) == ACTA_BYTES


# Offices that end, and offices that lead nothing


def test_ending_a_role_takes_the_rights_away(council_a, leader_a):
    client = signed_in(leader_a)
    assert client.get(edit_url(council_a)).status_code == 200

    assignment = RoleAssignment.objects.get(user=leader_a)
    assignment.ended_on = timezone.localdate()
    assignment.save()

    assert not leader_a.groups.filter(pk=council_a.group_id).exists()
    assert_refused(client.get(edit_url(council_a)))
    assert_refused(client.get(f"/admin/mi-consejo/{council_a.pk}/"))


def test_deleting_a_role_assignment_takes_the_rights_away(council_a, leader_a):
    client = signed_in(leader_a)
    assert client.get(edit_url(council_a)).status_code == 200

    RoleAssignment.objects.filter(user=leader_a).delete()

    assert not leader_a.groups.filter(pk=council_a.group_id).exists()
    assert_refused(client.get(edit_url(council_a)))


def test_a_second_office_keeps_the_rights_when_the_first_ends(council_a, leader_a):
    assign(leader_a, "secretario-de-actas", council=council_a)

    RoleAssignment.objects.filter(
        user=leader_a, role__slug="coordinador-de-consejo"
    ).delete()

    assert leader_a.groups.filter(pk=council_a.group_id).exists()
    assert signed_in(leader_a).get(edit_url(council_a)).status_code == 200


@pytest.mark.parametrize(
    "role_slug", ["integrante", "promotor-comunitario", "enlace-de-eje", "formador"]
)
def test_a_non_leading_role_gives_no_admin_access(council_a, role_slug):
    person = make_person("vecino", first_name="Pedro")
    join(person, council_a)
    national = role_slug == "formador"  # travels between councils, leads none
    assign(person, role_slug, council=None if national else council_a)

    assert not person.groups.exists()
    client = signed_in(person)
    for url in (
        "/admin/",
        edit_url(council_a),
        "/admin/mi-consejo/",
        f"/admin/mi-consejo/{council_a.pk}/",
    ):
        response = client.get(url)
        assert_refused(response, "Consejo Comunitario Santa Cecilia")
        if response.status_code == 302:
            assert response["Location"].startswith("/admin/login/"), url


# Deleting what the organisation is made of


def test_a_council_leader_cannot_delete_their_council(council_a):
    # Deleting the page would take the council's members, meetings and offices
    # with it; leaders hide a page by unpublishing it.
    secretary = make_person("secretaria.a", first_name="Inés")
    assign(secretary, "secretario-de-actas", council=council_a)
    member = make_person("vecina.a", first_name="Rosa")
    join(member, council_a)
    client = signed_in(secretary)

    client.post(f"/admin/pages/{council_a.pk}/delete/")

    assert CouncilPage.objects.filter(pk=council_a.pk).exists()
    assert Membership.objects.filter(council=council_a, user=member).exists()
    assert secretary.groups.filter(pk=council_a.group_id).exists()


def test_a_state_coordinator_cannot_delete_the_state_page(jalisco_coordinator):
    jalisco = state_page("14")
    assert not jalisco.get_children().exists()  # a leaf: nothing else stops it

    signed_in(jalisco_coordinator).post(f"/admin/pages/{jalisco.pk}/delete/")

    assert StatePage.objects.filter(pk=jalisco.pk).exists()
    assert Client().get("/consejos/jalisco/").status_code == 200


# Provisioning


def test_creating_a_council_provisions_one_group_and_one_private_collection(
    council_a,
):
    # council_a made the state's collections; count what one more council adds.
    groups, collections = Group.objects.count(), Collection.objects.count()
    restrictions = CollectionViewRestriction.objects.count()

    council = make_council("Consejo Comunitario Oblatos", municipality_code="120")

    assert Group.objects.count() == groups + 1
    assert Collection.objects.count() == collections + 1
    assert CollectionViewRestriction.objects.count() == restrictions + 1
    council = CouncilPage.objects.get(pk=council.pk)
    assert council.group is not None and council.collection is not None
    assert council.collection.get_parent() == state_page("14").collection
    restriction = CollectionViewRestriction.objects.get(collection=council.collection)
    assert restriction.restriction_type == CollectionViewRestriction.GROUPS
    assert council.group in restriction.groups.all()
    rows = GroupPagePermission.objects.filter(group=council.group)
    assert set(rows.values_list("page_id", flat=True)) == {council.pk}
    assert set(rows.values_list("permission__codename", flat=True)) == {
        "change_page",
        "publish_page",
    }


def test_deleting_a_council_removes_its_group_and_empty_collection(council_a):
    council = make_council("Consejo Comunitario Oblatos", municipality_code="120")
    group_id, collection_id = council.group_id, council.collection_id

    CouncilPage.objects.get(pk=council.pk).delete()

    assert not Group.objects.filter(pk=group_id).exists()
    assert not Collection.objects.filter(pk=collection_id).exists()
    assert not CollectionViewRestriction.objects.filter(
        collection_id=collection_id
    ).exists()


def test_a_collection_holding_an_acta_survives_its_councils_deletion(council_a):
    council = make_council("Consejo Comunitario Oblatos", municipality_code="120")
    document = make_document(council, "Acta constitutiva de Oblatos")
    group_id, collection_id = council.group_id, council.collection_id

    CouncilPage.objects.get(pk=council.pk).delete()

    assert not Group.objects.filter(pk=group_id).exists()
    assert Collection.objects.filter(pk=collection_id).exists()
    document.refresh_from_db()
    assert document.collection_id == collection_id
    # Still private: an anonymous visitor is sent to sign in.
    response = Client().get(document.url)
    assert response.status_code == 302
    assert ACTA_BYTES not in body_of(response)


# Private actas


def test_a_councils_acta_is_served_to_its_leaders_and_state_coordination(
    council_a, leader_a, jalisco_coordinator
):
    """Its leaders open it; the state's coordination, above the council, after
    writing why (logged with the acta's title), as for the council's people."""
    from members.models import AccessLog

    document = make_document(council_a, "Acta de Santa Cecilia")
    assert document.url.startswith("/documentos/")

    response = signed_in(leader_a).get(document.url)
    assert response.status_code == 200
    assert body_of(response) == ACTA_BYTES
    assert not AccessLog.objects.exists()

    coordinator = signed_in(jalisco_coordinator)
    asked = coordinator.get(document.url)
    assert asked.status_code == 200
    assert ACTA_BYTES not in body_of(asked)
    assert 'name="alcance"' in asked.content.decode()  # the reason's form
    answered = coordinator.post(
        "/admin/motivo/",
        {
            "alcance": f"consejo:{council_a.pk}",
            "motivo": "Revisar el acuerdo de la asamblea",
            "next": document.url,
        },
    )
    assert answered.status_code == 302
    assert answered["Location"] == document.url
    response = coordinator.get(document.url)
    assert body_of(response) == ACTA_BYTES
    entry = AccessLog.objects.get()
    assert entry.actor == jalisco_coordinator
    assert entry.scope == f"consejo:{council_a.pk}"
    assert "Revisar el acuerdo" in entry.detail
    assert "Acta de Santa Cecilia" in entry.detail


def test_a_councils_acta_is_not_served_to_anyone_else(
    council_a, council_b, leader_a, leader_b
):
    document = make_document(council_a, "Acta de Santa Cecilia")
    member = make_person("vecina.a", first_name="Rosa")
    join(member, council_a)
    cdmx_coordinator = make_person("coord.cdmx")
    assign(cdmx_coordinator, "coordinador-estatal", state="09")

    response = Client().get(document.url)
    assert response.status_code == 302  # sent to sign in
    assert f"next={document.url}" in response["Location"]
    for client in (signed_in(member), signed_in(leader_b), signed_in(cdmx_coordinator)):
        response = client.get(document.url)
        # Signed in already: not found (a sign-in page would send her back).
        assert response.status_code == 404
        assert ACTA_BYTES not in body_of(response)


def test_files_of_a_states_collection_are_private_too(
    council_a, leader_a, jalisco_coordinator
):
    """A state coordinator's own uploads go to the state's collection: readable
    by the state's coordination and leaders, not by the public or other states."""
    state_page = StatePage.objects.get(state__code="14")
    document = Document(title="Plan estatal", collection=state_page.collection)
    document.file.save("plan.pdf", ContentFile(ACTA_BYTES), save=False)
    document.save()
    cdmx_coordinator = make_person("coord.cdmx")
    assign(cdmx_coordinator, "coordinador-estatal", state="09")

    response = signed_in(jalisco_coordinator).get(document.url)
    assert response.status_code == 200
    assert body_of(response) == ACTA_BYTES
    response = Client().get(document.url)
    assert response.status_code == 302
    assert response["Location"].startswith("/cuenta/entrar/")
    response = signed_in(cdmx_coordinator).get(document.url)
    assert response.status_code == 404
    assert ACTA_BYTES not in body_of(response)


# Other admin users


def test_a_course_editor_cannot_edit_council_pages(council_a, editor):
    client = signed_in(editor)

    assert_refused(client.get(edit_url(council_a)))
    response = client.post(
        edit_url(council_a), council_form_data(council_a, title="Editado")
    )
    assert_refused(response)
    council_a.refresh_from_db()
    assert council_a.title == "Consejo Comunitario Santa Cecilia"
    assert_refused(client.get("/admin/mi-consejo/"))


def test_a_superuser_edits_and_publishes_any_council(council_cdmx, superuser):
    client = signed_in(superuser)

    response = client.post(
        edit_url(council_cdmx),
        council_form_data(council_cdmx, paragraph="Publicado por la administración."),
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    assert "Publicado por la administración." in (
        Client().get(council_cdmx.url).content.decode()
    )
