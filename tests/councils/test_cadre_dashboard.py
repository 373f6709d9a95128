"""The "Formación de cuadros" dashboard in the admin: who sees what (a council's
people by name, a state's or the nation's councils in aggregate, "<5" for small
groups), per-person rows above a council only with a logged reason, the
filters, the CSV/XLSX exports and their access log, the summary charts, and a
number of queries that does not grow with the members or councils shown."""

import csv
import html
import io
import json
import re
import time
from datetime import datetime, timedelta
from urllib.parse import urlencode

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from councils.cadres.dashboard import _monthly
from councils.cadres.dashboard_views import PAGE_SIZE
from councils.cadres.progress import (
    progress_catch_up,
    progress_mark_stale,
    progress_refresh_all,
)
from councils.cadres.readiness import pathway
from councils.cadres.services import ready_members_detect
from councils.cadres.totals import totals_refresh
from councils.factories import assign, join, make_council, make_person, role
from councils.models import (
    Attendance,
    CouncilProgress,
    Meeting,
    MeetingKind,
    MemberProgress,
    Membership,
    MembershipStatus,
    MentorSignOff,
    ReadyEvent,
    RoleAssignment,
)
from councils.names import SESSION_KEY
from courses.models import Axis, Enrollment
from members.models import AccessLog, User
from tests.councils.helpers import admin_url, messages_of, signed_in, spanish, text_of
from tests.courses.learning_fixtures import make_course

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("worker_keeps_up")]

REASON = "Seguimiento del plan estatal de formación"

SANTA_NAMES = ["Ximena", "Yolanda", "Zoe", "Wendy", "Valeria", "Ursula"]
OBLATOS_NAMES = ["Beatriz", "Carmen", "Dolores"]
COYOACAN_NAMES = ["Elena", "Fabiola", "Gloria", "Hilda", "Irma"]


def dashboard_url(**params):
    url = admin_url("cadre_dashboard")
    return f"{url}?{urlencode(params)}" if params else url


def refused(response):
    """The Wagtail admin turns PermissionDenied into a redirect to its home."""
    return response.status_code in (302, 403)


def days_ago(days):
    return timezone.now() - timedelta(days=days)


def people(council, names):
    """Active members of ``council`` with these first names (and a surname, so
    their full name is unmistakable in a page)."""
    members = []
    for name in names:
        person = make_person(
            name.lower(), first_name=name, last_name="Tlaloc", email=f"{name}@x.org"
        )
        join(person, council)
        members.append(person)
    return members


def joined_days_ago(user, days):
    Membership.objects.filter(user=user, status=MembershipStatus.ACTIVE).update(
        joined_on=timezone.localdate() - timedelta(days=days)
    )


def closed_circle(council, attendees, *, minutes=120, when=None):
    circle = Meeting.objects.create(
        council=council,
        kind=MeetingKind.CIRCLE,
        starts_at=when or days_ago(10),
        duration_minutes=minutes,
        closed_at=timezone.now(),
    )
    Attendance.objects.bulk_create(
        [Attendance(meeting=circle, user=person) for person in attendees]
    )
    return circle


def completed(user, course, when):
    Enrollment.objects.create(
        user=user, course=course, enrolled_at=when, completed_at=when
    )


def names_in(response, names):
    page = text_of(response)
    return [name for name in names if name in page]


def give_reason(client, key, then, reason=REASON):
    """Write why, as the form does (POST), and follow to ``then``."""
    return client.post(
        admin_url("names_reason"),
        {"alcance": key, "motivo": reason, "next": then},
        follow=True,
    )


@pytest.fixture
def santa(db):
    return make_council(
        "Consejo Santa Cecilia", municipality_name="Guadalajara", publish=False
    )


@pytest.fixture
def oblatos(db):
    return make_council("Consejo Oblatos", municipality_code="120", publish=False)


@pytest.fixture
def coyoacan(db):
    return make_council(
        "Consejo Coyoacán", state_code="09", municipality_code="003", publish=False
    )


@pytest.fixture
def second_axis_course(db):
    return make_course("Economía solidaria", axis_number=2, hours=3, publish=False)


@pytest.fixture
def santa_members(santa, second_axis_course):
    """Six members of Santa Cecilia, each at a different point of the road to
    "Promotor/a comunitario/a" (2 circles, 8 hours, 3 months):

    Ximena   ready (100%): 3+ months, two 4-hour circles ten days ago
    Yolanda  88%: two months, the same circles
    Zoe      50%: two 2-hour circles ten days ago, a new member
    Wendy    11%: joined 31 days ago and nothing since (inactive)
    Valeria  23%: joined 31 days ago, a 3-hour course of axis 2 forty days
             ago (inactive)
    Ursula   holds "Enlace de eje", joined 31 days ago and nothing since
             (inactive)
    """
    found = dict(zip(SANTA_NAMES, people(santa, SANTA_NAMES), strict=True))
    joined_days_ago(found["Ximena"], 100)
    joined_days_ago(found["Yolanda"], 70)
    for name in ("Wendy", "Valeria", "Ursula"):
        joined_days_ago(found[name], 31)
    long_circles = [found["Ximena"], found["Yolanda"]]
    closed_circle(santa, long_circles, minutes=240)
    closed_circle(santa, long_circles, minutes=240)
    closed_circle(santa, [found["Zoe"]], minutes=120)
    closed_circle(santa, [found["Zoe"]], minutes=120)
    completed(found["Valeria"], second_axis_course, days_ago(40))
    assign(found["Ursula"], "enlace-de-eje", council=santa)
    return found


