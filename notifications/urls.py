from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.preference_update, name="preferences"),
    path("telefono/codigo/", views.phone_code_send, name="phone_code_send"),
    path("telefono/verificar/", views.phone_verify, name="phone_verify"),
]
