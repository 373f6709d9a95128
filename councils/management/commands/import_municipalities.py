from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from councils.territory_import import MunicipalityImportError, municipalities_import


class Command(BaseCommand):
    help = (
        "Imports INEGI's AGEEML catalogue of municipalities (CSV or TXT): creates "
        "missing municipalities and renames changed ones. Safe to repeat; a file "
        "with any invalid row imports nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The AGEEML file downloaded from INEGI.")

    def handle(self, *args, file, **options):
        """Read the file, import it and report the counts, or fail with exit code 1."""
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("There is no file at %(path)s.") % {"path": path})
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(
                _("The file %(path)s cannot be read: %(error)s")
                % {"path": path, "error": error.strerror or error}
            ) from error
        try:
            counts = municipalities_import(data)
        except MunicipalityImportError as error:
            raise CommandError(error.message) from error
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Municipalities: %(created)s created, %(updated)s updated, "
                    "%(unchanged)s unchanged."
                )
                % counts
            )
        )
