"""Production: PostgreSQL, Redis, gunicorn behind an HTTPS proxy.

Refuses to start without a real SECRET_KEY rather than run with a guessable one.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import SECRET_KEY, env_bool

DEBUG = False

if not SECRET_KEY or len(SECRET_KEY) < 50 or SECRET_KEY.startswith(("dev-", "test-")):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of at least 50 characters "
        "in production."
    )

# Every absolute link (e-mails, constancias' QR codes, the API) and Wagtail's
# Site record, which each migrate sets from it, follow SITE_URL: without it
# they would say the development address.
if not os.environ.get("SITE_URL"):
    raise ImproperlyConfigured(
        "SITE_URL must be set in production to the site's public address, "
        "e.g. https://formacion.example.org."
    )

# The proxy terminates TLS and says so in this header.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
# /salud/ is probed by the load balancer over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^salud/$"]
SECURE_HSTS_SECONDS = int(
    os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365))
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
# Wagtail's preview views opt into same-origin framing themselves.
X_FRAME_OPTIONS = "DENY"
