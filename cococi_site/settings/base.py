"""Settings shared by every environment, configured from environment variables.

dev, test and production import this module and change only what differs.
See README.md and .env.example for the variables.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [
        item.strip()
        for item in os.environ.get(name, default).split(",")
        if item.strip()
    ]


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Project apps first so that their templates override Wagtail's and Django's.
    # The outbox sits below every other project app: they all send tasks through it.
    "outbox",
    "members",
    "notifications",
    "courses",
    # Installable web app, courses saved on the phone, offline progress.
    "offline",
    "councils",
    "home",
    # Only management commands (bench_data, bench_cadres): see bench/README.md.
    "bench",
    # No form pages, so no wagtail.contrib.forms: its "Forms" area listed, in
    # its "Edited by" filter, everyone who ever edited a page. A database made
    # before keeps its empty tables, unused.
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.sitemaps",
    "wagtail.api.v2",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "rest_framework",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # Only for its template: /sitemap.xml is Wagtail's (wagtail.contrib.sitemaps).
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # WhiteNoise answers a static file here, with far-future headers and the
    # security headers above (nosniff): it asks the page cache (Redis) nothing
    # and carries no page's Content-Security-Policy, but a file's own
    # (static_file_headers, as nginx sends it). Two Redis lookups per file cost
    # half its requests per second (#26).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A 304 when the browser already holds the page (its ETag): above the page
    # cache, so a stored page is confirmed without a query or any hashing.
    "django.middleware.http.ConditionalGetMiddleware",
    # Public pages for anonymous visitors from the shared cache; a stored page
    # skips the rest and keeps the headers (CSP included) it was built with.
    "cococi_site.page_cache.AnonymousPageCacheMiddleware",
    # Content-Security-Policy on every public page (the policy is below); the
    # next one allows, by their hash, the inline styles a page declared.
    "csp.middleware.CSPMiddleware",
    "cococi_site.middleware.InlineStyleHashesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # A LocaleMiddleware: after the session, before CommonMiddleware.
    "cococi_site.middleware.SiteLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Answers to a signed-in person name whose phone data they are.
    "offline.owner.OwnerHeaderMiddleware",
    # Cache-Control and ETags: anonymous pages revalidated, a member's course
    # and lessons private and revalidated, every other signed-in page private,
    # never stored.
    "cococi_site.middleware.PersonalPagesMiddleware",
    # request.user.is_verified(): signed in with a second factor this session.
    "django_otp.middleware.OTPMiddleware",
    "members.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A path with a NUL byte is not found; NULs in the query string are dropped.
    "cococi_site.middleware.NulBytesMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes asks: answers a locked-out sign-in with its page.
    "axes.middleware.AxesMiddleware",
]

# No inline script or style on the public site: everything comes from this
# origin, and the few inline styles (axis colours) are allowed by their hash.
# The Wagtail admin needs inline scripts and is left to its own headers.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "media-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'self'"],
    },
}

# Failed sign-ins (django-axes, see members/throttling.py) are counted per
# account and address, the account's name whatever its case: five, each within
# 15 minutes of the one before, lock that pair until 15 minutes after the last;
# attempts during a lock are refused without being counted, so they do not
# extend it. Someone who knows a username cannot lock its owner out from another
# address. One address may fail SIGN_IN_ADDRESS_FAILURE_LIMIT times in 15 minutes
# over all accounts (members often share a community centre's connection).
AUTHENTICATION_BACKENDS = [
    "members.backends.ThrottledSignInBackend",
    "members.backends.MemberBackend",
    # Sessions begun before MemberBackend name this one.
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_HANDLER = "members.throttling.SignInAttemptsHandler"
AXES_USERNAME_CALLABLE = "members.throttling.attempt_username"
AXES_CLIENT_IP_CALLABLE = "members.throttling.client_address"
AXES_LOCKOUT_CALLABLE = "members.views.locked_out"
AXES_VERBOSE = False
SIGN_IN_ADDRESS_FAILURE_LIMIT = int(
    os.environ.get("SIGN_IN_ADDRESS_FAILURE_LIMIT", "50")
)
# Sign-in records (django-axes' logs of sign-ins and failures, with IP address and
# browser; used or expired one-time codes) are deleted after this many days by
# the daily members.tasks.prune_sign_in_records.
SIGN_IN_RECORD_DAYS = int(os.environ.get("SIGN_IN_RECORD_DAYS", "30"))
# Proxies of ours in front of the site (the HTTPS proxy: 1). With any, the
# client's address is the one the first of them appended to X-Forwarded-For
# (members.throttling.client_address); with none, the connection's.
PROXY_COUNT = int(os.environ.get("AXES_PROXY_COUNT", "0"))

# Password reset (/cuenta/recuperar/, the only one: Wagtail's own is off): one
# address may ask PASSWORD_RESET_ADDRESS_LIMIT times an hour; an account gets at
# most one e-mail every PASSWORD_RESET_INTERVAL, its link made from SITE_URL.
PASSWORD_RESET_ADDRESS_LIMIT = 10
PASSWORD_RESET_INTERVAL = timedelta(minutes=15)
WAGTAIL_PASSWORD_RESET_ENABLED = False

# Two-factor authentication (TOTP, with recovery codes) is open to everyone and
# required of every account that can see other people's member data (see
# members.security); off in development and tests unless asked for.
REQUIRE_TWO_FACTOR = env_bool("REQUIRE_TWO_FACTOR", True)
# Days an activation code for two-step verification stays valid: such an account
# turns it on the first time with one, given by whoever leads them.
TWO_FACTOR_CODE_DAYS = 2
OTP_TOTP_ISSUER = "COCOCI Formación"
# Accounts that see others' data sign in again after 12 hours.
PRIVILEGED_SESSION_SECONDS = 60 * 60 * 12

ROOT_URLCONF = "cococi_site.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                # Signed-in pages: whose phone data this is (offline study).
                "offline.owner.owner_context",
            ],
        },
    },
]

WSGI_APPLICATION = "cococi_site.wsgi.application"

# One URL configures the database; without it the embedded demo uses a SQLite file.
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # An unreachable server (a network cut rather than a refused connection)
    # fails a request within these seconds, answered with the 503 page
    # (cococi_site.views.server_error), instead of holding a web worker.
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = int(
        os.environ.get("DATABASE_CONNECT_TIMEOUT", "5")
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Two requests writing at once (a double click, two leaders accepting the
    # same person): each transaction takes SQLite's write lock as it begins, so
    # the second waits for the first (up to 5 s) and then reads what it wrote.
    # Begun "deferred", both read, then one of them was refused the lock at
    # once ("database is locked", an error 500). PostgreSQL locks rows instead
    # (``select_for_update`` in the services).
    # Write-ahead logging lets pages be read while another request writes (the
    # admin's editing-session pings beside a save), and a writer waits up to
    # 20 s for the lock instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        transaction_mode="IMMEDIATE",
        timeout=20,
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Set before the first migration: swapping the user model later is not supported.
AUTH_USER_MODEL = "members.User"
LOGIN_URL = "members:login"
# Private documents (councils' actas) send visitors to the site's own sign-in.
WAGTAIL_FRONTEND_LOGIN_URL = "/cuenta/entrar/"
LOGIN_REDIRECT_URL = "/mi-formacion/"
LOGOUT_REDIRECT_URL = "/"
# Sessions are read from the cache and written through to the database: a
# signed-in page costs no session query, and Redis down loses no session.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# Members sign in on shared phones: a session lasts two weeks of inactivity at most.
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": (
            "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
        )
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Spanish (Mexico) first; English second. Every visible string goes through gettext.
LANGUAGE_CODE = "es-mx"
LANGUAGES = [
    ("es-mx", _("Spanish (Mexico)")),
    ("en", _("English")),
]
# Ours first; then our Spanish for the parts of Wagtail's admin that Wagtail's own
# catalogues leave in English (cococi_site/wagtail_messages.py keeps it in step).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_wagtail"]
TIME_ZONE = "America/Mexico_City"
USE_I18N = True
USE_TZ = True
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
# Page addresses in plain letters: "organizacion", not "organizaci%C3%B3n" once shared.
WAGTAIL_ALLOW_UNICODE_SLUGS = False

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Files that must never be reachable by URL (actas of constitution requests): served
# only through views that check who asks.
PRIVATE_MEDIA_ROOT = Path(
    os.environ.get("PRIVATE_MEDIA_ROOT", BASE_DIR / "private_media")
)
# Every file is served after a permission check by the site (home.files for
# images and documents, the views of constancias, booklets and actas), never by
# the proxy from its folder by URL. Behind nginx, set these to its internal
# locations (deploy/nginx/: /_media/ aliased to MEDIA_ROOT, /_private/ to
# PRIVATE_MEDIA_ROOT): once the check has passed, the site answers with an
# X-Accel-Redirect there and nginx sends the file (cococi_site.files). Unset
# (the demo, the tests), the site sends the file itself.
MEDIA_X_ACCEL_REDIRECT = os.environ.get("MEDIA_X_ACCEL_REDIRECT", "")
PRIVATE_MEDIA_X_ACCEL_REDIRECT = os.environ.get("PRIVATE_MEDIA_X_ACCEL_REDIRECT", "")
# Wagtail's document view sends a document through this module's sendfile().
SENDFILE_BACKEND = "cococi_site.files"


def static_file_headers(headers, path, url):
    """What nginx adds to the static files it sends itself
    (deploy/nginx/file-headers.conf), for those WhiteNoise sends: a file
    opened on its own runs nothing and is framed by nobody. Called once per
    file when WhiteNoise starts, not per request."""
    headers["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'none'"
    headers["X-Frame-Options"] = "DENY"


WHITENOISE_ADD_HEADERS_FUNCTION = static_file_headers

STORAGES = {
    # Uploaded originals and documents under unguessable names.
    "default": {"BACKEND": "cococi_site.files.MediaStorage"},
    # Compressed, content-hashed names so browsers can cache them for a year.
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Redis, when configured, is both the Celery broker and the shared cache; without it
# the embedded mode keeps the cache in memory and runs tasks eagerly in-process.
REDIS_URL = os.environ.get("REDIS_URL", "")


def cache_url(broker_url):
    """The cache's own Redis database: the broker's number plus one, unless
    CACHE_URL names another. Emptying the cache (FLUSHDB) never empties the
    queue, and the broker's database can be kept on disk alone."""
    explicit = os.environ.get("CACHE_URL", "")
    if explicit:
        return explicit
    base, _slash, number = broker_url.rstrip("/").rpartition("/")
    if base.startswith("redis") and number.isdigit():
        return f"{base}/{int(number) + 1}"
    return broker_url.rstrip("/") + "/1"


