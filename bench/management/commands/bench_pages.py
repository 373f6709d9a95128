"""``manage.py bench_pages``: throughput and latency of the key pages under
gunicorn with the production settings (wrk at 4 and 16 connections), their SQL
queries and their size, on the data set of ``bench_data``; the figures go into
docs/benchmarks.md (``make bench``)."""

import runpy
import secrets
import subprocess
import tempfile
from pathlib import Path

import gunicorn
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from bench import peer, report, versus, wrk
from bench.generator import bench_data_exists
from bench.management.commands.bench_data import refuse_production
from bench.pages import (
    PAGE_KEYS,
    PageError,
    check_and_size,
    count_queries,
    find_pages,
    sign_in,
    sign_out,
    stylesheet_path,
)
from bench.serve import ROOT, database_url, production_site
from bench.sizes import PREFIX

HEADING = "## Pages: throughput, latency, queries and size"
MAX_SECONDS = 20
# Enough connections for every gunicorn process to have compiled the page's
# templates and filled its memo before the measured runs.
WARM_UP_SECONDS = 2
WARM_UP_CONNECTIONS = 16
# Targets (issue #9).
TARGET_CONNECTIONS = 4
ANONYMOUS_LESSON_SHARE = 0.25
SIGNED_IN_LESSON_RPS = 100
SIGNED_IN_LESSON_P99 = 0.150
MAX_QUERIES = 15
# For a council of 200 members (#6 measured it alone, in-process: bench_cadres).
DASHBOARD_P50 = 0.150


def gunicorn_defaults():
    """Processes, threads and max_requests as gunicorn.conf.py sets them on
    this machine."""
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    return conf["workers"], conf["threads"], conf["max_requests"]


