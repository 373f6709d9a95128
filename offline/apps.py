from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OfflineConfig(AppConfig):
    name = "offline"
    verbose_name = _("Offline study")

    def ready(self):
        # The course page's route to its list of what to save (page_route).
        from . import views  # noqa: F401