@pytest.fixture
def oblatos_members(oblatos):
    return people(oblatos, OBLATOS_NAMES)


@pytest.fixture
def coyoacan_members(coyoacan):
    return people(coyoacan, COYOACAN_NAMES)


@pytest.fixture
def everyone(santa_members, oblatos_members, coyoacan_members):
    return santa_members


@pytest.fixture
def santa_leader(santa):
    person = make_person("ana.lider", first_name="Ana", last_name="Lideresa")
    assign(person, "coordinador-de-consejo", council=santa)
    return person


@pytest.fixture
def jalisco(db):
    person = make_person("jalisco.coord", first_name="Jimena", last_name="Estatal")
    assign(person, "coordinador-estatal", state="14")
    return person


@pytest.fixture
def national(db):
    person = make_person("nacional", first_name="Nora", last_name="Nacional")
    assign(person, "coordinacion-nacional")
    return person


# Scopes


def test_a_council_leader_sees_their_members_by_name_and_nobody_else(
    everyone, santa, santa_leader
):
    response = signed_in(santa_leader).get(dashboard_url())

    assert response.status_code == 200
    assert response.context["scope"].council == santa
    assert response.context["per_person"] is True
    assert names_in(response, SANTA_NAMES) == SANTA_NAMES
    assert names_in(response, OBLATOS_NAMES + COYOACAN_NAMES) == []
    rows = response.context["dashboard"].members
    assert {row["name"] for row in rows} == {f"{n} Tlaloc" for n in SANTA_NAMES}


def test_the_members_table_puts_readiness_and_next_role_first_and_names_the_axes(
    everyone, santa, santa_leader
):
    page = signed_in(santa_leader).get(dashboard_url()).content.decode()

    table = re.search(r'<table class="listing cadre-table">.*?</table>', page, re.S)[0]
    first_row = re.search(r"<tr>(.*?)</tr>", table, re.S)[1]
    headings = [
        html.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
        for cell in re.findall(r"<th[^>]*>(.*?)</th>", first_row, re.S)
    ]
    assert headings[:3] == ["Integrante", "Avance", "Siguiente cargo"]
    # Each axis column says which axis it is, in full, to a screen reader and
    # on hover; the key above the table names them all.
    for axis in Axis.objects.all():
        full = f"Eje {axis.number}: {axis.name}"
        assert f'<span class="w-sr-only">{html.escape(full)}</span>' in table
        assert f'title="{html.escape(full)}"' in table
        assert f"{axis.number}. {html.escape(axis.name)}" in page
    # The table scrolls in a region a keyboard reaches, with its hint.
    assert 'role="region" tabindex="0"' in page
    assert "La tabla continúa a la derecha" in page


def test_another_council_s_id_is_refused_without_leaking_names(
    everyone, oblatos, coyoacan, santa_leader
):
    client = signed_in(santa_leader)

    for council in (oblatos, coyoacan):
        response = client.get(dashboard_url(consejo=council.pk), follow=True)
        assert response.redirect_chain, "expected a refusal"
        assert refused(client.get(dashboard_url(consejo=council.pk)))
        assert names_in(response, OBLATOS_NAMES + COYOACAN_NAMES) == []
    # A forged id neither widens nor breaks anything.
    assert refused(client.get(dashboard_url(consejo="abc")))
    assert refused(client.get(dashboard_url(consejo=999999)))
    # Nor does a state code.
    assert refused(client.get(dashboard_url(estado="14")))


def test_a_state_coordinator_sees_aggregates_of_their_state_only(
    everyone, santa, oblatos, coyoacan, jalisco
):
    ready_members_detect()  # Ximena is ready: named at council level only
    client = signed_in(jalisco)

    response = client.get(dashboard_url())

    assert response.status_code == 200
    assert response.context["scope"].kind == "estado"
    assert response.context["dashboard"].ready_events == []
    assert response.context["per_person"] is False
    rows = {row["council"]: row for row in response.context["dashboard"].councils}
    assert set(rows) == {"Consejo Santa Cecilia", "Consejo Oblatos"}
    # Six members: above council level, rounded to a multiple of 5.
    assert rows["Consejo Santa Cecilia"]["members"] == 5
    # Fewer than five people: never an exact figure above council level.
    assert rows["Consejo Oblatos"]["members"] == "<5"
    assert rows["Consejo Oblatos"]["hours"] == "—"
    page = text_of(response)
    assert "Consejo Santa Cecilia" in page
    assert "Consejo Oblatos" in page
    assert "<5" in page
    assert "Coyoacán" not in page
    assert names_in(response, SANTA_NAMES + OBLATOS_NAMES + COYOACAN_NAMES) == []
    assert "Tlaloc" not in page

    assert refused(client.get(dashboard_url(estado="09")))
    assert refused(client.get(dashboard_url(consejo=coyoacan.pk)))


