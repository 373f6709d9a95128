"""Real parts for the failure suite (test_failures.py): a Redis server of its own
that can be killed and started again, a TCP proxy in front of PostgreSQL that can
be cut, the site under gunicorn, Celery workers that can be SIGKILLed.

Nothing here touches the machine's shared Redis or PostgreSQL servers: the
private Redis listens on a free port, and the proxy only forwards to PostgreSQL.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import urlsplit

import redis
import requests

from bench.serve import free_port

from .conftest import wait_for

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable


class PrivateRedis:
    """A redis-server for these tests alone (no persistence), on a free port."""

    def __init__(self, directory):
        self.directory = Path(directory)
        self.port = free_port()
        self.process = None
        self.binary = shutil.which("redis-server")

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/5"

    def client(self):
        return redis.Redis(host="127.0.0.1", port=self.port, db=5, socket_timeout=2)

    def start(self):
        log = open(self.directory / "redis.log", "a")  # noqa: SIM115
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        wait_for(self._answers, 10, "the private Redis did not start")

    def _answers(self):
        try:
            return self.client().ping()
        except redis.exceptions.ConnectionError:
            return False

    def kill(self):
        """Redis dies at once (SIGKILL): its clients' connections are reset."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)
        self.process = None

    def stop(self):
        if self.process is not None:
            self.kill()


class PostgresProxy:
    """127.0.0.1:<port> forwarded to PostgreSQL by threads of this process.

    ``cut()`` closes every forwarded connection and then accepts new ones only to
    close them: the database, seen from the site, is down. ``cut_on(pattern)``
    does the same the moment a client sends ``pattern`` (a piece of SQL), before
    it reaches the server: the database disappears in the middle of a request's
    transaction. ``restore()`` forwards again.
    """

    def __init__(self, target=("127.0.0.1", 5432)):
        self.target = target
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.lock = threading.Lock()
        self.pairs = set()
        self.is_cut = False
        self.trigger = None
        self.cut_count = 0
        self.closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while not self.closed:
            try:
                client, _address = self.listener.accept()
            except OSError:
                return
            with self.lock:
                refused = self.is_cut
            if refused:
                _close(client)
                continue
            try:
                server = socket.create_connection(self.target, timeout=5)
                server.settimeout(None)
            except OSError:
                _close(client)
                continue
            pair = (client, server)
            with self.lock:
                self.pairs.add(pair)
            threading.Thread(
                target=self._pump, args=(pair, client, server, True), daemon=True
            ).start()
            threading.Thread(
                target=self._pump, args=(pair, server, client, False), daemon=True
            ).start()

    def _pump(self, pair, source, destination, from_client):
        tail = b""
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                trigger = self.trigger
                if from_client and trigger:
                    window = tail + data
                    if trigger in window:
                        self.trigger = None
                        self.cut()  # the statement never reaches PostgreSQL
                        break
                    tail = window[-len(trigger) :]
                destination.sendall(data)
        except OSError:
            pass
        finally:
            with self.lock:
                self.pairs.discard(pair)
            for end in pair:
                _close(end)

    def cut(self):
        with self.lock:
            self.is_cut = True
            self.cut_count += 1
            pairs = list(self.pairs)
            self.pairs.clear()
        for pair in pairs:
            for end in pair:
                _close(end)

    def cut_on(self, pattern):
        self.trigger = pattern

    def restore(self):
        with self.lock:
            self.is_cut = False
        self.trigger = None

    def close(self):
        self.closed = True
        self.cut()
        _close(self.listener)


def _close(sock):
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()


def start_process(command, env, log_path, ready, timeout=60):
    """Start ``command`` with ``env`` added, its output in ``log_path``, and wait
    until ``ready(log text)`` is true."""
    log = open(log_path, "a")  # noqa: SIM115
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=log,
        stderr=subprocess.STDOUT,
        # Its own process group: a SIGKILL can take the process and its
        # children at once, as when a machine or container dies.
        start_new_session=True,
    )
    log.close()

    def started():
        if process.poll() is not None:
            raise RuntimeError(f"{command[2:4]} exited early: see {log_path}")
        return ready(Path(log_path).read_text())

    try:
        wait_for(started, timeout, f"{command[2:4]} did not start ({log_path})", 0.2)
    except BaseException:
        stop_process(process)
        raise
    return process


def stop_process(process):
    """Stop a process these tests started, with its children (gunicorn's and
    Celery's pool processes), at once: when a test ends nothing is running that
    matters, and a graceful shutdown would cost seconds per test."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass  # the group is gone already
    process.wait(timeout=10)


def start_worker(env, log_path, name, pool="solo"):
    """A real `celery worker` with ``env`` added to the environment.

    ``pool="prefork"`` is the production pool: a main process that receives and
    acknowledges messages, and a child that runs the task (one here)."""
    return start_process(
        [
            PYTHON,
            "-m",
            "celery",
            "-A",
            "cococi_site",
            "worker",
            f"--pool={pool}",
            "--concurrency=1",
            "--hostname",
            f"{name}-{os.getpid()}@%h",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=INFO",
        ],
        {"DJANGO_SETTINGS_MODULE": "cococi_site.settings.test", **env},
        log_path,
        lambda text: "ready." in text,
    )


def start_site(env, log_path, port):
    """The site under gunicorn: two processes of eight threads each."""
    return start_process(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "cococi_site.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--worker-class",
            "gthread",
            "--threads",
            "8",
            "--timeout",
            "60",
            "--graceful-timeout",
            "5",
            # Not the control socket in the home folder, which another gunicorn
            # on this machine may be using.
            "--no-control-socket",
        ],
        {"DJANGO_SETTINGS_MODULE": "cococi_site.settings.test", **env},
        log_path,
        lambda text: text.count("Booting worker") >= 2,
    )


class Browser:
    """Requests to the live site as one person: their session cookie and a CSRF
    token, as a browser that loaded the form would send them (the site's own
    cookies, set on sign-in, replace these)."""

    def __init__(self, base_url, session_key=None):
        self.base_url = base_url
        self.host = urlsplit(base_url).hostname
        self.http = requests.Session()
        self.http.cookies.set("csrftoken", "f" * 32, domain=self.host, path="/")
        if session_key:
            self.http.cookies.set("sessionid", session_key, domain=self.host, path="/")

    def get(self, path, **kwargs):
        return self.http.get(
            self.base_url + path, allow_redirects=False, timeout=30, **kwargs
        )

    def post(self, path, data=None, **kwargs):
        token = self.http.cookies.get("csrftoken", domain=self.host, path="/")
        return self.http.post(
            self.base_url + path,
            data={"csrfmiddlewaretoken": token, **(data or {})},
            allow_redirects=False,
            timeout=30,
            **kwargs,
        )
