from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from outbox import reconcile


class Command(BaseCommand):
    help = (
        "Finds what the site promised and does not have (constancias, their PDF "
        "or e-mail, booklets, notices) and sends the tasks that repair it. Beat "
        "does it every ten minutes."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Only count what is missing; send nothing.",
        )

    def handle(self, *args, dry_run, **options):
        counts, sent = reconcile.reconcile(dry_run=dry_run)
        for name, count in sorted(counts.items()):
            self.stdout.write(f"{name}: {count}")
        self.stdout.write(_("Repairs sent: %(sent)s.") % {"sent": sent})
