"""The ``<id:…>`` path converter of the councils' addresses: an id is at most
18 digits. Django's ``<int:…>`` takes any number, and one too large for the
database (20 digits) made SQLite fail with an error 500 on a council's pages
instead of answering "not found". Registered when the app is ready."""

from django.urls import register_converter


class IdConverter:
    regex = "[0-9]{1,18}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return str(value)


register_converter(IdConverter, "id")
