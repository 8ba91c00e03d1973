"""Settings shared by every environment.

Values come from environment variables first, then from `.env` (python-decouple's rule).
development.py, production.py and test.py import this module and change only what differs;
DJANGO_SETTINGS_MODULE chooses one of them (config/__init__.py), production by default.
Reference: https://docs.djangoproject.com/en/{{ cookiecutter.django_version }}/ref/settings/
"""

from datetime import timedelta
from importlib.util import find_spec
from pathlib import Path

import dj_database_url
from decouple import Csv, config

from config import csp
from config.sub_path import sub_path

from .environment import Environment, formatted{% if cookiecutter.django_version != "5.2" %}, mailer{% endif %}

BASE_DIR = Path(__file__).resolve().parent.parent.parent

# --- Core -------------------------------------------------------------------------------------
SITE_NAME = "{{ cookiecutter.project_name }}"
# Off unless development.py turns it on; DEBUG never selects the settings (config/__init__.py).
# https://docs.djangoproject.com/en/{{ cookiecutter.django_version }}/ref/settings/#debug
DEBUG = False
# https://docs.djangoproject.com/en/{{ cookiecutter.django_version }}/ref/settings/#secret-key
SECRET_KEY = config("SECRET_KEY", default="")
# https://docs.djangoproject.com/en/{{ cookiecutter.django_version }}/ref/settings/#allowed-hosts
ALLOWED_HOSTS = config("ALLOWED_HOSTS", default="", cast=Csv())
# https://docs.djangoproject.com/en/{{ cookiecutter.django_version }}/ref/settings/#csrf-trusted-origins
CSRF_TRUSTED_ORIGINS = config("CSRF_TRUSTED_ORIGINS", default="", cast=Csv())

# A site under a sub-path (/shop) behind a proxy that forwards /shop/... with the full path:
# page, admin and local static and media URLs then start with it, while URLs on S3 or a CDN
# stay as they are. gunicorn reads SCRIPT_NAME itself and strips it from request paths; the
# project's runserver does the same (assets/management/commands/runserver.py).
# https://docs.djangoproject.com/en/{{ cookiecutter.django_version }}/ref/settings/#force-script-name
FORCE_SCRIPT_NAME = sub_path(config("SCRIPT_NAME", default=""))
# Cookies then go only to this site's paths, not to other apps on the same host.
SESSION_COOKIE_PATH = CSRF_COOKIE_PATH = FORCE_SCRIPT_NAME or "/"

# Where the admin lives: moving it off admin/ spares it most password-guessing bots.
ADMIN_URL = config("ADMIN_URL", default="admin/")

INSTALLED_APPS = [
    "{{ cookiecutter.project_slug }}",
    "users",
    # Before staticfiles, so that its collectstatic (collect, compress, publish) is the one run.
    "assets",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "compressor",
    "axes",
]


def _demo_exists() -> bool:
    """Whether the demo app (demo/: a start page that checks its static files, an upload model)
    is still here. Removing it is deleting the folder, and nothing else: settings and URLs
    include it only while its code exists (a folder left with only __pycache__ does not count).
    """
    try:
        return find_spec("demo.apps") is not None
    except ModuleNotFoundError:
        return False


if _demo_exists():
    INSTALLED_APPS.append("demo")

MIDDLEWARE = [
    # First, so that every line logged while a request is handled carries its id (Logging below).
    "config.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    csp.MIDDLEWARE,
    # Last, as django-axes asks: it turns a locked-out login into its 429 response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

# https://docs.djangoproject.com/en/{{ cookiecutter.django_version }}/ref/settings/#templates
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "{{ cookiecutter.project_slug }}.context_processors.site",
                csp.CONTEXT_PROCESSOR,
            ],
        },
    },
]

# --- Content-Security-Policy ------------------------------------------------------------------
# Every response tells the browser where its page may load from (config/csp.py): this site here;
# production.py adds the static and media folders on the bucket or CDN. To allow another origin,
# such as an analytics script's, add it to the directive in config/csp.py.
{%- if cookiecutter.django_version == "5.2" %}
CONTENT_SECURITY_POLICY = {"DIRECTIVES": csp.policy()}
{%- else %}
SECURE_CSP = csp.policy()
{%- endif %}

