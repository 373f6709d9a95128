"""The nearest peer, wagtail-lms 0.11.1, set up on this machine from nothing
and served the way ``manage.py bench_pages`` compares it with the COCOCI site.

- Its own venv, ``.bench-peer/venv`` (git-ignored), from the pinned
  ``bench/peer-requirements.txt``: rebuilt when that file changes.
- A minimal Wagtail project using wagtail-lms's own models and templates
  (``bench/peer_site/``) on its own PostgreSQL database, ``PEER_DATABASE_URL``
  (by default the benchmark database's name with ``_peer`` on the same server),
  created and migrated when needed.
- ``peer_seed``: a course with one lesson showing the text of the COCOCI
  lesson measured, an enrolled learner and a session of hers.
- gunicorn in the peer's venv with production-like settings (DEBUG off,
  WhiteNoise, database sessions), as many sync processes as asked.

``python -m bench.peer`` installs and prepares it, and prints what the
benchmark reads (the lesson's path, its queries and the stylesheet's path).
"""

import hashlib
import json
import os
import secrets
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench.database import ensure_database
from bench.serve import free_port, wait_until_up

ROOT = Path(__file__).resolve().parents[1]
REQUIREMENTS = ROOT / "bench" / "peer-requirements.txt"
HOME = ROOT / ".bench-peer"
VENV = HOME / "venv"
PYTHON = VENV / "bin" / "python"
STAMP = VENV / ".requirements-sha256"
# Where ``peer_site`` is imported from.
SITE_PATH = ROOT / "bench"
NAME = "wagtail-lms 0.11.1"


def _digest():
    return hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()


def install(log=print):
    """The peer's venv with exactly the pinned requirements."""
    if PYTHON.exists() and STAMP.exists() and STAMP.read_text() == _digest():
        return
    log(f"Installing {NAME} into {VENV} (bench/peer-requirements.txt)…")
    if not PYTHON.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    subprocess.run(
        [str(PYTHON), "-m", "pip", "install", "--quiet", "-r", str(REQUIREMENTS)],
        check=True,
    )
    STAMP.write_text(_digest())


def database_url(ours):
    """PEER_DATABASE_URL, or ``ours`` with ``_peer`` after the database name."""
    explicit = os.environ.get("PEER_DATABASE_URL", "")
    if explicit:
        return explicit
    parts = urlsplit(ours)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "_peer"))


def _env(database, workdir, secret_key):
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "peer_site.settings",
        "PYTHONPATH": str(SITE_PATH),
        "PEER_DATABASE_URL": database,
        "PEER_SECRET_KEY": secret_key,
        "PEER_STATIC_ROOT": str(Path(workdir) / "static"),
        "PEER_MEDIA_ROOT": str(Path(workdir) / "media"),
    }


def _manage(env, *arguments, capture=False):
    return subprocess.run(
        [str(PYTHON), "-m", "django", *arguments],
        cwd=SITE_PATH,
        env=env,
        check=True,
        capture_output=capture,
        text=True,
    )


def prepare(database, lesson, *, workdir, secret_key, log=print):
    """Create and migrate the peer's database, collect its static files, and
    make its course, lesson, learner and session. ``lesson``: the title,
    heading and paragraphs (plain text) of the lesson to show. Returns what
    ``peer_seed`` printed: path, cookie, stylesheet, queries, bytes."""
    install(log)
    if ensure_database(database):
        log(f"Database {urlsplit(database).path.lstrip('/')} created for the peer.")
    env = _env(database, workdir, secret_key)
    _manage(env, "collectstatic", "--noinput", "-v0")
    _manage(env, "migrate", "--noinput", "-v0")
    seed = ["peer_seed", "--title", lesson["title"]]
    if lesson.get("heading"):
        seed += ["--heading", lesson["heading"]]
    for text in lesson.get("texts", []):
        seed += ["--text", text]
    done = _manage(env, *seed, capture=True)
    found = json.loads(done.stdout.strip().splitlines()[-1])
    if found["status"] != 200 or not found["stylesheet"]:
        raise RuntimeError(f"The peer's lesson did not answer as expected: {found}")
    return found


@contextmanager
def peer_site(database, lesson, *, workers=2, log=print):
    """Prepare the peer and serve it with gunicorn, ``workers`` sync
    processes; yields a dict with ``url`` and ``peer_seed``'s figures."""
    workdir = Path(tempfile.mkdtemp(prefix="cococi-bench-peer-"))
    secret_key = secrets.token_urlsafe(50)
    found = prepare(database, lesson, workdir=workdir, secret_key=secret_key, log=log)
    port = free_port()
    log_path = workdir / "gunicorn.log"
    web = subprocess.Popen(
        [
            str(PYTHON),
            "-m",
            "gunicorn",
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            "--bind",
            f"127.0.0.1:{port}",
            "peer_site.wsgi",
        ],
        cwd=SITE_PATH,
        env=_env(database, workdir, secret_key),
        stdout=log_path.open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_up(base + found["stylesheet"], web, log_path)
        log(f"{NAME}: gunicorn ({workers} sync processes) at {base}")
        yield {**found, "url": base, "log": log_path}
    finally:
        web.terminate()
        try:
            web.wait(timeout=30)
        except subprocess.TimeoutExpired:
            web.kill()


def main():
    ours = os.environ.get("DATABASE_URL", "")
    if not ours and not os.environ.get("PEER_DATABASE_URL"):
        raise SystemExit("Set DATABASE_URL or PEER_DATABASE_URL.")
    lesson = {"title": "Lección 1", "texts": ["La asamblea decide."]}
    with tempfile.TemporaryDirectory(prefix="cococi-bench-peer-") as workdir:
        found = prepare(
            database_url(ours),
            lesson,
            workdir=workdir,
            secret_key=secrets.token_urlsafe(50),
        )
    print(json.dumps(found, indent=2))


if __name__ == "__main__":
    sys.exit(main())
