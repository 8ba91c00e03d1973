"""The site's Content-Security-Policy: where a page may load scripts, styles, fonts and images.

{% if cookiecutter.django_version == "5.2" -%}
Django 5.2 has no CSP support of its own; django-csp, whose design Django 6.0 adopted, sends it.
https://django-csp.readthedocs.io/
{% else -%}
Sent by Django's own middleware (Django >= 6.0). https://docs.djangoproject.com/en/6.1/ref/csp/
{% endif -%}
"""

from urllib.parse import quote, urlsplit
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


def source(url: str, *, prefix: bool = False) -> str | None:
    """A CSP source naming `url` and nothing wider: None for a path on this site ('self' covers
    it). A source ending in "/" allows every URL below it, one without allows that URL alone
    (https://www.w3.org/TR/CSP3/#match-paths), so `prefix` adds the slash. The query is left
    out (CSP ignores it); `;`, `,` and spaces, which would end the source, are percent-encoded."""
    parts = urlsplit(url)
    if not (parts.scheme and parts.netloc):
        return None
    path = quote(parts.path, safe="/:@!$&'()*+=-._~%")
    if prefix and not path.endswith("/"):
        path += "/"
    return f"{parts.scheme}://{parts.netloc}{path}"


def policy(static_url: str = "", media_url: str = "", upload_url: str = "") -> dict[str, list[str]]:
    """This site, and the static files' folder (`static_url`: on the bucket or a CDN; none when
    the web process serves them), for scripts, styles, fonts and images; the media folder
    (`media_url`, staff uploads) for images only, never for scripts or styles; inline code only
    with the request's nonce (no 'unsafe-inline'); no plugins; no framing; forms post to this
    site only; scripts connect to this site, and to `upload_url` (the presigned POST's URL)
    when the upload form sends files to the bucket.

    Folders and URLs, not hosts: a bucket named in the path (dotted names, S3-compatible stores)
    shares its host with every other customer's, whose files must not run here."""
    static = [SELF, *filter(None, [source(static_url, prefix=True)])]
    media = [*filter(None, [source(media_url, prefix=True)])]
    return {
        "default-src": [SELF],
        "connect-src": [SELF, *filter(None, [source(upload_url)])],
        "script-src": [*static, NONCE],
        "style-src": [*static, NONCE],
        "font-src": static,
        "img-src": [*dict.fromkeys([*static, *media]), "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
