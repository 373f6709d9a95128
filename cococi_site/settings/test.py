"""The test suite: the same code as production, fast hashing, no outside mail."""

import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import CACHES, STORAGES, env_bool

SECRET_KEY = "test-only-insecure-key"
DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
if os.environ.get("TEST_EMAIL_FILE_PATH"):
    # The failure tests count what a worker process sent: one file per e-mail.
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = os.environ["TEST_EMAIL_FILE_PATH"]
if os.environ.get("TEST_EMAIL_PORT"):
    # ... or send it to a real SMTP server of theirs, which may refuse.
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = "127.0.0.1"
    EMAIL_PORT = int(os.environ["TEST_EMAIL_PORT"])
    EMAIL_TIMEOUT = 5
# No manifest in tests: they run without collectstatic.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WAGTAILADMIN_BASE_URL = WAGTAILAPI_BASE_URL = "http://testserver"

# The unit suite runs tasks in-process so each test sees their effect at once;
# tests/integration/ switches this off and runs a real worker against Redis (and
# starts the site with TEST_TASKS_EAGER=0, sending its tasks to Redis).
CELERY_TASK_ALWAYS_EAGER = env_bool("TEST_TASKS_EAGER", True)
if "KEY_PREFIX" in CACHES["default"]:
    # Keep concurrent test runs from reading each other's cache entries.
    CACHES["default"]["KEY_PREFIX"] = os.environ.get(
        "CACHE_KEY_PREFIX", f"cococi-test-{os.getpid()}"
    )
# Serve static files from the source folders: the suite runs without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Uploaded and generated files go to a scratch folder, never the working tree.
MEDIA_ROOT = Path(
    os.environ.get("TEST_MEDIA_ROOT", Path(tempfile.gettempdir()) / "cococi-test-media")
)
PRIVATE_MEDIA_ROOT = MEDIA_ROOT.parent / f"{MEDIA_ROOT.name}-private"
# Most tests sign people in directly; the two-factor tests turn it on.
REQUIRE_TWO_FACTOR = False
