"""Pieces every short notice shares: a link on the site and the line that says
how to stop notices. Callers run outside a request (tasks): they render in the
site's language (``settings.LANGUAGE_CODE``)."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from .services import absolute

STOP_PATH = "/cuenta/mis-datos/"


def stop_line():
    """ "To stop notices: <site>/cuenta/mis-datos/", in Spanish."""
    with translation.override(settings.LANGUAGE_CODE):
        return _("To stop notices: %(link)s") % {"link": absolute(STOP_PATH)}


def with_stop(text):
    """``text`` followed by how to stop notices."""
    return f"{text} {stop_line()}"


def long_form(template, context):
    """(subject, body) of the e-mail form, from ``<template>_subject.txt`` and
    ``<template>.txt``: the e-mail templates the apps always had."""
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"{template}_subject.txt", context)
        body = render_to_string(f"{template}.txt", context)
    return " ".join(subject.split()), body
