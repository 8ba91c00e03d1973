"""Read the environment's variables and collect every problem, so start-up names them all at once.

A production process must not start half-configured (a build that publishes to the wrong place,
a site with a guessable key), so production.py reads each variable through `Environment` and
finishes with `raise_if_incomplete()`; development.py does the same for the little it needs.
"""

import os
import re
from email.headerregistry import Address
from email.utils import getaddresses
from urllib.parse import urlsplit

from decouple import Csv, config
from django.core.exceptions import ImproperlyConfigured
from environ import Env

LOCAL_HOSTS = {"", "localhost", "127.0.0.1", "::1"}
# Heroku app names: lowercase letters, digits and dashes, starting with a letter.
HEROKU_APP_NAME = re.compile(r"[a-z][a-z0-9-]{1,29}")
# What a SECRET_KEY must be, Django's own deployment check (security.W009) being the floor.
SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_DISTINCT = 5
# Values copied from examples and tutorials rather than generated; compared without punctuation.
PLACEHOLDER_WORDS = ("changeme", "replaceme", "yoursecretkey", "secretkeyhere", "notsecret")
HOW_TO_MAKE_A_KEY = 'python -c "import secrets; print(secrets.token_urlsafe(50))"'
# python-decouple's false values: DEBUG set to anything else asks production for debug pages.
FALSE_VALUES = {"", "0", "false", "no", "off", "n", "f"}
DEVELOPMENT_SETTINGS = "DJANGO_SETTINGS_MODULE=config.settings.development"


def requires_tls(database_url: str) -> bool:
    """A PostgreSQL server elsewhere must be reached over TLS (Heroku's always offers it)."""
    parts = urlsplit(database_url)
    return parts.scheme.startswith("postgres") and (parts.hostname or "") not in LOCAL_HOSTS


