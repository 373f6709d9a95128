from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CouncilsConfig(AppConfig):
    name = "councils"
    verbose_name = _("Councils")

    def ready(self):
        from . import personal_data, signals  # noqa: F401

        personal_data.connect()