class Command(BaseCommand):
    help = (
        "Measures requests/s, p50/p99 latency (wrk at 4 and 16 connections), SQL "
        "queries and response size of the key pages (home, catalogue, course, "
        "lesson anonymous and signed in, /mi-formacion/, council, state, the "
        "cadre dashboard, a static file) under gunicorn in production settings "
        "on the bench_data set; writes them into docs/benchmarks.md."
    )

    def add_arguments(self, parser):
        workers, threads, max_requests = gunicorn_defaults()
        parser.add_argument(
            "--seconds",
            type=int,
            default=10,
            help=f"Length of each wrk run (1–{MAX_SECONDS}).",
        )
        parser.add_argument(
            "--connections",
            default="4,16",
            help="Comma-separated connection counts, one wrk run each.",
        )
        parser.add_argument(
            "--pages",
            default="",
            help="Comma-separated subset of: "
            + ", ".join(PAGE_KEYS)
            + " (the static file is always measured: it is the reference).",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=workers,
            help=f"gunicorn processes (default: gunicorn.conf.py's, here {workers}).",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=threads,
            help=f"Threads per process (default: gunicorn.conf.py's, {threads}).",
        )
        parser.add_argument(
            "--max-requests",
            type=int,
            default=max_requests,
            help="gunicorn's max_requests: a process is replaced after this many "
            f"requests (default: gunicorn.conf.py's, {max_requests}; 0: never).",
        )
        parser.add_argument(
            "--no-peer",
            action="store_true",
            help="Do not measure the signed-in lesson and a static file against "
            f"{peer.NAME}'s (bench/peer.py; PEER_DATABASE_URL, by default the "
            "database's name with _peer).",
        )
        parser.add_argument("--output", default="docs/benchmarks.md")
        parser.add_argument(
            "--no-output",
            action="store_true",
            help="Print the figures without writing the file.",
        )

    def handle(self, *args, **options):
        refuse_production()
        if connection.vendor != "postgresql":
            raise CommandError("DATABASE_URL must point at PostgreSQL.")
        if not getattr(settings, "REDIS_URL", ""):
            raise CommandError("REDIS_URL must be set (the production cache).")
        seconds = options["seconds"]
        if not 1 <= seconds <= MAX_SECONDS:
            raise CommandError(f"--seconds must be between 1 and {MAX_SECONDS}.")
        if options["workers"] < 1 or options["threads"] < 1:
            raise CommandError("--workers and --threads must be at least 1.")
        if options["max_requests"] < 0:
            raise CommandError("--max-requests must be 0 (never) or more.")
        connections = _connections(options["connections"])
        keys = _keys(options["pages"])
        try:
            wrk_version = wrk.version()
        except wrk.WrkError as error:
            raise CommandError(str(error)) from error
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            raise CommandError("The database is not migrated: run manage.py migrate.")
        if not bench_data_exists():
            raise CommandError("No benchmark data: run manage.py bench_data first.")
        try:
            pages = find_pages(keys)
        except PageError as error:
            raise CommandError(str(error)) from error
        if "state" in keys and not any(page.key == "state" for page in pages):
            self.stdout.write("No published state page of Jalisco: skipped.")

        secret_key = secrets.token_urlsafe(50)
        sign_in(pages, secret_key)
        raw_dir = Path(tempfile.mkdtemp(prefix="cococi-bench-pages-"))
        workers, threads = options["workers"], options["threads"]
        try:
            with production_site(
                workers=workers,
                threads=threads,
                celery_worker=False,
                secret_key=secret_key,
                gunicorn_args=["--max-requests", str(options["max_requests"])],
                log=self.stdout.write,
            ) as site:
                base = site["url"]
                self._check(base, pages)
                self._measure(base, pages, connections, seconds, raw_dir)
                log_text = (site["logs"] / "gunicorn.log").read_text()
                self.stdout.write("Counting queries in-process…")
                count_queries(pages, site["env"]["STATIC_ROOT"])
            sides = None
            if not options["no_peer"] and "lesson-member" in keys:
                sides, peer_log = self._versus(pages, secret_key, seconds, raw_dir)
        except (PageError, wrk.WrkError, RuntimeError) as error:
            raise CommandError(str(error)) from error
        except subprocess.CalledProcessError as error:
            raise CommandError(
                f"Setting up {peer.NAME} failed ({error}); --no-peer measures "
                "without it."
            ) from error
        finally:
            sign_out(pages)

        server = {
            "errors": log_text.count("Traceback") + log_text.count("[ERROR]"),
            "restarts": log_text.count("Autorestarting worker"),
            "log": str(site["logs"] / "gunicorn.log"),
        }
        run = {
            "command": _command_line(options, keys),
            "date": timezone.localdate().isoformat(),
            "workers": workers,
            "threads": threads,
            "max_requests": options["max_requests"],
            "seconds": seconds,
            "connections": connections,
            "wrk": wrk_version,
            "gunicorn": gunicorn.__version__,
        }
        rows, targets = _rows(pages, connections), _targets(pages)
        self.stdout.write("")
        self.stdout.write(report.table(TABLE_HEADER, rows))
        self.stdout.write("")
        self.stdout.write(report.table(TARGETS_HEADER, targets))
        self.stdout.write("")
        self.stdout.write(
            f"gunicorn: {server['errors']} errors, {server['restarts']} worker "
            f"restarts (max_requests) in {server['log']}"
        )
        self.stdout.write(f"wrk's raw reports: {raw_dir}")
        if sides is not None:
            self.stdout.write("")
            self.stdout.write(report.table(versus.TABLE_HEADER, versus.rows(sides)))
            self.stdout.write("")
            self.stdout.write(
                report.table(["Target", "Measured", "Verdict"], versus.targets(sides))
            )
        if not options["no_output"]:
            report.replace_section(
                options["output"], HEADING, render(run, pages, rows, targets, server)
            )
            if sides is not None:
                run["members"] = f"{_bench_members():,}-member"
                run["peer_database"] = peer.database_url(database_url()).rsplit("/", 1)[
                    -1
                ]
                report.replace_section(
                    options["output"],
                    versus.HEADING,
                    versus.render(run, sides, peer_log),
                )
            self.stdout.write(self.style.SUCCESS(f"Written to {options['output']}."))
        problems = []
        failed = sum(
            result.non_2xx_3xx for page in pages for result in page.runs.values()
        )
        if failed:
            problems.append(f"{failed} responses other than 2xx/3xx")
        silent = [
            f"{page.name} at {count} connections"
            for page in pages
            for count, result in page.runs.items()
            if not result.requests
        ]
        if silent:
            problems.append("no response within the run: " + "; ".join(silent))
        if server["errors"]:
            problems.append(f"{server['errors']} errors in gunicorn's log")
        if problems:
            raise CommandError("; ".join(problems))

    def _check(self, base, pages):
        """Every page answers 200 with what it must show (its size is kept)."""
        for page in pages:
            if page.key == "static":
                page.path = stylesheet_path(base)
            check_and_size(base, page)
            self.stdout.write(
                f"  {page.name}: {page.path} answers 200 "
                f"({page.raw:,} bytes, gzip {page.gzip:,}"
                + (f", X-Page-Cache {page.page_cache}" if page.page_cache else "")
                + ")"
            )

    def _versus(self, pages, secret_key, seconds, raw_dir):
        """Our signed-in lesson and static file against the peer's, both
        sites served by gunicorn with the same sync processes, by turns."""
        by_key = {page.key: page for page in pages}
        lesson, static = by_key["lesson-member"], by_key["static"]
        self.stdout.write(
            f"Against {peer.NAME}: {versus.WORKERS} sync processes each, "
            f"{versus.ROUNDS} rounds of {seconds} s at {versus.CONNECTIONS} "
            "connections…"
        )
        with (
            peer.peer_site(
                peer.database_url(database_url()),
                versus.lesson_content(lesson.source),
                workers=versus.WORKERS,
                log=self.stdout.write,
            ) as theirs,
            production_site(
                workers=versus.WORKERS,
                threads=1,
                celery_worker=False,
                secret_key=secret_key,
                gunicorn_args=["--worker-class", "sync", "--max-requests", "0"],
                log=self.stdout.write,
            ) as ours,
        ):
            sides = versus.sides_for(lesson, static, theirs)
            versus.measure(
                ours["url"],
                theirs["url"],
                sides,
                seconds=seconds,
                raw_dir=raw_dir,
                log=self.stdout.write,
            )
        failed = sum(run.errors for side in sides.values() for run in side.runs)
        if failed:
            raise PageError(f"{failed} failed requests against {peer.NAME}.")
        return sides, theirs["log"]

    def _measure(self, base, pages, connections, seconds, raw_dir):
        self.stdout.write(
            f"wrk: {len(pages)} pages × {len(connections)} runs of {seconds} s "
            f"(after {WARM_UP_SECONDS} s of warm-up each)…"
        )
        for page in pages:
            url = base + page.path
            wrk.run(
                url,
                connections=WARM_UP_CONNECTIONS,
                seconds=WARM_UP_SECONDS,
                headers=page.headers,
                save_to=raw_dir / f"{page.key}-warm-up.txt",
            )
            for count in connections:
                result, _text = wrk.run(
                    url,
                    connections=count,
                    seconds=seconds,
                    headers=page.headers,
                    save_to=raw_dir / f"{page.key}-c{count}.txt",
                )
                page.runs[count] = result
                self.stdout.write(
                    f"  {page.name}, {count} connections: {result.rps:,.1f} req/s, "
                    f"p50 {_ms(result.p50)}, p99 {_ms(result.p99)}, "
                    f"{_errors(result)} errors"
                )


