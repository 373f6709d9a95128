"""The ``<id:…>`` path converter of the councils' addresses: an id is at most
18 digits. Django's ``<int:…>`` takes any number, and one too large for the
database (20 digits) made SQLite fail with an error 500 on a council's pages
instead of answering "not found". Registered when the app is ready, with
``<feed_token:…>``, the secret key of a member's calendar feed."""

from django.urls import register_converter

from .models.calendars import TOKEN_PATTERN


class IdConverter:
    regex = "[0-9]{1,18}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return str(value)


register_converter(IdConverter, "id")


class FeedTokenConverter:
    """A calendar feed's secret key: exactly its length and alphabet, so that
    anything else (too long, accented) is "not found" before any query."""

    regex = TOKEN_PATTERN

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(FeedTokenConverter, "feed_token")
