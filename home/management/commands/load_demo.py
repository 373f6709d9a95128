import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from councils.demo import load_demo_councils
from courses.demo import load_demo_courses, load_demo_materials, load_demo_progress
from members.demo import load_demo_users
from notifications.demo import load_demo_phones

DEMO_DATA = Path(__file__).resolve().parents[2] / "demo_data"


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
        # Overridden settings (tests) hide SETTINGS_MODULE: read the environment.
        module = getattr(settings, "SETTINGS_MODULE", None) or os.environ.get(
            "DJANGO_SETTINGS_MODULE", ""
        )
        if module.endswith(".production") and not force:
            raise CommandError(
                "La demostración crea cuentas con contraseña conocida: no se carga en "
                "producción (usa --force solo en un servidor de pruebas)."
            )
        with transaction.atomic():
            users = load_demo_users()
            load_demo_phones()
            courses = load_demo_courses(DEMO_DATA / "courses.json")
            materials = load_demo_materials(DEMO_DATA / "materials.json")
            load_demo_progress("integrante")
            councils = load_demo_councils()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demostración lista: {users} cuentas, {courses} cursos y "
                f"{materials} materiales y {councils} consejos nuevos."
            )
        )
