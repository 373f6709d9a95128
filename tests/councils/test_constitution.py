"""Constituting a council: a promoting team sends its request with the acta of the
constitutive assembly, founders named with their accounts confirm it on
/mi-formacion/, and the state's coordination approves or rejects it.

Approval creates, in one go, the council's draft page, its group and private
collection, the constitutive assembly with its acta, the memberships of the
founders who confirmed and their elected offices. Whether a username names an
account is never said; nobody is moved without their confirmation.
"""

import datetime
import io
import re

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.test import Client, override_settings
from django.utils import timezone
from django.utils.html import escape
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.models import Collection

from councils.factories import (
    assign,
    join,
    make_council,
    make_person,
    municipality,
    state_page,
)
from councils.models import (
    ConstitutionRequest,
    CouncilPage,
    LeadershipRole,
    Meeting,
    MeetingKind,
    Membership,
    RoleAssignment,
    State,
)
from courses.models import Axis
from members.models import AccessLog, SignInCode
from notifications.channels import phone_e164
from notifications.models import ChannelPreference, Notice
from tests.councils.helpers import admin_url, signed_in
from tests.councils.helpers import spanish as spanish_text
from tests.courses.conftest import contentstate, page_form_data, stream_form_data
from tests.notifications import conftest as notices
from tests.notifications.conftest import consent

# The real SMS receiver and the fixed clock of the notices' tests.
receiver, sms, clock = notices.receiver, notices.sms, notices.clock

pytestmark = pytest.mark.django_db

Document = get_document_model()
GUIDE_URL = "/consejos/como-constituir-un-consejo/"
FORM_URL = f"{GUIDE_URL}solicitud/"
PROPOSED_NAME = "Consejo Comunitario Colonia Ferrocarril"
ACTA_BYTES = b"%PDF-1.4\n% Acta de la asamblea constitutiva, con firmas.\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Public and private uploads in folders of this test only."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def spanish(message, **params):
    """The Spanish text the site shows for an English source message, escaped."""
    translated = spanish_text(message)
    return escape(translated % params if params else translated)


@pytest.fixture
def guadalajara(db):
    return municipality("14", "039", "Guadalajara")


@pytest.fixture
def requester(db):
    """Alma, with e-mail; she agreed to notices (the decision is one)."""
    person = make_person(
        "promotora", first_name="Alma", last_name="Reyes", email="alma@example.org"
    )
    consent(person)
    return person


@pytest.fixture
def coordinator_elect(db):
    return make_person("coordinadora", first_name="Carmen", last_name="Ibarra")


@pytest.fixture
def secretary_elect(db):
    return make_person("secretario", first_name="Tomás", last_name="Luna")


@pytest.fixture
def jalisco_coordinator(db):
    from councils.factories import assign

    person = make_person("coord.jalisco", first_name="Juana")
    assign(person, "coordinador-estatal", state="14")
    return person


@pytest.fixture
def cdmx_coordinator(db):
    from councils.factories import assign

    person = make_person("coord.cdmx", first_name="Diana")
    assign(person, "coordinador-estatal", state="09")
    return person


def pdf_upload(name="acta.pdf", data=ACTA_BYTES):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def role_pk(slug):
    return str(LeadershipRole.objects.get(slug=slug).pk)


def founder_rows(coordinator, secretary, requester):
    """Five founders: three with accounts (two elected to lead; the third is
    the requester), two without."""
    return [
        {
            "full_name": "Carmen Ibarra",
            "username": coordinator.username,
            "role": role_pk("coordinador-de-consejo"),
        },
        {
            "full_name": "Tomás Luna",
            "username": secretary.username,
            "role": role_pk("secretario-de-actas"),
        },
        {
            "full_name": "Alma Reyes",
            "username": requester.username,
            "role": role_pk("promotor-comunitario"),
        },
        {"full_name": "Guadalupe Torres", "phone": "3311223344"},
        {"full_name": "Ramiro Salas", "phone": "", "role": role_pk("integrante")},
    ]


def request_form_data(founders, *, acta=None, **fields):
    """The multipart data the request form posts, with one row per founder."""
    data = {
        "proposed_name": PROPOSED_NAME,
        "state": str(State.objects.get(code="14").pk),
        "municipality": str(municipality("14", "039", "Guadalajara").pk),
        "sector": "",
        "assembly_on": (timezone.localdate() - datetime.timedelta(days=10)).isoformat(),
        "assembly_place": "Cancha de la colonia Ferrocarril",
        "acta": acta or pdf_upload(),
        "fundadores-TOTAL_FORMS": str(len(founders) + 1),
        "fundadores-INITIAL_FORMS": "0",
        "fundadores-MIN_NUM_FORMS": "0",
        "fundadores-MAX_NUM_FORMS": "40",
    }
    for number, founder in enumerate([*founders, {}]):  # plus one blank row
        for name in ("full_name", "phone", "username", "role"):
            data[f"fundadores-{number}-{name}"] = founder.get(name, "")
    data.update(fields)
    return data


@pytest.fixture
def valid_data(guadalajara, requester, coordinator_elect, secretary_elect):
    return request_form_data(
        founder_rows(coordinator_elect, secretary_elect, requester)
    )