def _bench_members():
    return get_user_model().objects.filter(username__startswith=PREFIX).count()


def _connections(text):
    try:
        counts = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        counts = []
    if not counts or any(count < 1 or count > 1000 for count in counts):
        raise CommandError("--connections: comma-separated numbers, e.g. 4,16.")
    return list(dict.fromkeys(counts))


def _keys(text):
    if not text.strip():
        return list(PAGE_KEYS)
    asked = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [key for key in asked if key not in PAGE_KEYS]
    if unknown:
        raise CommandError(
            f"Unknown page {', '.join(unknown)}; choose from {', '.join(PAGE_KEYS)}."
        )
    # The static file is the reference of every ratio.
    return [key for key in PAGE_KEYS if key in asked or key == "static"]


def _command_line(options, keys):
    line = f"manage.py bench_pages --seconds {options['seconds']}"
    if options["connections"] != "4,16":
        line += f" --connections {options['connections']}"
    if keys != list(PAGE_KEYS):
        line += f" --pages {','.join(keys)}"
    workers, threads, max_requests = gunicorn_defaults()
    if options["workers"] != workers:
        line += f" --workers {options['workers']}"
    if options["threads"] != threads:
        line += f" --threads {options['threads']}"
    if options["max_requests"] != max_requests:
        line += f" --max-requests {options['max_requests']}"
    return line


