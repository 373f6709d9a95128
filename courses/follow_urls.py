"""Following an axis (told of its new courses), under /mi-formacion/ejes/."""

from django.urls import path

from . import views

app_name = "axis_follows"

urlpatterns = [
    path("<slug:slug>/avisos/", views.axis_follow, name="toggle"),
]
