"""The Celery application: configured from Django settings (``CELERY_*``)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cococi_site.settings.dev")

app = Celery("cococi_site")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
