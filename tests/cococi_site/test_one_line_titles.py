"""A page's title is one line: a tab, a line break or another control
character typed or pasted into it is refused beside the field, in Spanish, and
nothing is saved (a title travels into calendars, SMS, CSV and e-mail
subjects, where a line break of its own starts a new line)."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils.translation import gettext
from wagtail.models import Page, get_page_models

from cococi_site.pages import SitePageMixin
from councils.factories import assign, make_council, make_person
from councils.models import CouncilPage
from courses.models import Axis, CourseIndexPage, CoursePage
from tests.conftest import PASSWORD
from tests.courses.conftest import course_form_data, page_form_data, stream_form_data

pytestmark = pytest.mark.django_db

MESSAGE = "This cannot contain line breaks or control characters."
MARKS = [
    "\n",
    "\r\n",
    "\t",
    "\x0b",
    "\x1b",
    "\x7f",
    "\x85",
    "\u2028",
    "\u202e",
    "\u200b",
]


def spanish_message():
    text = gettext(MESSAGE)
    assert text != MESSAGE, "no Spanish for the message"
    return text


@pytest.mark.parametrize(
    "model", [m for m in get_page_models() if m is not Page], ids=lambda m: m.__name__
)
def test_every_page_type_refuses_a_control_character_in_its_title(model):
    assert issubclass(model, SitePageMixin)
    for mark in MARKS:
        page = model(title=f"Primera{mark}segunda", slug="pagina")
        with pytest.raises(ValidationError) as refused:
            page.clean()
        assert refused.value.message_dict["title"] == [spanish_message()]
    try:  # a title on one line passes (other checks of the type may not)
        model(title="Círculo de estudio: «Economía» — 2027", slug="pagina").clean()
    except ValidationError as other:
        assert "title" not in getattr(other, "error_dict", {})


@pytest.mark.parametrize("mark", ["\n", "\r\n", "\x1b"])
def test_the_admin_refuses_a_new_page_whose_title_breaks_the_line(client, editor, mark):
    client.login(username=editor.username, password=PASSWORD)
    index = CourseIndexPage.objects.get()
    data = course_form_data(
        f"Contraloría{mark}desde la colonia",
        "contraloria-colonia",
        Axis.objects.get(number=2),
    )

    response = client.post(f"/admin/pages/add/courses/coursepage/{index.pk}/", data)

    assert response.status_code == 200
    assert spanish_message() in response.content.decode()
    assert not CoursePage.objects.exists()


def test_the_admin_refuses_to_save_or_publish_a_title_with_a_line_break(db):
    council = make_council("Consejo Santa Cecilia")
    leader = make_person("ana.lider", password=PASSWORD)
    assign(leader, "coordinador-de-consejo", council=council)
    client = Client()
    client.login(username="ana.lider", password=PASSWORD)
    revisions = council.revisions.count()
    data = page_form_data(
        "Consejo Santa Cecilia\r\nEND:VCALENDAR",
        council.slug,
        municipality=str(council.municipality_id),
        sector="",
        status=council.status,
        founded_on="",
        meeting_place="",
        meeting_schedule="",
        contact_email="",
        contact_phone="",
        **stream_form_data("body", []),
    )

    for action in ({}, {"action-publish": "action-publish"}):
        response = client.post(f"/admin/pages/{council.pk}/edit/", {**data, **action})
        assert response.status_code == 200
        assert spanish_message() in response.content.decode()

    council = CouncilPage.objects.get(pk=council.pk)
    assert council.title == council.draft_title == "Consejo Santa Cecilia"
    assert council.revisions.count() == revisions


# Not only controls: every invisible or unassigned character is refused.
INVISIBLE = {
    "LRM": "\u200e",
    "RLM": "\u200f",
    "ALM": "\u061c",
    "SHY": "\u00ad",
    "FUNCTION": "\u2061",
    "PLUS": "\u2064",
    "CGJ": "\u034f",
    "MVS": "\u180e",
    "HANGUL-FILLER": "\u3164",
    "CHOSEONG-FILLER": "\u115f",
    "JUNGSEONG-FILLER": "\u1160",
    "HALFWIDTH-FILLER": "\uffa0",
    "TAG-A": "\U000e0041",
    "U+206A": "\u206a",
    "U+206F": "\u206f",
    "PRIVATE-USE": "\ue000",
    "UNASSIGNED": "\u0378",
}


@pytest.mark.parametrize("mark", INVISIBLE.values(), ids=INVISIBLE.keys())
def test_a_page_title_with_an_invisible_character_is_refused(mark):
    page = CoursePage(title=f"Contraloría{mark}social", slug="contraloria")

    with pytest.raises(ValidationError) as refused:
        page.clean()

    assert refused.value.message_dict["title"] == [spanish_message()]


@pytest.mark.parametrize(
    "title", ["María José Núñez", "O'Connor-Pérez: taller", "Huertos 🌻 y ñandúes"]
)
def test_a_title_with_accents_and_emoji_is_kept(title):
    try:
        CoursePage(title=title, slug="taller").clean()
    except ValidationError as other:
        assert "title" not in getattr(other, "error_dict", {})


@pytest.mark.parametrize("mark", ["\n", "\u200f", "\u3164"])
def test_the_admin_refuses_an_axis_name_that_is_not_one_line(client, editor, mark):
    axis = Axis.objects.get(number=4)
    client.login(username=editor.username, password=PASSWORD)

    response = client.post(
        f"/admin/snippets/courses/axis/edit/{axis.pk}/",
        {
            "number": 4,
            "name": f"Economía{mark}solidaria",
            "slug": axis.slug,
            "description": axis.description,
            "colour": axis.colour,
        },
    )

    assert response.status_code == 200
    assert spanish_message() in response.content.decode()
    assert Axis.objects.get(pk=axis.pk).name == axis.name


@pytest.mark.parametrize("field", ["meeting_place", "meeting_schedule"])
def test_the_admin_refuses_a_meeting_place_or_schedule_not_on_one_line(field):
    council = make_council("Consejo Santa Cecilia")
    leader = make_person("ana.lider", password=PASSWORD)
    assign(leader, "coordinador-de-consejo", council=council)
    client = Client()
    client.login(username="ana.lider", password=PASSWORD)
    data = page_form_data(
        council.title,
        council.slug,
        municipality=str(council.municipality_id),
        sector="",
        status=council.status,
        founded_on="",
        meeting_place="Casa ejidal",
        meeting_schedule="Sábados 10:00",
        contact_email="",
        contact_phone="",
        **stream_form_data("body", []),
    )
    url = f"/admin/pages/{council.pk}/edit/"
    assert client.post(url, data).status_code == 302  # on one line: saved
    revisions = council.revisions.count()
    data[field] = "Casa ejidal\u202e\r\nEND:VCALENDAR"

    response = client.post(url, data)

    assert response.status_code == 200
    assert spanish_message() in response.content.decode()
    assert council.revisions.count() == revisions
    draft = CouncilPage.objects.get(pk=council.pk).get_latest_revision_as_object()
    assert (draft.meeting_place, draft.meeting_schedule) == (
        "Casa ejidal",
        "Sábados 10:00",
    )
