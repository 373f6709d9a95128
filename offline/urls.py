from django.urls import path

from . import views

app_name = "offline"

urlpatterns = [
    path("sin-conexion/", views.offline_page, name="page"),
]
