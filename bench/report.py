"""The "Formación de cuadros" section of docs/benchmarks.md.

The section is rendered from data kept inside it, in an HTML comment, so that a
later run replaces only its own label (``--label``) and keeps the others: a run
on the full data set and one on a smaller one can stand side by side, which is
how query counts are shown not to depend on the number of members. Other
sections of the file are left as they are.
"""

import json
import os
import platform
import re
from pathlib import Path

import django
import wagtail
from django.db import connection

HEADING = "## Formación de cuadros (dashboard and readiness)"
DATA_MARK = "bench_cadres:data"
INTRO = (
    "# Benchmarks\n\n"
    "Measured figures of the platform on a realistic data set, with the commands "
    "that reproduce them. Each section is written by its benchmark command; text "
    "outside those sections is kept.\n"
)
COMMANDS = """\
createdb -h 127.0.0.1 -U postgres cococi_bench
export DATABASE_URL=postgres://postgres@127.0.0.1:5432/cococi_bench
.venv/bin/python manage.py migrate
.venv/bin/python manage.py bench_data --members 50000 --reset \\
    --record docs/benchmarks.md
.venv/bin/python manage.py bench_cadres --label "50,000 members"
# The national scale, 5,000 councils, to compare the times and query counts:
createdb -h 127.0.0.1 -U postgres cococi_bench500
export DATABASE_URL=postgres://postgres@127.0.0.1:5432/cococi_bench500
.venv/bin/python manage.py migrate
.venv/bin/python manage.py bench_data --members 500000 --councils 5000 --reset \\
    --record docs/benchmarks.md
.venv/bin/python manage.py bench_cadres --label "500,000 members\""""
NOTES = """\
- Wall time is measured in-process with Django's test `Client` (no network, no
  web server), signed in with `force_login`, `DEBUG = False`, after one warm-up
  request; p50 is the median and p95 the nearest-rank 95th percentile of the
  runs (with 15 runs, the slowest but none). Queries are counted with
  `CaptureQueriesContext` on the median run.
- A dashboard row reads "not available" while `/admin/formacion-de-cuadros/`
  answers anything but 200 (the HTTP status is shown).
- No page recomputes anything. Workers keep one summary row per member
  (`MemberProgress`, `councils.cadres.progress`) and, from those, one totals
  row per council and per state (`CouncilProgress`, `StateProgress`,
  `councils.cadres.totals`). A council's dashboard reads its totals row and
  the page of members shown; a state's its row and the page of councils shown;
  the nation's the 32 states' rows and the page of councils shown. A change to
  a member's record marks their row stale and asks a worker; an editor's
  change (a course republished, a role's requirements) writes one work row.
- Each dashboard is timed three ways: fresh; with 1 % of the member rows stale
  (spread over every council: a busy moment between two passes of the
  worker); and with every row stale and a change of requirements waiting (the
  moment after an editor saves a role, before the worker starts). While the
  workers are behind, the page shows the last totals, their time and an
  "actualizando" notice. After each of the last two, the worker's catch-up is
  timed once.
- The plans are `EXPLAIN (ANALYZE, BUFFERS)` of the slowest distinct reads of
  the fresh dashboards and of the nightly refresh, run right after the
  measurements (the cache warm).
- Sizes scale with `--members`: the measured council has 0.4 % of the members
  (at least 5), the measured state (Jalisco) 10 % in 10 % of the councils; see
  `bench/sizes.py`.
- The generator writes its rows in one transaction, the big tables with
  PostgreSQL's `COPY` (their secondary indexes and foreign keys set aside during
  the load and made again after it): no signals, so the generated leaders
  (other than the three accounts above) are not in Wagtail groups, and no
  search indexing or booklet PDFs. Generation times are wall times on the
  machine above; a note says when it was shared with other work."""


def machine():
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    processors = (
        len(os.sched_getaffinity(0))
        if hasattr(os, "sched_getaffinity")
        else os.cpu_count()
    )
    return {
        "processors": processors,
        "cpu": cpu or platform.processor() or "unknown",
        "ram": ram or "unknown",
        "os": f"{platform.system()} {platform.release()}",
    }


def versions():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            database = f"PostgreSQL {cursor.fetchone()[0]}"
    else:
        database = f"{connection.vendor} {connection.Database.sqlite_version}"
    return {
        "python": platform.python_version(),
        "django": django.get_version(),
        "wagtail": wagtail.__version__,
        "database": database,
    }


def _split(text, heading=HEADING):
    """(before, section, after) of ``text`` around the section under ``heading``."""
    start = text.find(heading)
    if start < 0:
        return text, "", ""
    following = re.search(r"^## ", text[start + len(heading) :], flags=re.M)
    end = start + len(heading) + following.start() if following else len(text)
    return text[:start], text[start:end], text[end:]


def replace_section(path, heading, section):
    """Write ``section`` (which starts with ``heading``) into ``path`` in place
    of the section under that heading, or at the end; the rest is kept."""
    path = Path(path)
    text = path.read_text() if path.exists() else INTRO
    before, _, after = _split(text, heading)
    if not before.endswith("\n\n"):
        before = before.rstrip("\n") + "\n\n"
    section = section.rstrip("\n") + "\n"
    if after:
        section += "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(before + section + after)


def load(path):
    """The data stored in the section of ``path`` ({} when there is none)."""
    path = Path(path)
    if not path.exists():
        return {}
    _, section, _ = _split(path.read_text())
    found = re.search(rf"<!-- {DATA_MARK}\n(.*?)\n-->", section, flags=re.S)
    return json.loads(found.group(1)) if found else {}


