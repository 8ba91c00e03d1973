"""Production: PostgreSQL, static and media files on S3 (or an S3-compatible store), HTTPS.

Selected when DJANGO_SETTINGS_MODULE is unset, which is the case on Heroku (no `.env`), or names
this module (config.settings_module). Every value comes from the environment; a missing or
malformed one stops start-up with a message that names it (see environment.py), and so does
DEBUG=True: production never turns into development, nor shows debug pages.
"""

import dj_database_url
import sentry_sdk
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from decouple import Csv, config
from sentry_sdk.integrations.django import DjangoIntegration

from config import csp

from .base import *
from .environment import Environment, connections_per_process, requires_tls

env = Environment()

# --- Core -------------------------------------------------------------------------------------
# A DEBUG=True config var stops start-up with a message rather than showing debug pages.
env.refuse_debug()
DEBUG = False
# Refused if short, a placeholder or Django's development key (environment.weak_secret_key).
SECRET_KEY = env.secret_key("SECRET_KEY")
# This app's own host names (never .herokuapp.com, which every Heroku app matches); a review app
# adds its own, <app name>.herokuapp.com (environment.review_app_host).
ALLOWED_HOSTS = env.allowed_hosts("ALLOWED_HOSTS")
ALLOWED_HOSTS += [host for host in [env.review_app_host()] if host]
ADMIN_URL = env.optional_path("ADMIN_URL", "admin/")
env.check_script_name("SCRIPT_NAME")

# --- Database ---------------------------------------------------------------------------------
# Each web process keeps a pool of connections that its threads share (Django's psycopg pool),
# sized so that a dyno holds at most DATABASE_MAX_CONNECTIONS, whatever WEB_CONCURRENCY and
# GUNICORN_THREADS are. Size it against the plan's limit: dynos x DATABASE_MAX_CONNECTIONS, plus
# one for each release or one-off dyno, must stay below it. The pool checks a connection before
# lending it (Heroku restarts databases for maintenance); a thread waits at most 10 s for one.
# https://docs.djangoproject.com/en/{{ cookiecutter.django_version }}/ref/databases/#connection-pool
DATABASE_MAX_CONNECTIONS = config("DATABASE_MAX_CONNECTIONS", default=8, cast=int)
_database_url = env.required("DATABASE_URL", "a database URL (Heroku's PostgreSQL add-on sets it)")
if _database_url:
    DATABASES = {
        "default": dj_database_url.parse(
            _database_url,
            # With a pool, this makes the pool check each connection before lending it.
            conn_health_checks=True,
            # Passwords and data cross the network encrypted, or not at all; a database on this
            # machine (a local try of production settings) is reached without TLS.
            ssl_require=requires_tls(_database_url),
        )
    }
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": 1,
            "max_size": connections_per_process(DATABASE_MAX_CONNECTIONS),
            "timeout": 10,
        }

