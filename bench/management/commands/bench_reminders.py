"""``manage.py bench_reminders``: plans tomorrow's meeting reminders for every
member of the bench data set and sends a sample to a local receiver
(``bench.reminders``); writes the figures into docs/benchmarks.md."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from bench import report
from bench.management.commands.bench_data import refuse_production
from bench.reminders import run
from bench.sizes import PREFIX
from councils.services.reminders import LOOK_AHEAD
from notifications.services import DELIVERY_BATCH, WRITE_BATCH

HEADING = "## Recordatorios de reuniones"


class Command(BaseCommand):
    help = (
        "Plans the reminders of one meeting tomorrow in every bench council "
        "(time and SQL queries, planned twice), sends --sample of them to an "
        "SMS receiver on 127.0.0.1 (notices per second, one worker), removes "
        "what it made and writes the figures into docs/benchmarks.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("--sample", type=int, default=2000)
        parser.add_argument("--batch", type=int, default=DELIVERY_BATCH)
        parser.add_argument("--output", default="docs/benchmarks.md")
        parser.add_argument("--note", default="", help="A line added to the text.")
        parser.add_argument("--no-output", action="store_true")

    def handle(self, *args, sample, batch, output, note, no_output, **options):
        refuse_production()
        members = get_user_model().objects.filter(username__startswith=PREFIX)
        count = members.count()
        if not count:
            raise CommandError("No benchmark data: run manage.py bench_data first.")
        result = run(sample=sample, batch=batch, log=self.stdout.write)
        lines = render(result, count, sample, batch, note)
        self.stdout.write("\n".join(lines))
        if result.received != result.sent:
            raise CommandError("The receiver did not get every notice sent.")
        if not no_output:
            report.replace_section(output, HEADING, "\n".join(lines))
            self.stdout.write(self.style.SUCCESS(f"Written to {output}."))


def render(result, members, sample, batch, note):
    machine = report.machine()
    command = "manage.py bench_reminders" + (
        f" --sample {sample}" if sample != 2000 else ""
    )
    per_meeting = result.queries / result.meetings if result.meetings else 0
    statuses = ", ".join(
        f"{status} {number:,}" for status, number in sorted(result.statuses.items())
    )
    return [
        HEADING,
        "",
        "Reminders of tomorrow's meetings (`councils.services.reminders`, run "
        "hourly by beat) for every active member of every council of the data "
        "set of `manage.py bench_data`, and how fast one worker sends them. "
        "Written by `manage.py bench_reminders` (`bench/reminders.py`); edit "
        "those rather than the text.",
        "",
        "```sh",
        "export DATABASE_URL=postgres://postgres@127.0.0.1:5432/cococi_bench",
        ".venv/bin/python -m bench.database && .venv/bin/python manage.py migrate",
        ".venv/bin/python manage.py bench_data --members 50000 --councils 500 "
        "--if-missing",
        f".venv/bin/python {command}",
        "```",
        "",
        f"- Measured {timezone.localdate().isoformat()} on "
        f"{connection.vendor} ({settings.DATABASES['default']['NAME']}), "
        f"{machine['processors']} processors ({machine['cpu']}), {machine['ram']}, "
        "shared with other work.",
        f"- Data set: {members:,} bench members; one meeting tomorrow in each of "
        f"{result.meetings:,} councils (the planner looks "
        f"{LOOK_AHEAD.total_seconds() / 3600:.0f} h ahead). Planned in one "
        "transaction; the outbox publishes the tasks to Celery's in-memory "
        "broker (no worker takes them).",
        "",
        "| step | notices | time | SQL queries |",
        "| --- | --- | --- | --- |",
        f"| planning (first run) | {result.written:,} written | "
        f"{result.planning_seconds:.2f} s | {result.queries:,} "
        f"({per_meeting:.1f} per meeting) |",
        f"| planning again (nothing new) | {result.again_written:,} written | "
        f"{result.again_seconds:.2f} s | {result.again_queries:,} |",
        f"| sending a sample, one worker | {result.sent:,} of {result.sample:,} "
        f"sent | {result.sending_seconds:.2f} s | — |",
        "",
        f"- Planning: {result.written / result.planning_seconds:,.0f} reminders/s; "
        f"{result.tasks:,} delivery tasks through the outbox (batches of "
        f"{DELIVERY_BATCH}; notices written by INSERT … SELECT, one statement per "
        f"meeting, lists of people {WRITE_BATCH} at a time). The queries grow "
        "with the meetings and the batches of 200, never with each member.",
        f"- Sending: **{result.rate:,.0f} notices/s per worker** "
        f"({1000 / result.rate if result.rate else 0:.1f} ms each) through "
        "Apprise's `json://` to an HTTP receiver on 127.0.0.1, in batches of "
        f"{batch} as `notifications.tasks.deliver_batch` does, in-process "
        "(no Celery overhead); each notice reads its person, consent, channel, "
        "time zone and daily count, claims, sends and marks itself sent. "
        f"Statuses: {statuses}; the receiver got {result.received:,}.",
        f"- At that rate one worker sends the {result.written:,} reminders in "
        f"about {result.written / result.rate / 60 if result.rate else 0:.0f} "
        "minutes; the notices of a real provider wait on its network and its "
        "rate limits, so the provider sets the pace, not the platform.",
        *([f"- {note}"] if note else []),
    ]
