"""The councils' pages in the Wagtail admin ("Mi consejo", constitution
requests), for leaders and coordinators, under the ``councils_admin``
namespace (``wagtail_hooks``)."""

from django.urls import path

from . import admin_views as views
from . import notice_views
from .cadres.admin_urls import urlpatterns as cadre_urlpatterns

app_name = "councils_admin"

urlpatterns = [
    path("mi-consejo/", views.my_councils, name="index"),
    path("mi-consejo/<id:council_id>/", views.council_detail, name="council"),
    path(
        "mi-consejo/<id:council_id>/solicitudes/<id:membership_id>/",
        views.membership_decide,
        name="membership_decide",
    ),
    path(
        "mi-consejo/<id:council_id>/integrantes/<id:membership_id>/baja/",
        views.membership_end,
        name="membership_end",
    ),
    path(
        "mi-consejo/<id:council_id>/integrantes/<id:membership_id>/codigo-sms/",
        views.sign_in_code_sms,
        name="sign_in_code_sms",
    ),
    path(
        "mi-consejo/<id:council_id>/integrantes/nuevo/",
        views.member_register,
        name="member_register",
    ),
    path(
        "mi-consejo/<id:council_id>/integrantes/formato-de-consentimiento/",
        views.consent_form,
        name="consent_form",
    ),
    path(
        "mi-consejo/<id:council_id>/integrantes/importar/",
        views.members_import,
        name="members_import",
    ),
    path(
        "mi-consejo/<id:council_id>/reuniones/nueva/",
        views.meeting_edit,
        name="meeting_add",
    ),
    path(
        "mi-consejo/<id:council_id>/reuniones/<id:meeting_id>/",
        views.meeting_detail,
        name="meeting",
    ),
    path(
        "mi-consejo/<id:council_id>/reuniones/<id:meeting_id>/editar/",
        views.meeting_edit,
        name="meeting_edit",
    ),
    path(
        "mi-consejo/<id:council_id>/reuniones/<id:meeting_id>/asistencia/",
        views.meeting_attendance,
        name="meeting_attendance",
    ),
    path(
        "mi-consejo/<id:council_id>/reuniones/<id:meeting_id>/cerrar/",
        views.meeting_close,
        name="meeting_close",
    ),
    path(
        "mi-consejo/<id:council_id>/reuniones/<id:meeting_id>/cancelar/",
        views.meeting_cancel,
        name="meeting_cancel",
    ),
    path(
        "mi-consejo/<id:council_id>/dos-pasos/",
        views.two_factor_code_give,
        name="two_factor_code_give",
    ),
    path(
        "mi-consejo/<id:council_id>/avisos/",
        notice_views.council_notices,
        name="council_notices",
    ),
    path("motivo/", views.names_reason, name="names_reason"),
    path("constituciones/", views.constitution_list, name="constitutions"),
    path(
        "constituciones/<id:request_id>/",
        views.constitution_detail,
        name="constitution",
    ),
    # The cadre pathway's pages, in the same namespace.
    *cadre_urlpatterns,
]
