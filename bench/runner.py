"""Measurements of ``manage.py bench_cadres``: the cadre dashboard for the three
leader accounts, one member's readiness, and what keeps the dashboard's
per-member summaries true (stale rows, the nightly refresh), on the data of
``bench_data``.

Each measurement runs once to warm up, then ``runs`` times; a slow one stops
early once it has used its time budget (at least three runs are kept). Wall
time is ``time.perf_counter`` around the call; queries are counted with
``CaptureQueriesContext``.
"""

import math
import re
import statistics
import time
from dataclasses import asdict, dataclass, field
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from councils.cadres.changes import course_published
from councils.cadres.progress import progress_catch_up, progress_refresh_all
from councils.cadres.readiness import member_readiness
from councils.models import MemberProgress, Membership, ProgressWork
from courses.models import CoursePage

from .pages import member_lesson
from .sizes import (
    COUNCIL_LEADER,
    MEASURED_COUNCIL_SLUG,
    MEASURED_STATE_CODE,
    NATIONAL_LEADER,
    RICH_MEMBER,
    STATE_LEADER,
)

DASHBOARD_URL = "/admin/formacion-de-cuadros/"
ADMIN_FLOOR_URL = "/admin/reports/site-history/"
# Targets for the median (p50), in milliseconds.
TARGETS_MS = {
    "council": 150,
    "state": 300,
    "national": 500,
    "readiness": 20,
}
# A member's own pages: as at 50,000 members (issue #26).
MEMBER_MS = 50
# The nightly refresh of every member and every total, on one worker.
REFRESH_TARGET_MS = 90_000
# The dashboard's figures while the workers are behind by this share of the
# members (1.0: right after a change of requirements, before they start).
BEHIND = [(None, "fresh"), (0.01, "1 % of the rows stale"), (1.0, "every row stale")]
BUDGET_SECONDS = 60


