from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import views

app_name = "members"

urlpatterns = [
    path("entrar/", views.SignInView.as_view(), name="login"),
    path("salir/", views.SignOutView.as_view(), name="logout"),
    path("registro/", views.register, name="register"),
    path("codigo/", views.sign_in_with_code, name="sign_in_code"),
    path("codigo/contrasena/", views.password_first_set, name="password_first_set"),
    path("dos-pasos/", views.two_factor, name="two_factor"),
    path("dos-pasos/verificar/", views.two_factor_verify, name="two_factor_verify"),
    path(
        "dos-pasos/codigos/",
        views.two_factor_recovery_codes,
        name="two_factor_recovery_codes",
    ),
    path("dos-pasos/desactivar/", views.two_factor_disable, name="two_factor_disable"),
    path("aviso-de-privacidad/", views.privacy_notice, name="privacy_notice"),
    path(
        "aviso-de-privacidad/aceptar/",
        views.privacy_notice_accept,
        name="privacy_notice_accept",
    ),
    path("mis-datos/", views.my_data, name="my_data"),
    path("mis-datos/editar/", views.profile_edit, name="profile_edit"),
    path(
        "mis-datos/contrasena/",
        views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path("mis-datos/consentimientos/", views.consents_update, name="consents_update"),
    path("mis-datos/exportar/", views.my_data_export, name="my_data_export"),
    path("mis-datos/imprimir/", views.my_data_print, name="my_data_print"),
    path("mis-datos/eliminar/", views.account_delete, name="account_delete"),
    path("recuperar/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "recuperar/enviado/",
        auth_views.PasswordResetDoneView.as_view(
            template_name="members/password_reset_done.html"
        ),
        name="password_reset_done",
    ),
    path(
        "recuperar/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="members/password_reset_confirm.html",
            success_url=reverse_lazy("members:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "recuperar/listo/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="members/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
]
