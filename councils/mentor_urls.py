from django.urls import path

from . import views

app_name = "mentors"

urlpatterns = [
    path("", views.my_mentees, name="mentees"),
    path("<id:mentorship_id>/", views.mentee_detail, name="mentee"),
]