# --- S3 bucket (django-storages) --------------------------------------------------------------
# https://django-storages.readthedocs.io/en/latest/backends/amazon-S3.html
# Credentials may be left unset where the environment provides them (an IAM role, a profile).
AWS_ACCESS_KEY_ID = config("AWS_ACCESS_KEY_ID", default=None)
AWS_SECRET_ACCESS_KEY = config("AWS_SECRET_ACCESS_KEY", default=None)
AWS_STORAGE_BUCKET_NAME = env.required(
    "AWS_STORAGE_BUCKET_NAME", "the name of the bucket that holds static and media files"
)
AWS_S3_REGION_NAME = config("AWS_S3_REGION_NAME", default="us-east-1")
AWS_S3_ENDPOINT_URL = env.optional_url("AWS_S3_ENDPOINT_URL") or None
AWS_S3_CUSTOM_DOMAIN = env.optional_host("AWS_S3_CUSTOM_DOMAIN") or None
AWS_LOCATION = config("AWS_LOCATION", default="").strip("/")
# A review app without AWS_LOCATION gets a prefix of its own, review-apps/<app name>: its build
# prepares it (prepare_bucket) and its pr-predestroy script deletes it, and only it.
REVIEW_APP_LOCATION = "" if AWS_LOCATION else env.review_app_location()
AWS_LOCATION = AWS_LOCATION or REVIEW_APP_LOCATION
AWS_S3_SIGNATURE_VERSION = "s3v4"
# The bucket goes in the path for S3-compatible stores (MinIO and most others expect it there)
# and for names with dots, which no TLS certificate of a virtual-hosted name would cover. Other
# AWS buckets get the regional host name ("auto" would sign media URLs for the global one, which
# opt-in regions do not answer). In us-east-1 too: boto3 signs GETs and presigned POSTs for the
# global host `bucket.s3.amazonaws.com` there unless told to use the regional endpoint, and the
# URLs below and the CSP name the regional one (tests/test_aws_hosts.py in the template).
AWS_S3_ADDRESSING_STYLE = (
    "path" if AWS_S3_ENDPOINT_URL or "." in AWS_STORAGE_BUCKET_NAME else "virtual"
)
# Every S3 client of the project (media storage, publish, prepare_bucket) is made with this.
# boto3 >= 1.36 adds CRC checksums to every upload (an aws-chunked body over https) by default,
# which several S3-compatible stores reject: send checksums only where the API requires them.
# https://github.com/jschneier/django-storages/issues/1482
# boto3's own AWS_ENDPOINT_URL(_S3) and ~/.aws/config endpoints are ignored: the client would
# follow them while STATIC_URL, MEDIA_URL and the CSP name the bucket where these settings say.
AWS_S3_CLIENT_CONFIG = Config(
    s3={"addressing_style": AWS_S3_ADDRESSING_STYLE, "us_east_1_regional_endpoint": "regional"},
    signature_version=AWS_S3_SIGNATURE_VERSION,
    request_checksum_calculation="when_required",
    response_checksum_validation="when_required",
    ignore_configured_endpoint_urls=True,
)
# No object ACLs: new buckets reject them; the bucket policy (prepare_bucket) decides access.
AWS_DEFAULT_ACL = None
# Uploads stream to S3 in parts, one at a time: a worker's memory stays flat whatever the file's
# size (with threads, boto3 would buffer up to ten 8 MB parts per upload).
AWS_S3_TRANSFER_CONFIG = TransferConfig(multipart_chunksize=8 * 1024 * 1024, use_threads=False)


def _bucket_url(via_cdn: bool = True) -> str:
    """Where the bucket's objects are read from: the CDN, the custom endpoint, or AWS. The same
    URL as the storage's client builds for them (boto3 signs offline, so the baked project's
    tests/test_csp.py compares the two for every shape of bucket); computed here rather than
    asked of a client, which would cost every process ~0.1 s of start-up."""
    if via_cdn and AWS_S3_CUSTOM_DOMAIN:
        return f"https://{AWS_S3_CUSTOM_DOMAIN}"
    if AWS_S3_ENDPOINT_URL:
        return f"{AWS_S3_ENDPOINT_URL}/{AWS_STORAGE_BUCKET_NAME}"
    if AWS_S3_ADDRESSING_STYLE == "path":
        return f"https://s3.{AWS_S3_REGION_NAME}.amazonaws.com/{AWS_STORAGE_BUCKET_NAME}"
    return f"https://{AWS_STORAGE_BUCKET_NAME}.s3.{AWS_S3_REGION_NAME}.amazonaws.com"


def _prefix(name: str) -> str:
    return f"{AWS_LOCATION}/{name}" if AWS_LOCATION else name


{% if cookiecutter.static_hosting == "whitenoise" -%}
# --- Static files (WhiteNoise) ----------------------------------------------------------------
# collectstatic builds STATIC_ROOT inside the slug: content-hashed names (Django's manifest
# storage), a gzip and a Brotli copy of each text file (WhiteNoise), and compressor's offline
# bundles, compressed the same way. The web process serves them itself, so the build needs no
# bucket, and each release serves its own files and manifests from its own slug. Hashed names
# are cached for a year (immutable), others for WHITENOISE_MAX_AGE (60 s). To put a CDN in
# front, set STATIC_URL=https://<cdn host>/static/ with this app as the CDN's origin.
# https://whitenoise.readthedocs.io/en/stable/django.html
STATIC_LOCATION = _prefix("static")  # unused by WhiteNoise; prepare_bucket names it
STATIC_URL = env.optional_prefix_url("STATIC_URL") or "static/"
ASSETS_PUBLISH_TO_S3 = False
# Right after SecurityMiddleware, so static responses get its headers and skip the rest.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "whitenoise.middleware.WhiteNoiseMiddleware",
)
# Django's hashed names and compressor's bundle names both carry 12 hex digits of the content's
# hash; WhiteNoise's own test recognises only names in Django's manifest, not the bundles.
WHITENOISE_IMMUTABLE_FILE_TEST = r"\.[0-9a-f]{12}\.\w+$"


