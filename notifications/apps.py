from django.apps import AppConfig
from django.core import checks as django_checks
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notices")

    def ready(self):
        # Inside ready(), as every app's: these modules import models.
        from members.registry import register_panel
        from members.signals import sign_in_code_used

        from . import channels, checks, personal_data, phone, tasks, views

        channels.register_console()
        channels.quiet_apprise()
        register_panel("avisos", views.panel)
        sign_in_code_used.connect(
            phone.proven_by_sign_in_code, dispatch_uid="notifications_phone_proven"
        )
        django_checks.register(checks.channel_urls, "notifications")
        tasks.connect()
        personal_data.connect()
