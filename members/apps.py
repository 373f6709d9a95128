from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Members")

    def ready(self):
        # Inside ready(): these import models (Wagtail's, this app's), loaded
        # only by now. ``tasks`` registers the tasks that services enqueue by
        # name (outbox.services.enqueue).
        from cococi_site.spreadsheets import neutralise_spreadsheet_exports

        from . import signals, tasks  # noqa: F401

        # Every export, Wagtail's reports included: this app's access log and
        # the councils' dashboard carry names people typed.
        neutralise_spreadsheet_exports()
