from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from outbox.models import PendingTask
from outbox.services import RESEND_AFTER, resend_pending


class Command(BaseCommand):
    help = (
        "Sends again the Celery tasks kept in the outbox while the broker (Redis) "
        "was unavailable. Beat does it every minute; run it by hand after an outage."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            default=int(RESEND_AFTER.total_seconds()),
            metavar="SECONDS",
            help="Only tasks recorded at least this long ago (0: all of them).",
        )

    def handle(self, *args, older_than, **options):
        sent = resend_pending(older_than=timedelta(seconds=older_than))
        left = PendingTask.objects.count()
        self.stdout.write(
            _("Tasks sent: %(sent)s; still pending: %(left)s.")
            % {"sent": sent, "left": left}
        )
