"""The site as production runs it, for load and speed benchmarks: gunicorn with
the production settings (DEBUG off, Redis cache, compressed static files) and
real Celery workers, on 127.0.0.1, against the benchmark database.

Only the HTTPS redirect is off: the benchmark speaks plain HTTP to 127.0.0.1.
"""

import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url():
    """The URL of the database this process uses, for the servers it starts."""
    db = connection.settings_dict
    user = db["USER"] or "postgres"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    host = db["HOST"] or "127.0.0.1"
    port = db["PORT"] or "5432"
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


def production_env(workdir, port, secret_key=None):
    static_root = Path(workdir) / "static"
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cococi_site.settings.production",
        "SECRET_KEY": secret_key or secrets.token_urlsafe(50),
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "STATIC_ROOT": str(static_root),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "SITE_URL": f"http://127.0.0.1:{port}",
        # No mail server listens here: the constancias' e-mails go to the
        # worker's log instead of failing and being retried.
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
    }


def wait_until_up(url, process, log, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited early: see {log}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer {url} within {timeout} s: see {log}")


@contextmanager
def production_site(
    *,
    workers=2,
    threads=4,
    celery_worker=True,
    celery_workers=1,
    secret_key=None,
    gunicorn_args=(),
    log=print,
):
    """Start gunicorn (and Celery workers) in production settings; yields a
    dict with the base URL, the environment and the log folder; stops them.
    ``celery_workers``: how many separate worker processes (node names
    ``worker1@…``, ``worker2@…``; logs ``worker.log`` for one, else
    ``worker1.log``, …), none when ``celery_worker`` is false.
    ``secret_key``: the server's, to sign sessions made in advance.
    ``gunicorn_args``: options added to gunicorn's command line (they take
    precedence over gunicorn.conf.py)."""
    workdir = tempfile.mkdtemp(prefix="cococi-bench-")
    port = free_port()
    env = production_env(workdir, port, secret_key)
    env.update(WEB_CONCURRENCY=str(workers), GUNICORN_THREADS=str(threads))
    log(f"Collecting static files into {env['STATIC_ROOT']}…")
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    processes = []
    logs = Path(workdir)
    try:
        web_log = logs / "gunicorn.log"
        web = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", *gunicorn_args, "cococi_site.wsgi"],
            cwd=ROOT,
            env=env,
            stdout=web_log.open("w"),
            stderr=subprocess.STDOUT,
        )
        processes.append(web)
        count = celery_workers if celery_worker else 0
        for number in range(1, count + 1):
            worker_log = "worker.log" if count == 1 else f"worker{number}.log"
            worker = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "cococi_site",
                    "worker",
                    "-n",
                    f"worker{number}@%h",
                    "--concurrency=1",
                    "--without-gossip",
                    "--without-mingle",
                    "--loglevel=INFO",
                ],
                cwd=ROOT,
                env=env,
                stdout=(logs / worker_log).open("w"),
                stderr=subprocess.STDOUT,
            )
            processes.append(worker)
        base = f"http://127.0.0.1:{port}"
        wait_until_up(base + "/salud/", web, web_log)
        log(f"gunicorn ({workers} processes × {threads} threads) at {base}")
        yield {"url": base, "env": env, "logs": logs}
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