if REDIS_URL:
    CACHES = {
        "default": {
            # Django's RedisCache, except that Redis down is a cache miss (logged)
            # instead of an error: pages keep working from the database.
            "BACKEND": "cococi_site.cache.ResilientRedisCache",
            "LOCATION": cache_url(REDIS_URL),
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "cococi"),
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_BROKER_URL = "memory://"
    CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
# A task is acknowledged only after it ran, so a worker killed mid-task hands it back.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# "Hands it back" needs a word on Redis, which has no acknowledgements: kombu
# keeps each message a worker took in an "unacked" set, and a worker puts it back
# in the queue only once it is older than visibility_timeout (checked when a
# worker starts and every few minutes). So a task of a worker killed mid-way runs
# again, on another worker, after this many seconds. It must exceed the longest
# task plus its retry countdowns (at most 10 minutes, ``retry_backoff_max``), or a
# task still running would be handed to a second worker: one hour in production;
# the failure tests give their workers a few seconds.
BROKER_VISIBILITY_TIMEOUT = int(os.environ.get("BROKER_VISIBILITY_TIMEOUT", "3600"))
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": BROKER_VISIBILITY_TIMEOUT,
    # Redis gone must not hold a web request: fail fast, the outbox keeps the
    # task (outbox.services.enqueue). Above the 1 s a worker's BRPOP waits.
    "socket_connect_timeout": 1,
    "socket_timeout": 2,
}
# A publish the broker refuses is not retried by kombu: the outbox keeps the task
# and sends it again. So a request waits for Redis a few milliseconds when it
# refuses connections, two seconds (socket_timeout) when it does not answer.
# (A connection that died while idle in the pool, Redis restarted, is replaced
# by redis-py itself and needs no retry.)
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 0,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
# A task sent and not heard of for this long (not taken by a worker, not
# retried, not finished) is sent again: its message was lost (Redis restarted
# empty, a worker died). Longer than a task waits in a busy queue and runs.
OUTBOX_LEASE_SECONDS = int(os.environ.get("OUTBOX_LEASE_SECONDS", str(15 * 60)))
# The longest wait between two retries of a failing task (outbox.tasks.RETRY):
# ten minutes. The failure tests shorten it to see recovery within seconds.
TASK_RETRY_BACKOFF_MAX = int(os.environ.get("TASK_RETRY_BACKOFF_MAX", "600"))
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE = {
    "worker-heartbeat": {
        "task": "home.tasks.record_worker_heartbeat",
        "schedule": 60.0,
    },
    # Tasks the broker refused, or that were lost after it took them
    # (outbox.services).
    "outbox-resend": {
        "task": "outbox.tasks.resend_pending_tasks",
        "schedule": 60.0,
    },
    # What should exist and does not (outbox.reconcile).
    "outbox-reconcile": {
        "task": "outbox.tasks.reconcile",
        "schedule": 10 * 60.0,
    },
    # Members' progress and the dashboard's totals after changes: every mark
    # and work row made in the minute, in one run (councils.cadres.progress).
    "progress-catch-up": {
        "task": "councils.tasks.refresh_member_progress",
        "schedule": 60.0,
    },
    "ready-members": {
        "task": "councils.tasks.detect_ready_members",
        "schedule": crontab(hour=3, minute=30),
    },
    "weekly-digests": {
        "task": "councils.tasks.send_weekly_digests",
        "schedule": crontab(day_of_week="monday", hour=8, minute=0),
    },
    "sign-in-records-prune": {
        "task": "members.tasks.prune_sign_in_records",
        "schedule": crontab(hour=4, minute=15),
    },
    # Notices held by quiet hours or the daily cap (notifications.services).
    "notices-due": {
        "task": "notifications.tasks.send_due_notices",
        "schedule": 5 * 60.0,
    },
    # Reminders of tomorrow's meetings (councils.services.reminders).
    "meeting-reminders": {
        "task": "councils.tasks.plan_meeting_reminders",
        "schedule": crontab(minute=5),
    },
    "role-assignments-sync": {
        "task": "councils.tasks.sync_ended_role_assignments",
        "schedule": 6 * 60 * 60.0,
    },
}

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "COCOCI Formación <formacion@localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Councils
# Founding members a constitution request must name.
COUNCIL_MIN_FOUNDERS = int(os.environ.get("COUNCIL_MIN_FOUNDERS", "5"))
# Largest acta (PDF or image) accepted, in bytes.
COUNCIL_ACTA_MAX_SIZE = int(os.environ.get("COUNCIL_ACTA_MAX_SIZE", 10 * 1024 * 1024))
# Days a one-time sign-in code handed to a member without internet stays valid.
SIGN_IN_CODE_DAYS = int(os.environ.get("SIGN_IN_CODE_DAYS", "14"))

