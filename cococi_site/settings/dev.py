"""Local development and the embedded demo (`make demo`)."""

from .base import *  # noqa: F403
from .base import INSTALLED_APPS, STORAGES, env_bool

DEBUG = env_bool("DEBUG", True)
# A development-only key; production refuses to start without a real one.
SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-do-not-use-in-production"  # noqa: F405
ALLOWED_HOSTS = ["*"]
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# Phone notices with no provider configured are written to the log.
NOTIFY_CONSOLE = env_bool("NOTIFY_CONSOLE", True)

# WhiteNoise serves static files under runserver too, as it does in production,
# but from the source folders, with no collectstatic step.
INSTALLED_APPS = ["whitenoise.runserver_nostatic", *INSTALLED_APPS]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# The demo opens the admin without an authenticator app; REQUIRE_TWO_FACTOR=1
# makes it ask, as production does.
REQUIRE_TWO_FACTOR = env_bool("REQUIRE_TWO_FACTOR", False)
