"""The cadre pathway's pages in the Wagtail admin, for leaders and
coordinators: spliced into ``councils.admin_urls`` (namespace
``councils_admin``)."""

from django.urls import path

from . import admin_views
from .dashboard_views import cadre_dashboard

urlpatterns = [
    path(
        "mi-consejo/<id:council_id>/acompanamiento/",
        admin_views.mentorships,
        name="mentorships",
    ),
    path(
        "mi-consejo/<id:council_id>/cargos/nuevo/",
        admin_views.role_endorse,
        name="role_endorse",
    ),
    path(
        "mi-consejo/<id:council_id>/resumen-semanal/",
        admin_views.digest_toggle,
        name="digest_toggle",
    ),
    path("formacion-de-cuadros/", cadre_dashboard, name="cadre_dashboard"),
]