def _one_year(headers, path: str, url: str) -> None:
    """Hashed files are cached for one year, as on S3 (WhiteNoise's own choice is ten)."""
    if "immutable" in headers.get("Cache-Control", ""):
        headers["Cache-Control"] = "public, max-age=31536000, immutable"


WHITENOISE_ADD_HEADERS_FUNCTION = _one_year
# WHITENOISE_KEEP_ONLY_HASHED_FILES stays off: compressor builds its bundles from the unhashed
# originals in STATIC_ROOT after the copy. They cost only slug space: pages name hashed files,
# and an unhashed one is cached for 60 s only, so it is never served stale for long.
{%- else -%}
# --- Static files -----------------------------------------------------------------------------
# collectstatic builds STATIC_ROOT locally with Django's manifest storage (content-hashed names),
# compresses it offline, then publishes the tree to STATIC_LOCATION (assets/publish.py); the
# release phase publishes it again (publish_static), so a promoted slug or a new config var
# finds its files wherever the config vars point. Pages build URLs from the manifest in this
# release's own STATIC_ROOT: no S3 call per URL, and a rolling deploy never reads another
# release's manifest. Nothing built holds the bucket's URL: it comes from the config vars.
STATIC_LOCATION = _prefix("static")
STATIC_URL = env.optional_prefix_url("STATIC_URL") or f"{_bucket_url()}/{STATIC_LOCATION}/"
ASSETS_PUBLISH_TO_S3 = True
# prune_static keeps every file the newest this-many releases reference (each build writes an
# index of its files, assets/release_indexes.py): a rollback within them finds all of its files.
STATIC_RELEASES_KEPT = env.optional_integer("STATIC_RELEASES_KEPT", default=5, minimum=2)
# Optional: invalidate the changed unhashed paths on this CloudFront distribution after a publish.
CLOUDFRONT_DISTRIBUTION_ID = config("CLOUDFRONT_DISTRIBUTION_ID", default="")
{%- endif %}
# Origins whose pages may read the bucket's files from scripts and @font-face (prepare_bucket's
# CORS rule); by default the https origins of ALLOWED_HOSTS and CSRF_TRUSTED_ORIGINS.
CORS_ALLOWED_ORIGINS = config("CORS_ALLOWED_ORIGINS", default="", cast=Csv())

# --- Media files ------------------------------------------------------------------------------
# Uploads never overwrite (a suffix is added) and are private unless MEDIA_PUBLIC=True: their
# URLs are then signed and expire. Signed URLs name the bucket itself, since a CDN in front of
# it would not pass the signature through.
MEDIA_PUBLIC = config("MEDIA_PUBLIC", default=False, cast=bool)
MEDIA_LOCATION = _prefix("media")
MEDIA_URL = f"{_bucket_url(via_cdn=MEDIA_PUBLIC)}/{MEDIA_LOCATION}/"
# Upload forms (the demo's) send files from the browser to the bucket with a presigned POST, so a
# large file never meets Heroku's 30-second request limit ({{ cookiecutter.project_slug }}/direct_uploads.py).
# Turn it off for stores without POST uploads (Cloudflare R2): the form then posts to the site.
DIRECT_UPLOADS = config("DIRECT_UPLOADS", default=True, cast=bool)
STORAGES = {
    # django-storages' S3 storage; Content-Type and Content-Disposition come from the rules in
    # {{ cookiecutter.project_slug }}/uploads.py, never from the browser.
    "default": {
        "BACKEND": "{{ cookiecutter.project_slug }}.uploads.UploadStorage",
        "OPTIONS": {
            "location": MEDIA_LOCATION,
            "file_overwrite": False,
            "querystring_auth": not MEDIA_PUBLIC,
            "querystring_expire": config("MEDIA_URL_EXPIRY", default=3600, cast=int),
            "custom_domain": AWS_S3_CUSTOM_DOMAIN if MEDIA_PUBLIC else None,
        },
    },
    # Django's manifest storage, except that a reference to a file that is not there (a
    # third-party stylesheet's missing image) is a warning instead of a failed build.
{%- if cookiecutter.static_hosting == "whitenoise" %}
    # The same, plus WhiteNoise's gzip and Brotli copies of every text file.
    "staticfiles": {"BACKEND": "assets.whitenoise_files.LenientCompressedManifestStorage"},
{%- else %}
    "staticfiles": {"BACKEND": "assets.storage.LenientManifestStorage"},
{%- endif %}
}

