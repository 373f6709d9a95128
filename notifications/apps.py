from django.apps import AppConfig
from django.core import checks as django_checks
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notices")

    def ready(self):
        # Inside ready(), as every app's: these modules import models.
        from . import channels, checks, personal_data, tasks

        channels.register_console()
        django_checks.register(checks.channel_urls, "notifications")
        tasks.connect()
        personal_data.connect()
