from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from members.demo import load_demo_users


class Command(BaseCommand):
    help = (
        "Carga el contenido y las cuentas de demostración. "
        "Se puede repetir sin duplicar."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Permite cargar la demostración con la configuración de producción.",
        )

    def handle(self, *args, force=False, **options):
        if settings.SETTINGS_MODULE.endswith(".production") and not force:
            raise CommandError(
                "La demostración crea cuentas con contraseña conocida: no se carga en "
                "producción (usa --force solo en un servidor de pruebas)."
            )
        with transaction.atomic():
            users = load_demo_users()
        self.stdout.write(
            self.style.SUCCESS(f"Demostración lista: {users} cuentas nuevas.")
        )
