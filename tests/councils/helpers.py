"""Small helpers shared by the councils tests."""

import html
import re

from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext


def spanish(msgid):
    """The Spanish text of ``msgid``; fails while the catalogue lacks it."""
    text = gettext(msgid)
    assert text != msgid, f"No Spanish translation for {msgid!r}"
    return text


def admin_url(name, *args):
    return reverse(f"councils_admin:{name}", args=args)


def messages_of(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def text_of(response):
    """Visible text of an HTML response: tags removed, entities decoded."""
    page = response.content.decode()
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client