# --- Database ---------------------------------------------------------------------------------
# One URL, as Heroku's PostgreSQL add-on sets it; SQLite in the project folder when unset.
# https://github.com/jazzband/dj-database-url
DATABASES = {
    "default": dj_database_url.parse(
        config("DATABASE_URL", default="") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Users ------------------------------------------------------------------------------------
# The site's own user model (users/models.py), from the first migration on.
# https://docs.djangoproject.com/en/{{ cookiecutter.django_version }}/topics/auth/customizing/#substituting-a-custom-user-model
AUTH_USER_MODEL = "users.User"

# --- Passwords --------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/{{ cookiecutter.django_version }}/ref/settings/#auth-password-validators
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"django.contrib.auth.password_validation.{name}"}
    for name in (
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    )
]

# --- Login throttling (django-axes) -----------------------------------------------------------
# Failed logins (the admin's and any other through Django's authenticate) are counted in the
# database, which every process and dyno shares. After AXES_FAILURE_LIMIT failures for one
# username from one address, that pair is locked out, even with the right password, until
# AXES_COOLOFF_TIME has passed; a successful login clears the count. Locking the pair rather than
# the username means a guesser elsewhere cannot lock the real admin out. On, as in production,
# in development too: the admin behaves the same everywhere; `python manage.py axes_reset` lifts
# every lockout. Production reads the address Heroku's router saw (config/client_ip.py).
# https://django-axes.readthedocs.io/en/latest/4_configuration.html
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out login before checking it
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# No banner on every command's standard output; failures and lockouts are still logged (WARNING).
AXES_VERBOSE = False

# --- Internationalisation ---------------------------------------------------------------------
# https://docs.djangoproject.com/en/{{ cookiecutter.django_version }}/topics/i18n/
LANGUAGE_CODE = "en-us"
TIME_ZONE = "{{ cookiecutter.time_zone }}"
USE_I18N = True
USE_TZ = True

# --- Static and media files -------------------------------------------------------------------
# Development serves both from this machine; production.py points them at S3.
# https://docs.djangoproject.com/en/{{ cookiecutter.django_version }}/howto/static-files/
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    # Lets runserver serve django-compressor's output when compression is switched on.
    "compressor.finders.CompressorFinder",
]
MEDIA_URL = "media/"
MEDIA_ROOT = BASE_DIR / "media"
# What upload forms accept ({{ cookiecutter.project_slug }}/uploads.py): the largest file,
# in bytes, and the file types by extension. Anything a browser would run is still served as a
# download.
UPLOAD_MAX_BYTES = config("UPLOAD_MAX_BYTES", default=10 * 2**20, cast=int)
UPLOAD_ALLOWED_EXTENSIONS = config(
    "UPLOAD_ALLOWED_EXTENSIONS", default="pdf,png,jpg,jpeg,gif,webp,txt,csv", cast=Csv()
)
# Whether upload forms send files from the browser straight to the bucket (production.py).
DIRECT_UPLOADS = False
# https://docs.djangoproject.com/en/{{ cookiecutter.django_version }}/ref/settings/#storages
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Whether collectstatic publishes the collected tree to S3 (production.py switches it on), and
# how long one S3 request may take before it is retried.
ASSETS_PUBLISH_TO_S3 = False
ASSETS_PUBLISH_TIMEOUT = config("ASSETS_PUBLISH_TIMEOUT", default=60, cast=int)
# Shown on the development start page and used to label a publish; see assets/release_id.py.
RELEASE_ID = config("RELEASE_ID", default="") or config("SOURCE_VERSION", default="")