# Wagtail
WAGTAIL_SITE_NAME = "COCOCI Formación"
# SITE_URL: the public address every absolute link is made on (e-mails,
# booklets, constancias, og:url, the API's URLs; cococi_site.site_address).
WAGTAILADMIN_BASE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
WAGTAILAPI_BASE_URL = WAGTAILADMIN_BASE_URL
# The API's rich text as HTML a phone or a partner site can show (Wagtail's
# default is its database format, with links as page and document ids).
WAGTAILAPI_RICH_TEXT_FORMAT = "html"
# The admin calls no other host: no Gravatar avatars (each would send a hash of
# a leader's e-mail to gravatar.com, and shows a broken image offline), no
# superuser's check for new Wagtail releases on releases.wagtail.org, no banner
# sending editors to Wagtail's English guide. Videos are linked, never embedded:
# see WAGTAILEMBEDS_FINDERS.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
# No autosave: Wagtail's autosave stores what is being typed as a draft
# revision, the latest one, which a reviewer approving or an editor publishing
# the page would publish, text its author never chose to save. Leaving a page
# with unsaved changes still asks first.
WAGTAIL_AUTOSAVE_INTERVAL = 0
# The review e-mails go to the workflow's reviewers (courses' "Revisión"
# workflow), not to every superuser as well.
WAGTAILADMIN_NOTIFICATION_INCLUDE_SUPERUSERS = False
# A lesson's video or audio is a link to its address (it uses mobile data), so
# Wagtail need not ask YouTube or Vimeo for a player when a page is saved: the
# finder accepts the providers' addresses without a request (courses/embeds.py).
WAGTAILEMBEDS_FINDERS = [{"class": "courses.embeds.LinkOnlyFinder"}]
WAGTAILSEARCH_BACKENDS = {
    "default": {
        # Wagtail's database backend; on SQLite, quotes typed in a search no
        # longer break the full-text query (see home/search_backend.py).
        "BACKEND": "home.search_backend",
        "SEARCH_CONFIG": "spanish",
    }
}
WAGTAILDOCS_EXTENSIONS = [
    "csv",
    "docx",
    "jpg",
    "jpeg",
    "odt",
    "pdf",
    "png",
    "txt",
    "xlsx",
]
# Documents are always served through Wagtail's view, which enforces collection
# privacy (councils' actas); the proxy must not serve media/documents/ directly.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
# A document named .pdf, .jpg, .png… must be one (and an image within the pixel
# limit below): Wagtail itself only checks the extension.
# Notices by phone and chat (notifications.channels): one Apprise URL template
# per channel, with {phone} or {chat} where the recipient goes. They hold the
# providers' secrets: environment only. Empty: the channel is off.
NOTIFY_SMS_URL = os.environ.get("NOTIFY_SMS_URL", "")
NOTIFY_WHATSAPP_URL = os.environ.get("NOTIFY_WHATSAPP_URL", "")
NOTIFY_TELEGRAM_URL = os.environ.get("NOTIFY_TELEGRAM_URL", "")
# A phone channel with no URL writes its messages to the log instead (the demo).
NOTIFY_CONSOLE = env_bool("NOTIFY_CONSOLE", False)
# The numbers texts and codes may go to (as +…): Mexican ones by default.
NOTIFY_PHONE_PATTERN = os.environ.get(
    "NOTIFY_PHONE_PATTERN", r"\+52(?!800|900)[0-9]{10}"
)
# No SMS, WhatsApp or Telegram from 21:00 to 08:00 in the person's own time
# ("21-8"; "off" only for tests that run at any hour with a real worker).
_quiet = os.environ.get("NOTIFY_QUIET_HOURS", "21-8")
NOTIFY_QUIET_HOURS = None if _quiet == "off" else tuple(map(int, _quiet.split("-")))
NOTIFY_DEFAULT_TIMEZONE = "America/Mexico_City"
# At most this many notices a day per person; the rest wait for the next day.
NOTIFY_DAILY_CAP = int(os.environ.get("NOTIFY_DAILY_CAP", "5"))
# A notice claimed and not confirmed this long after is marked failed (never resent).
NOTIFY_SENDING_LEASE_SECONDS = 60 * 60
WAGTAILDOCS_DOCUMENT_FORM_BASE = "councils.forms.CheckedDocumentForm"
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
# An image whose data is broken after a sound header is a form error, not a 500.
WAGTAILIMAGES_IMAGE_FORM_BASE = "councils.forms.CheckedImageForm"
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40_000_000
# Page editors for long lessons can exceed Django's default of 1,000 form fields.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        # WeasyPrint falls back to fontTools for font subsetting and says so for
        # every PDF it renders; the PDFs are fine, the repetition buries real logs.
        "skip_font_subset_notice": {
            "()": "django.utils.log.CallbackFilter",
            "callback": lambda record: "HarfBuzz" not in record.getMessage(),
        },
        # A database outage: one error logged, not one traceback per request.
        "database_outage_once": {"()": "cococi_site.logs.DatabaseOutageOnce"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["skip_font_subset_notice"],
        },
        "requests": {
            "class": "logging.StreamHandler",
            "filters": ["database_outage_once"],
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # PDF rendering and Wagtail's internal task runner are chatty at INFO, and
    # so is django-axes for every failed sign-in (lockouts come at WARNING).
    "loggers": {
        # Server errors of requests (Django's django.request), with database
        # outages logged once.
        "django.request": {
            "handlers": ["requests"],
            "level": "ERROR",
            "propagate": False,
        },
        **{
            name: {"level": "WARNING"}
            for name in ("weasyprint", "fontTools", "django_tasks", "axes")
        },
        # A request naming another host (scanners do, all day) is answered
        # 400; its traceback in the log at ERROR level would bury real errors.
        "django.security.DisallowedHost": {"level": "CRITICAL", "propagate": False},
    },
}
# A shared password is no way to keep a page or a council's files private (it
# travels by WhatsApp, and Wagtail's password form is not routed here): pages
# and collections are kept to signed-in people or groups only.
WAGTAIL_PRIVATE_PAGE_OPTIONS = {"password": False}
WAGTAILDOCS_PRIVATE_COLLECTION_OPTIONS = {"password": False}
