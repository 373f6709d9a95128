"""The COCOCI site against its nearest peer, wagtail-lms (``bench/peer.py``),
in the same run of ``manage.py bench_pages``: the signed-in lesson and a
static file of each, under the same server shape (gunicorn, 2 sync processes,
production settings), measured by turns with the same wrk settings.
"""

import statistics
from dataclasses import dataclass, field

from django.utils.html import strip_tags

from bench import peer, report, wrk

WORKERS = 2
CONNECTIONS = 4
ROUNDS = 3
WARM_UP_SECONDS = 2
# Targets (issue #26).
LESSON_RATIO = 1.5
STATIC_SHARE = 0.9
HEADING = "## Signed-in lesson and static file against wagtail-lms (#26)"


@dataclass
class Side:
    """One URL of one site, measured ``ROUNDS`` times."""

    site: str  # "COCOCI" or the peer's name
    what: str  # "lesson" or "static"
    path: str
    cookie: str = ""
    queries: int | None = None
    size: int | None = None
    runs: list = field(default_factory=list)  # WrkResult, one per round

    @property
    def headers(self):
        return [f"Cookie: {self.cookie}"] if self.cookie else []

    @property
    def rps(self):
        return statistics.median(run.rps for run in self.runs) if self.runs else 0.0

    def median_of(self, percent):
        values = [run.latency[percent] for run in self.runs if percent in run.latency]
        return statistics.median(values) if values else None


def lesson_content(lesson):
    """The title, first heading and paragraphs (plain text) of a LessonPage,
    for the peer's lesson to show the same."""
    heading, texts = "", []
    for block in lesson.body:
        if block.block_type == "heading" and not heading:
            heading = str(block.value)
        elif block.block_type == "paragraph":
            texts.append(strip_tags(block.value.source))
    return {"title": lesson.title, "heading": heading, "texts": texts}


def measure(ours, theirs, sides, *, seconds, raw_dir, log):
    """Warm every URL up, then ``ROUNDS`` rounds of our lesson, theirs, our
    static file, theirs, one after the other, at ``CONNECTIONS``."""
    bases = {"ours": ours, "theirs": theirs}
    for key, side in sides.items():
        wrk.run(
            bases[key[0]] + side.path,
            connections=16,
            seconds=WARM_UP_SECONDS,
            headers=side.headers,
            save_to=raw_dir / f"versus-{key[0]}-{key[1]}-warm-up.txt",
        )
    for number in range(1, ROUNDS + 1):
        for key, side in sides.items():
            result, _text = wrk.run(
                bases[key[0]] + side.path,
                connections=CONNECTIONS,
                seconds=seconds,
                headers=side.headers,
                save_to=raw_dir / f"versus-{key[0]}-{key[1]}-{number}.txt",
            )
            side.runs.append(result)
            log(
                f"  round {number}, {side.site} {side.what}: {result.rps:,.1f} req/s, "
                f"p50 {_ms(result.p50)}, p99 {_ms(result.p99)}, "
                f"{result.errors} errors"
            )


def sides_for(lesson_page, static_page, found):
    """The four measured URLs, keyed (site, what): ours from bench_pages'
    pages, the peer's from what ``peer_seed`` printed."""
    return {
        ("ours", "lesson"): Side(
            "COCOCI",
            "lesson",
            lesson_page.path,
            lesson_page.cookie,
            lesson_page.queries,
            lesson_page.raw,
        ),
        ("theirs", "lesson"): Side(
            peer.NAME,
            "lesson",
            found["path"],
            found["cookie"],
            found["queries"],
            found["bytes"],
        ),
        ("ours", "static"): Side(
            "COCOCI", "static", static_page.path, size=static_page.raw
        ),
        ("theirs", "static"): Side(
            peer.NAME, "static", found["stylesheet"], size=found.get("stylesheet_bytes")
        ),
    }


def ratios(sides):
    def ratio(what):
        theirs = sides[("theirs", what)].rps
        return sides[("ours", what)].rps / theirs if theirs else None

    return {"lesson": ratio("lesson"), "static": ratio("static")}


def _ms(seconds):
    if seconds is None:
        return "—"
    return f"{seconds * 1000:.1f} ms"


def _kb(size):
    return f"{size / 1024:.1f} KB" if size else "—"


def rows(sides):
    table = []
    for side in sides.values():
        table.append(
            [
                side.site,
                side.what,
                f"`{side.path}`",
                " / ".join(f"{run.rps:,.1f}" for run in side.runs),
                f"{side.rps:,.1f}",
                _ms(side.median_of("50")),
                _ms(side.median_of("99")),
                str(sum(run.errors for run in side.runs)),
                "—" if side.queries is None else str(side.queries),
                _kb(side.size),
            ]
        )
    return table


TABLE_HEADER = [
    "Site",
    "Page",
    "URL",
    "req/s by round",
    "req/s (median)",
    "p50",
    "p99",
    "errors",
    "queries",
    "raw",
]