# --- django-compressor ------------------------------------------------------------------------
# Bundles are built once by collectstatic (offline) into STATIC_ROOT; its offline manifest stays
# in this release's STATIC_ROOT/CACHE too. Files are already content-hashed by the manifest
# storage, so the CSS filter need not add its own ?hash suffix.
# https://django-compressor.readthedocs.io/en/stable/usage/#offline-compression
COMPRESS_ENABLED = True
COMPRESS_OFFLINE = True
COMPRESS_CSS_HASHING_METHOD = None

# --- Login throttling ------------------------------------------------------------------------
# The client's address for django-axes (base.py): the last X-Forwarded-For entry, the one
# Heroku's router appended; REMOTE_ADDR is the router's own address on a dyno.
AXES_CLIENT_IP_CALLABLE = "config.client_ip.heroku_client_ip"

# --- HTTPS and security headers ---------------------------------------------------------------
# Heroku's router terminates TLS and says so in X-Forwarded-Proto.
# https://docs.djangoproject.com/en/{{ cookiecutter.django_version }}/ref/settings/#secure-proxy-ssl-header
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = config("SECURE_SSL_REDIRECT", default=True, cast=bool)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# Start with a short HSTS time; raise SECURE_HSTS_SECONDS to 31536000 once HTTPS works everywhere
# (browsers remember it). https://docs.djangoproject.com/en/{{ cookiecutter.django_version }}/ref/middleware/#http-strict-transport-security
SECURE_HSTS_SECONDS = config("SECURE_HSTS_SECONDS", default=3600, cast=int)
SECURE_HSTS_INCLUDE_SUBDOMAINS = config("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True, cast=bool)
# Preloading puts the domain, and every subdomain, in browsers' HTTPS-only lists for months;
# opt in once every subdomain serves HTTPS. https://hstspreload.org/#removal
SECURE_HSTS_PRELOAD = config("SECURE_HSTS_PRELOAD", default=False, cast=bool)
# check --deploy warns while preloading is off (W021); off is this template's deliberate default.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Content-Security-Policy ------------------------------------------------------------------
# base.py's policy (config/csp.py), plus where production pages load files from, as folders
# rather than hosts (a dotted bucket name or an S3-compatible store shares its host with other
# customers' buckets): the static folder (bucket or CDN; this site itself with WhiteNoise) for
# scripts, styles, fonts and images; the media folder for images only, so an uploaded file never
# runs as a script; and, for direct uploads, the presigned POST's URL: the bucket's root, which
# path-style URLs name without a trailing slash.
_upload_url = _bucket_url(via_cdn=False) + ("" if AWS_S3_ADDRESSING_STYLE == "path" else "/")
_policy = csp.policy(STATIC_URL, MEDIA_URL, _upload_url if DIRECT_UPLOADS else "")
{%- if cookiecutter.django_version == "5.2" %}
CONTENT_SECURITY_POLICY = {"DIRECTIVES": _policy}
{%- else %}
SECURE_CSP = _policy
{%- endif %}

# --- Error tracking (optional) ----------------------------------------------------------------
# With SENTRY_DSN set (a Sentry project's DSN), each error and its traceback also go to Sentry.
# Without it, sentry-sdk is not initialised at all. send_default_pii stays off: no user ids, IP
# addresses or cookies are sent, and Sentry scrubs fields with sensitive names from the rest.
# https://docs.sentry.io/platforms/python/integrations/django/
SENTRY_DSN = env.optional_sentry_dsn("SENTRY_DSN")
if SENTRY_DSN:
    sentry_sdk.init(
        dsn=SENTRY_DSN,
        integrations=[DjangoIntegration()],
        send_default_pii=False,
        release=RELEASE_ID or None,
    )

{%- if cookiecutter.django_version != "5.2" %}

# --- Error reports ----------------------------------------------------------------------------
# Until EMAIL_URL names a mail server, error reports are printed to the log (base.py), which
# check --deploy calls a development-only backend (mail.E001): a first deploy need not wait for
# a mail provider. Set EMAIL_URL and the check applies again.
if not EMAIL_URL_SET:
    SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "mail.E001"]
{%- endif %}

env.raise_if_incomplete()