@pytest.fixture
def pending(requester, valid_data):
    """A request sent through the public form, as the requester would."""
    response = signed_in(requester).post(FORM_URL, valid_data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return ConstitutionRequest.objects.get()


def answer_url(founder):
    return f"/consejos/solicitudes/fundadores/{founder.pk}/"


def codes_shown(page):
    """{username: one-time code} of the sign-in codes page."""
    return dict(
        re.findall(r"<code>([\w.]+)</code></td><td><code>(\w{4}-\w{4})</code>", page)
    )


def founder_row(constitution, person):
    return constitution.founders.get(user=person)


def answer(person, constitution, reply):
    """``person`` answers from /mi-formacion/, as its buttons post."""
    founder = founder_row(constitution, person)
    return signed_in(person).post(answer_url(founder), {"respuesta": reply})


@pytest.fixture
def confirmed(pending, coordinator_elect, secretary_elect):
    """The pending request, once the coordinator and the secretary elect have
    confirmed that they are founders (the requester did by sending it)."""
    for person in (coordinator_elect, secretary_elect):
        assert answer(person, pending, "si").status_code == 302
    return pending


def detail_url(constitution):
    return f"/admin/constituciones/{constitution.pk}/"


def acta_url(constitution):
    return f"/consejos/solicitudes/{constitution.pk}/acta/"


def body_of(response):
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def assert_refused(response, hidden_text=None):
    """The admin turns PermissionDenied into a redirect (dashboard or sign-in)."""
    assert response.status_code in (302, 403), response.status_code
    if hidden_text:
        assert hidden_text not in response.content.decode()


def world_counts():
    """Everything an approval creates, to prove a refused one created nothing."""
    return {
        "councils": CouncilPage.objects.count(),
        "groups": Group.objects.count(),
        "collections": Collection.objects.count(),
        "memberships": Membership.objects.count(),
        "roles": RoleAssignment.objects.count(),
        "meetings": Meeting.objects.count(),
        "documents": Document.objects.count(),
    }


# Sending a request


def select_options(html, name):
    """The labels of the options of the select ``name`` (none: no select)."""
    found = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, flags=re.S)
    if not found:
        return None
    return [
        label.strip()
        for value, label in re.findall(
            r'<option value="([^"]*)"[^>]*>([^<]*)</option>', found[1]
        )
        if value
    ]


def test_a_signed_in_member_chooses_the_state_and_then_gets_the_request_form(
    requester, guadalajara
):
    municipality("14", "120", "Zapopan")
    municipality("09", "015", "Cuauhtémoc")
    client = signed_in(requester)

    first = client.get(FORM_URL).content.decode()
    # Step one, without JavaScript: a GET form naming the 32 states.
    assert 'method="get"' in first and 'name="proposed_name"' not in first
    assert len(select_options(first, "estado")) == 32
    assert select_options(first, "municipality") is None

    response = client.get(FORM_URL, {"estado": "14"})

    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="proposed_name"' in html
    assert 'name="fundadores-TOTAL_FORMS"' in html
    assert 'enctype="multipart/form-data"' in html
    assert "Jalisco" in html and "?estado=14&amp;cambiar=1" in html
    assert select_options(html, "municipality") == ["Guadalajara", "Zapopan"]


def test_the_form_says_the_assembly_place_is_not_published(requester, guadalajara):
    # The assembly is often held in someone's home: the requester is told who
    # reads the place, and approval never publishes it (below).
    html = signed_in(requester).get(FORM_URL, {"estado": "14"}).content.decode()

    help_id = 'aria-describedby="id_assembly_place_helptext"'
    assert help_id in html
    assert "no se publica" in html


def test_a_form_sent_back_keeps_what_was_typed_and_the_state_s_municipalities(
    requester, valid_data
):
    municipality("09", "015", "Cuauhtémoc")
    data = valid_data | {"assembly_place": "", "proposed_name": "Consejo Obrero"}

    response = signed_in(requester).post(FORM_URL, data)

    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="Consejo Obrero"' in html
    assert 'value="Carmen Ibarra"' in html
    assert select_options(html, "municipality") == ["Guadalajara"]
    assert re.search(r'<option value="\d+" selected>Guadalajara</option>', html)


def test_an_anonymous_visitor_is_sent_to_sign_in():
    response = Client().get(FORM_URL)

    assert response.status_code == 302
    assert response["Location"].startswith("/cuenta/entrar/")
    assert "solicitud" in response["Location"]
    assert ConstitutionRequest.objects.count() == 0


def test_a_valid_request_is_stored_pending_with_its_founders(
    requester, coordinator_elect, valid_data
):
    client = signed_in(requester)

    response = client.post(FORM_URL, valid_data)

    assert response.status_code == 302
    assert response["Location"] == GUIDE_URL
    constitution = ConstitutionRequest.objects.get()
    assert constitution.status == "pendiente"
    assert constitution.requester == requester
    assert constitution.proposed_name == PROPOSED_NAME
    assert constitution.municipality.name == "Guadalajara"
    founders = list(constitution.founders.select_related("user", "role"))
    assert len(founders) == 5
    assert founders[0].user == coordinator_elect
    assert founders[0].full_name == "Carmen Ibarra"
    assert founders[0].role.slug == "coordinador-de-consejo"
    assert [founder.full_name for founder in founders[3:]] == [
        "Guadalupe Torres",
        "Ramiro Salas",
    ]
    with constitution.acta.open("rb") as acta:
        assert acta.read() == ACTA_BYTES
    # Nothing exists yet but the request.
    assert not CouncilPage.objects.filter(title=PROPOSED_NAME).exists()

    guide = client.get(GUIDE_URL).content.decode()
    assert PROPOSED_NAME in guide
    assert constitution.get_status_display() in guide
    assert spanish("Pending") in guide


@override_settings(REQUIRE_TWO_FACTOR=True)
def test_a_coordinator_without_the_second_factor_is_asked_for_it_before_the_acta(
    pending, jalisco_coordinator
):
    response = signed_in(jalisco_coordinator).get(acta_url(pending))

    assert response.status_code == 302
    assert response["Location"].startswith("/cuenta/")
    assert ACTA_BYTES not in response.content
    assert AccessLog.objects.count() == 0


