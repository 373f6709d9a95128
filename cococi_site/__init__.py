"""The project's package, in two layers.

The wiring, which names the apps: settings, ``urls``, ``wsgi``, ``celery``,
``api`` (the public API) and ``views`` (error pages).

The base layer, which every app may use and which imports none of them:
``content`` (the content generation), ``page_cache`` (anonymous pages from the
cache), ``cache`` (a cache that survives Redis going down), ``middleware``,
``files`` (private storage, atomic writes), ``spreadsheets`` (formula
injection), ``pages`` (what every page type shares, ``page_route``),
``snippets``, ``logs``, ``site_address`` (SITE_URL: absolute links, the
Site record), ``api_fields`` (how the API shows images, documents, codes) and
the catalogue's lists of Django's and Wagtail's strings.
``tests/cococi_site/test_layers.py`` keeps it so.
"""

# Load the Celery app when Django starts so that @shared_task binds to it
# (https://docs.celeryq.dev/en/stable/django/first-steps-with-django.html).
from .celery import app as celery_app

__all__ = ("celery_app",)
