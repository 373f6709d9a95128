"""Names people type are one line: a constitution request's council name,
sector and place, a meeting's title and place. A line break or another
control character is refused at the form, in Spanish, and nothing is saved."""

import pytest
from django.utils import timezone

from councils.factories import assign, make_council, make_person
from councils.models import ConstitutionRequest, Meeting
from members.models import User
from tests.councils.helpers import admin_url, signed_in, spanish, text_of
from tests.councils.test_constitution import (
    FORM_URL,
    founder_rows,
    request_form_data,
)

pytestmark = pytest.mark.django_db

MESSAGE = "This cannot contain line breaks or control characters."


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


# People's names: one line, and nothing hidden that reorders or doubles them.

NAME_MESSAGE = "The name cannot contain line breaks or control characters."
HIDDEN = ["\n", "\x1b", "\u202e", "\u2066", "\u200b", "\u200d", "\u2060", "\ufeff"]
HIDDEN_IDS = ["LF", "ESC", "RLO", "LRI", "ZWSP", "ZWJ", "WJ", "BOM"]


@pytest.mark.parametrize("mark", HIDDEN, ids=HIDDEN_IDS)
@pytest.mark.parametrize("field", ["first_name", "last_name"])
def test_registration_refuses_a_name_with_a_hidden_character(client, field, mark):
    from tests.members.test_registration import URL, form_data

    response = client.post(URL, form_data(**{field: f"Lucía{mark}Admin"}))

    assert response.status_code == 200
    assert spanish(NAME_MESSAGE) in text_of(response)
    assert not User.objects.filter(username="lucia").exists()


@pytest.mark.parametrize("mark", HIDDEN, ids=HIDDEN_IDS)
def test_my_data_refuses_a_name_with_a_hidden_character(mark):
    person = make_person("lupe", first_name="Guadalupe", last_name="Yocupicio")

    response = signed_in(person).post(
        "/cuenta/mis-datos/editar/",
        {"first_name": "Guadalupe", "last_name": f"Yocu{mark}picio", "phone": ""},
    )

    assert response.status_code == 200
    assert spanish(NAME_MESSAGE) in text_of(response)
    person.refresh_from_db()
    assert person.last_name == "Yocupicio"


@pytest.mark.parametrize("mark", HIDDEN, ids=HIDDEN_IDS)
def test_a_leader_cannot_register_offline_a_name_with_a_hidden_character(mark):
    council = make_council("Consejo Santa Cecilia")
    leader = make_person("ana.lider")
    assign(leader, "coordinador-de-consejo", council=council)
    users = User.objects.count()

    response = signed_in(leader).post(
        admin_url("member_register", council.pk),
        {"first_name": f"María{mark}José", "last_name": "López", "paper_consent": "on"},
    )

    assert response.status_code == 200
    assert spanish(NAME_MESSAGE) in text_of(response)
    assert User.objects.count() == users


@pytest.mark.parametrize("mark", ["\x1b", "\u202e", "\u200b", "\ufeff"])
def test_a_roster_row_with_a_hidden_character_is_refused_with_its_line(mark):
    from tests.councils.test_membership import csv_upload, preview

    council = make_council("Consejo Santa Cecilia")
    leader = make_person("ana.lider")
    assign(leader, "coordinador-de-consejo", council=council)
    client = signed_in(leader)
    users = User.objects.count()
    text = (
        "nombre,apellidos,telefono,correo,avisos,contacto\n"
        "Juana,Pérez Sol,3311111111,,sí,no\n"
        f"Pedro,Ramírez{mark}Admin,,,no,no\n"
    )

    response = preview(client, council, csv_upload(text))
    client.post(admin_url("members_import", council.pk), {"step": "confirm"})

    errors = dict(response.context["errors"])
    assert set(errors) == {3}
    assert (
        spanish("the name has line breaks or control characters").lower()
        in errors[3].lower()
    )
    assert User.objects.count() == users


def test_a_name_on_one_line_with_accents_and_marks_is_kept():
    person = make_person("lupe", first_name="Guadalupe")

    response = signed_in(person).post(
        "/cuenta/mis-datos/editar/",
        {"first_name": "María José", "last_name": "Núñez-O'Hara Ü", "phone": ""},
    )

    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.first_name, person.last_name) == ("María José", "Núñez-O'Hara Ü")