@override_settings(REQUIRE_TWO_FACTOR=True)
def test_a_member_requester_needs_no_second_factor_for_their_own_acta(
    requester, pending
):
    response = signed_in(requester).get(acta_url(pending))

    assert response.status_code == 200
    assert body_of(response) == ACTA_BYTES


def test_the_requester_downloads_their_own_acta_without_an_access_log(
    requester, pending
):
    response = signed_in(requester).get(acta_url(pending))

    assert response.status_code == 200
    assert body_of(response) == ACTA_BYTES
    assert AccessLog.objects.count() == 0


# Bad input changes nothing


def png_with_garbage():
    return b"\x89PNG\r\n\x1a\n" + b"\x00garbage, not an image" * 10


def real_png():
    buffer = io.BytesIO()
    PILImage.new("RGB", (40, 30), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def without_leading_account(rows):
    rows = [dict(row) for row in rows]
    rows[0]["role"] = role_pk("integrante")  # the coordinator has no office now
    rows[1]["role"] = role_pk("integrante")
    rows[3]["role"] = role_pk("coordinador-de-consejo")  # elected, no account
    return rows


BAD_INPUTS = {
    "too_few_founders": (
        lambda rows, data: request_form_data(rows[:4]),
        ("Name at least %(minimum)s founding members.", {"minimum": 5}),
    ),
    "acta_is_text": (
        lambda rows, data: (
            data
            | {"acta": SimpleUploadedFile("acta.txt", b"Acta en texto", "text/plain")}
        ),
        ("The acta must be a PDF or a photo (JPG or PNG).", {}),
    ),
    "exe_renamed_pdf": (
        lambda rows, data: (
            data | {"acta": pdf_upload("acta.pdf", b"MZ\x90\x00\x03\x00\x00\x00" * 20)}
        ),
        ("This file is not a valid PDF.", {}),
    ),
    "png_with_garbage": (
        lambda rows, data: (
            data
            | {"acta": SimpleUploadedFile("acta.png", png_with_garbage(), "image/png")}
        ),
        ("This file is not a valid image.", {}),
    ),
    "municipality_of_another_state": (
        lambda rows, data: data | {"state": str(State.objects.get(code="09").pk)},
        ("That municipality is not in the chosen state.", {}),
    ),
    "same_person_twice": (
        lambda rows, data: request_form_data(
            [*rows, {"username": rows[1]["username"]}]
        ),
        ("A person appears twice among the founders.", {}),
    ),
    "no_leader_with_account": (
        lambda rows, data: request_form_data(without_leading_account(rows)),
        (
            "At least one person elected to coordinate the council must have an "
            "account here, so that someone can edit its page.",
            {},
        ),
    ),
    "assembly_in_the_future": (
        lambda rows, data: (
            data
            | {
                "assembly_on": (
                    timezone.localdate() + datetime.timedelta(days=3)
                ).isoformat()
            }
        ),
        ("The constitutive assembly must already have taken place.", {}),
    ),
}


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_bad_input_changes_nothing_and_says_why_in_spanish(
    case, requester, coordinator_elect, secretary_elect, guadalajara
):
    change, (message, params) = BAD_INPUTS[case]
    rows = founder_rows(coordinator_elect, secretary_elect, requester)
    data = change(rows, request_form_data(rows))

    response = signed_in(requester).post(FORM_URL, data)

    assert response.status_code == 400
    assert ConstitutionRequest.objects.count() == 0
    assert spanish(message, **params) in response.content.decode()


def test_a_too_large_acta_is_refused(settings, requester, valid_data):
    settings.COUNCIL_ACTA_MAX_SIZE = 64
    valid_data["acta"] = pdf_upload(data=b"%PDF-1.4\n" + b"0" * 200)

    response = signed_in(requester).post(FORM_URL, valid_data)

    assert response.status_code == 400
    assert ConstitutionRequest.objects.count() == 0
    limit = filesizeformat(64)
    html = response.content.decode()
    assert spanish("The acta is too large: the limit is %(limit)s.", limit=limit) in (
        html
    )


def test_a_real_photo_of_the_acta_is_accepted(requester, valid_data):
    valid_data["acta"] = SimpleUploadedFile("acta.png", real_png(), "image/png")

    response = signed_in(requester).post(FORM_URL, valid_data)

    assert response.status_code == 302
    assert ConstitutionRequest.objects.count() == 1


def test_a_council_name_taken_in_the_municipality_is_refused(
    requester, valid_data, guadalajara
):
    make_council(
        PROPOSED_NAME.upper(), municipality_code="039", municipality_name="Guadalajara"
    )

    response = signed_in(requester).post(FORM_URL, valid_data)

    assert response.status_code == 400
    assert ConstitutionRequest.objects.count() == 0
    assert spanish("There is already a council with this name there.") in (
        response.content.decode()
    )


# The state's coordination decides


def test_state_coordinator_sees_and_downloads_a_pending_request(
    pending, jalisco_coordinator
):
    client = signed_in(jalisco_coordinator)

    listing = client.get("/admin/constituciones/")
    assert listing.status_code == 200
    assert PROPOSED_NAME in listing.content.decode()
    detail = client.get(detail_url(pending))
    assert detail.status_code == 200
    html = detail.content.decode()
    assert "Carmen Ibarra" in html and "Guadalupe Torres" in html
    assert acta_url(pending) in html

    response = client.get(acta_url(pending))

    assert response.status_code == 200
    assert body_of(response) == ACTA_BYTES
    # The request's page and its acta, each in the access log.
    logs = AccessLog.objects.filter(scope=f"constitucion:{pending.pk}")
    assert list(logs.values_list("actor", flat=True)) == [jalisco_coordinator.pk] * 2
    assert {log.detail for log in logs} == {
        "Fundadores de una solicitud de constitución",
        "Acta de una solicitud de constitución",
    }


def council_publish_data(council, paragraph):
    data = page_form_data(
        council.title,
        council.slug,
        municipality=str(council.municipality_id),
        sector="",
        status=council.status,
        founded_on=council.founded_on.isoformat(),
        priority_axes=[str(Axis.objects.order_by("number").first().pk)],
        meeting_place=council.meeting_place,
        meeting_schedule="Domingos a las 11:00",
        contact_email="",
        contact_phone="",
    )
    data.update(
        stream_form_data(
            "body",
            [("heading", "Nuestro consejo"), ("paragraph", contentstate(paragraph))],
        )
    )
    data["action-publish"] = "action-publish"
    return data


def test_approval_creates_the_council_and_its_leaders_publish_it(
    confirmed,
    jalisco_coordinator,
    requester,
    coordinator_elect,
    secretary_elect,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    pending = confirmed
    client = signed_in(jalisco_coordinator)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(detail_url(pending), {"action": "aprobar"})

    # None of the three founders has a password yet: the coordinator who
    # approved is given their one-time sign-in codes, once, to hand over.
    assert response.status_code == 200
    page = response.content.decode()
    codes = codes_shown(page)
    assert set(codes) == {"coordinadora", "secretario", "promotora"}
    pending.refresh_from_db()
    assert pending.status == "aprobada"
    assert pending.decided_by == jalisco_coordinator

    # The council: published under Jalisco with the request's public facts,
    # constituted, provisioned; anyone finds it in the directory.
    council = CouncilPage.objects.get(title=PROPOSED_NAME)
    assert pending.council_id == council.pk
    assert council.get_parent().pk == state_page("14").pk
    assert council.live and not council.has_unpublished_changes
    visitor_page = Client().get(council.url)
    assert visitor_page.status_code == 200
    # The assembly's place (it may be someone's home) is never published.
    assert "Cancha de la colonia Ferrocarril" not in visitor_page.content.decode()
    assert council.meeting_place == ""
    assert PROPOSED_NAME in Client().get(state_page("14").url).content.decode()
    assert council.status == "constituido"
    assert council.founded_on == pending.assembly_on
    assert council.group is not None and council.collection is not None

    # The founders with accounts are its members; the others have none.
    members = Membership.objects.filter(council=council, status="activa")
    assert set(members.values_list("user__username", flat=True)) == {
        "coordinadora",
        "secretario",
        "promotora",
    }

    # The elected coordinator's office, endorsed by the closed constitutive
    # assembly whose acta is a private document of the council.
    office = RoleAssignment.objects.get(
        user=coordinator_elect, role__slug="coordinador-de-consejo"
    )
    assert office.council_id == council.pk
    assembly = office.endorsing_meeting
    assert assembly.kind == MeetingKind.CONSTITUTIVE
    assert assembly.council_id == council.pk
    assert assembly.is_closed
    assert assembly.acta.collection_id == council.collection_id
    with assembly.acta.file.open("rb") as acta:
        assert acta.read() == ACTA_BYTES
    assert set(assembly.attendances.values_list("user__username", flat=True)) == {
        "coordinadora",
        "secretario",
        "promotora",
    }
    assert RoleAssignment.objects.get(user=secretary_elect).council_id == council.pk
    # A non-leading office is recorded but leads nothing.
    assert RoleAssignment.objects.get(user=requester).role.slug == (
        "promotor-comunitario"
    )
    assert coordinator_elect.groups.filter(pk=council.group_id).exists()
    assert not requester.groups.filter(pk=council.group_id).exists()
    # The acta is private: its leaders read it, an anonymous visitor does not.
    document_url = assembly.acta.url
    assert body_of(signed_in(coordinator_elect).get(document_url)) == ACTA_BYTES
    assert ACTA_BYTES not in body_of(Client().get(document_url))

    # The requester heard about it once the approval was committed.
    assert callbacks
    assert [mail.to for mail in mailoutbox] == [["alma@example.org"]]
    assert PROPOSED_NAME in mailoutbox[0].subject + mailoutbox[0].body

    # The coordinator elect signs in with the code she was handed, then
    # completes the page and publishes it again.
    leader = Client()
    signed = leader.post(
        "/cuenta/codigo/",
        {"username": "coordinadora", "code": codes["coordinadora"]},
    )
    assert signed.status_code == 302
    assert leader.get(f"/admin/pages/{council.pk}/edit/").status_code == 200
    response = leader.post(
        f"/admin/pages/{council.pk}/edit/",
        council_publish_data(council, "Nos organizamos para recuperar la cancha."),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    council.refresh_from_db()
    assert council.live
    public = Client().get(council.url)
    assert public.status_code == 200
    assert "Nos organizamos para recuperar la cancha." in public.content.decode()

    # The requester's guide page shows the decision.
    guide = signed_in(requester).get(GUIDE_URL).content.decode()
    assert spanish("Approved") in guide


def test_approval_sends_codes_by_sms_to_verified_phones_and_hands_over_the_rest(
    confirmed,
    jalisco_coordinator,
    coordinator_elect,
    secretary_elect,
    sms,
    clock,
    django_capture_on_commit_callbacks,
):
    """Carmen chose a password: no code. Tomás proved his phone: his code goes
    there by SMS and nobody sees it. Alma has neither: her code is on the
    approver's page, to hand over."""
    coordinator_elect.set_password("una-contraseña-larga")
    coordinator_elect.save()
    secretary_elect.phone = "33 1234 5678"
    secretary_elect.save()
    ChannelPreference.objects.create(
        user=secretary_elect,
        phone_verified_at=timezone.now(),
        verified_phone=phone_e164(secretary_elect.phone),
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(jalisco_coordinator).post(
            detail_url(confirmed), {"action": "aprobar"}
        )

    assert response.status_code == 200
    page = response.content.decode()
    shown = codes_shown(page)
    assert set(shown) == {"promotora"}
    assert (
        spanish(
            "These founders have no password yet: give each one their code (in "
            "person or by phone) so that they can sign in and, if they were elected "
            "to coordinate, complete the council's page."
        )
        in page
    )
    (message,) = sms.accepted
    assert "tu usuario es secretario" in message
    notice = Notice.objects.get(user=secretary_elect, kind="sign_in_code")
    council = CouncilPage.objects.get(title=PROPOSED_NAME)
    assert notice.scope == f"council:{council.pk}"
    (code,) = re.findall(r"\b([A-Z0-9]{4}-[A-Z0-9]{4})\b", message)
    assert code not in page and code not in notice.text
    assert not SignInCode.objects.filter(user=coordinator_elect).exists()
    signed = Client().post("/cuenta/codigo/", {"username": "secretario", "code": code})
    assert signed.status_code == 302


@pytest.mark.parametrize("holds", ["formation team", "staff", "superuser"])
def test_the_approver_is_never_handed_the_code_of_a_founder_who_holds_more(
    confirmed, jalisco_coordinator, coordinator_elect, holds
):
    """Carmen, elected to coordinate, has no password but is also on the
    formation team (or staff, or a superuser): a code shown to the state's
    coordinator would let her sign in as Carmen and publish courses. She signs
    in her usual way instead; the others' codes are handed over as before."""
    if holds == "formation team":
        coordinator_elect.groups.add(Group.objects.get(name="Equipo de formación"))
    else:
        setattr(coordinator_elect, f"is_{holds}", True)
        coordinator_elect.save()

    response = signed_in(jalisco_coordinator).post(
        detail_url(confirmed), {"action": "aprobar"}
    )

    confirmed.refresh_from_db()
    assert confirmed.status == "aprobada"
    shown = codes_shown(response.content.decode())
    assert coordinator_elect.username not in shown
    assert shown  # the other founders without a password
    assert not SignInCode.objects.filter(user=coordinator_elect).exists()


def test_the_decided_request_links_the_published_council_and_the_next_steps(
    confirmed, jalisco_coordinator
):
    client = signed_in(jalisco_coordinator)
    client.post(detail_url(confirmed), {"action": "aprobar"})
    confirmed.refresh_from_db()
    council = confirmed.council

    page = client.get(detail_url(confirmed)).content.decode()

    assert f'href="{council.url}"' in page
    assert f'href="{admin_url("member_register", council.pk)}"' in page
    # Two founders named no account: not members, and told how they join.
    assert "2 personas fundadoras no confirmaron con una cuenta" in page


def test_a_second_approval_creates_no_second_council(confirmed, jalisco_coordinator):
    pending = confirmed
    client = signed_in(jalisco_coordinator)
    client.post(detail_url(pending), {"action": "aprobar"})
    counts = world_counts()

    response = client.post(detail_url(pending), {"action": "aprobar"}, follow=True)

    assert CouncilPage.objects.filter(title=PROPOSED_NAME).count() == 1
    assert world_counts() == counts
    assert spanish("This request was already decided.") in response.content.decode()


def test_approval_is_refused_when_the_name_was_taken_meanwhile(
    confirmed, jalisco_coordinator
):
    pending = confirmed
    make_council(PROPOSED_NAME, municipality_code="039")
    counts = world_counts()

    response = signed_in(jalisco_coordinator).post(
        detail_url(pending), {"action": "aprobar"}
    )

    assert response.status_code == 200
    assert (
        spanish(
            "There is already a council called «%(name)s» there.", name=PROPOSED_NAME
        )
        in response.content.decode()
    )
    assert world_counts() == counts
    assert CouncilPage.objects.filter(title__iexact=PROPOSED_NAME).count() == 1
    pending.refresh_from_db()
    assert pending.status == "pendiente"
    assert pending.council is None
    assert not Membership.objects.filter(user__username="coordinadora").exists()


def test_the_same_name_in_another_municipality_gets_its_own_address(
    confirmed, jalisco_coordinator
):
    pending = confirmed
    other = make_council(
        PROPOSED_NAME, municipality_code="120", municipality_name="Zapopan"
    )

    response = signed_in(jalisco_coordinator).post(
        detail_url(pending), {"action": "aprobar"}
    )

    assert response.status_code == 200  # the founders' sign-in codes
    pending.refresh_from_db()
    assert pending.status == "aprobada"
    assert pending.council.pk != other.pk
    assert pending.council.slug == f"{other.slug}-2"
    assert pending.council.municipality.name == "Guadalajara"


def test_rejecting_needs_a_reason(pending, jalisco_coordinator):
    response = signed_in(jalisco_coordinator).post(
        detail_url(pending), {"action": "rechazar", "reason": "  "}
    )

    assert response.status_code == 200
    assert spanish("Write the reason for rejecting the request.") in (
        response.content.decode()
    )
    pending.refresh_from_db()
    assert pending.status == "pendiente"
    assert pending.decided_by is None


def test_a_rejection_with_its_reason_reaches_the_requester(
    pending,
    jalisco_coordinator,
    requester,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    reason = "El acta no tiene las firmas de las personas presentes."
    counts = world_counts()

    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(jalisco_coordinator).post(
            detail_url(pending), {"action": "rechazar", "reason": reason}
        )

    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == "rechazada"
    assert pending.decision_reason == reason
    assert world_counts() == counts
    guide = signed_in(requester).get(GUIDE_URL).content.decode()
    assert PROPOSED_NAME in guide
    assert spanish("Rejected") in guide
    assert reason in guide
    assert [mail.to for mail in mailoutbox] == [["alma@example.org"]]
    assert reason in mailoutbox[0].body


def test_the_pending_queue_pages_through_every_request_oldest_first(
    jalisco_coordinator,
):
    jalisco = State.objects.get(code="14")
    now = timezone.now()
    ConstitutionRequest.objects.bulk_create(
        ConstitutionRequest(
            proposed_name=f"Consejo número {days:03d}",
            state=jalisco,
            assembly_on=timezone.localdate(),
            assembly_place="Plaza principal",
            acta="constituciones/acta.pdf",
            sector=f"Colonia {days}",
            created_at=now - datetime.timedelta(days=days),
        )
        for days in range(55)
    )
    client = signed_in(jalisco_coordinator)

    first = client.get("/admin/constituciones/").content.decode()
    second = client.get("/admin/constituciones/?estado=pendiente&p=2").content.decode()

    assert "55 solicitudes" in first
    # The one that has waited longest (54 days) first; the newest on page 2.
    assert first.index("Consejo número 054") < first.index("Consejo número 053")
    assert "Consejo número 004" not in first
    assert 'href="?estado=pendiente&amp;p=2"' in first
    assert all(f"Consejo número {days:03d}" in second for days in range(5))
    assert "Consejo número 005" not in second
    assert "Página 2 de 2" in second


def test_approval_does_not_take_a_founder_out_of_a_council_the_approver_does_not_coordinate(  # noqa: E501
    confirmed, jalisco_coordinator, secretary_elect
):
    """Nor names that council to the approver: it is out of their reach."""
    pending = confirmed
    cdmx = make_council(
        "Consejo Doctores", state_code="09", municipality_code="015", publish=False
    )
    join(secretary_elect, cdmx)  # a founder still active in Mexico City
    client = signed_in(jalisco_coordinator)

    detail = client.get(detail_url(pending)).content.decode()
    before = world_counts()
    response = client.post(detail_url(pending), {"action": "aprobar"}, follow=True)

    assert "Consejo Doctores" not in detail
    assert spanish("another council") in detail  # beside the founder
    page = response.content.decode()
    assert "Consejo Doctores" not in page
    assert "Tomás Luna es integrante activa de un consejo que no coordinas" in page
    assert world_counts() == before
    assert Membership.objects.get(user=secretary_elect).council_id == cdmx.pk
    pending.refresh_from_db()
    assert pending.status == "pendiente"


# Nobody else decides, or reads the acta


def test_another_states_coordinator_cannot_see_or_decide_the_request(
    pending, cdmx_coordinator
):
    client = signed_in(cdmx_coordinator)

    listing = client.get("/admin/constituciones/")
    assert listing.status_code == 200
    assert PROPOSED_NAME not in listing.content.decode()
    assert_refused(client.get(detail_url(pending)), "Carmen Ibarra")
    counts = world_counts()
    for action in ("aprobar", "rechazar"):
        response = client.post(
            detail_url(pending), {"action": action, "reason": "No me corresponde."}
        )
        assert_refused(response)
    pending.refresh_from_db()
    assert pending.status == "pendiente"
    assert world_counts() == counts
    assert client.get(acta_url(pending)).status_code == 404


def test_a_plain_member_cannot_open_the_constitution_requests(
    pending, coordinator_elect
):
    client = signed_in(coordinator_elect)  # a founder, but not a coordinator

    assert_refused(client.get("/admin/constituciones/"), PROPOSED_NAME)
    assert_refused(client.get(detail_url(pending)), PROPOSED_NAME)


def test_a_stranger_cannot_download_the_acta(pending):
    stranger = make_person("curiosa")

    for client in (signed_in(stranger), Client()):
        response = client.get(acta_url(pending))
        assert response.status_code == 404
        assert ACTA_BYTES not in body_of(response)
    assert AccessLog.objects.count() == 0


def test_the_state_coordination_s_view_of_the_founders_is_logged(
    pending, jalisco_coordinator
):
    """The founders' names and phones, seen from above any council: each view
    of the request is in the access log."""
    from members.models import AccessLog

    response = signed_in(jalisco_coordinator).get(detail_url(pending))

    assert response.status_code == 200
    assert "Guadalupe Torres" in response.content.decode()
    entry = AccessLog.objects.get(actor=jalisco_coordinator)
    assert entry.scope == f"constitucion:{pending.pk}"
    assert entry.action == AccessLog.Action.VIEW
    assert entry.row_count == 5


# Whether a username names an account is never said


def without_token(html):
    """A page as two posts compare: the CSRF tokens and the values typed back
    into the form (the usernames themselves) left out."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    # The same token for the page's script (offline study), masked anew each time.
    html = re.sub(r'<meta name="cococi-csrf" content="[^"]*">', "", html)
    return re.sub(r'value="[^"]*"', 'value=""', html)


def test_a_username_without_an_account_is_accepted_like_one_with_it(
    requester, coordinator_elect, secretary_elect, guadalajara
):
    """The form answers the same whether a username names an account: having
    one on the movement's platform tells of a membership."""
    rows = founder_rows(coordinator_elect, secretary_elect, requester)
    client = signed_in(requester)

    make_person("rosa.pena", first_name="Rosa", last_name="Peña")
    answers = {}
    for username in ("nadie.aqui", "rosa.pena"):
        extra = {"full_name": "Rosa Peña", "username": username}
        ConstitutionRequest.objects.all().delete()
        response = client.post(FORM_URL, request_form_data([*rows, extra]))
        followed = client.get(response["Location"])
        answers[username] = (
            response.status_code,
            response["Location"],
            [str(message) for message in followed.context["messages"]],
        )
        assert ConstitutionRequest.objects.count() == 1
        assert ConstitutionRequest.objects.get().founders.count() == 6

    assert answers["nadie.aqui"] == answers["rosa.pena"]
    assert answers["nadie.aqui"][0] == 302
    # The requester is told that founders with accounts will be asked.
    assert "en su página Mi formación" in " ".join(answers["nadie.aqui"][2])


def test_a_form_sent_back_with_an_error_does_not_tell_which_usernames_exist(
    requester, coordinator_elect, secretary_elect, guadalajara
):
    rows = founder_rows(coordinator_elect, secretary_elect, requester)
    client = signed_in(requester)
    make_person("rosa.pena", first_name="Rosa", last_name="Peña")
    pages = []
    for username in ("nadie.aqui", "rosa.pena"):
        data = request_form_data([*rows, {"full_name": "Rosa", "username": username}])
        data["assembly_place"] = ""  # an error elsewhere sends the form back
        response = client.post(FORM_URL, data)
        assert response.status_code == 400
        pages.append(without_token(response.content.decode()))

    assert pages[0] == pages[1]
    assert "No hay ninguna cuenta" not in pages[0]
    assert ConstitutionRequest.objects.count() == 0


def test_a_username_alone_is_kept_as_the_founder_s_name(
    requester, coordinator_elect, secretary_elect, guadalajara
):
    """Never the account's own name: that would tell the request's readers
    who holds the account before they agreed to anything."""
    rows = founder_rows(coordinator_elect, secretary_elect, requester)
    rows[0] = {"username": "coordinadora", "role": rows[0]["role"]}

    signed_in(requester).post(FORM_URL, request_form_data(rows))

    founder = ConstitutionRequest.objects.get().founders.get(user=coordinator_elect)
    assert founder.full_name == "coordinadora"


# Founders confirm on /mi-formacion/ before anything happens to them


def test_the_requester_naming_themselves_is_confirmed_and_the_others_are_asked(
    pending, requester, coordinator_elect
):
    assert founder_row(pending, requester).confirmed_at is not None
    assert founder_row(pending, coordinator_elect).confirmed_at is None

    page = signed_in(coordinator_elect).get("/mi-formacion/")

    html = page.content.decode()
    founder = founder_row(pending, coordinator_elect)
    assert PROPOSED_NAME in html
    assert spanish("A request to constitute a council names you") in html
    assert f'action="{answer_url(founder)}"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert spanish("Yes, I am a founder") in html  # "Sí, soy fundadora/fundador"
    assert spanish("That is not me") in html  # "No soy yo"
    assert "Coordinador/a de consejo" in html  # the position they were elected to
    # Someone named in no request sees no such box.
    stranger = make_person("curiosa")
    other = signed_in(stranger).get("/mi-formacion/").content.decode()
    assert spanish("A request to constitute a council names you") not in other


def test_a_founder_confirms_and_can_withdraw(pending, coordinator_elect):
    founder = founder_row(pending, coordinator_elect)
    client = signed_in(coordinator_elect)

    response = client.post(answer_url(founder), {"respuesta": "si"}, follow=True)

    founder.refresh_from_db()
    assert founder.confirmed_at is not None
    text = response.content.decode()
    assert "Confirmaste que eres fundadora o fundador" in text
    assert spanish("Take my account out of the request") in text

    client.post(answer_url(founder), {"respuesta": "no"})

    founder.refresh_from_db()
    assert (founder.user_id, founder.confirmed_at) == (None, None)
    assert founder.full_name == "Carmen Ibarra"  # the name the requester wrote


def test_that_is_not_me_removes_the_link_to_the_account(pending, coordinator_elect):
    founder = founder_row(pending, coordinator_elect)

    response = answer(coordinator_elect, pending, "no")

    assert response.status_code == 302
    assert response["Location"] == "/mi-formacion/"
    founder.refresh_from_db()
    assert founder.user is None and founder.confirmed_at is None
    page = signed_in(coordinator_elect).get("/mi-formacion/").content.decode()
    assert PROPOSED_NAME not in page


def test_nobody_answers_for_someone_else_and_a_get_changes_nothing(
    pending, coordinator_elect, secretary_elect, requester
):
    founder = founder_row(pending, coordinator_elect)

    for person in (secretary_elect, requester, make_person("curiosa")):
        response = signed_in(person).post(answer_url(founder), {"respuesta": "no"})
        assert response.status_code == 404
    assert Client().post(answer_url(founder), {"respuesta": "si"}).status_code == 302
    assert signed_in(coordinator_elect).get(answer_url(founder)).status_code == 405
    response = signed_in(coordinator_elect).post(
        answer_url(founder), {"respuesta": "quizá"}
    )
    assert response.status_code == 302
    founder.refresh_from_db()
    assert founder.user == coordinator_elect and founder.confirmed_at is None


def test_an_answer_after_the_decision_changes_nothing(
    confirmed, jalisco_coordinator, coordinator_elect
):
    signed_in(jalisco_coordinator).post(detail_url(confirmed), {"action": "aprobar"})
    founder = founder_row(confirmed, coordinator_elect)

    response = signed_in(coordinator_elect).post(
        answer_url(founder), {"respuesta": "no"}, follow=True
    )

    assert spanish("This request was already decided.") in response.content.decode()
    founder.refresh_from_db()
    assert founder.user == coordinator_elect


# Approval moves only those who confirmed


def test_approval_moves_and_gives_offices_only_to_founders_who_confirmed(
    pending,
    jalisco_coordinator,
    requester,
    coordinator_elect,
    secretary_elect,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    """The secretary elect never answered: still in their council, no office,
    no e-mail; the request keeps their name only."""
    secretary_elect.email = "tomas@example.org"
    secretary_elect.save()
    old = make_council("Consejo Oblatos", municipality_code="120", publish=False)
    join(secretary_elect, old)
    assign(secretary_elect, "enlace-de-eje", council=old)
    answer(coordinator_elect, pending, "si")

    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(jalisco_coordinator).post(
            detail_url(pending), {"action": "aprobar"}
        )

    assert response.status_code == 200  # the founders' sign-in codes
    council = CouncilPage.objects.get(title=PROPOSED_NAME)
    members = Membership.objects.filter(council=council, status="activa")
    assert set(members.values_list("user__username", flat=True)) == {
        "coordinadora",
        "promotora",
    }
    assert Membership.objects.get(user=secretary_elect, status="activa").council == old
    assert not RoleAssignment.objects.filter(
        user=secretary_elect, council=council
    ).exists()
    assert RoleAssignment.objects.get(user=secretary_elect).council == old
    assembly = Meeting.objects.get(council=council)
    assert secretary_elect.pk not in set(
        assembly.attendances.values_list("user_id", flat=True)
    )
    # Their row is a name now, no longer linked to their account.
    founder = pending.founders.get(full_name="Tomás Luna")
    assert founder.user is None
    assert all("tomas@example.org" not in mail.to for mail in mailoutbox)


def test_approval_waits_for_a_coordinator_elect_to_confirm(
    pending, jalisco_coordinator, requester
):
    """Only the requester confirmed (by sending it), elected to an office that
    edits nothing."""
    assert founder_row(pending, requester).confirmed_at is not None
    client = signed_in(jalisco_coordinator)
    detail = client.get(detail_url(pending)).content.decode()
    before = world_counts()

    response = client.post(detail_url(pending), {"action": "aprobar"})

    message = spanish(
        "Nobody elected to coordinate the council has confirmed with their account "
        "yet, so nobody could edit its page. Wait for their confirmation, or reject "
        "the request."
    )
    assert message in response.content.decode()
    assert world_counts() == before
    pending.refresh_from_db()
    assert pending.status == "pendiente"
    assert (
        spanish(
            "Nobody elected to coordinate the council has confirmed with their "
            "account yet: approval waits for at least one of them, so that someone "
            "can edit the council's page."
        )
        in detail
    )
    # The request can still be rejected meanwhile; it unlinks who never said yes.
    client.post(detail_url(pending), {"action": "rechazar", "reason": "Sin firmas."})
    pending.refresh_from_db()
    assert pending.status == "rechazada"
    assert (
        not pending.founders.filter(full_name="Carmen Ibarra")
        .exclude(user=None)
        .exists()
    )


def test_the_coordinator_sees_who_confirmed_and_nothing_of_the_others_accounts(
    pending, jalisco_coordinator, coordinator_elect, secretary_elect
):
    santa = make_council("Consejo Santa Cecilia", municipality_code="039")
    join(coordinator_elect, santa)
    join(secretary_elect, make_council("Consejo Oblatos", municipality_code="120"))
    answer(coordinator_elect, pending, "si")

    response = signed_in(jalisco_coordinator).get(detail_url(pending))

    rows = {
        cells[0]: cells[1:]
        for cells in (
            [re.sub(r"<[^>]+>", "", cell).strip() for cell in row]
            for row in re.findall(
                r"<tr>((?:<td>.*?</td>)+)</tr>", response.content.decode()
            )
            for row in [re.findall(r"<td>(.*?)</td>", row)]
        )
    }
    # Confirmed: the account and their council (in Jalisco, so named).
    assert rows["Carmen Ibarra"] == [
        "Sí (coordinadora)",
        "Coordinador/a de consejo",
        "Consejo Santa Cecilia",
    ]
    # Not confirmed: neither their username nor their council, though both exist.
    assert rows["Tomás Luna"] == ["No", "Secretario/a de actas", "—"]
    assert "secretario" not in " ".join(rows["Tomás Luna"])
    assert "Consejo Oblatos" not in response.content.decode()
    text = response.content.decode()
    assert "2 de 5 personas fundadoras confirmaron con su cuenta." in text


def test_the_requester_sees_how_many_founders_confirmed(
    pending, requester, coordinator_elect
):
    answer(coordinator_elect, pending, "si")

    guide = signed_in(requester).get(GUIDE_URL).content.decode()

    assert "2 personas fundadoras confirmaron con su cuenta" in guide


def test_a_founder_s_data_is_in_their_export_and_goes_with_their_account(
    confirmed, coordinator_elect
):
    """Named as a founder: the person sees it in their own data, and deleting
    the account removes the name and phone the requester typed for them."""
    from members.services import account_delete, personal_data_export

    exported = personal_data_export(user=coordinator_elect, actor=coordinator_elect)
    (row,) = exported["fundaciones"]
    assert row["consejo_propuesto"] == PROPOSED_NAME
    assert row["confirmado"]

    founder = founder_row(confirmed, coordinator_elect)
    account_delete(user=coordinator_elect)

    founder.refresh_from_db()
    assert founder.user is None
    assert founder.full_name == "" and founder.phone == ""