def test_exact_numbers_with_names_and_less_than_five_without(
    everyone, oblatos, jalisco
):
    client = signed_in(jalisco)

    state = client.get(dashboard_url(estado="14")).context["dashboard"]
    unnamed = client.get(dashboard_url(consejo=oblatos.pk))
    council = give_reason(
        client, f"consejo:{oblatos.pk}", dashboard_url(consejo=oblatos.pk)
    )

    entry = state.pipeline[0]  # Integrante: the six of Santa Cecilia and three
    assert entry["role"] == "Integrante"
    assert entry["members"] == 10  # 9, rounded to a multiple of 5
    assert entry["ready"] == "<5"  # Ximena alone
    # A council reached from the state, without a reason: its figures only,
    # small ones hidden as above council level.
    assert unnamed.context["per_person"] is False
    assert unnamed.context["dashboard"].total_label == "<5"
    assert unnamed.context["dashboard"].pipeline[0]["members"] == "<5"
    assert names_in(unnamed, OBLATOS_NAMES) == []
    assert "Tlaloc" not in text_of(unnamed)
    # With a reason: its people, and exact figures.
    dashboard = council.context["dashboard"]
    assert dashboard.total == 3
    assert dashboard.pipeline[0]["members"] == 3
    assert council.context["per_person"] is True
    assert names_in(council, OBLATOS_NAMES) == OBLATOS_NAMES
    assert names_in(council, SANTA_NAMES) == []
    assert "<5" not in text_of(council)


def test_the_national_coordination_sees_every_council(
    everyone, santa, oblatos, coyoacan, national
):
    client = signed_in(national)

    response = client.get(dashboard_url())

    assert response.status_code == 200
    assert response.context["scope"].kind == "nacional"
    rows = {row["council"]: row for row in response.context["dashboard"].councils}
    assert set(rows) == {"Consejo Santa Cecilia", "Consejo Oblatos", "Consejo Coyoacán"}
    assert rows["Consejo Coyoacán"]["members"] == 5
    assert rows["Consejo Oblatos"]["members"] == "<5"
    assert response.context["dashboard"].total == 14
    assert response.context["dashboard"].total_label == 15
    assert names_in(response, SANTA_NAMES + OBLATOS_NAMES + COYOACAN_NAMES) == []
    # Any state and any council is within reach.
    cdmx = client.get(dashboard_url(estado="09"))
    assert cdmx.status_code == 200
    assert [row["council"] for row in cdmx.context["dashboard"].councils] == [
        "Consejo Coyoacán"
    ]
    coyoacan_url = dashboard_url(consejo=coyoacan.pk)
    assert names_in(client.get(coyoacan_url), ["Elena"]) == []
    named = give_reason(client, f"consejo:{coyoacan.pk}", coyoacan_url)
    assert names_in(named, ["Elena"]) == ["Elena"]


def test_a_plain_member_is_refused(everyone):
    member = everyone["Ximena"]
    assert refused(signed_in(member).get(dashboard_url()))
    assert refused(signed_in(member).get(dashboard_url(export="csv")))
    assert not AccessLog.objects.exists()


# People by name above council level


def test_people_by_name_above_a_council_need_a_reason(everyone, jalisco):
    client = signed_in(jalisco)

    no_reason = client.get(dashboard_url(personas=1))
    short = give_reason(client, "estado:14", dashboard_url(personas=1), "porque")

    warning = spanish(
        "To see people by name above a council, write why you need to (at least "
        "%(minimum)s letters or digits)."
    ) % {"minimum": 10}
    for response in (no_reason, short):
        assert response.status_code == 200
        assert response.context["per_person"] is False
        assert response.context["dashboard"].councils
        assert warning in messages_of(response)
        assert names_in(response, SANTA_NAMES + OBLATOS_NAMES) == []
    assert not AccessLog.objects.exists()


def test_people_by_name_with_a_reason_are_shown_and_logged(everyone, jalisco):
    client = signed_in(jalisco)
    before = client.get(dashboard_url(estado="14"))

    response = give_reason(client, "estado:14", before.context["reason_next"])

    # The reason went by POST; no address the browser keeps carries it.
    assert all(REASON not in url for url, _status in response.redirect_chain)
    assert response.redirect_chain[-1][0] == dashboard_url(estado="14", personas=1)
    assert response.status_code == 200
    assert response.context["per_person"] is True
    assert names_in(response, SANTA_NAMES + OBLATOS_NAMES) == (
        SANTA_NAMES + OBLATOS_NAMES
    )
    assert names_in(response, COYOACAN_NAMES) == []
    # Who became ready is found when the view recomputes the state's progress,
    # and shown by name in this per-person view: only people of the state.
    events = response.context["dashboard"].ready_events
    assert events and {event.council.state.code for event in events} == {"14"}
    log = AccessLog.objects.get()
    assert log.actor == jalisco
    assert log.action == AccessLog.Action.VIEW
    assert log.scope == "cuadros:estado:14"
    assert log.row_count == 9
    assert REASON in log.detail
    assert json.loads(log.detail)["motivo"] == REASON


def test_a_reason_in_the_address_is_ignored(everyone, jalisco):
    """The old way, ``?motivo=``, put the reason in the browser's history and
    the servers' logs: it opens nothing now."""
    response = signed_in(jalisco).get(dashboard_url(personas=1, motivo=REASON))

    assert response.context["per_person"] is False
    assert names_in(response, SANTA_NAMES + OBLATOS_NAMES) == []
    assert not AccessLog.objects.exists()
    # The form to write a reason sends it by POST, with its CSRF token.
    form = response.content.decode().split(
        '<form method="post" action="/admin/motivo/">'
    )
    assert len(form) == 2
    assert 'name="csrfmiddlewaretoken"' in form[1].split("</form>")[0]