# --- django-compressor ------------------------------------------------------------------------
# Compression follows DEBUG (COMPRESS_ENABLED's default); its output goes into STATIC_ROOT,
# which is COMPRESS_ROOT's default, so it is published with everything else.
# https://django-compressor.readthedocs.io/en/stable/settings/
# The CSS filter rewrites url()s relative to the bundle, never to an absolute URL: one build can
# then be served from any bucket, prefix or CDN (a promoted slug, a changed config var).
COMPRESS_FILTERS = {
    "css": [
        "compressor.filters.css_default.CssRelativeFilter",
        "compressor.filters.cssmin.rCSSMinFilter",
    ],
    "js": ["compressor.filters.jsmin.rJSMinFilter"],
}

# --- Logging ----------------------------------------------------------------------------------
# Everything to standard output, where Heroku's log router (and runserver's console) read it.
# Each line carries the request's id, the X-Request-ID header that Heroku's router adds to every
# request and shows in its own log line ("request_id=..."), so a traceback can be matched to the
# request that caused it (config/request_id.py; "-" outside a request).
# https://docs.djangoproject.com/en/{{ cookiecutter.django_version }}/topics/logging/
LOG_LEVEL = config("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "config.request_id.RequestIdFilter"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "formatters": {
        "plain": {"format": "{levelname} {name} request_id={request_id}: {message}", "style": "{"}
    },
    "handlers": {
        # StreamHandler writes to standard error unless told otherwise.
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "plain",
            "filters": ["request_id"],
        },
        # Django's own choice, written out: with DEBUG off, each server error (500) is mailed to
        # ADMINS through the e-mail backend below.
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Django's errors reach the console through the root logger, and ADMINS by mail.
        "django": {"handlers": ["mail_admins"], "level": LOG_LEVEL},
        # The AWS libraries log every request and endpoint lookup at INFO, django-axes every
        # login: keep them to problems (failed logins and lockouts are warnings).
        **{name: {"level": "WARNING"} for name in ("boto3", "botocore", "s3transfer", "axes")},
    },
}

# --- Error reports: ADMINS and e-mail ---------------------------------------------------------
# Variables read here are checked in every environment; a malformed one stops start-up with a
# message that names it (environment.py).
_reports = Environment()
# Who is mailed each server error: the author given when the project was made, unless ADMINS
# lists others ("Name <address>, address, ...").
# https://docs.djangoproject.com/en/{{ cookiecutter.django_version }}/ref/settings/#admins
AUTHOR = ("{{ cookiecutter.author_name }}", "{{ cookiecutter.author_email }}")
_admins = _reports.optional_addresses("ADMINS", default=[AUTHOR])
{%- if cookiecutter.django_version == "5.2" %}
ADMINS = _admins
{%- else %}
ADMINS = [formatted(name, address) for name, address in _admins]
{%- endif %}
# How mail leaves: one URL sets the e-mail backend (django-environ reads it), so any SMTP provider
# works, Heroku's mail add-ons included: smtp+tls://USER:PASSWORD@smtp.example.com:587. Unset,
# mails are printed to standard output (the console, or heroku logs) instead of sent.
# https://django-environ.readthedocs.io/en/latest/types.html#environ-env-email-url
EMAIL_URL_SET = bool(config("EMAIL_URL", default="").strip())
_email = _reports.optional_email_url("EMAIL_URL", default="consolemail://")
{%- if cookiecutter.django_version == "5.2" %}
# The EMAIL_BACKEND, EMAIL_HOST, EMAIL_PORT, ... settings the URL gives.
globals().update(_email)
{%- else %}
# https://docs.djangoproject.com/en/{{ cookiecutter.django_version }}/ref/settings/#mailers
MAILERS = {"default": mailer(_email)}
{%- endif %}
# Who mails come from: DEFAULT_FROM_EMAIL for the site's own mails (password resets), SERVER_EMAIL
# for error reports. Use an address of a domain your provider may send for.
# Empty counts as unset, as in .env.example.
DEFAULT_FROM_EMAIL = config("DEFAULT_FROM_EMAIL", default="") or formatted(
    SITE_NAME, "noreply@{{ cookiecutter.domain_name }}"
)
SERVER_EMAIL = config("SERVER_EMAIL", default="") or DEFAULT_FROM_EMAIL
EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
_reports.raise_if_malformed()
