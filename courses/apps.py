from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Courses")

    def ready(self):
        # Inside ready(): these modules import models, loaded only by now.
        # ``views`` adds the course and lesson pages' routes (page_route);
        # ``tasks`` registers the tasks that services enqueue by name.
        from notifications import attachments

        from . import personal_data, reconcile, services, signals, tasks, views  # noqa: F401

        # A constancia's notice carries its PDF in its e-mail form.
        attachments.register("constancia", services.certificate_attachment)
        signals.connect()
        personal_data.connect()
        reconcile.connect()