def test_a_reason_lasts_thirty_minutes(everyone, jalisco):
    client = signed_in(jalisco)
    give_reason(client, "estado:14", dashboard_url())
    url = dashboard_url(personas=1)
    assert client.get(url).context["per_person"] is True

    # Twenty-nine minutes later it still holds; thirty-one, it is gone.
    for minutes, named in ((29, True), (31, False)):
        session = client.session
        given = session[SESSION_KEY]["estado:14"]
        session[SESSION_KEY] = {
            "estado:14": {**given, "until": time.time() + (30 - minutes) * 60}
        }
        session.save()
        response = client.get(url)
        assert response.context["per_person"] is named
        assert bool(names_in(response, SANTA_NAMES)) is named


def test_a_reason_opens_only_the_scope_it_was_given_for(
    everyone, santa, oblatos, jalisco
):
    client = signed_in(jalisco)

    give_reason(client, f"consejo:{oblatos.pk}", dashboard_url())

    assert names_in(client.get(dashboard_url(consejo=oblatos.pk)), OBLATOS_NAMES)
    assert names_in(client.get(dashboard_url(consejo=santa.pk)), SANTA_NAMES) == []
    assert client.get(dashboard_url(personas=1)).context["per_person"] is False


def test_a_reason_for_a_scope_not_held_is_refused(everyone, coyoacan, jalisco):
    client = signed_in(jalisco)

    # "consejo:²": a digit to str.isdigit() that int() refuses.
    keys = ("estado:09", f"consejo:{coyoacan.pk}", "nacional", "estado:xx", "consejo:²")
    for key in keys:
        response = client.post(
            admin_url("names_reason"),
            {"alcance": key, "motivo": REASON, "next": dashboard_url()},
        )
        assert refused(response)
        assert SESSION_KEY not in client.session
    assert refused(client.get(dashboard_url(estado="09", personas=1)))


def test_after_a_reason_the_viewer_stays_in_the_admin(everyone, jalisco):
    response = signed_in(jalisco).post(
        admin_url("names_reason"),
        {"alcance": "estado:14", "motivo": REASON, "next": "https://evil.example/"},
    )

    assert response.status_code == 302
    assert response["Location"] == dashboard_url()


def test_a_reason_is_only_taken_by_post(jalisco):
    response = signed_in(jalisco).get(
        admin_url("names_reason") + f"?alcance=estado:14&motivo={REASON}"
    )

    assert response.status_code == 405


def scope_forms(response):
    """{field name: [(value, selected), …]} of each form of the scope switcher,
    one form per field, as a browser would send it."""
    html = response.content.decode()
    group = html.split('class="cadre-scope')[1].split("</div>")[0]
    forms = {}
    for form in group.split("</form>")[:-1]:
        (name,) = re.findall(r'<select name="(\w+)"', form)
        forms[name] = re.findall(r'<option value="([^"]*)" ?(selected)?>', form)
    return forms


def test_a_state_coordinator_who_leads_councils_can_switch_back_to_the_state(
    santa, oblatos
):
    person = make_person("estatal.lider", first_name="Eva", last_name="Estatal")
    assign(person, "coordinador-estatal", state="14")
    assign(person, "coordinador-de-consejo", council=santa)
    assign(person, "coordinador-de-consejo", council=oblatos)
    client = signed_in(person)

    on_council = client.get(dashboard_url(consejo=santa.pk))
    forms = scope_forms(on_council)
    back = client.get(dashboard_url(estado=forms["estado"][0][0]))

    assert on_council.context["scope"].kind == "consejo"
    assert set(forms) == {"estado", "consejo"}
    assert (str(santa.pk), "selected") in forms["consejo"]
    assert back.context["scope"].kind == "estado"
    assert back.context["scope"].label == "Jalisco"


def test_a_national_viewer_can_switch_back_to_the_whole_country(national):
    client = signed_in(national)

    on_state = scope_forms(client.get(dashboard_url(estado="14")))
    whole = client.get(dashboard_url(estado=on_state["estado"][0][0]))

    assert on_state["estado"][0] == ("", "")  # "Todo el país", not selected
    assert ("14", "selected") in on_state["estado"]
    assert whole.context["scope"].kind == "nacional"


# Filters


def member_names(response):
    return {row["name"].split()[0] for row in response.context["dashboard"].members}


def test_each_filter_narrows_the_rows(everyone, santa_leader):
    client = signed_in(santa_leader)
    second_axis = Axis.objects.get(number=2)

    every = member_names(client.get(dashboard_url()))
    by_axis = member_names(client.get(dashboard_url(eje=second_axis.slug)))
    by_role = member_names(client.get(dashboard_url(cargo="enlace-de-eje")))
    ready = member_names(client.get(dashboard_url(avance="listo")))
    almost = member_names(client.get(dashboard_url(avance="80-99")))
    half = member_names(client.get(dashboard_url(avance="50-79")))
    low = member_names(client.get(dashboard_url(avance="0-49")))
    inactive = member_names(client.get(dashboard_url(inactivos="on")))
    combined = member_names(
        client.get(dashboard_url(inactivos="on", cargo="enlace-de-eje"))
    )

    assert every == set(SANTA_NAMES)
    assert by_axis == {"Valeria"}
    assert by_role == {"Ursula"}
    assert ready == {"Ximena"}
    assert almost == {"Yolanda"}
    assert half == {"Zoe"}
    assert low == {"Wendy", "Valeria", "Ursula"}
    assert inactive == {"Wendy", "Valeria", "Ursula"}
    assert combined == {"Ursula"}


