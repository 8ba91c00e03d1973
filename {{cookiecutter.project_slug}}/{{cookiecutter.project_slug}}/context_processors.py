from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, object]:
    """The site's name everywhere; in development also where assets come from, for the start page.

    Production pages show nothing internal, so the details are left out when DEBUG is off.
    """
    context: dict[str, object] = {"site_name": settings.SITE_NAME}
    if settings.DEBUG:
        context["internals"] = {
            "Static files": settings.STATIC_URL,
            "Media files": settings.MEDIA_ROOT,
            "Compression": "on" if settings.COMPRESS_ENABLED else "off (DEBUG is on)",
            "Release": settings.RELEASE_ID or "unreleased",
        }
    return context
