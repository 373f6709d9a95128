from django.urls import path

from . import views

app_name = "courses"

urlpatterns = [
    path("", views.certificate_lookup, name="certificate_lookup"),
    path("<str:code>/", views.certificate_verify, name="certificate_verify"),
    path("<str:code>/pdf/", views.certificate_download, name="certificate_download"),
]
