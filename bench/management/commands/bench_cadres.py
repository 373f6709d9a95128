"""``manage.py bench_cadres``: measures the cadre dashboard for a council, a
state and national leader, and one member's readiness, on the data set of
``bench_data``, and writes the figures into docs/benchmarks.md."""

import shlex
import warnings

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from bench import report
from bench.management.commands.bench_data import refuse_production
from bench.runner import measure, query_plans
from bench.stats import dataset_counts


class Command(BaseCommand):
    help = (
        "Measures p50/p95 wall time and SQL queries of /admin/formacion-de-cuadros/ "
        "for bench-lider-consejo, bench-coord-estatal and bench-nacional, and of "
        "member_readiness() for bench-historial; writes them into "
        "docs/benchmarks.md under --label."
    )

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=15)
        parser.add_argument("--output", default="docs/benchmarks.md")
        parser.add_argument(
            "--label",
            default="",
            help='Name of this run in the file (default: "<N> members"); a run '
            "with the same label replaces it, others are kept.",
        )
        parser.add_argument(
            "--no-output",
            action="store_true",
            help="Print the figures without writing the file.",
        )

    def handle(self, *args, runs, output, label, no_output, **options):
        refuse_production()
        # WhiteNoise warns once that collectstatic has not run: irrelevant here.
        warnings.filterwarnings("ignore", message="No directory at")
        if runs < 1:
            raise CommandError("--runs must be at least 1.")
        counts = dataset_counts()
        members = dict(counts)["members (users)"]
        if not members:
            raise CommandError("No benchmark data: run manage.py bench_data first.")
        label = label or f"{members:,} members"
        self.stdout.write(f"Measuring ({label}, {runs} runs each)…")
        results, _ = measure(runs, log=self.stdout.write)
        plans = query_plans(results)
        for plan in plans:
            self.stdout.write(f"\n{plan['what']} ({plan['ms']:.1f} ms):\n{plan['sql']}")
            self.stdout.write(plan["plan"])
        if no_output:
            return
        data = report.load(output)
        data.setdefault("results", {})[label] = {
            "date": timezone.localdate().isoformat(),
            "command": f"manage.py bench_cadres --runs {runs} --label "
            + shlex.quote(label),
            "members": members,
            "machine": report.machine(),
            "versions": report.versions(),
            "counts": counts,
            "rows": [result.as_row() for result in results],
            "plans": plans,
        }
        report.save(output, data)
        self.stdout.write(self.style.SUCCESS(f"Written to {output} ({label})."))
