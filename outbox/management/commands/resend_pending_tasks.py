from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from outbox.models import PendingTask
from outbox.services import RESEND_AFTER, resend_pending


class Command(BaseCommand):
    help = (
        "Sends again the Celery tasks of the outbox that are due: never accepted "
        "by the broker (Redis), or sent and not heard of since. Beat does it every "
        "minute; run it by hand after an outage."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            default=int(RESEND_AFTER.total_seconds()),
            metavar="SECONDS",
            help="Tasks never sent: only those recorded at least this long ago "
            "(0: all of them).",
        )
        parser.add_argument(
            "--failed",
            action="store_true",
            help="Also the tasks given up after their retries.",
        )

    def handle(self, *args, older_than, failed, **options):
        sent = resend_pending(older_than=timedelta(seconds=older_than), failed=failed)
        left = PendingTask.objects.filter(failed_at__isnull=True).count()
        given_up = PendingTask.objects.filter(failed_at__isnull=False).count()
        self.stdout.write(
            _("Tasks sent: %(sent)s; unfinished: %(left)s; given up: %(failed)s.")
            % {"sent": sent, "left": left, "failed": given_up}
        )
