"""``/baja/<key>``: the stop link every notice carries (``notifications.stop``).
The trailing slash is optional: a text message saves the character."""

from django.urls import re_path

from . import stop_views

urlpatterns = [
    re_path(
        r"^(?P<key>[0-9A-Za-z]{1,12})/?$", stop_views.stop_notices, name="stop_notices"
    ),
]
