"""A visitor adds a council's public meeting to her calendar: the link of the
meeting on the council's page downloads its .ics file."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from icalendar import Calendar

from councils.factories import make_meeting

from .conftest import e2e
from .data import council_with_leader

pytestmark = e2e


@pytest.fixture
def meeting(db):
    council, _ = council_with_leader()
    return make_meeting(
        council,
        "Asamblea de diciembre",
        starts_at=timezone.now() + timedelta(days=4),
        is_public=True,
    )


def test_add_to_my_calendar_downloads_the_meeting(page, meeting, tmp_path):
    page.goto(meeting.council.url)
    # Its name says which meeting (Chromium puts a space before the hidden part).
    link = page.get_by_role(
        "link", name=re.compile(r"^Agregar a mi calendario ?: Asamblea de diciembre$")
    )

    with page.expect_download() as download_info:
        link.click()
    download = download_info.value

    assert download.suggested_filename == f"reunion-{meeting.pk}.ics"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    calendar = Calendar.from_ical(Path(saved).read_bytes())
    (event,) = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]).startswith("Asamblea de diciembre")
    assert event["DTSTART"].dt == meeting.starts_at.replace(microsecond=0)
