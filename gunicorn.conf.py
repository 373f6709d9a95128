"""gunicorn's settings for production; gunicorn reads this file from the working
directory (`gunicorn cococi_site.wsgi`). Every value can be changed by the
environment, so one file serves a small server and a larger one.

Threads rather than more processes: a request spends much of its time waiting
for PostgreSQL, and threads share one copy of Django and Wagtail in memory.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Two processes per core is enough for a mostly-waiting Django site.
workers = int(os.environ.get("WEB_CONCURRENCY", str(2 * (os.cpu_count() or 1))))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# A request that takes longer than this is a bug or a hung database: restart it.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Recycle processes now and then, so that a slow leak never becomes an outage.
max_requests = 2000
max_requests_jitter = 200
# The HTTPS proxy in front sets X-Forwarded-Proto; trust it only from itself.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