def test_ready_means_ready_for_a_next_role_not_at_the_end_of_the_pathway(
    everyone, santa, santa_leader
):
    trainer = make_person(
        "fabiola.formadora", first_name="Fabiola", last_name="Formadora"
    )
    join(trainer, santa)
    assign(trainer, "formador")
    client = signed_in(santa_leader)

    rows = {
        row["name"].split()[0]: row
        for row in client.get(dashboard_url()).context["dashboard"].members
    }
    ready = member_names(client.get(dashboard_url(avance="listo")))

    assert not rows["Fabiola"]["next_role"]
    assert rows["Fabiola"]["ready"] is False
    assert ready == {"Ximena"}


def test_readiness_figures_behind_the_bands(everyone, santa_leader):
    rows = {
        row["name"].split()[0]: row
        for row in signed_in(santa_leader)
        .get(dashboard_url())
        .context["dashboard"]
        .members
    }

    assert rows["Ximena"]["readiness"] == 100
    assert rows["Ximena"]["ready"] is True
    assert rows["Yolanda"]["readiness"] == 88
    assert rows["Zoe"]["readiness"] == 50
    assert rows["Wendy"]["readiness"] == 11  # 1 of 3 months
    assert rows["Valeria"]["readiness"] == 23  # 3 of 8 hours, 1 of 3 months
    assert rows["Ursula"]["roles"] == "Enlace de eje"
    assert rows["Ximena"]["next_role"] == "Promotor/a comunitario/a"
    assert rows["Ximena"]["circles"] == 2
    assert rows["Ximena"]["hours"] == 8.0


@pytest.mark.parametrize(
    "forged", [{"eje": "nope"}, {"avance": "999"}, {"cargo": "<script>"}]
)
def test_a_forged_filter_is_reported_and_ignored(everyone, santa_leader, forged):
    response = signed_in(santa_leader).get(dashboard_url(**forged))

    assert response.status_code == 200
    field = next(iter(forged))
    expected = spanish("Some filters were not valid and were ignored: %(fields)s.") % {
        "fields": field
    }
    assert expected in messages_of(response)
    assert member_names(response) == set(SANTA_NAMES)


def test_a_forged_filter_next_to_a_valid_one_keeps_the_valid_one(
    everyone, santa_leader
):
    response = signed_in(santa_leader).get(
        dashboard_url(eje="nope", cargo="enlace-de-eje")
    )

    assert response.status_code == 200
    assert member_names(response) == {"Ursula"}
    assert len(messages_of(response)) == 1


# Exports


def csv_rows(response):
    content = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.reader(io.StringIO(content)))


def xlsx_rows(response):
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


MEMBER_HEADINGS = [
    "Name",
    "Username",
    "Council",
    "Courses completed",
    "Hours of study",
    "Study circles attended",
    "Current roles",
    "Next role",
    "Readiness (%)",
    "Last activity",
]
COUNCIL_HEADINGS = [
    "Council",
    "Members",
    "Courses completed",
    "Hours of study",
    "Study circles attended",
    "Ready for their next role",
    "Inactive 30+ days",
]


def test_the_council_csv_has_one_row_per_member_and_is_logged(
    everyone, santa, santa_leader
):
    response = signed_in(santa_leader).get(dashboard_url(export="csv"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = csv_rows(response)
    assert rows[0] == [spanish(heading) for heading in MEMBER_HEADINGS]
    assert len(rows) == 1 + 6
    by_name = {row[0]: row for row in rows[1:]}
    assert set(by_name) == {f"{name} Tlaloc" for name in SANTA_NAMES}
    ximena = by_name["Ximena Tlaloc"]
    assert ximena[1] == "ximena"
    assert ximena[2] == "Consejo Santa Cecilia"
    assert ximena[8] == "100"
    # The local date of her last circle (not the UTC one).
    last_circle = Meeting.objects.filter(attendances__user=everyone["Ximena"]).first()
    assert ximena[9] == timezone.localdate(last_circle.starts_at).isoformat()
    # Joining is her last activity.
    joined = timezone.localdate() - timedelta(days=31)
    assert by_name["Wendy Tlaloc"][9] == joined.isoformat()
    log = AccessLog.objects.get()
    assert log.action == AccessLog.Action.EXPORT
    assert log.actor == santa_leader
    assert log.scope == f"cuadros:consejo:{santa.pk}"
    assert log.row_count == 6
    detail = json.loads(log.detail)
    assert detail["filtros"] == {}
    assert detail["formato"] == "csv"


def test_a_name_that_looks_like_a_formula_is_exported_as_text(everyone, santa_leader):
    # A member chose this "name" at registration (CSV injection).
    ximena = everyone["Ximena"]
    ximena.first_name = '=HYPERLINK("http://ataque.example","Ver")'
    ximena.last_name = ""
    ximena.save()

    rows = csv_rows(signed_in(santa_leader).get(dashboard_url(export="csv")))
    xlsx = signed_in(santa_leader).get(dashboard_url(export="xlsx"))
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)))

    assert '\'=HYPERLINK("http://ataque.example","Ver")' in [row[0] for row in rows]
    assert not any(str(row[0]).startswith("=") for row in rows[1:])
    (cell,) = [
        row[0]
        for row in workbook.active.iter_rows()
        if row[0].value == '=HYPERLINK("http://ataque.example","Ver")'
    ]
    # Text as typed, kept as text even when someone edits the cell.
    assert (cell.data_type, cell.quotePrefix) == ("s", True)