def _ms(seconds):
    if seconds is None:
        return "—"
    milliseconds = seconds * 1000
    return (
        f"{milliseconds:,.0f} ms" if milliseconds >= 100 else f"{milliseconds:.1f} ms"
    )


def _kb(size):
    return f"{size / 1024:.1f} KB" if size is not None else "—"


def _errors(result):
    parts = []
    if result.non_2xx_3xx:
        parts.append(f"{result.non_2xx_3xx} non-2xx/3xx")
    parts += [
        f"{count} {kind}" for kind, count in result.socket_errors.items() if count
    ]
    return ", ".join(parts) if parts else "0"


def _queries(page):
    if page.queries is None:
        return "—"
    if page.queries_first is not None and page.queries_first != page.queries:
        return f"{page.queries} (first {page.queries_first})"
    return str(page.queries)


TABLE_HEADER = [
    "Page",
    "URL",
    "Conns",
    "req/s",
    "ratio to static",
    "p50",
    "p99",
    "errors",
    "queries",
    "raw",
    "gzip",
]
TARGETS_HEADER = ["Target", "Measured", "Verdict"]


def _static(pages):
    return next((page for page in pages if page.key == "static"), None)


def _rows(pages, connections):
    static = _static(pages)
    rows = []
    for page in pages:
        for count in connections:
            result = page.runs.get(count)
            if result is None:
                continue
            reference = static.runs.get(count) if static else None
            ratio = (
                f"{result.rps / reference.rps:.2f} × static"
                if reference and reference.rps
                else "—"
            )
            gzip_size = _kb(page.gzip) + (" (served)" if page.gzip_served else "")
            rows.append(
                [
                    page.name,
                    f"`{page.path}`",
                    str(count),
                    f"{result.rps:,.1f}",
                    ratio,
                    _ms(result.p50),
                    _ms(result.p99),
                    _errors(result),
                    _queries(page),
                    _kb(page.raw),
                    gzip_size,
                ]
            )
    return rows


def _verdict(met):
    return "met" if met else "**missed**"