def targets(sides):
    found = ratios(sides)
    lesson, static = found["lesson"], found["static"]
    ours_lesson, theirs_lesson = sides[("ours", "lesson")], sides[("theirs", "lesson")]
    ours_static, theirs_static = sides[("ours", "static")], sides[("theirs", "static")]
    return [
        [
            f"Signed-in lesson ≥ {LESSON_RATIO}× wagtail-lms's requests/s",
            f"{lesson:.2f}× ({ours_lesson.rps:,.1f} against "
            f"{theirs_lesson.rps:,.1f} req/s)"
            if lesson
            else "not measured",
            _verdict(lesson is not None and lesson >= LESSON_RATIO),
        ],
        [
            "Static file within 10 % of wagtail-lms's requests/s",
            f"{static:.2f}× ({ours_static.rps:,.1f} against "
            f"{theirs_static.rps:,.1f} req/s)"
            if static
            else "not measured",
            _verdict(static is not None and static >= STATIC_SHARE),
        ],
    ]


def _verdict(met):
    return "met" if met else "**missed**"


def render(run, sides, peer_log):
    """The section of docs/benchmarks.md."""
    machine, versions = report.machine(), report.versions()
    theirs_lesson = sides[("theirs", "lesson")]
    return "\n".join(
        [
            HEADING,
            "",
            "The signed-in lesson and a static CSS file of the COCOCI site against "
            f"those of its nearest peer, {peer.NAME} (PyPI), in the same run of "
            "`manage.py bench_pages` (`make bench`), by turns, under the same "
            f"server shape: gunicorn with {WORKERS} sync processes each, "
            "production settings (DEBUG off, WhiteNoise for static files), both "
            "on PostgreSQL on this machine; the COCOCI site with Redis for its "
            "cache (the peer has none but Django's in-memory default). Written by "
            "`manage.py bench_pages` (`bench/versus.py`); edit that rather than "
            "the text.",
            "",
            "```sh",
            "make bench   # or, the comparison alone on a small set:",
            "make bench BENCH_MEMBERS=2000 BENCH_COUNCILS=20 "
            'BENCH_ARGS="--pages lesson-member --seconds 5 --no-output"',
            "```",
            "",
            f"- Measured {run['date']} with `{run['command']}`, on the "
            f"{run['members']} data set.",
            f"- Machine: {machine['processors']} processors, {machine['cpu']}, "
            f"{machine['ram']} RAM, {machine['os']}; wrk, both servers, "
            "PostgreSQL and Redis share it.",
            f"- Versions, both sites: Python {versions['python']}, Django "
            f"{versions['django']}, Wagtail {versions['wagtail']}, "
            f"{versions['database']}, gunicorn {run['gunicorn']}, {run['wrk']}.",
            "",
            report.table(TABLE_HEADER, rows(sides)),
            "",
            "### Targets",
            "",
            report.table(["Target", "Measured", "Verdict"], targets(sides)),
            "",
            "### Notes",
            "",
            f"- Each URL is warmed up ({WARM_UP_SECONDS} s at 16 connections), "
            f"then {ROUNDS} rounds of `wrk -t 2 -c {CONNECTIONS} -d "
            f"{run['seconds']}s --timeout {wrk.TIMEOUT} --latency URL`, each "
            "round our lesson, theirs, our static file, theirs; the figures are "
            "the medians of the rounds. Both servers run throughout, idle when "
            "not measured.",
            "- The peer (`bench/peer.py`): wagtail-lms and exactly the versions "
            "in `bench/peer-requirements.txt` in `.bench-peer/venv`, in a "
            "minimal Wagtail project (`bench/peer_site/`) that uses its own "
            "models and templates: a `CoursePage` with one `H5PLessonPage` "
            "showing the title, heading and paragraphs of the COCOCI lesson "
            "measured, and a learner enrolled in the course, signed in with a "
            "database session (Django's default engine). Its middleware is a "
            "new Wagtail project's, with WhiteNoise straight after "
            "SecurityMiddleware as its documentation and the COCOCI site place "
            "it; its static file is wagtail-lms's `course.css`, the one its "
            "templates ask for. Its database is "
            f"`{run['peer_database']}`; its gunicorn log: `{peer_log}`.",
            "- The COCOCI lesson is the bench data set's (`bench-historial`, "
            "enrolled, with progress), served by the same code and settings as "
            "production (`gunicorn.conf.py` with `--worker-class sync` and "
            f"`{WORKERS}` processes), with everything a member's page has: "
            "header and footer, progress, the Content-Security-Policy with its "
            "style hash, the privacy headers, the session and CSRF cookies. The "
            f"peer's page is {_kb(theirs_lesson.size)} with a bare base "
            "template (the project provides it: title, stylesheet, the "
            "learner's name).",
            "- *queries*: the COCOCI lesson's counted as in the table above; the "
            "peer's by `peer_seed`, in its process with Django's test `Client` "
            "(the second request).",
            "",
        ]
    )