def test_the_xlsx_export_opens_and_keeps_the_filters_in_the_log(
    everyone, santa, santa_leader
):
    response = signed_in(santa_leader).get(
        dashboard_url(consejo=santa.pk, cargo="enlace-de-eje", export="xlsx")
    )

    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    rows = xlsx_rows(response)
    assert rows[0] == [spanish(heading) for heading in MEMBER_HEADINGS]
    assert len(rows) == 2
    assert rows[1][0] == "Ursula Tlaloc"
    assert rows[1][6] == "Enlace de eje"
    log = AccessLog.objects.get()
    assert log.action == AccessLog.Action.EXPORT
    assert log.scope == f"cuadros:consejo:{santa.pk}"
    assert log.row_count == 1
    detail = json.loads(log.detail)
    assert detail["filtros"] == {"cargo": "enlace-de-eje"}
    assert detail["formato"] == "xlsx"


def test_a_state_export_has_one_row_per_council_and_hides_small_counts(
    everyone, jalisco
):
    response = signed_in(jalisco).get(dashboard_url(export="csv"))

    rows = csv_rows(response)
    assert rows[0] == [spanish(heading) for heading in COUNCIL_HEADINGS]
    assert sorted(row[0] for row in rows[1:]) == [
        "Consejo Oblatos",
        "Consejo Santa Cecilia",
    ]
    oblatos = next(row for row in rows if row[0] == "Consejo Oblatos")
    assert oblatos[1] == "<5"
    assert "Tlaloc" not in str(rows)
    log = AccessLog.objects.get()
    assert (log.action, log.scope, log.row_count) == ("export", "cuadros:estado:14", 2)


def test_a_state_export_of_people_by_name_is_logged_once(everyone, jalisco):
    client = signed_in(jalisco)
    give_reason(client, "estado:14", dashboard_url())

    response = client.get(dashboard_url(personas=1, export="xlsx"))

    rows = xlsx_rows(response)
    assert rows[0][0] == spanish("Name")
    assert len(rows) == 1 + 9
    log = AccessLog.objects.get()
    assert log.action == AccessLog.Action.EXPORT
    assert log.scope == "cuadros:estado:14"
    assert log.row_count == 9
    detail = json.loads(log.detail)
    assert detail["motivo"] == REASON
    assert detail["personas"] is True


def test_an_export_of_a_scope_not_held_is_refused_and_not_logged(
    everyone, oblatos, santa_leader, jalisco
):
    assert refused(
        signed_in(santa_leader).get(dashboard_url(consejo=oblatos.pk, export="csv"))
    )
    assert refused(signed_in(jalisco).get(dashboard_url(estado="09", export="xlsx")))
    assert not AccessLog.objects.exists()


# Figures above a council: a statistics office's rounding, so that no
# subtraction of two figures shown gives an exact small count


@pytest.fixture
def tonala(db):
    """Twelve active members: eleven without an office and one who coordinates
    the council (which its public page says)."""
    council = make_council("Consejo Tonalá", municipality_code="101", publish=False)
    found = people(council, [f"Persona{number:02d}" for number in range(12)])
    assign(found[0], "coordinador-de-consejo", council=council)
    return found[0]


def figures_shown(dashboard):
    """Every figure of the page that counts people or adds up their progress."""
    figures = [dashboard.total_label]
    for step in dashboard.pipeline:
        figures += [step["members"], step["ready"]]
    for row in dashboard.councils:
        figures += [
            row[name]
            for name in ("members", "courses", "hours", "circles", "ready", "inactive")
        ]
    figures += [month["total"] for month in dashboard.monthly]
    return figures


def bar_widths(html, x):
    return [
        int(width) for width in re.findall(rf'<rect x="{x}" y="5" width="(\d+)"', html)
    ]


@pytest.mark.parametrize("band", ["", "0-49"])
def test_no_subtraction_of_figures_above_a_council_gives_a_small_count(
    tonala, jalisco, band
):
    """The reviewer's attack: 12 members minus 11 "Integrante"s was exactly one
    coordinator (shown "<5" on its own), and the filter by progress then told
    that person's band."""
    params = {"estado": "14", **({"avance": band} if band else {})}

    response = signed_in(jalisco).get(dashboard_url(**params))

    dashboard = response.context["dashboard"]
    row = next(row for row in dashboard.councils if row["council"] == "Consejo Tonalá")
    steps = {step["role"]: step for step in dashboard.pipeline}
    integrantes = steps["Integrante"]["members"]
    assert (row["members"], integrantes) == (10, 10)
    assert row["members"] - integrantes == 0  # not 1
    assert steps["Coordinador/a de consejo"]["members"] == "<5"
    # Every figure is "<5" (a 0 included: it would confirm who is not there),
    # a multiple of 5, or a sum left out; so is any difference of two.
    for figure in figures_shown(dashboard):
        assert figure in ("<5", "—") or (figure >= 5 and figure % 5 == 0), figure
    text = text_of(response)
    assert "Cifras redondeadas a múltiplos de 5" in text
    # The charts draw the figures shown: the "Integrante" bar is as long as
    # the total's (10 of 10), not 11 of 12 (183 of 200), nor any exact ratio.
    html = response.content.decode()
    widths = bar_widths(html, 190)
    assert widths == [step["width"] for step in dashboard.pipeline]
    assert widths[0] == 200
    assert set(widths) <= {0, 200}
    assert {item["label"] for item in dashboard.axis_share} == {"<5"}
    assert set(bar_widths(html, 70)) == {0}


