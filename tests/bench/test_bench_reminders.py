"""bench_reminders plans tomorrow's reminders for a small bench data set, sends
a sample to its own receiver, writes its section of docs/benchmarks.md and
leaves the data set as it found it."""

from io import StringIO

import pytest
from django.core.management import call_command

from bench.reminders import TITLE
from councils.models import Meeting
from members.models import ConsentRecord, User
from notifications.models import ChannelPreference, Notice
from outbox.models import PendingTask

pytestmark = pytest.mark.django_db

SMALL = {"members": 60, "councils": 6, "courses": 6, "lessons": 4}


def test_bench_reminders_measures_and_cleans_up(tmp_path):
    call_command("bench_data", allow_sqlite=True, stdout=StringIO(), **SMALL)
    phones = dict(User.objects.values_list("pk", "phone"))
    tasks = PendingTask.objects.count()
    path = tmp_path / "benchmarks.md"
    path.write_text("# Benchmarks\n\n## Other numbers\n\nKeep me.\n")

    out = StringIO()
    call_command("bench_reminders", sample=20, output=str(path), stdout=out)

    text = path.read_text()
    assert "## Other numbers\n\nKeep me.\n" in text
    assert text.count("## Recordatorios de reuniones") == 1
    assert "| sending a sample, one worker | 20 of 20 sent |" in text
    assert "the receiver got 20" in text
    assert not Meeting.objects.filter(title=TITLE).exists()
    assert not Notice.objects.exists() and PendingTask.objects.count() == tasks
    assert not ChannelPreference.objects.exists()
    assert not ConsentRecord.objects.filter(notice__version="bench-avisos").exists()
    assert dict(User.objects.values_list("pk", "phone")) == phones