@pytest.mark.parametrize("mark", ["\x1b", "\n", "\u202e", "\u200b"])
def test_a_meeting_s_cancel_reason_is_one_line(mark):
    council = make_council("Consejo Santa Cecilia")
    leader = make_person("ana.lider")
    assign(leader, "coordinador-de-consejo", council=council)
    meeting = Meeting.objects.create(
        council=council,
        kind="asamblea_ordinaria",
        starts_at=timezone.now() + timezone.timedelta(days=7),
        duration_minutes=90,
    )
    url = admin_url("meeting_cancel", council.pk, meeting.pk)

    response = signed_in(leader).post(url, {"reason": f"Lluvias{mark}[2J fuertes"})

    assert response.status_code == 400
    assert spanish(MESSAGE) in text_of(response)
    meeting.refresh_from_db()
    assert meeting.cancelled_at is None and meeting.cancel_reason == ""


# Every invisible or unassigned character is refused, not only the few above:
# marks that reorder text, the soft hyphen, invisible operators, blank-looking
# fillers, tag characters, private-use and unassigned code points.

INVISIBLE = {
    "LRM": "\u200e",
    "RLM": "\u200f",
    "ALM": "\u061c",
    "SHY": "\u00ad",
    "FUNCTION": "\u2061",
    "TIMES": "\u2062",
    "SEPARATOR": "\u2063",
    "PLUS": "\u2064",
    "CGJ": "\u034f",
    "MVS": "\u180e",
    "HANGUL-FILLER": "\u3164",
    "CHOSEONG-FILLER": "\u115f",
    "JUNGSEONG-FILLER": "\u1160",
    "HALFWIDTH-FILLER": "\uffa0",
    "TAG-BEGIN": "\U000e0001",
    "TAG-A": "\U000e0041",
    "TAG-CANCEL": "\U000e007f",
    **{f"U+{code:04X}": chr(code) for code in range(0x206A, 0x2070)},
    "PRIVATE-USE": "\ue000",
    "UNASSIGNED": "\u0378",
}
KEPT_NAMES = [
    ("María José", "Núñez"),
    ("Sean", "O'Connor-Pérez"),
    ("Zoë Ágata", "Güemes Ñúñez"),
    ("Lupita 🌻", "Flores"),
]


@pytest.mark.parametrize("mark", INVISIBLE.values(), ids=INVISIBLE.keys())
def test_registration_refuses_a_first_name_with_an_invisible_character(client, mark):
    from tests.members.test_registration import URL, form_data

    response = client.post(URL, form_data(first_name=f"Lu{mark}cía"))

    assert response.status_code == 200
    assert spanish(NAME_MESSAGE) in text_of(response)
    assert not User.objects.filter(username="lucia").exists()


@pytest.mark.parametrize("mark", INVISIBLE.values(), ids=INVISIBLE.keys())
def test_my_data_refuses_a_first_name_with_an_invisible_character(mark):
    person = make_person("lupe", first_name="Guadalupe", last_name="Yocupicio")

    response = signed_in(person).post(
        "/cuenta/mis-datos/editar/",
        {"first_name": f"Guada{mark}lupe", "last_name": "Yocupicio", "phone": ""},
    )

    assert response.status_code == 200
    assert spanish(NAME_MESSAGE) in text_of(response)
    person.refresh_from_db()
    assert person.first_name == "Guadalupe"


@pytest.mark.parametrize("first, last", KEPT_NAMES)
def test_registration_and_my_data_keep_spanish_names(client, first, last):
    from tests.members.test_registration import URL, form_data

    response = client.post(URL, form_data(first_name=first, last_name=last))
    assert response.status_code == 302
    person = User.objects.get(username="lucia")
    assert (person.first_name, person.last_name) == (first, last)

    response = client.post(
        "/cuenta/mis-datos/editar/",
        {"first_name": last, "last_name": first, "phone": ""},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.first_name, person.last_name) == (last, first)


def _refused_on(instance, field, exclude=()):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        instance.clean_fields(exclude=exclude)
    return refused.value.message_dict.get(field)