def _targets(pages):
    by_key = {page.key: page for page in pages}
    static = _static(pages)
    at = TARGET_CONNECTIONS
    rows = []
    lesson = by_key.get("lesson")
    reference = static.runs.get(at) if static else None
    target = (
        f"Anonymous lesson ≥ {ANONYMOUS_LESSON_SHARE:.0%} of the static file's "
        f"requests/s, at {at} connections"
    )
    if lesson and at in lesson.runs and reference and reference.rps:
        rps = lesson.runs[at].rps
        share = rps / reference.rps
        rows.append(
            [
                target,
                f"{share:.0%} ({rps:,.1f} of {reference.rps:,.1f} req/s)",
                _verdict(share >= ANONYMOUS_LESSON_SHARE),
            ]
        )
    else:
        rows.append([target, "not measured", "—"])
    member = by_key.get("lesson-member")
    target = (
        f"Signed-in lesson ≥ {SIGNED_IN_LESSON_RPS} req/s at {at} connections, "
        f"p99 ≤ {SIGNED_IN_LESSON_P99 * 1000:.0f} ms"
    )
    if member and at in member.runs:
        result = member.runs[at]
        met = result.rps >= SIGNED_IN_LESSON_RPS and (
            result.p99 is not None and result.p99 <= SIGNED_IN_LESSON_P99
        )
        rows.append(
            [target, f"{result.rps:,.1f} req/s, p99 {_ms(result.p99)}", _verdict(met)]
        )
    else:
        rows.append([target, "not measured", "—"])
    dashboard = by_key.get("dashboard")
    target = (
        f"Cadre dashboard of a council leader p50 ≤ {DASHBOARD_P50 * 1000:.0f} ms, "
        f"at {at} connections"
    )
    if dashboard and at in dashboard.runs and dashboard.runs[at].p50 is not None:
        p50 = dashboard.runs[at].p50
        rows.append([target, f"p50 {_ms(p50)}", _verdict(p50 <= DASHBOARD_P50)])
    else:
        rows.append([target, "not measured", "—"])
    counted = [page for page in pages if page.queries is not None]
    target = f"No page above {MAX_QUERIES} queries"
    if counted:
        worst = max(counted, key=lambda page: page.queries)
        above = [page for page in counted if page.queries > MAX_QUERIES]
        measured = f"most: {worst.queries} ({worst.name})"
        if above:
            measured += "; above: " + ", ".join(
                f"{page.name} {page.queries}" for page in above
            )
        rows.append([target, measured, _verdict(not above)])
    else:
        rows.append([target, "not measured", "—"])
    return rows


def _page_cache_note(pages):
    """What the anonymous page cache did, from its X-Page-Cache header."""
    anonymous = [page for page in pages if not page.signed_in and page.key != "static"]
    hits = [page.name for page in anonymous if page.page_cache == "hit"]
    if not any(page.page_cache for page in pages):
        return (
            "- No anonymous page cache answered (no `X-Page-Cache` header): an "
            "anonymous page pays its queries on every request."
        )
    others = [page.name for page in anonymous if page.page_cache != "hit"]
    return (
        "- Anonymous page cache (`X-Page-Cache`): the second fetch of "
        + (", ".join(hits) if hits else "no page")
        + " was a hit"
        + (f"; not stored: {', '.join(others)}" if others else "")
        + ". wrk's anonymous figures are therefore mostly cache hits. In-process "
        "the first request, in a new content generation, is a miss and costs "
        "the queries of building the page; the second is a hit (SITE_URL's "
        "host, the only one stored). "
        "Signed-in pages never use it."
    )


