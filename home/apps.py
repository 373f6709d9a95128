from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from cococi_site import content


class HomeConfig(AppConfig):
    name = "home"
    verbose_name = _("Home")

    def ready(self):
        content.connect()
