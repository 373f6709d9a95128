"""Debian's nginx, run by the tests with the shipped site config
(deploy/nginx/), only its placeholders replaced, in front of the site under
gunicorn in production settings.

nginx runs as this user, with its own prefix, pid file, logs and temporary
folders under a test folder: nothing of the machine's nginx is used but its
binary, its mime.types and its modules.
"""

import getpass
import grp
import os
import shutil
import socket
import subprocess
from pathlib import Path

import pytest
import requests
from requests.adapters import HTTPAdapter

from bench.serve import free_port

from .conftest import wait_for

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "deploy" / "nginx"
NGINX = Path("/usr/sbin/nginx")
MODULES = Path("/usr/lib/nginx/modules")
BROTLI_MODULES = (
    "ngx_http_brotli_filter_module.so",
    "ngx_http_brotli_static_module.so",
)
MISSING = (
    None
    if NGINX.exists()
    else "nginx no está instalado (apt-get install nginx): .ci/run lo instala"
)
# Set by .ci/run, which installs nginx and its brotli modules: there a missing
# one fails the tests instead of skipping them unseen.
REQUIRED = "CI_REQUIRE_NGINX"


def brotli_available():
    return all((MODULES / name).exists() for name in BROTLI_MODULES)


def require_nginx():
    """Skip the calling test without nginx, with the reason; where nginx is
    required (``CI_REQUIRE_NGINX=1``), fail it instead, and fail it without
    Debian's brotli modules too (whose checks would be left out unseen)."""
    missing = MISSING
    if missing is None and not brotli_available():
        missing = (
            "faltan los módulos brotli de nginx (apt-get install "
            "libnginx-mod-http-brotli-filter libnginx-mod-http-brotli-static)"
        )
        if not os.environ.get(REQUIRED):
            return  # the brotli checks are left out, the rest runs
    if missing is None:
        return
    if os.environ.get(REQUIRED):
        pytest.fail(f"{missing}; {REQUIRED}=1 los exige aquí", pytrace=False)
    pytest.skip(missing)


def self_signed_certificate(folder):
    """A certificate for 127.0.0.1 and its key, made with openssl."""
    certificate, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
            "-keyout", str(key), "-out", str(certificate), "-days", "2",
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return certificate, key


def render_site(values):
    """deploy/nginx/cococi.conf with each ``__NAME__`` replaced by values[NAME];
    fails if one is left."""
    text = (SHIPPED / "cococi.conf").read_text()
    for name, value in values.items():
        text = text.replace(f"__{name}__", str(value))
    body = "\n".join(
        line for line in text.splitlines() if not line.lstrip().startswith("#")
    )
    assert "__" not in body, "a placeholder of cococi.conf was left unreplaced"
    return text


class Nginx:
    """nginx on free loopback ports: ``https_port`` (the TLS server block) and
    ``http_port`` (the redirect), in front of gunicorn at ``upstream``."""

    def __init__(self, folder, *, upstream, static_root, media_root, private_root):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.conf = self.folder / "conf"
        self.https_port = free_port()
        self.http_port = free_port()
        self.brotli = brotli_available()
        self.certificate, key = self_signed_certificate(self.folder)
        acme = self.folder / "acme"
        (acme / ".well-known" / "acme-challenge").mkdir(parents=True)
        (acme / ".well-known" / "acme-challenge" / "prueba").write_text("acme\n")
        shutil.copytree(SHIPPED / "snippets", self.conf / "snippets")
        if self.brotli:
            shutil.copy(SHIPPED / "brotli.conf", self.conf / "snippets" / "cococi")
        (self.conf / "sites").mkdir()
        (self.conf / "sites" / "cococi.conf").write_text(
            render_site(
                {
                    "SERVER_NAME": "127.0.0.1",
                    "HTTP_LISTEN": f"127.0.0.1:{self.http_port}",
                    "HTTPS_LISTEN": f"127.0.0.1:{self.https_port}",
                    "CERTIFICATE": self.certificate,
                    "CERTIFICATE_KEY": key,
                    "ACME_ROOT": acme,
                    "GUNICORN": upstream,
                    "STATIC_ROOT": static_root,
                    "MEDIA_ROOT": media_root,
                    "PRIVATE_MEDIA_ROOT": private_root,
                    "ERROR_PAGES": SHIPPED / "errors",
                }
            )
        )
        (self.conf / "nginx.conf").write_text(self._main_config())
        self.process = None

    @property
    def url(self):
        return f"https://127.0.0.1:{self.https_port}"

    def _main_config(self):
        temp = self.folder / "temp"
        temp.mkdir()
        modules = (
            "".join(f"load_module {MODULES / name};\n" for name in BROTLI_MODULES)
            if self.brotli
            else ""
        )
        user = ""
        if os.geteuid() == 0:
            # Workers as the user who owns the test's files, not nobody.
            user = f"user {getpass.getuser()} {grp.getgrgid(os.getgid()).gr_name};\n"
        temps = "".join(
            f"    {kind}_temp_path {temp / kind};\n"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        # Debian's /etc/nginx/nginx.conf, reduced to what the site needs.
        return (
            f"{user}{modules}"
            "daemon off;\n"
            "worker_processes 1;\n"
            f"pid {self.folder / 'nginx.pid'};\n"
            f"error_log {self.folder / 'error.log'} info;\n"
            "events { worker_connections 256; }\n"
            "http {\n"
            "    include /etc/nginx/mime.types;\n"
            "    default_type application/octet-stream;\n"
            "    sendfile on;\n"
            "    tcp_nopush on;\n"
            f"    access_log {self.folder / 'access.log'};\n"
            f"{temps}"
            "    include sites/cococi.conf;\n"
            "}\n"
        )

    def command(self, *extra):
        return [
            str(NGINX),
            "-p",
            str(self.folder),
            "-c",
            str(self.conf / "nginx.conf"),
            "-e",
            str(self.folder / "error.log"),
            *extra,
        ]

    def start(self):
        subprocess.run(self.command("-t", "-q"), check=True, capture_output=True)
        log = open(self.folder / "nginx.out", "w")  # noqa: SIM115
        self.process = subprocess.Popen(
            self.command(), stdout=log, stderr=subprocess.STDOUT
        )
        log.close()
        wait_for(self._listening, 10, "nginx did not start", 0.1)

    def _listening(self):
        if self.process.poll() is not None:
            raise RuntimeError(f"nginx exited: see {self.folder / 'error.log'}")
        try:
            socket.create_connection(("127.0.0.1", self.https_port), 1).close()
        except OSError:
            return False
        return True

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


class SourceAddressAdapter(HTTPAdapter):
    """Connections made from ``address`` (a loopback address of this machine:
    127.0.0.2, 127.0.0.3…), as a client on another machine would be."""

    def __init__(self, address, **kwargs):
        self.address = address
        super().__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def client(nginx, source="127.0.0.1"):
    """A requests session trusting the test's certificate, connecting from
    ``source``."""
    session = requests.Session()
    # Not the environment's CA bundle or proxies: the test's certificate.
    session.trust_env = False
    session.verify = str(nginx.certificate)
    session.mount("https://", SourceAddressAdapter(source))
    session.mount("http://", SourceAddressAdapter(source))
    return session


def header_lines(response, name):
    """Every line of header ``name`` as it came (requests joins repeated ones)."""
    return response.raw.headers.getlist(name)