def render(run, pages, rows, targets, server):
    machine, versions = report.machine(), report.versions()
    connections = " and ".join(str(count) for count in run["connections"])
    gzip_served = [page.name for page in pages if page.gzip_served]
    return "\n".join(
        [
            HEADING,
            "",
            "Requests per second and latency of the key pages under gunicorn with "
            "the production settings (DEBUG off, Redis cache, WhiteNoise for the "
            "static files), measured with wrk, and each page's SQL queries and "
            "size, on the data set of `manage.py bench_data` (50,000 members). "
            "Written by `manage.py bench_pages`; edit "
            "`bench/management/commands/bench_pages.py` rather than the text.",
            "",
            "```sh",
            "make bench   # installs wrk if needed, creates and migrates "
            "cococi_bench, builds the",
            "             # 50,000-member set only when it is missing, then:",
            "export DATABASE_URL=postgres://postgres@127.0.0.1:5432/cococi_bench",
            "export REDIS_URL=redis://127.0.0.1:6379/3",
            ".venv/bin/python manage.py bench_data --members 50000 --reset "
            "--if-missing",
            ".venv/bin/python manage.py bench_pages",
            "```",
            "",
            f"- Measured {run['date']} with `{run['command']}`.",
            f"- Machine: {machine['processors']} processors (`nproc`), "
            f"{machine['cpu']}, {machine['ram']} RAM, {machine['os']}.",
            f"- Versions: Python {versions['python']}, Django {versions['django']}, "
            f"Wagtail {versions['wagtail']}, {versions['database']}, gunicorn "
            f"{run['gunicorn']}, {run['wrk']}.",
            f"- gunicorn: {run['workers']} processes × {run['threads']} threads "
            "(`gunicorn.conf.py`), "
            + (
                f"`--max-requests {run['max_requests']}`"
                if run["max_requests"]
                else "processes never recycled (`--max-requests 0`)"
            )
            + ", no Celery worker (reads only); wrk on the same machine, its two "
            "threads sharing the processors with gunicorn, PostgreSQL and Redis.",
            "",
            report.table(TABLE_HEADER, rows),
            "",
            "### Targets",
            "",
            report.table(TARGETS_HEADER, targets),
            "",
            "### Notes",
            "",
            f"- Each page in turn: `wrk -t 2 -c N -d {run['seconds']}s --timeout "
            f"{wrk.TIMEOUT} --latency URL` at {connections} connections, after "
            f"{WARM_UP_SECONDS} s at {WARM_UP_CONNECTIONS} connections not "
            "recorded. p50 and p99 are wrk's latency distribution; *errors* are "
            "responses other than 2xx/3xx and socket errors (connect, read, "
            "write, timeout). *ratio to static* is the page's requests/s over the "
            "static file's at the same connections in the same run (WhiteNoise, "
            "no database: the reference, not a ceiling; a page from the "
            "anonymous page cache, a smaller body answered earlier in the "
            "middleware, can pass it). gunicorn closes each connection after "
            "its response (`keepalive = 0` in `gunicorn.conf.py`, behind a proxy "
            "that keeps the clients' ones alive), so every request, the static "
            "file's too, includes a new local TCP connection.",
            "- Signed-in pages send the cookie of a session made in advance in the "
            "database with the server's `SECRET_KEY` (`-H \"Cookie: "
            f'{settings.SESSION_COOKIE_NAME}=…; {settings.CSRF_COOKIE_NAME}=…"`). '
            "Two-factor stays required: the council leader's session carries "
            "`otp_device_id`, the persistent id of a confirmed TOTP device made "
            "for the benchmark, as django_otp's `login()` leaves it after a code.",
            "- Before measuring, every URL is fetched once and must answer 200 with "
            "its title (signed-in pages with the sign-out link, the dashboard with "
            "the measured council, not the sign-in or two-factor page).",
            "- *queries*: counted in-process with Django's test `Client` and "
            "`CaptureQueriesContext` after the wrk runs, on the same database and "
            "Redis cache (warm), with DEBUG off, the production static storage "
            "and `REQUIRE_TWO_FACTOR` on (the leader's session carries the same "
            "`otp_device_id`). The figure is the page's second request; "
            '"(first N)" is its first in the process when it differs.',
            _page_cache_note(pages),
            "- *raw*: the body of one GET to gunicorn without `Accept-Encoding`; "
            '*gzip*: the body asked with `Accept-Encoding: gzip`, "(served)" when '
            "the server compressed it"
            + (f" ({', '.join(gzip_served)})" if gzip_served else "")
            + ", otherwise the raw body gzipped at level 6 by the benchmark (Django "
            "sends pages uncompressed; a proxy in front would compress them).",
            f"- gunicorn's log: {server['errors']} errors, {server['restarts']} "
            "process restarts. Production replaces a process after about 2,000 "
            "requests (`max_requests` in `gunicorn.conf.py`), which the fastest "
            "pages here reach within seconds; booting a process costs a second "
            "or two of processor, which would land on the figures of whichever "
            "page runs next"
            + (
                ", so it is off here (`--max-requests 2000` to measure with it)."
                if not run["max_requests"]
                else "."
            ),
            "",
        ]
    )