def save(path, data):
    """Write the section rendered from ``data`` into ``path``, keeping the rest."""
    path = Path(path)
    text = path.read_text() if path.exists() else INTRO
    before, _, after = _split(text)
    section = render(data)
    if not before.endswith("\n\n"):
        before = before.rstrip("\n") + "\n\n"
    if after:
        section += "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(before + section + after)


def _ms(seconds):
    return f"{seconds * 1000:,.1f} ms" if seconds is not None else "—"


def table(header, rows):
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join(" --- " for _ in header) + "|",
    ]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def _figure_rows(rows):
    cells_rows = []
    for row in rows:
        if row["status"] != "ok":
            cells_rows.append(
                [
                    row["name"],
                    row["scope"],
                    row["status"],
                    "—",
                    "—",
                    "—",
                    row["target"] or "—",
                    "—",
                ]
            )
            continue
        target = row.get("target_ms")
        verdict = "—"
        if target is not None:
            verdict = "met" if row["p50"] * 1000 <= target else "**missed**"
        cells_rows.append(
            [
                row["name"],
                row["scope"],
                _ms(row["p50"]),
                _ms(row["p95"]),
                row["queries"],
                row["runs"],
                row["target"] or "—",
                verdict,
            ]
        )
    return table(
        ["What", "Scope", "p50", "p95", "Queries", "Runs", "Target (p50)", "Verdict"],
        cells_rows,
    )


def generation_text(generation):
    """How a data set was built: command, wall time by phase, peak memory of the
    process, size of the database, and the note of the run, if any."""
    phases = ", ".join(
        f"{name} {seconds:.0f} s" for name, seconds in generation["phases"]
    )
    text = (
        f"`{generation['command']}` in {generation['seconds']:.0f} s ({phases}) "
        f"on {generation['date']}"
    )
    extra = []
    if "peak_memory_mib" in generation:
        extra.append(f"peak memory {generation['peak_memory_mib']:,} MiB")
    if generation.get("database_bytes"):
        extra.append(f"database {generation['database_bytes'] / 2**30:.1f} GiB")
    if extra:
        text += f"; {', '.join(extra)}"
    text += "."
    if generation.get("note"):
        text += f" {generation['note'].rstrip('.')}."
    return text


def render(data):
    results = data.get("results", {})
    # The biggest data set first.
    labels = sorted(results, key=lambda label: (-results[label]["members"], label))
    parts = [
        HEADING,
        "",
        "The cadre dashboard at `/admin/formacion-de-cuadros/` for a council, a "
        "state and national leader, and one member's readiness toward their next "
        "role, on data made by `manage.py bench_data` (every row marked "
        "`bench-`). This section is written by `manage.py bench_cadres`; edit "
        "`bench/report.py` rather than the text.",
        "",
        "Commands:",
        "",
        "```sh",
        COMMANDS,
        "```",
        "",
    ]
    for label in labels:
        result = data["results"][label]
        machine_info, version_info = result["machine"], result["versions"]
        parts += [
            f"### {label}",
            "",
            f"Measured {result['date']} with `{result['command']}`.",
            "",
            f"- Machine: {machine_info['processors']} processors (`nproc`), "
            f"{machine_info['cpu']}, {machine_info['ram']} RAM, {machine_info['os']}.",
            f"- Versions: Python {version_info['python']}, Django "
            f"{version_info['django']}, Wagtail {version_info['wagtail']}, "
            f"{version_info['database']}.",
        ]
        generation = data.get("generation", {}).get(str(result.get("members")))
        if generation:
            parts.append(f"- Data set built by {generation_text(generation)}")
        parts += [
            "",
            _figure_rows(result["rows"]),
            "",
            "<details><summary>Data set (rows)</summary>",
            "",
            table(
                ["Table", "Rows"],
                [[name, f"{total:,}"] for name, total in result["counts"]],
            ),
            "",
            "</details>",
            "",
        ]
        for plan in result.get("plans", []):
            parts += [
                f"<details><summary>Plan: {plan['what']}, {plan['ms']:,.1f} ms"
                "</summary>",
                "",
                "```sql",
                plan["sql"],
                "```",
                "",
                "```",
                plan["plan"],
                "```",
                "",
                "</details>",
                "",
            ]
    measured = {str(result.get("members")) for result in results.values()}
    unmeasured = sorted(
        (size for size in data.get("generation", {}) if size not in measured),
        key=int,
        reverse=True,
    )
    if unmeasured:
        parts += ["### Data sets built, not measured yet", ""]
        parts += [
            f"- {int(size):,} members: built by "
            f"{generation_text(data['generation'][size])}"
            for size in unmeasured
        ]
        parts.append("")
    if len(labels) > 1:
        names = []
        for label in labels:
            for row in data["results"][label]["rows"]:
                if row["name"] not in names:
                    names.append(row["name"])
        cells_rows = []
        for name in names:
            cells = [name]
            for label in labels:
                found = [
                    row for row in data["results"][label]["rows"] if row["name"] == name
                ]
                cells.append(
                    found[0]["queries"] if found and found[0]["status"] == "ok" else "—"
                )
            cells_rows.append(cells)
        parts += [
            "### Queries by data set",
            "",
            "The number of SQL queries of a page must not grow with the data. "
            "The workers' runs (catch-up, nightly refresh) go in batches of "
            "5,000 members and 500 councils: theirs grow with the number of "
            "batches, each batch a fixed number of queries.",
            "",
            table(["What", *labels], cells_rows),
            "",
        ]
    parts += [
        "### Notes",
        "",
        NOTES,
        "",
        f"<!-- {DATA_MARK}",
        json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True),
        "-->",
        "",
    ]
    return "\n".join(parts)
