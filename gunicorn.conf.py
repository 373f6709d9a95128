"""gunicorn's settings for production; gunicorn reads this file from the working
directory (`gunicorn cococi_site.wsgi`). Every value can be changed by the
environment, so one file serves a small server and a larger one.

Processes first, two threads each. Rendering a page is Python work that holds
the interpreter's lock: four threads in one process made a signed-in lesson's
slowest requests (p99) four times slower than two did, for no more throughput
(`make bench` on 2 cores: docs/benchmarks.md). The second thread keeps a process
busy while the other waits for PostgreSQL or Redis.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Two processes per core, and one more to keep the cores busy.
workers = int(os.environ.get("WEB_CONCURRENCY", str(2 * (os.cpu_count() or 1) + 1)))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
# A request that takes longer than this is a bug or a hung database: restart it.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Recycle processes now and then, so that a slow leak never becomes an outage.
# Not too often: pages from the cache answer a thousand requests a second, and
# a process restarting every few seconds would cost more than any leak.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "50000"))
max_requests_jitter = max_requests // 10
# The HTTPS proxy in front sets X-Forwarded-Proto; trust it only from itself.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
