"""The long form of a notice, from the e-mail templates. Callers run outside a
request (tasks): they render in the site's language
(``settings.LANGUAGE_CODE``). How to stop notices is added to each notice
when it is sent, with the person's own stop link (``notifications.stop``)."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation


def long_form(template, context):
    """(subject, body) of the e-mail form, from ``<template>_subject.txt`` and
    ``<template>.txt``: the e-mail templates the apps always had."""
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"{template}_subject.txt", context)
        body = render_to_string(f"{template}.txt", context)
    return " ".join(subject.split()), body
