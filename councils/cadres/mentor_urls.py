"""The mentors' addresses, under /mi-formacion/acompanamiento/."""

from django.urls import path

from . import mentor_views as views

app_name = "mentors"

urlpatterns = [
    path("", views.my_mentees, name="mentees"),
    path("<id:mentorship_id>/", views.mentee_detail, name="mentee"),
]
