from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from home import backups


class Command(BaseCommand):
    help = (
        "Makes a backup (the database first, then MEDIA_ROOT and "
        "PRIVATE_MEDIA_ROOT, with a manifest of checksums) in a new folder under "
        "DEST and verifies it; or, with --verify, verifies an existing backup. "
        "See docs/deploy.md, Backups."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="DEST folder, or the backup to verify")
        parser.add_argument(
            "--keep",
            type=int,
            default=None,
            help="Keep only the newest KEEP backups in DEST.",
        )
        parser.add_argument(
            "--verify",
            action="store_true",
            help="Verify the backup at PATH instead of making one.",
        )

    def handle(self, *args, path, keep, verify, **options):
        try:
            folder = path if verify else backups.make(path, keep=keep)
            manifest = backups.verify(folder)
        except backups.BackupError as error:
            raise CommandError(_("The backup is not usable: %s") % error) from error
        parts = ", ".join(
            f"{name} ({details['bytes']:,} B)"
            for name, details in manifest["files"].items()
        )
        self.stdout.write(
            _("Backup verified: %(folder)s: %(parts)s.")
            % {"folder": folder, "parts": parts}
        )
