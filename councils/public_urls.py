from django.urls import path

from . import admin_views, views

app_name = "councils"

urlpatterns = [
    path(
        "<id:request_id>/acta/",
        admin_views.constitution_acta,
        name="constitution_acta",
    ),
    path(
        "fundadores/<id:founder_id>/",
        views.founder_answer,
        name="founder_answer",
    ),
]