def connections_per_process(per_dyno: int) -> int:
    """A web process's share of the dyno's database connections: gunicorn runs WEB_CONCURRENCY
    of them (gunicorn.conf.py), each with its own pool. At least one each."""
    return max(1, per_dyno // config("WEB_CONCURRENCY", default=2, cast=int))


def weak_secret_key(value: str) -> str | None:
    """Why `value` must not sign a production site's sessions and tokens, or None if it may.

    One rule for production's settings and for heroku_config: Django's django-insecure- prefix
    (startproject's development key), a placeholder, fewer than 50 characters or fewer than 5
    distinct ones.
    """
    letters = re.sub(r"[^a-z]", "", value.lower())
    if value.startswith("django-insecure-"):
        problem = "is Django's development key (django-insecure-...)"
    elif any(word in letters for word in PLACEHOLDER_WORDS):
        problem = "is a placeholder"
    elif len(value) < SECRET_KEY_MIN_LENGTH:
        problem = f"is too short ({len(value)} characters, at least {SECRET_KEY_MIN_LENGTH})"
    elif len(set(value)) < SECRET_KEY_MIN_DISTINCT:
        problem = f"has fewer than {SECRET_KEY_MIN_DISTINCT} distinct characters"
    else:
        return None
    return f"SECRET_KEY {problem}: set it to a new random one ({HOW_TO_MAKE_A_KEY})."


# --- Error reports: who gets them, and how mail leaves ---------------------------------------
# An address as people write it in ADMINS: something@domain.tld, no spaces or separators.
ADDRESS = re.compile(r"[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+")
ADMINS_EXAMPLE = '"Ann Smith <ann@example.com>, ops@example.com"'


Addresses = list[tuple[str, str]]  # (name, address) pairs


def addresses(value: str) -> Addresses | None:
    """(name, address) pairs from "Name <address>, address, ...", or None if one is malformed."""
    pairs = getaddresses([value])
    if all(ADDRESS.fullmatch(address) for _, address in pairs):
        return pairs
    return None


# The MAILERS option (Django 6.1) for each EMAIL_* setting that django-environ reads from a URL.
MAILER_OPTIONS = {
    "EMAIL_HOST": "host",
    "EMAIL_PORT": "port",
    "EMAIL_HOST_USER": "username",
    "EMAIL_HOST_PASSWORD": "password",
    "EMAIL_USE_TLS": "use_tls",
    "EMAIL_USE_SSL": "use_ssl",
    "EMAIL_TIMEOUT": "timeout",
    "EMAIL_FILE_PATH": "file_path",
}


def mailer(email_settings: dict[str, object]) -> dict[str, object]:
    """A MAILERS entry from the EMAIL_* settings of an e-mail URL."""
    options = {
        MAILER_OPTIONS[key]: value for key, value in email_settings.items() if key in MAILER_OPTIONS
    }
    return {"BACKEND": email_settings["EMAIL_BACKEND"], "OPTIONS": options}


def formatted(name: str, address: str) -> str:
    """'Name <address>', quoted where the name needs it, as Django 6's ADMINS lists them."""
    return str(Address(display_name=name, addr_spec=address))


class IncompleteEnvironment(ImproperlyConfigured):
    """Production variables are missing or malformed; the message names each and what to set."""


class Environment:
    def __init__(self, heading: str | None = None) -> None:
        """`heading` introduces the list of problems; production's by default."""
        self.heading = heading or (
            "Production settings are incomplete. Set these environment variables (Heroku: "
            "heroku config:set NAME=value), or to develop on your machine put "
            f"{DEVELOPMENT_SETTINGS} in .env"
        )
        self.problems: list[str] = []

    def refuse_debug(self) -> None:
        """Production never runs with DEBUG on: debug pages show settings and code to anyone.

        DEBUG does not choose the settings module (config.settings_module), so a DEBUG=True config
        var, a common way to look at an error, would otherwise be production with debug pages.
        """
        value = config("DEBUG", default="").strip()
        if value.lower() not in FALSE_VALUES:
            self.problems.append(
                f"DEBUG={value} is refused by production settings, which never show debug pages "
                "(they would show your settings and code to anyone): unset it (heroku "
                "config:unset DEBUG). To see an error, read the logs (heroku logs --tail); to "
                f"develop on your machine, put {DEVELOPMENT_SETTINGS} in .env."
            )

    def not_on_a_dyno(self) -> None:
        """Development settings (local files, debug pages) never run on Heroku.

        Heroku sets DYNO in every dyno. Development reaching one means DJANGO_SETTINGS_MODULE was
        set as a config var, or a `.env` written for a developer's machine was committed.
        """
        dyno = os.environ.get("DYNO", "").strip()
        if dyno:
            self.problems.append(
                f"This is a Heroku dyno (DYNO={dyno}), and {DEVELOPMENT_SETTINGS} selects the "
                "development settings, which keep uploads on the dyno's disk and show debug "
                "pages: unset it (heroku config:unset DJANGO_SETTINGS_MODULE), and if a .env "
                "file reached the server, remove it from git (git rm --cached .env) and push "
                "again. Production runs when nothing sets DJANGO_SETTINGS_MODULE."
            )

    def required(self, name: str, what: str) -> str:
        """A variable that must be set; `what` tells the user what to set it to."""
        value = config(name, default="").strip()
        if not value:
            self.problems.append(f"{name} is not set: set it to {what}.")
        return value

    def secret_key(self, name: str) -> str:
        """A SECRET_KEY that is set and strong (weak_secret_key)."""
        value = self.required(name, f"a long random string ({HOW_TO_MAKE_A_KEY})")
        problem = value and weak_secret_key(value)
        if problem:
            self.problems.append(problem)
        return value

    def required_list(self, name: str, what: str) -> list[str]:
        return Csv()(self.required(name, what))

    def optional_url(self, name: str) -> str:
        """An absolute http(s) URL without a trailing slash, or empty."""
        value = config(name, default="").strip()
        parts = urlsplit(value)
        if value and (parts.scheme not in ("http", "https") or not parts.netloc):
            self.problems.append(
                f"{name}={value!r} is not a URL: set it to the endpoint's address, "
                "such as https://s3.example.com (or leave it unset for AWS)."
            )
        return value.rstrip("/")

    def optional_host(self, name: str) -> str:
        """A bare host name: no scheme, no path, no trailing slash."""
        value = config(name, default="").strip()
        if value and ("://" in value or "/" in value):
            self.problems.append(
                f"{name}={value!r} must be a bare host name such as cdn.example.com "
                "(no https://, no path, no trailing slash)."
            )
        return value

    def optional_prefix_url(self, name: str) -> str:
        """A URL that other URLs are built on, so it must end with a slash."""
        value = config(name, default="").strip()
        if value and not value.endswith("/"):
            self.problems.append(f"{name}={value!r} must end with a slash: set it to {value}/")
        return value

    def optional_path(self, name: str, default: str) -> str:
        """A URL path inside the site: no leading slash, one trailing slash (Django's style)."""
        value = config(name, default=default).strip()
        if not value or value.startswith("/") or not value.endswith("/") or "://" in value:
            self.problems.append(
                f"{name}={value!r} must be a path such as {default} (no leading slash, "
                "a trailing slash)."
            )
        return value

    def check_script_name(self, name: str) -> None:
        """gunicorn reads the raw value, so it must already be /path: a slash first, none last."""
        value = config(name, default="").strip()
        if value and (not value.startswith("/") or value.endswith("/") or "://" in value):
            self.problems.append(
                f"{name}={value!r} must be a path such as /shop (a slash first, none last), "
                "or unset for a site at the root."
            )

    def optional_integer(self, name: str, default: int, minimum: int) -> int:
        """A whole number no smaller than `minimum`."""
        value = config(name, default=str(default)).strip()
        if not value.isdigit() or int(value) < minimum:
            self.problems.append(f"{name}={value!r} must be a whole number, {minimum} or more.")
            return default
        return int(value)

    def allowed_hosts(self, name: str) -> list[str]:
        """The site's host names: required, and none that every Heroku app answers to.

        `.herokuapp.com` would accept a request for any Heroku app's host, and the bucket's CORS
        rule, derived from these hosts (prepare_bucket), would let every Heroku app's pages read
        the bucket's files from scripts.
        """
        what = "the site's host names, comma-separated (e.g. www.example.com,my-app.herokuapp.com)"
        hosts = self.required_list(name, what)
        for host in hosts:
            if host.startswith(".") and host.lstrip(".").lower() == "herokuapp.com":
                self.problems.append(
                    f"{name} includes {host}, which every Heroku app's host matches (and the "
                    "bucket's CORS rule would trust them all): name this app's own host instead, "
                    "such as my-app-1234567890ab.herokuapp.com (heroku domains shows it)."
                )
        return hosts

    def review_app_host(self) -> str:
        """A review app's own host, <app name>.herokuapp.com, or "" elsewhere.

        That is its address when the pipeline gives review apps predictable URLs; with it, a
        review app answers at its own host with the parent's ALLOWED_HOSTS (app.json's value).
        A bad HEROKU_APP_NAME is reported by review_app_location.
        """
        name = config("HEROKU_APP_NAME", default="").strip()
        if config("HEROKU_PR_NUMBER", default="").strip() and HEROKU_APP_NAME.fullmatch(name):
            return f"{name}.herokuapp.com"
        return ""

    def review_app_location(self) -> str:
        """The key prefix of a Heroku review app, derived from its name, or "" elsewhere.

        Heroku sets HEROKU_PR_NUMBER and HEROKU_APP_NAME in review apps whose app.json asks for
        them (environments.review). Each review app then keeps its files under a prefix of its
        own, which its pr-predestroy script deletes (delete_review_app_files).
        """
        if not config("HEROKU_PR_NUMBER", default="").strip():
            return ""
        name = config("HEROKU_APP_NAME", default="").strip()
        if not HEROKU_APP_NAME.fullmatch(name):
            self.problems.append(
                f"HEROKU_APP_NAME={name!r} is not a Heroku app name, but HEROKU_PR_NUMBER says "
                "this is a review app: ask for both in app.json's environments.review (Heroku "
                "then sets them), or set AWS_LOCATION."
            )
            return ""
        return f"review-apps/{name}"

    # --- Error reports ----------------------------------------------------------------------
    def optional_addresses(self, name: str, default: Addresses) -> Addresses:
        """Who gets an e-mail for each server error; `default` when unset or empty."""
        value = config(name, default="")
        if not value.strip():
            return default
        pairs = addresses(value)
        if pairs is None:
            self.problems.append(
                f"{name}={value!r} is not a list of e-mail addresses: set it to addresses "
                f"with optional names, comma-separated, such as {ADMINS_EXAMPLE}."
            )
            return default
        return pairs

    def optional_email_url(self, name: str, default: str) -> dict[str, object]:
        """Django's EMAIL_* settings from one URL (django-environ's email_url_config).

        Parts the URL leaves out (no port, no password) keep Django's defaults.
        """
        value = config(name, default=default).strip() or default
        try:
            settings = Env.email_url_config(value)
        except ImproperlyConfigured:
            # Not the value itself: it may hold a password.
            scheme = value.partition("://")[0] if "://" in value else "no scheme"
            self.problems.append(
                f"{name} is not an e-mail URL ({scheme}): set it to your provider's SMTP server, "
                "such as smtp+tls://USER:PASSWORD@smtp.example.com:587 (percent-encode @ and : "
                "in the user and password), or consolemail:// to print mails to the log."
            )
            settings = Env.email_url_config(default)
        return {key: part for key, part in settings.items() if part not in (None, "")}

    def optional_sentry_dsn(self, name: str) -> str:
        """A Sentry DSN (https://KEY@HOST/PROJECT), or empty."""
        value = config(name, default="").strip()
        parts = urlsplit(value)
        if value and (parts.scheme not in ("http", "https") or not parts.username):
            self.problems.append(
                f"{name}={value!r} is not a Sentry DSN: copy it from the Sentry project's "
                "settings (Client Keys), such as https://KEY@o0.ingest.sentry.io/0, or unset it."
            )
            return ""
        return value

    def raise_if_malformed(self) -> None:
        """For variables every environment reads (base.py), so development checks them too."""
        self.raise_if_incomplete("Malformed environment variables")

    def raise_if_incomplete(self, heading: str = "") -> None:
        if self.problems:
            lines = "\n".join(f"  - {problem}" for problem in self.problems)
            raise IncompleteEnvironment(f"{heading or self.heading}:\n{lines}")
