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
# A process takes a connection only while one of its threads is free, and
# closes it after the response. gthread's default (a thousand connections per
# process, kept alive) let one busy process take several clients while another
# stood idle: with 4 clients on 2 cores the cadre dashboard's p50 went from
# 100 ms to 170 ms whenever they landed on the same process, which was chance
# (`make bench`, docs/benchmarks.md). Behind the proxy a new local connection
# per request costs a fraction of a millisecond; the proxy keeps the
# clients' own connections alive.
worker_connections = int(os.environ.get("GUNICORN_WORKER_CONNECTIONS", str(threads)))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "0"))
# Recycle processes now and then, so that a slow leak never becomes an outage.
# Not too often: pages from the cache answer a thousand requests a second, and
# a process restarting every few seconds would cost more than any leak.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "50000"))
max_requests_jitter = max_requests // 10
# The HTTPS proxy in front sets X-Forwarded-Proto; trust it only from itself.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# The site is imported once, by the master, before it starts its processes: a
# new process (a recycled one, or all of them at a reload) is a fork that
# answers at once, instead of five processes importing Django and Wagtail side
# by side on two cores (about 20 s without an answer under load). A new release
# is loaded by a new master beside the old one (USR2), which then leaves (QUIT):
# `deploy/reload-web` does it, and the site keeps answering throughout
# (docs/deploy.md, *Reloads*). Nothing opens a connection at import time.
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") != "0"
# Where the master writes its process id: `deploy/reload-web` reads it.
pidfile = os.environ.get("GUNICORN_PIDFILE") or None
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
