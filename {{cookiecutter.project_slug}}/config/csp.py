"""The site's Content-Security-Policy: where a page may load scripts, styles, fonts and images.

{% if cookiecutter.django_version == "5.2" -%}
Django 5.2 has no CSP support of its own; django-csp, whose design Django 6.0 adopted, sends it.
https://django-csp.readthedocs.io/
{% else -%}
Sent by Django's own middleware (Django >= 6.0). https://docs.djangoproject.com/en/6.1/ref/csp/
{% endif -%}
"""

from urllib.parse import urlsplit
{% if cookiecutter.django_version == "5.2" %}
from csp.constants import NONCE, NONE, SELF

MIDDLEWARE = "csp.middleware.CSPMiddleware"
# Puts the request's nonce in templates as {{ "{{ CSP_NONCE }}" }}.
CONTEXT_PROCESSOR = "csp.context_processors.nonce"
{%- else %}
from django.utils.csp import CSP

NONCE, NONE, SELF = CSP.NONCE, CSP.NONE, CSP.SELF
MIDDLEWARE = "django.middleware.csp.ContentSecurityPolicyMiddleware"
# Puts the request's nonce in templates as {{ "{{ csp_nonce }}" }}.
CONTEXT_PROCESSOR = "django.template.context_processors.csp"
{%- endif %}


def origin(url: str) -> str | None:
    """The scheme://host[:port] of an absolute URL; None for a path on this site."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


def policy(
    static_url: str = "", media_urls: tuple[str, ...] = (), uploads_to: str = ""
) -> dict[str, list[str]]:
    """This site and the origin of the static URL (the bucket or the CDN; none when the web
    process serves static files) for scripts, styles, fonts and images, and the media URLs'
    origins for images too; inline code only with the request's nonce (no 'unsafe-inline');
    no plugins; no framing; forms post to this site only; scripts connect to this site, and to
    `uploads_to` (the bucket) when the upload form sends files there."""
    sources = [SELF, *filter(None, [origin(static_url)])]
    images = [*dict.fromkeys([*sources, *filter(None, map(origin, media_urls))])]
    return {
        "default-src": [SELF],
        "connect-src": [SELF, *filter(None, [origin(uploads_to)])],
        "script-src": [*sources, NONCE],
        "style-src": [*sources, NONCE],
        "font-src": sources,
        "img-src": [*images, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
