from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from notifications import audience, zones


class CouncilsConfig(AppConfig):
    name = "councils"
    verbose_name = _("Councils")

    def ready(self):
        # Imported once the app registry is ready: these modules import models.
        from members.security import register_privilege

        # converters: the <id:…> of the councils' addresses, before they load;
        # views: the council and guide pages' routes (page_route);
        # cadres.tasks: the cadre pathway's Celery tasks, registered by name.
        from . import converters, personal_data, signals, timezones, views  # noqa: F401
        from .cadres import tasks  # noqa: F401
        from .cadres.services import mentorships_held
        from .models.scopes import leader_scope
        from .services import audience as council_audience
        from .services import reminders

        personal_data.connect()
        # A council's notices go only to who still belongs when they go.
        for kind in (reminders.REMINDER, reminders.CHANGE):
            audience.register(kind, council_audience.still_member)
        audience.register("ready_for_role", council_audience.ready_for_role)
        audience.register("weekly_digest", council_audience.still_leading)
        # Quiet hours of notices: a member's time is her council's state's.
        zones.register(timezones.user_zone)
        # Leaders and coordinators see their scope's members: a second factor.
        register_privilege(lambda user: not leader_scope(user).is_empty)
        # So do mentors: a mentee's courses, readiness and check-in notes are
        # another member's data (their part in the movement), as a leader sees.
        register_privilege(lambda user: mentorships_held(user).exists())
