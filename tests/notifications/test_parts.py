"""Segments, time zones, the admin's view of the channels."""

from zoneinfo import ZoneInfo

import pytest

from councils.factories import join, make_council
from councils.timezones import zone_of_state
from members.factories import make_person
from notifications import zones
from notifications.sms import for_sms, segments


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", 0),
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("€" * 80, 1),  # extension characters count twice
        ("€" * 81, 2),
        ("ñ¿¡é" * 40, 1),  # in GSM-7
        ("á" * 70, 1),  # not in GSM-7: UCS-2
        ("á" * 71, 2),
        ("á" * 134, 2),
        ("á" * 135, 3),
    ],
)
def test_segments(text, expected):
    assert segments(text) == expected


def test_spanish_is_folded_to_gsm_7_for_sms():
    text = "Tu consejo aceptó tu solicitud. ¿Dudas? Escríbenos: «Año Único»"
    folded = for_sms(text)

    assert folded.startswith("Tu consejo acepto tu solicitud. ¿Dudas? Escribenos")
    assert segments(for_sms("aceptó " * 22)) == 1
    assert segments("aceptó " * 22) == 3


@pytest.mark.parametrize(
    ("code", "zone"),
    [
        ("23", "America/Cancun"),
        ("02", "America/Tijuana"),
        ("26", "America/Hermosillo"),
        ("03", "America/Mazatlan"),
        ("25", "America/Mazatlan"),
        ("18", "America/Mazatlan"),
        ("08", "America/Chihuahua"),
        ("14", "America/Mexico_City"),
        ("09", "America/Mexico_City"),
    ],
)
def test_each_state_has_its_zone(code, zone):
    assert zone_of_state(code) == zone


@pytest.mark.django_db
def test_a_members_zone_is_her_councils_state_and_mexico_city_without_one():
    person = make_person("lupe")
    assert zones.zone_of(person) == ZoneInfo("America/Mexico_City")

    join(person, make_council("Consejo Hermosillo", state_code="26"))
    assert zones.zone_of(person) == ZoneInfo("America/Hermosillo")


@pytest.mark.django_db
def test_the_dashboard_shows_superusers_which_channels_are_on(client, settings):
    settings.NOTIFY_SMS_URL = "twilio://ACabc:token-secreto@+15551234567/{phone}"
    settings.NOTIFY_TELEGRAM_URL = ""
    admin = make_person("admin", is_superuser=True, is_staff=True)
    client.force_login(admin)

    page = client.get("/admin/").content.decode()

    assert "Canales de avisos" in page
    assert "correo ✓" in page and "SMS ✓" in page and "Telegram ✗" in page
    assert "token-secreto" not in page and "twilio" not in page


@pytest.mark.django_db
def test_the_dashboard_shows_others_no_channels(client):
    from django.contrib.auth.models import Permission

    editor = make_person("editora", is_staff=True)
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(editor)

    page = client.get("/admin/").content.decode()

    assert "Canales de avisos" not in page


@pytest.mark.django_db
def test_superusers_see_the_notices_and_nobody_edits_them(client, clock):
    from notifications.models import Notice
    from notifications.services import notify

    admin = make_person("admin", is_superuser=True, is_staff=True)
    person = make_person("lupe")
    notice = notify(
        "membership_decision", person, "prueba:1", "Tu consejo aceptó tu solicitud."
    )
    Notice.objects.filter(pk=notice.pk).update(
        status="skipped", last_error="sin consentimiento para avisos"
    )
    client.force_login(admin)

    listing = client.get("/admin/notices/")
    inspect = client.get(f"/admin/notices/inspect/{notice.pk}/")

    assert listing.status_code == 200 and "prueba:1" in listing.content.decode()
    assert "Decisión sobre la membresía" in listing.content.decode()
    assert "sin consentimiento para avisos" in inspect.content.decode()
    assert client.get(f"/admin/notices/edit/{notice.pk}/").status_code in (302, 403)
    assert client.get("/admin/notices/new/").status_code in (302, 403)


@pytest.mark.django_db
def test_the_notices_export_has_a_row_per_notice_and_no_text_nor_address(client, clock):
    import csv
    import io

    from notifications.models import Notice

    admin = make_person("admin", is_superuser=True, is_staff=True)
    people = [make_person(f"p{n}", first_name=f"Persona{n}") for n in range(3)]
    for person in people:
        Notice.objects.create(
            kind="phone_verification",
            user=person,
            key=f"phone_code:{person.pk}",
            text="Tu código es 482913",
            channel="sms",
            status="failed",
            last_error="HTTP 400: número inválido",
            address="+523312345678",
            created_at=clock(),
        )
    client.force_login(admin)

    response = client.get("/admin/notices/?export=csv")

    assert response.status_code == 200
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    assert [row for row in rows if not any(row)] == []
    header, *lines = rows
    assert header == [
        "Aviso",
        "Sobre",
        "Persona",
        "Canal",
        "Situación",
        "Creado el",
        "Enviada el",
        "Último error",
    ]
    assert sorted(lines) == [
        [
            "Código para verificar el teléfono",
            f"phone_code:{person.pk}",
            person.first_name,
            "SMS",
            "fallido",
            "2026-05-19 18:00:00+00:00",
            "",
            "HTTP 400: número inválido",
        ]
        for person in people
    ]
    assert "482913" not in content and "3312345678" not in content


@pytest.mark.django_db
def test_others_do_not_see_the_notices(client):
    from django.contrib.auth.models import Permission

    editor = make_person("editora", is_staff=True)
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(editor)

    assert client.get("/admin/notices/").status_code in (302, 403)


@pytest.mark.django_db
def test_a_members_notices_are_in_her_export_and_go_with_her_account(clock):
    from members.registry import sections
    from members.services import account_delete
    from notifications.models import ChannelPreference, Notice
    from notifications.services import notify

    person = make_person("lupe", phone="3312345678")
    ChannelPreference.objects.create(user=person, channel="sms")
    notify("prueba", person, "prueba:1", "Tu consejo aceptó tu solicitud.")
    (section,) = [row for row in sections() if row.key == "avisos_recibidos"]

    (row,) = section.export(person)
    assert row["texto"] == "Tu consejo aceptó tu solicitud." and row["estado"]

    account_delete(user=person)

    assert not Notice.objects.filter(user=person).exists()
    assert not ChannelPreference.objects.filter(user=person).exists()
