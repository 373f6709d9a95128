"""``manage.py bench_data``: builds the benchmark data set of the Formación de
cuadros dashboard on PostgreSQL (see ``bench.generator`` and ``bench.sizes``)."""

import resource
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from bench import report
from bench.generator import BenchDataGenerator, bench_data_exists, delete_bench_data
from bench.sizes import (
    DEFAULT_COUNCILS,
    DEFAULT_COURSES,
    DEFAULT_LESSONS,
    DEFAULT_MEMBERS,
    PREFIX,
    Sizes,
)
from bench.stats import dataset_counts
from councils.models import CouncilPage, MemberProgress
from courses.models import CoursePage


def data_set_complete(sizes):
    """Whether the benchmark data in the database is a whole data set of these
    sizes: as many members, councils and courses, and every member's progress
    summary, which the generator writes last (after its transaction)."""
    users = get_user_model().objects.filter(username__startswith=PREFIX)
    members = users.count()
    return (
        members == sizes.members
        and CouncilPage.objects.filter(slug__startswith=PREFIX).count()
        == sizes.councils
        and CoursePage.objects.filter(slug__startswith=PREFIX).count() == sizes.courses
        and MemberProgress.objects.filter(user__in=users.values("pk")).count()
        == members
    )


def database_bytes():
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        return cursor.fetchone()[0]


def refuse_production():
    module = getattr(settings, "SETTINGS_MODULE", "") or ""
    if "production" in module:
        raise CommandError(
            f"Refusing to run under production settings ({module}): benchmark "
            "data is for a throw-away database."
        )


class Command(BaseCommand):
    help = (
        "Builds a realistic benchmark data set (members, councils, courses, study "
        "circles, completions, offices) marked with the prefix 'bench-'. Needs "
        "PostgreSQL unless --allow-sqlite is given for a tiny smoke run."
    )

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, default=DEFAULT_MEMBERS)
        parser.add_argument("--councils", type=int, default=DEFAULT_COUNCILS)
        parser.add_argument("--courses", type=int, default=DEFAULT_COURSES)
        parser.add_argument(
            "--lessons",
            type=int,
            default=DEFAULT_LESSONS,
            help="Lessons per course.",
        )
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete the previous benchmark data first.",
        )
        parser.add_argument(
            "--if-missing",
            action="store_true",
            help="Do nothing when a complete data set of these sizes is already "
            "there (members, councils, courses and every member's progress "
            "summary); with --reset, a data set of other sizes, or an incomplete "
            "one, is replaced.",
        )
        parser.add_argument(
            "--record",
            metavar="PATH",
            default="",
            help="Also record the generation time in this file's Formación de "
            "cuadros section (docs/benchmarks.md).",
        )
        parser.add_argument(
            "--note",
            default="",
            help="Recorded with the generation time (say when the machine was "
            "shared with other work).",
        )
        parser.add_argument(
            "--allow-sqlite",
            action="store_true",
            help="Allow a database other than PostgreSQL (small smoke runs only).",
        )

    def handle(self, *args, **options):
        refuse_production()
        if connection.vendor != "postgresql" and not options["allow_sqlite"]:
            raise CommandError(
                f"The database is {connection.vendor}, not PostgreSQL: the figures "
                "would mean nothing. Pass --allow-sqlite for a tiny smoke run."
            )
        sizes = Sizes(
            members=options["members"],
            councils=options["councils"],
            courses=options["courses"],
            lessons=options["lessons"],
        )
        problems = sizes.problems()
        if problems:
            raise CommandError("; ".join(problems))
        log = self.stdout.write
        if options["if_missing"] and data_set_complete(sizes):
            log(
                f"Benchmark data of {sizes.members:,} members in {sizes.councils} "
                f"councils and {sizes.courses} courses is already there: kept."
            )
            return
        if bench_data_exists():
            if not options["reset"]:
                raise CommandError(
                    "Benchmark data is already there; pass --reset to replace it."
                )
            log("Deleting the previous benchmark data…")
            started = time.perf_counter()
            deleted = delete_bench_data()
            log(
                f"  {sum(deleted.values()):,} rows in "
                f"{time.perf_counter() - started:.1f} s"
            )
        log(
            f"Building {sizes.members:,} members in {sizes.councils} councils, "
            f"{sizes.courses} courses × {sizes.lessons} lessons (seed "
            f"{options['seed']}); measured council {sizes.council_members} "
            f"members, measured state {sizes.state_members} members in "
            f"{sizes.state_councils} councils."
        )
        generator = BenchDataGenerator(sizes, seed=options["seed"], log=log).run()
        log("")
        log("Phases:")
        for name, seconds in generator.timings:
            log(f"  {name:<55} {seconds:8.1f} s")
        log(f"  {'total':<55} {generator.total_seconds:8.1f} s")
        log("")
        log("Rows:")
        for label, total in dataset_counts():
            log(f"  {label:<55} {total:>12,}")
        if options["record"]:
            command = (
                f"manage.py bench_data --members {sizes.members} "
                f"--councils {sizes.councils} --seed {options['seed']}"
            )
            if (sizes.courses, sizes.lessons) != (DEFAULT_COURSES, DEFAULT_LESSONS):
                command += f" --courses {sizes.courses} --lessons {sizes.lessons}"
            data = report.load(options["record"])
            record = {
                "command": command,
                "date": timezone.localdate().isoformat(),
                "seconds": generator.total_seconds,
                "phases": generator.timings,
                # ru_maxrss is in KiB on Linux.
                "peak_memory_mib": round(
                    resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
                ),
                "database_bytes": database_bytes(),
            }
            if options["note"]:
                record["note"] = options["note"]
            data.setdefault("generation", {})[str(sizes.members)] = record
            report.save(options["record"], data)
            log(f"Generation time recorded in {options['record']}.")
        self.stdout.write(self.style.SUCCESS("Benchmark data ready."))
