"""The Celery application: configured from Django settings (``CELERY_*``)."""

import os

from celery import Celery

# As the web entry point (wsgi.py): a worker started without saying otherwise
# runs with production settings, never sends e-mails to a console. `make worker`
# and `make beat` ask for the development settings.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cococi_site.settings.production")

app = Celery("cococi_site")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
