"""Where a signed-in lesson's time goes: ``python -m bench.profile``.

The lesson of ``bench_pages`` (``bench-historial``'s), requested many times
through Django's WSGI handler in this process with the production settings
(DEBUG off, the Redis cache, collected static files), as gunicorn would call
it: the time per request (wall and processor, the best and the median of
batches of 50), the SQL queries and Redis commands of one request, and the
share of the time of the main costs under cProfile. Needs DATABASE_URL
(PostgreSQL with the bench_data set) and REDIS_URL; nothing is written.
"""

import cProfile
import io
import os
import pstats
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BATCH = 50
# (label, file pattern, function): cumulative time of each, as a share.
COSTS = [
    ("SQL queries (compiling, sending, reading)", r"sql/compiler.py$", "execute_sql"),
    ("  waiting for PostgreSQL (psycopg)", r"psycopg/cursor.py$", "execute"),
    ("  connection health check", r"postgresql/base.py$", "is_usable"),
    ("Redis commands", r"redis/client.py$", "execute_command"),
    ("template rendering", r"template/response.py$", "render"),
    ("signed-in user (session, user row)", r"contrib/auth/__init__.py$", "get_user"),
    ("page's context (progress)", r"courses/models/pages.py$", "get_context"),
    ("routing to the page", r"home/routing.py$", "route"),
    ("share tags", r"sharing_tags.py$", "share_meta"),
    ("Content-Security-Policy", r"csp/middleware.py$", "process_response"),
]


def _settings_environment(static_root):
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "cococi_site.settings.production",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_HSTS_SECONDS": "0",
            "ALLOWED_HOSTS": "127.0.0.1",
            "STATIC_ROOT": str(static_root),
            "SITE_URL": "http://127.0.0.1:8000",
        }
    )


def main(requests=1000):
    if not os.environ.get("DATABASE_URL") or not os.environ.get("REDIS_URL"):
        raise SystemExit("Set DATABASE_URL (PostgreSQL) and REDIS_URL.")
    static_root = Path(tempfile.mkdtemp(prefix="cococi-profile-")) / "static"
    _settings_environment(static_root)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        check=True,
    )
    import django  # noqa: PLC0415 (after the settings' environment)

    django.setup()
    from django.core.wsgi import get_wsgi_application  # noqa: PLC0415
    from django.db import connection  # noqa: PLC0415
    from django.test.utils import CaptureQueriesContext  # noqa: PLC0415
    from django.urls import reverse  # noqa: PLC0415
    from redis.client import Redis  # noqa: PLC0415

    from bench.pages import find_pages, sign_in, sign_out  # noqa: PLC0415

    pages = find_pages(["lesson-member"])
    from django.conf import settings  # noqa: PLC0415

    sign_in(pages, settings.SECRET_KEY)
    page = pages[0]
    application = get_wsgi_application()
    signed_out = reverse("members:logout")

    def request():
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": page.path,
            "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "HTTP_HOST": "127.0.0.1",
            "HTTP_COOKIE": page.cookie,
            "REMOTE_ADDR": "127.0.0.1",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(b""),
            "wsgi.errors": sys.stderr,
        }
        status = []
        body = application(environ, lambda line, headers, exc=None: status.append(line))
        content = b"".join(body)
        body.close()
        return status[0], content

    try:
        status, content = request()
        if not status.startswith("200") or signed_out.encode() not in content:
            raise SystemExit(f"{page.path} answered {status}, signed in? ")
        for _ in range(20):
            request()
        walls, cpus = [], []
        for _ in range(max(requests // BATCH, 1)):
            wall, cpu = time.perf_counter(), time.process_time()
            for _ in range(BATCH):
                request()
            walls.append((time.perf_counter() - wall) / BATCH * 1000)
            cpus.append((time.process_time() - cpu) / BATCH * 1000)
        print(f"{page.path}, signed in as {page.user.username}, {len(content):,} bytes")
        print(
            f"per request: wall {min(walls):.2f} ms best, "
            f"{statistics.median(walls):.2f} ms median; processor "
            f"{min(cpus):.2f} ms best, {statistics.median(cpus):.2f} ms median"
        )

        commands = []
        send = Redis.execute_command

        def spy(self, *args, **options):
            commands.append(args[0])
            return send(self, *args, **options)

        Redis.execute_command = spy
        try:
            with CaptureQueriesContext(connection) as captured:
                request()
        finally:
            Redis.execute_command = send
        print(f"Redis commands: {', '.join(commands) or 'none'}")
        print(f"SQL queries: {len(captured.captured_queries)}")
        for query in captured.captured_queries:
            tables = re.findall(r'FROM "(\w+)"', query["sql"])
            print(f"  {', '.join(tables)}")

        profile = cProfile.Profile()
        profile.enable()
        for _ in range(requests // 2):
            request()
        profile.disable()
        stats = pstats.Stats(profile).stats
        whole = sum(
            entry[3]
            for (file, _line, function), entry in stats.items()
            if file.endswith("handlers/wsgi.py") and function == "__call__"
        )
        print("Share of the time under cProfile (cumulative):")
        for label, pattern, name in COSTS:
            spent = sum(
                entry[3]
                for (file, _line, function), entry in stats.items()
                if function == name and re.search(pattern, file)
            )
            print(f"  {label:45} {spent / whole:6.1%}")
    finally:
        sign_out(pages)


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000))