@pytest.mark.parametrize("mark", ["\n", "\u200f", "\u3164", "\U000e0041"])
def test_names_kept_on_the_models_are_one_line(mark):
    from councils.models import ConstitutionFounder, LeadershipRole

    council = make_council("Consejo Santa Cecilia")
    bad = f"Lluvias{mark}fuertes"
    meeting = Meeting(
        council=council,
        kind="asamblea_ordinaria",
        starts_at=timezone.now(),
        duration_minutes=90,
        cancel_reason=bad,
    )
    role = LeadershipRole(name=bad, slug="tesorera", scope_level="consejo")
    council.meeting_place, council.meeting_schedule = bad, bad
    founder = ConstitutionFounder(full_name=bad)

    assert _refused_on(meeting, "cancel_reason") == [spanish(MESSAGE)]
    assert _refused_on(role, "name") == [spanish(MESSAGE)]
    assert _refused_on(council, "meeting_place") == [spanish(MESSAGE)]
    assert _refused_on(council, "meeting_schedule") == [spanish(MESSAGE)]
    assert _refused_on(founder, "full_name", exclude=["request"]) == [
        spanish(NAME_MESSAGE)
    ]


# Notes and reasons have lines: their line breaks are kept, nothing else
# invisible is.

PLAIN_MESSAGE = "This cannot contain control or invisible characters."


def test_plain_text_keeps_line_breaks_and_refuses_the_rest():
    from django.core.exceptions import ValidationError

    from cococi_site.pages import validate_plain_text

    validate_plain_text("Faltan firmas.\r\nVuelve a enviarla.\nGracias ñandú 🌻")
    for mark in ["\r", "\t", "\x1b", "\u2028", "\u200f", "\u3164", "\ud800"]:
        with pytest.raises(ValidationError):
            validate_plain_text(f"Faltan{mark}firmas")


@pytest.mark.parametrize("mark", ["\x1b", "\u202e", "\u00ad", "\ufeff"])
def test_a_membership_note_refuses_an_invisible_character_and_keeps_lines(mark):
    from councils.factories import join
    from councils.models import Membership, MembershipStatus

    council = make_council("Consejo Santa Cecilia")
    leader = make_person("ana.lider")
    assign(leader, "coordinador-de-consejo", council=council)
    membership = join(make_person("lucia"), council, status="pendiente")
    client = signed_in(leader)
    url = admin_url("membership_decide", council.pk, membership.pk)

    response = client.post(
        url, {"action": "rechazar", "note": f"No vives{mark} aquí."}, follow=True
    )
    assert spanish(PLAIN_MESSAGE) in text_of(response)
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.PENDING

    client.post(url, {"action": "rechazar", "note": "No vives aquí.\r\nSuerte."})
    membership = Membership.objects.get(pk=membership.pk)
    assert membership.status == MembershipStatus.REJECTED
    assert membership.note == "No vives aquí.\r\nSuerte."


@pytest.mark.parametrize("mark", ["\x1b", "\u202e", "\u2063"])
def test_a_constitution_decision_s_reason_refuses_an_invisible_character(mark):
    from tests.councils.test_constitution import detail_url, municipality

    requester = make_person("promotora", first_name="Alma")
    coordinator = make_person("coord.jalisco", first_name="Juana")
    assign(coordinator, "coordinador-estatal", state="14")
    municipality("14", "039", "Guadalajara")
    founders = founder_rows(
        make_person("coordinadora", first_name="Carmen"),
        make_person("secretario", first_name="Tomás"),
        requester,
    )
    data = request_form_data(founders)
    assert signed_in(requester).post(FORM_URL, data).status_code == 302
    pending = ConstitutionRequest.objects.get()
    client = signed_in(coordinator)
    reason = "Faltan firmas.\r\nVuelve a enviarla."

    response = client.post(
        detail_url(pending), {"action": "rechazar", "reason": f"Faltan{mark} firmas."}
    )
    assert response.status_code == 200
    assert spanish(PLAIN_MESSAGE) in text_of(response)
    pending.refresh_from_db()
    assert pending.status == "pendiente"

    response = client.post(
        detail_url(pending), {"action": "rechazar", "reason": reason}
    )
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == "rechazada"
    assert pending.decision_reason.splitlines() == reason.splitlines()
