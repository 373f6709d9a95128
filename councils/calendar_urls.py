"""A member's calendar: ``/calendario/<secret>.ics`` and the button that makes
or changes that address (``councils.views``)."""

from django.urls import path

from . import views

urlpatterns = [
    path("<feed_token:token>.ics", views.member_calendar, name="member_calendar"),
    path(
        "nueva-direccion/",
        views.member_calendar_renew,
        name="member_calendar_renew",
    ),
]