@dataclass
class Result:
    name: str
    scope: str
    target_ms: float | None = None
    status: str = "ok"
    samples: list = field(default_factory=list)  # seconds
    queries: list = field(default_factory=list)
    # The statements of the last run (for their plans), not reported.
    statements: list = field(default_factory=list, repr=False)

    @property
    def p50(self):
        return statistics.median(self.samples) if self.samples else None

    @property
    def p95(self):
        if not self.samples:
            return None
        ordered = sorted(self.samples)
        return ordered[max(math.ceil(0.95 * len(ordered)) - 1, 0)]

    @property
    def median_queries(self):
        if not self.queries:
            return "—"
        low, high = min(self.queries), max(self.queries)
        middle = sorted(self.queries)[len(self.queries) // 2]
        return str(middle) if low == high else f"{middle} ({low}–{high})"

    @property
    def target(self):
        return f"≤ {self.target_ms:,.0f} ms" if self.target_ms is not None else ""

    def as_row(self):
        row = asdict(self)
        del row["statements"]
        row.update(
            p50=self.p50,
            p95=self.p95,
            queries=self.median_queries,
            runs=len(self.samples),
            target=self.target,
        )
        del row["samples"]
        return row


def timed(function, result, runs, budget=BUDGET_SECONDS, prepare=None, warm_up=True):
    """Call ``function`` ``runs`` times (after one warm-up call) into ``result``;
    ``function`` returns None when all is well, or a status that stops it.
    ``prepare``, when given, runs untimed before every call."""
    if warm_up:
        if prepare:
            prepare()
        status = function()
        if status:
            result.status = status
            return result
    spent = 0.0
    for _ in range(runs):
        if prepare:
            prepare()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            status = function()
            elapsed = time.perf_counter() - started
        if status:
            result.status = status
            return result
        result.samples.append(elapsed)
        result.queries.append(len(captured.captured_queries))
        result.statements = captured.captured_queries
        spent += elapsed
        if spent > budget and len(result.samples) >= 3:
            break
    return result


def dashboard_call(client, url=DASHBOARD_URL):
    def call():
        response = client.get(url)
        if response.status_code == 200:
            return None
        status = f"not available (HTTP {response.status_code}"
        if response.status_code in (301, 302):
            status += f" → {response.get('Location', '')}"
        return status + ")"

    return call


def quietly(function, *args):
    """``function(*args)`` as a measured call: its result is dropped."""

    def call():
        function(*args)

    return call


def active_members(**filters):
    return Membership.objects.active().filter(**filters)


def measure(runs, log=print):
    """The list of Results for the data set in the database."""
    User = get_user_model()
    users = {
        user.username: user
        for user in User.objects.filter(
            username__in=[COUNCIL_LEADER, STATE_LEADER, NATIONAL_LEADER, RICH_MEMBER]
        )
    }
    council_members = active_members(council__slug=MEASURED_COUNCIL_SLUG)
    state_members = active_members(council__state__code=MEASURED_STATE_CODE)
    all_members = active_members()
    sizes = {
        "council": council_members.count(),
        "state": state_members.count(),
        "national": all_members.count(),
    }
    results = []
    vacuum()
    hosts = [*settings.ALLOWED_HOSTS, "testserver"]
    with (
        override_settings(DEBUG=False, ALLOWED_HOSTS=hosts),
        translation.override(settings.LANGUAGE_CODE),
    ):
        progress_catch_up()
        for share, condition in BEHIND:
            behind(share)
            for key, username, scope in [
                ("council", COUNCIL_LEADER, "measured council"),
                ("state", STATE_LEADER, "measured state"),
                ("national", NATIONAL_LEADER, "nation"),
            ]:
                name = f"Dashboard, {key} leader (`{username}`)"
                if share is not None:
                    name += f", {condition}"
                result = Result(
                    name, f"{scope}: {sizes[key]:,} members", TARGETS_MS[key]
                )
                user = users.get(username)
                if user is None:
                    result.status = "no such user: run bench_data"
                else:
                    client = Client(raise_request_exception=False)
                    client.force_login(user)
                    timed(dashboard_call(client), result, runs)
                log(_line(result))
                results.append(result)
            if share is not None:
                caught_up = Result(
                    f"The worker catching up with {condition} (`progress_catch_up`)",
                    f"nation: {sizes['national']:,} members",
                )
                timed(quietly(progress_catch_up), caught_up, 1, warm_up=False)
                log(_line(caught_up))
                results.append(caught_up)

        # The floor under any admin page on this machine: a Wagtail report of
        # its own (the sidebar, menus and permission checks every page pays).
        leader = users.get(COUNCIL_LEADER)
        if leader is not None:
            result = Result(
                f"Reference: Wagtail's site history report (`{COUNCIL_LEADER}`)",
                "the admin's own cost, not a target",
            )
            client = Client(raise_request_exception=False)
            client.force_login(leader)
            timed(dashboard_call(client, ADMIN_FLOOR_URL), result, runs)
            log(_line(result))
            results.append(result)

        rich = users.get(RICH_MEMBER)
        result = Result(
            f"`member_readiness` of one member (`{RICH_MEMBER}`)",
            "1 member",
            TARGETS_MS["readiness"],
        )
        if rich is None:
            result.status = "no such user: run bench_data"
        else:
            timed(quietly(member_readiness, rich), result, runs)
        log(_line(result))
        results.append(result)

        # A member's own pages must not grow with the movement (in-process, as
        # the dashboards; bench_pages measures them under gunicorn).
        if rich is not None:
            client = Client(raise_request_exception=False)
            client.force_login(rich)
            for name, url in member_pages(rich):
                result = Result(f"{name} (`{RICH_MEMBER}`)", "1 member", MEMBER_MS)
                timed(dashboard_call(client, url), result, runs)
                log(_line(result))
                results.append(result)

        # What an editor's change costs the editor now that workers do the rest.
        course = most_completed_course()
        if course is not None:
            result = Result(
                "Publishing the course completed by the most members: the "
                "editor's share (`course_published`)",
                f"{course.completers:,} completers",
            )
            timed(partial(published_and_undone, course), result, runs)
            log(_line(result))
            results.append(result)
        result = Result(
            "Nightly refresh of every member and every total, one worker "
            "(`progress_refresh_all`)",
            f"nation: {sizes['national']:,} members",
            REFRESH_TARGET_MS,
        )
        timed(quietly(progress_refresh_all), result, 2, prepare=vacuum)
        log(_line(result))
        results.append(result)
    return results, sizes


# The plans recorded: the slowest reads of these measurements.
PLANNED = {
    "Dashboard, national leader (`bench-nacional`)": 2,
    "Dashboard, state leader (`bench-coord-estatal`)": 2,
    "Dashboard, council leader (`bench-lider-consejo`)": 2,
    "Nightly refresh of every member and every total, one worker "
    "(`progress_refresh_all`)": 5,
}


def query_plans(results):
    """[{what, ms, sql, plan}]: ``EXPLAIN (ANALYZE, BUFFERS)`` of the slowest
    distinct SELECTs of the measurements in PLANNED (PostgreSQL only)."""
    if connection.vendor != "postgresql":
        return []
    plans = []
    for result in results:
        count = PLANNED.get(result.name)
        if not count:
            continue
        seen, chosen = set(), []
        for query in sorted(
            result.statements, key=lambda query: -float(query["time"] or 0)
        ):
            sql = query["sql"]
            shape = re.sub(r"\d+", "N", sql)[:300]
            if not sql.startswith("SELECT") or shape in seen:
                continue
            seen.add(shape)
            chosen.append(query)
            if len(chosen) == count:
                break
        for query in chosen:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
                plan = "\n".join(row[0] for row in cursor.fetchall())
                transaction.set_rollback(True)  # FOR UPDATE: locks let go
            plans.append(
                {
                    "what": result.name,
                    "ms": float(query["time"]) * 1000,
                    "sql": query["sql"],
                    "plan": plan,
                }
            )
    return plans


def behind(share):
    """The workers behind by ``share`` of the members, spread over every
    council (None: caught up). Every row: as right after a change of
    requirements, with its work row waiting too."""
    if share is None:
        return
    rows = MemberProgress.objects.all()
    if share < 1:
        step = round(1 / share)
        rows = rows.annotate(slot=F("pk") % step).filter(slot=0)
    else:
        ProgressWork.objects.create(kind=ProgressWork.Kind.EVERYONE)
    rows.update(stale=True)
    vacuum()


def member_pages(member):
    """[(name, url)] of ``member``'s pages: Mi formación and the lesson
    bench_pages measures."""
    found = [("Member page `/mi-formacion/`", "/mi-formacion/")]
    _course, lesson = member_lesson(member)
    if lesson is not None:
        found.append(("Lesson, signed in", lesson.url))
    return found


def most_completed_course():
    return (
        CoursePage.objects.annotate(
            completers=Count(
                "enrollments", filter=Q(enrollments__completed_at__isnull=False)
            )
        )
        .order_by("-completers")
        .first()
    )


def published_and_undone(course):
    """What publishing ``course`` writes in the editor's transaction, rolled
    back after (the work row and its task are not for this run)."""
    with transaction.atomic():
        course_published(course)
        transaction.set_rollback(True)


def vacuum():
    """What autovacuum does on a live server (it may be off on a bench machine:
    the runs rewrite the summary table over and over, and dead rows pile up)."""
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE councils_memberprogress")


def _line(result):
    if result.status != "ok":
        return f"  {result.name}: {result.status}"
    return (
        f"  {result.name} [{result.scope}]: p50 {result.p50 * 1000:.1f} ms, "
        f"p95 {result.p95 * 1000:.1f} ms, {result.median_queries} queries, "
        f"{len(result.samples)} runs"
        + (f" (target {result.target})" if result.target else "")
    )
