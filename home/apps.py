from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from cococi_site import content


class HomeConfig(AppConfig):
    name = "home"
    verbose_name = _("Home")

    def ready(self):
        # Inside ready(): these modules import models, loaded only by now.
        # ``tasks`` registers the task that ``sharing`` enqueues by name.
        from . import signals, tasks  # noqa: F401

        content.connect()
        signals.connect()
