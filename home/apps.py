from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    name = "home"
    verbose_name = _("Home")

    def ready(self):
        # Inside ready(): content imports Wagtail's models, loaded only by now.
        from cococi_site import content

        content.connect()