def test_the_council_s_own_leader_still_sees_exact_figures(tonala):
    response = signed_in(tonala).get(dashboard_url())

    dashboard = response.context["dashboard"]
    steps = {step["role"]: step["members"] for step in dashboard.pipeline}
    assert dashboard.total_label == 12
    assert (steps["Integrante"], steps["Coordinador/a de consejo"]) == (11, 1)
    assert "Cifras redondeadas" not in text_of(response)
    assert bar_widths(response.content.decode(), 190)[0] == round(200 * 11 / 12)


def test_a_state_export_rounds_its_figures_too(tonala, jalisco):
    rows = csv_rows(signed_in(jalisco).get(dashboard_url(estado="14", export="csv")))

    tonala_row = next(row for row in rows if row[0] == "Consejo Tonalá")
    assert tonala_row[1] == "10"
    assert set(tonala_row[2:]) <= {"<5", "—"} | {str(n) for n in range(5, 100, 5)}


# Summary panels


def test_summary_panels_are_svg_charts_with_a_table_equivalent(everyone, santa_leader):
    response = signed_in(santa_leader).get(dashboard_url())

    page = response.content.decode()
    assert page.count('<svg role="img"') == 3
    dashboard = response.context["dashboard"]
    roles = [role.name for role in pathway()]
    assert [step["role"] for step in dashboard.pipeline] == roles
    assert dashboard.pipeline[0]["members"] == 6  # all Integrante
    assert dashboard.pipeline[0]["ready"] == 1  # Ximena: an exact figure here
    text = text_of(response)
    for name in roles:
        assert name in text
    for axis in Axis.objects.all():
        assert axis.name in text
    assert len(dashboard.monthly) == 12
    # Valeria's course, forty days ago, in its month.
    month = timezone.localdate(days_ago(40)).replace(day=1)
    assert {m["month"]: m["count"] for m in dashboard.monthly}[month] == 1
    share = {item["axis"].number: item["percent"] for item in dashboard.axis_share}
    assert share[2] == round(100 / 6)
    assert share[1] == 0


def monthly_totals(council, now):
    """The council's completions per month as the workers add them up at
    ``now``."""
    progress_refresh_all()
    totals_refresh(everything=True, now=now)
    return CouncilProgress.objects.get(council=council).monthly


def test_the_twelve_months_end_with_the_current_one(santa_members, santa):
    """Whatever the day: a 31-day month used to push the current month out."""
    valeria = santa_members["Valeria"]
    course = make_course("Asambleas que deciden", axis_number=1, publish=False)
    tz = timezone.get_current_timezone()
    for now in (
        datetime(2026, 12, 15, 12, tzinfo=tz),
        datetime(2026, 3, 1, 0, 30, tzinfo=tz),
        datetime(2026, 11, 30, 23, 30, tzinfo=tz),
    ):
        Enrollment.objects.filter(user=valeria).delete()
        completed(valeria, course, now - timedelta(minutes=10))
        months = _monthly(monthly_totals(santa, now), now, lambda count: count)
        assert len(months) == 12
        assert months[-1]["month"] == now.date().replace(day=1)
        assert months[-1]["count"] == 1
        assert months[0]["month"].month == now.month % 12 + 1


def test_a_month_shown_as_fewer_than_five_has_no_bar_to_measure(santa_members, santa):
    from councils.cadres.dashboard import disclose

    course = make_course("Asambleas que deciden", axis_number=1, publish=False)
    now = timezone.now()
    last_month = timezone.localtime(now).replace(day=1) - timedelta(days=3)
    for name in ("Ximena", "Yolanda"):
        completed(santa_members[name], course, last_month)
    for person in people(santa, ["Abril", "Brisa", "Citlali", "Dalia", "Eréndira"]):
        completed(person, course, now - timedelta(minutes=5))

    months = _monthly(monthly_totals(santa, now), now, disclose)

    assert (months[-2]["total"], months[-2]["height"]) == ("<5", 0)
    assert (months[-1]["total"], months[-1]["height"]) == (5, 120)


# Queries do not grow with the data


def three_courses():
    return [
        make_course(f"Curso {n}", axis_number=n % 3 + 1, hours=n + 2, publish=False)
        for n in range(3)
    ]


