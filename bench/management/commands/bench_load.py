"""``manage.py bench_load``: a bounded load test of what members do most (read a
lesson, open /mi-formacion/, mark a lesson as studied) under gunicorn with the
production settings, PostgreSQL, Redis and a Celery worker, on the data set of
``bench_data``; the figures go into docs/benchmarks.md."""

import csv
import json
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import redis
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import override_settings
from django.utils import timezone
from django.utils.crypto import get_random_string

from bench import report
from bench.management.commands.bench_data import refuse_production
from bench.serve import ROOT, production_env, production_site
from bench.sizes import LEADERS, MEASURED_COUNCIL_SLUG, PREFIX, RICH_MEMBER
from councils.models import Membership
from courses.models import (
    Certificate,
    CoursePage,
    Enrollment,
    LessonCompletion,
    LessonPage,
)
from outbox.models import PendingTask

HEADING = "## Load: members studying at the same time"
LOCUSTFILE = ROOT / "bench" / "locustfile.py"
MODEL_BACKEND = "members.backends.MemberBackend"


class Command(BaseCommand):
    help = (
        "Runs locust with --users signed-in members (no pause between requests) "
        "for --seconds against gunicorn in production settings with a Celery "
        "worker (--celery-workers of them), on PostgreSQL and Redis; checks that "
        "there were no errors, that every completed course got exactly one "
        "constancia and that the outbox is empty; writes the figures into "
        "docs/benchmarks.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("--users", type=int, default=20)
        parser.add_argument("--seconds", type=int, default=60)
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--threads", type=int, default=2)
        parser.add_argument(
            "--celery-workers",
            type=int,
            default=2,
            help="Separate Celery worker processes (one task at a time each).",
        )
        parser.add_argument("--output", default="docs/benchmarks.md")
        parser.add_argument("--no-output", action="store_true")

    def handle(
        self,
        *args,
        users,
        seconds,
        workers,
        threads,
        celery_workers,
        output,
        no_output,
        **_,
    ):
        refuse_production()
        if connection.vendor != "postgresql":
            raise CommandError("DATABASE_URL must point at PostgreSQL.")
        if not getattr(settings, "REDIS_URL", ""):
            raise CommandError("REDIS_URL must be set (cache and Celery broker).")
        if not 1 <= seconds <= 300:
            raise CommandError("--seconds must be between 1 and 300.")
        if celery_workers < 1:
            raise CommandError("--celery-workers must be at least 1.")
        # The data set may predate the latest migrations.
        call_command("migrate", interactive=False, verbosity=0)
        secret_key = secrets.token_urlsafe(50)
        members = _members(users)
        plan = _plan(members, secret_key)
        workdir = Path(tempfile.mkdtemp(prefix="cococi-load-"))
        plan_path = workdir / "plan.json"
        plan_path.write_text(json.dumps(plan))
        started = timezone.now()
        first_pending_id = _outbox_last_id()
        with production_site(
            workers=workers,
            threads=threads,
            celery_workers=celery_workers,
            secret_key=secret_key,
            log=self.stdout.write,
        ) as site:
            _preflight(site["url"], plan["members"][0])
            self.stdout.write(f"locust: {users} members for {seconds} s…")
            stats = _locust(site["url"], users, seconds, plan_path, workdir)
            drained = _drain(settings.REDIS_URL)
            server_errors = _server_errors(site["logs"] / "gunicorn.log")
            task_failures, task_retries = _worker_failures(site["logs"])
        outcome = _outcome(members, started, first_pending_id)
        outcome.update(
            drained_seconds=drained,
            server_errors=server_errors,
            celery_workers=celery_workers,
            task_failures=task_failures,
            task_retries=task_retries,
        )
        for row in stats:
            self.stdout.write(
                f"  {row['name']}: {row['requests']} requests, {row['failures']} "
                f"failures, {row['rps']:.1f}/s, p50 {row['p50']} ms, "
                f"p99 {row['p99']} ms"
            )
        self.stdout.write(
            "  {completions} completions, {courses} courses completed, "
            "{certificates} constancias; queue empty {drained_seconds:.1f} s after "
            "the run; {server_errors} server errors; outbox: {outbox_created} "
            "tasks recorded during the run, {outbox_left} not finished; Celery: "
            "{task_failures} tasks failed, {task_retries} retries".format(**outcome)
        )
        failures = sum(row["failures"] for row in stats)
        problems = []
        if failures:
            problems.append(f"{failures} failed requests")
        if outcome["certificates"] != outcome["courses"]:
            problems.append("constancias and completed courses differ")
        if server_errors:
            problems.append(f"{server_errors} errors in gunicorn's log")
        if task_failures:
            problems.append(f"{task_failures} Celery tasks failed")
        if outcome["outbox_left"]:
            problems.append(
                f"{outcome['outbox_left']} tasks of the run left unfinished "
                "in the outbox"
            )
        if not no_output:
            report.replace_section(
                output,
                HEADING,
                _render(users, seconds, workers, threads, stats, outcome),
            )
            self.stdout.write(self.style.SUCCESS(f"Written to {output}."))
        if problems:
            raise CommandError("; ".join(problems))


def _members(count):
    """Active members of the measured council (not the leaders), each with a
    course of the data set that has no prerequisites and no quiz."""
    excluded = [*LEADERS, RICH_MEMBER]
    memberships = (
        Membership.objects.active()
        .filter(council__slug=MEASURED_COUNCIL_SLUG)
        .exclude(user__username__in=excluded)
        .select_related("user")
        .order_by("user__username")[:count]
    )
    users = [membership.user for membership in memberships]
    if len(users) < count:
        raise CommandError(
            f"The measured council has {len(users)} members; run bench_data first."
        )
    courses = [
        course
        for course in CoursePage.objects.live()
        .filter(slug__startswith=PREFIX, prerequisites__isnull=True)
        .order_by("path")
        if not any(lesson.quiz for lesson in _lessons(course))
    ]
    if not courses:
        raise CommandError("No benchmark course without prerequisites and quiz.")
    completed = set(
        Enrollment.objects.completed()
        .filter(user__in=users)
        .values_list("user_id", "course_id")
    )
    chosen = []
    for i, user in enumerate(users):
        # A course the member has not completed yet, so that studying completes it.
        rotation = courses[i % len(courses) :] + courses[: i % len(courses)]
        course = next((c for c in rotation if (user.pk, c.pk) not in completed), None)
        if course is None:
            raise CommandError(f"{user.username} has completed every course.")
        chosen.append((user, course))
    return chosen


def _lessons(course):
    return LessonPage.objects.live().child_of(course).order_by("path")


def _plan(members, secret_key):
    """Sessions and CSRF tokens made with the server's SECRET_KEY, and the
    lessons of each member's course."""
    plan = {"members": []}
    with override_settings(SECRET_KEY=secret_key):
        for user, course in members:
            session = SessionStore()
            session[SESSION_KEY] = str(user.pk)
            session[BACKEND_SESSION_KEY] = MODEL_BACKEND
            session[HASH_SESSION_KEY] = user.get_session_auth_hash()
            session.create()
            csrf = get_random_string(32)
            plan["members"].append(
                {
                    "cookie": f"{settings.SESSION_COOKIE_NAME}={session.session_key}; "
                    f"{settings.CSRF_COOKIE_NAME}={csrf}",
                    "csrf": csrf,
                    "lessons": [lesson.url for lesson in _lessons(course)],
                }
            )
    return plan


def _preflight(base, member):
    """The member's lesson and /mi-formacion/ answer 200 signed in."""
    for path in (member["lessons"][0], "/mi-formacion/"):
        request = urllib.request.Request(
            base + path, headers={"Cookie": member["cookie"]}
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            if response.status != 200 or "/cuenta/entrar/" in response.url:
                raise CommandError(f"{path} is not available signed in.")


def _locust(base, users, seconds, plan_path, workdir):
    prefix = workdir / "locust"
    env = {**production_env(workdir, 0), "BENCH_LOAD_PLAN": str(plan_path)}
    subprocess.run(
        [
            sys.executable,
            "-m",
            "locust",
            "-f",
            str(LOCUSTFILE),
            "--headless",
            "--users",
            str(users),
            "--spawn-rate",
            str(users),
            "--run-time",
            f"{seconds}s",
            "--host",
            base,
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
        check=False,  # locust exits 1 when a request failed: counted below
    )
    with open(f"{prefix}_stats.csv") as stats_file:
        return [
            {
                "name": row["Name"] if row["Name"] != "Aggregated" else "All",
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "rps": float(row["Requests/s"]),
                "p50": row["50%"],
                "p95": row["95%"],
                "p99": row["99%"],
                "max": f"{float(row['Max Response Time']):.0f}",
                "size": f"{float(row['Average Content Size']) / 1024:.1f} KB",
            }
            for row in csv.DictReader(stats_file)
        ]


def _drain(redis_url, timeout=180):
    """Seconds until the worker has taken and finished every queued task."""
    client = redis.Redis.from_url(redis_url)
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if client.llen("celery") == 0 and client.hlen("unacked") == 0:
            return time.monotonic() - started
        time.sleep(0.5)
    raise CommandError(f"Tasks still queued {timeout} s after the run.")


def _server_errors(log):
    text = log.read_text() if log.exists() else ""
    return text.count("Traceback") + text.count("[ERROR]")


def _worker_failures(logs):
    """(tasks that failed for good, retries) in the Celery workers' logs. A
    constancia's row and PDF are made before its e-mail, so a task that failed
    sending it still leaves the constancia counted above."""
    failures = retries = 0
    for log in sorted(logs.glob("worker*.log")):
        text = log.read_text()
        failures += text.count("] raised unexpected:")
        retries += text.count("] retry: ")
    return failures, retries


def _outbox_last_id():
    """The last id PostgreSQL handed out to an outbox row (0 before any)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_serial_sequence(%s, 'id')", [PendingTask._meta.db_table]
        )
        (sequence,) = cursor.fetchone()
        cursor.execute(f"SELECT last_value, is_called FROM {sequence}")
        value, called = cursor.fetchone()
    return value if called else value - 1


def _outcome(members, since, first_pending_id):
    """What the run wrote. The outbox: ``PendingTask`` rows are deleted once a
    worker finished their task, so rows made during the run (ids above
    ``first_pending_id``) that are still there, once the queue is empty, are
    tasks not finished."""
    users = [user for user, _course in members]
    courses = Enrollment.objects.filter(user__in=users, completed_at__gte=since)
    return {
        # Ids come from a sequence: those used during the run count the rows
        # made, finished (deleted) or not.
        "outbox_created": _outbox_last_id() - first_pending_id,
        "outbox_left": PendingTask.objects.filter(pk__gt=first_pending_id).count(),
        "completions": LessonCompletion.objects.filter(
            user__in=users, completed_at__gte=since
        ).count(),
        "courses": courses.count(),
        "certificates": Certificate.objects.filter(
            user__in=users, issued_at__gte=since
        ).count(),
    }


def _render(users, seconds, workers, threads, stats, outcome):
    machine = report.machine()
    versions = report.versions()
    rows = [
        [
            row["name"],
            f"{row['requests']:,}",
            str(row["failures"]),
            f"{row['rps']:.1f}",
            f"{row['p50']} ms",
            f"{row['p95']} ms",
            f"{row['p99']} ms",
            f"{row['max']} ms",
            row["size"],
        ]
        for row in stats
    ]
    return "\n".join(
        [
            HEADING,
            "",
            f"{users} signed-in members of the measured council at once, each "
            "sending its next request as soon as the last one answered (no think "
            "time): lesson pages of their course (5 in 8 requests), `/mi-formacion/` "
            "(2 in 8) and marking a lesson as studied (1 in 8, a POST with its CSRF "
            "token, answered by a redirect). Written by `manage.py bench_load`.",
            "",
            "```sh",
            "make load   # = manage.py bench_load --users 20 --seconds 60 "
            "--workers 2 --celery-workers 2, on the bench_data set",
            "```",
            "",
            f"- Measured {timezone.localdate().isoformat()} with `manage.py "
            f"bench_load --users {users} --seconds {seconds} --workers {workers} "
            f"--threads {threads} --celery-workers {outcome['celery_workers']}` "
            "on the `bench_data` set.",
            f"- Machine: {machine['processors']} processors, {machine['cpu']}, "
            f"{machine['ram']} RAM. Versions: Python {versions['python']}, Django "
            f"{versions['django']}, Wagtail {versions['wagtail']}, "
            f"{versions['database']}.",
            f"- gunicorn with the production settings ({workers} processes × "
            f"{threads} threads, `gunicorn.conf.py`), Redis cache and broker, "
            + (
                "one Celery worker"
                if outcome["celery_workers"] == 1
                else f"{outcome['celery_workers']} Celery worker processes"
            )
            + ", and locust itself, all on the same 127.0.0.1 machine "
            "(locust's own CPU use is part of the figures).",
            "",
            report.table(
                [
                    "Request",
                    "Requests",
                    "Failures",
                    "Requests/s",
                    "p50",
                    "p95",
                    "p99",
                    "max",
                    "Size",
                ],
                rows,
            ),
            "",
            "- Writes: {completions:,} new lesson completions recorded (a lesson "
            "already studied records nothing), {courses} "
            "courses completed and {certificates} constancias issued by the worker "
            "(one per completed course); the task queue was empty "
            "{drained_seconds:.1f} s after the run.".format(**outcome),
            f"- Server errors in gunicorn's log: {outcome['server_errors']}.",
            "- Outbox: {outbox_created} tasks recorded during the run, "
            "{outbox_left} left unfinished at the end.".format(**outcome),
            "- Celery workers' logs: {task_failures} tasks failed for good, "
            "{task_retries} retries.".format(**outcome),
            "",
        ]
    )
