from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from cococi_site import content
from cococi_site.site_address import match_site_record


class HomeConfig(AppConfig):
    name = "home"
    verbose_name = _("Home")

    def ready(self):
        # Inside ready(): these modules import models, loaded only by now.
        # ``tasks`` registers the task that ``sharing`` enqueues by name.
        from . import signals, tasks  # noqa: F401

        content.connect()
        signals.connect()
        # After every migrate (make demo, a deploy): the Site record on SITE_URL.
        post_migrate.connect(match_site_record, sender=self)