def grow_council(council, count, courses, start=0):
    """``count`` members with varied histories: completions over the months,
    circles attended and facilitated, roles held."""
    users = User.objects.bulk_create(
        [
            User(
                username=f"persona{start + n:04d}",
                first_name=f"Persona{start + n}",
                last_name="Prueba",
            )
            for n in range(count)
        ]
    )
    today = timezone.localdate()
    Membership.objects.bulk_create(
        [
            Membership(
                user=user,
                council=council,
                status=MembershipStatus.ACTIVE,
                joined_on=today - timedelta(days=20 * (n % 12)),
            )
            for n, user in enumerate(users)
        ]
    )
    now = timezone.now()
    Enrollment.objects.bulk_create(
        [
            Enrollment(
                user=user,
                course=courses[(n + k) % len(courses)],
                completed_at=now - timedelta(days=25 * ((n + k) % 12)),
            )
            for n, user in enumerate(users)
            for k in range(n % 3)
        ]
    )
    circle = Meeting.objects.create(
        council=council,
        kind=MeetingKind.CIRCLE,
        starts_at=now - timedelta(days=start % 40 + 1),
        closed_at=now,
        facilitator=users[0],
    )
    Attendance.objects.bulk_create(
        [Attendance(meeting=circle, user=user) for user in users[::2]]
    )
    promoter, liaison = role("promotor-comunitario"), role("enlace-de-eje")
    RoleAssignment.objects.bulk_create(
        [
            RoleAssignment(user=user, role=promoter, council=council)
            for user in users[::5]
        ]
        + [
            RoleAssignment(user=user, role=liaison, council=council)
            for user in users[1::7]
        ]
    )
    leader_role = role("coordinador-de-consejo")
    MentorSignOff.objects.bulk_create(
        [MentorSignOff(mentee=user, role=leader_role) for user in users[::5]]
    )
    ReadyEvent.objects.bulk_create(
        [ReadyEvent(user=user, role=promoter, council=council) for user in users[3::4]]
    )
    # Bulk writes skip the signals: like the services that write in bulk, say
    # whose progress changed.
    progress_mark_stale(user.pk for user in users)
    return users


# The tests compare two sizes rather than pin a figure that Wagtail's admin
# may move; the figures are printed (pytest -s). Each size is measured twice:
# with every progress row stale (the worker behind: the page shows the last
# totals and recomputes nothing) and once the worker has caught up.

PROGRESS_TABLES = ("councils_memberprogress", "councils_councilprogress")


def queries_of(client, url):
    """(statements, response); the page never writes a progress row."""
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    statements = [query["sql"] for query in context.captured_queries]
    writes = [
        sql
        for sql in statements
        if sql.split(" ", 1)[0] in ("INSERT", "UPDATE", "DELETE")
        and any(table in sql for table in PROGRESS_TABLES)
    ]
    assert not writes, writes
    return len(statements), response


def stale_and_fresh(client, url, worker):
    """(queries with every row stale, queries once the worker caught up),
    response."""
    members = MemberProgress.objects.filter(active_member=True)
    members.update(stale=True)
    worker.clear()  # behind: nothing is recomputed before the request
    stale, behind = queries_of(client, url)
    assert behind.context["dashboard"].updating
    assert not members.filter(stale=False).exists()
    progress_catch_up()
    fresh, response = queries_of(client, url)
    assert not response.context["dashboard"].updating
    return (stale, fresh), response


def test_the_council_dashboard_queries_do_not_grow_with_members(
    santa, santa_leader, worker_keeps_up
):
    courses = three_courses()
    grow_council(santa, 10, courses)
    client = signed_in(santa_leader)
    client.get(dashboard_url())  # warm the caches (site, content types)

    ten, small = stale_and_fresh(client, dashboard_url(), worker_keeps_up)
    grow_council(santa, 990, courses, start=10)
    # New members are content (the council's page counts them): the per-site
    # caches are rebuilt by the next request, as the first one built them.
    client.get(dashboard_url())
    thousand, large = stale_and_fresh(client, dashboard_url(), worker_keeps_up)

    assert small.context["dashboard"].total == 10
    assert large.context["dashboard"].total == 1000
    assert len(large.context["rows_page"].object_list) == PAGE_SIZE  # one page
    assert ten == thousand, f"{ten} for 10 members, {thousand} for 1,000"
    print(f"council dashboard: {ten} queries (stale, fresh) for 10 and 1,000")


def test_the_state_dashboard_queries_do_not_grow_with_councils(
    jalisco, worker_keeps_up
):
    councils = []
    courses = three_courses()

    def grow(count):
        for _n in range(count):
            number = len(councils)
            council = make_council(
                f"Consejo Prueba {number:02d}",
                municipality_code=f"{200 + number:03d}",
                publish=False,
                provision=False,
            )
            councils.append(council)
            grow_council(council, 6, courses, start=number * 10)

    grow(2)
    client = signed_in(jalisco)
    client.get(dashboard_url())
    two, small = stale_and_fresh(client, dashboard_url(), worker_keeps_up)
    grow(18)
    client.get(dashboard_url())  # the per-site caches again, as above
    twenty, large = stale_and_fresh(client, dashboard_url(), worker_keeps_up)

    assert len(small.context["dashboard"].councils) == 2
    assert len(large.context["dashboard"].councils) == 20
    assert two == twenty, f"{two} for 2 councils, {twenty} for 20"
    print(f"state dashboard: {two} queries (stale, fresh) for 2 and 20 councils")


def test_the_menu_shows_the_dashboard_to_leaders(everyone, santa_leader):
    home = signed_in(santa_leader).get("/admin/")

    assert home.status_code == 200
    assert admin_url("cadre_dashboard") in home.content.decode()
