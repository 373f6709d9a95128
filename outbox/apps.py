from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutboxConfig(AppConfig):
    name = "outbox"
    verbose_name = _("Task outbox")

    def ready(self):
        # Inside ready(), as every app's receivers; connects the worker's reports.
        from . import signals  # noqa: F401
