""" "Avisos enviados" in "Mi consejo": a council's leaders see what the site
told its people about the council (counts of the last 30 days and the list),
with the provider's reason of what failed and only a coarse one of what was
skipped (a person's privacy choices are hers), at the council's own hour;
never another council's notices, nor a person's own (her phone's codes)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from councils.factories import assign, join, make_council, make_person
from members.models import AccessLog
from notifications.kinds import KINDS
from notifications.models import Notice, Status
from tests.councils.helpers import admin_url, signed_in, spanish, text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def council(db):
    # Sonora: its clock is an hour behind Mexico City's for half the year and
    # never moves, so a time shown in the site's zone would be seen.
    return make_council(
        "Consejo Hermosillo Centro", state_code="26", municipality_code="030"
    )


@pytest.fixture
def other(db):
    return make_council("Consejo Santa Cecilia", publish=False)


@pytest.fixture
def leader(council):
    person = make_person("ana.lider", first_name="Ana")
    assign(person, "coordinador-de-consejo", council=council)
    return person


@pytest.fixture
def member(council):
    person = make_person("lupe", first_name="Guadalupe", last_name="Yocupicio")
    join(person, council)
    return person


def notice(user, council, kind="membership_decision", number=1, **fields):
    # A fixed minute, never the :05 one test reads for a sent time, whatever
    # the hour the suite runs at.
    created = (timezone.now() - timedelta(hours=2)).replace(minute=33)
    fields.setdefault("created_at", created)
    return Notice.objects.create(
        kind=kind,
        user=user,
        key=f"{kind}:{number}",
        text=fields.pop("text", "Aviso"),
        scope=f"council:{council.pk}" if council else "",
        **fields,
    )


def test_the_leader_sees_counts_and_each_notice_in_spanish(council, leader, member):
    moment = timezone.now() - timedelta(days=1)
    sent_at = moment.replace(hour=18, minute=5)
    notice(member, council, channel="sms", status=Status.SENT, sent_at=sent_at)
    notice(member, council, "meeting_reminder", status=Status.HELD)
    notice(member, council, "meeting_reminder", 2, status=Status.PENDING)
    notice(
        member,
        council,
        "meeting_change",
        channel="sms",
        status=Status.FAILED,
        last_error="sin respuesta del proveedor: pudo llegar; no se reenvía",
    )
    notice(
        member,
        council,
        "constancia",
        status=Status.SKIPPED,
        last_error="sin consentimiento para avisos",
    )
    # Older than 30 days: neither counted nor listed.
    notice(
        member,
        council,
        "weekly_digest",
        status=Status.SENT,
        created_at=timezone.now() - timedelta(days=31),
    )

    response = signed_in(leader).get(admin_url("council_notices", council.pk))

    assert response.status_code == 200
    page = text_of(response)
    assert spanish("Notices sent: %(council)s") % {"council": council.title} in page
    assert "Enviados 1" in page
    assert "Pendientes o en espera 2" in page
    assert "Fallidos 1" in page
    assert "Omitidos 1" in page
    assert "Avisos (5)" in page
    for kind in ("membership_decision", "meeting_reminder", "meeting_change"):
        assert str(KINDS[kind]) in page
    assert "Decisión sobre la membresía" in page
    assert "Guadalupe Yocupicio" in page
    assert "sin consentimiento para avisos" not in page
    assert "No enviado" in page
    # E-mail or phone: which phone channel she chose is hers.
    assert "teléfono" in page and "SMS" not in page
    assert "pudo llegar; no se reenvía" in page
    assert "Enviado" in page and "Fallido" in page and "En espera" in page
    assert "Resumen semanal" not in page
    # 18:05 UTC is 11:05 in Hermosillo (12:05 in Mexico City).
    assert "11:05" in page and "12:05" not in page
    assert "America/Hermosillo" in page


def test_never_another_council_s_notices_nor_a_person_s_own(
    council, other, leader, member
):
    stranger = make_person("marta", first_name="Marta", last_name="Otroconsejo")
    join(stranger, other)
    notice(stranger, other, status=Status.SENT)
    notice(member, other, "meeting_reminder", status=Status.FAILED, last_error="x")
    notice(member, None, "sign_in_code", text="Tu código: 7KQ4-MX2P")
    notice(member, None, "phone_verification", text="Tu código: 482913")

    response = signed_in(leader).get(admin_url("council_notices", council.pk))

    page = text_of(response)
    assert "Marta" not in page
    assert "7KQ4" not in page and "482913" not in page
    assert "Código para entrar" not in page and "Recordatorio de reunión" not in page
    assert "Avisos (0)" in page
    assert "Enviados 0" in page and "Fallidos 0" in page
    assert spanish("No notices in these days.") in page


def test_a_forged_council_id_finds_nothing(council, other, leader):
    stranger = make_person("marta", first_name="Marta")
    notice(stranger, other, status=Status.SENT)
    client = signed_in(leader)

    assert client.get(admin_url("council_notices", other.pk)).status_code == 404
    assert client.get(admin_url("council_notices", 10**9)).status_code == 404
    member_only = make_person("solo.integrante")
    join(member_only, council)
    refused = signed_in(member_only).get(admin_url("council_notices", council.pk))
    assert refused.status_code in (302, 403)


def test_from_above_the_council_names_only_after_a_reason(council, member):
    coordinator = make_person("sonora.coord", first_name="Sonia")
    assign(coordinator, "coordinador-estatal", state="26")
    notice(member, council, status=Status.SENT)
    client = signed_in(coordinator)
    url = admin_url("council_notices", council.pk)

    asked = text_of(client.get(url))
    assert "Guadalupe" not in asked
    assert spanish("Show people") in asked

    client.post(
        admin_url("names_reason"),
        {
            "alcance": f"consejo:{council.pk}",
            "motivo": "Revisar los avisos del consejo",
            "next": url,
        },
    )
    shown = text_of(client.get(url))
    assert "Guadalupe Yocupicio" in shown
    log = AccessLog.objects.get()
    assert log.scope == f"mi-consejo:{council.pk}" and log.row_count == 1


def test_the_page_is_bounded_and_paginated(council, leader, member):
    client = signed_in(leader)
    url = admin_url("council_notices", council.pk)
    notice(member, council, status=Status.SENT)
    client.get(url)  # sessions, content types: warm
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200

    for number in range(2, 61):
        person = make_person(f"persona{number}", first_name=f"Persona{number}")
        notice(person, council, number=number, status=Status.SENT)
    client.get(url)  # new people: the permissions cached per person, warm again
    with CaptureQueriesContext(connection) as many:
        first = client.get(url)
    assert len(many) == len(one)
    page = text_of(first)
    assert "Enviados 60" in page and "Página 1 de 2" in page
    second = text_of(client.get(url + "?p=2"))
    assert second.count("Decisión sobre la membresía") == 10


@pytest.mark.parametrize(
    ("status", "last_error", "shown"),
    [
        (
            Status.SKIPPED,
            "sin consentimiento para avisos",
            "No enviado",
        ),
        (
            Status.SKIPPED,
            "sin destinatario verificado para sms",
            "No enviado",
        ),
        (
            Status.SKIPPED,
            "la persona eligió no recibir avisos",
            "No enviado",
        ),
        (
            Status.SKIPPED,
            "canal telegram no configurado",
            "No enviado",
        ),
        (Status.CANCELLED, "la reunión se canceló", "Cancelado"),
        (Status.FAILED, "HTTP 400: número inválido", "HTTP 400: número inválido"),
    ],
)
def test_why_a_notice_did_not_go_out_tells_no_one_s_privacy_choices(
    council, leader, member, status, last_error, shown
):
    notice(member, council, status=status, last_error=last_error)

    page = text_of(signed_in(leader).get(admin_url("council_notices", council.pk)))

    assert shown in page
    if status != Status.FAILED:
        assert last_error not in page
        assert "telegram" not in page.lower() and "consentimiento" not in page


def test_a_sign_in_code_a_leader_sent_is_listed_without_its_text(
    council, leader, member
):
    notice(
        member,
        council,
        "sign_in_code",
        text="Tu código para entrar: 7KQ4-MX2P",
        channel="sms",
        status=Status.SENT,
        sent_at=timezone.now(),
    )
    notice(
        member,
        council,
        "phone_verification",
        text="Tu código: 482913",
        status=Status.SENT,
    )

    page = text_of(signed_in(leader).get(admin_url("council_notices", council.pk)))

    assert str(KINDS["sign_in_code"]) in page and "7KQ4" not in page
    assert str(KINDS["phone_verification"]) not in page and "482913" not in page
    assert "Avisos (1)" in page and "Enviados 1" in page
    assert "Un código para entrar que envió una persona de la coordinación" in page
