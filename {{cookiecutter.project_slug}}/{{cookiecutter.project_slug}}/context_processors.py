from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, object]:
    """The site's name, for every page's title and header."""
    return {"site_name": settings.SITE_NAME}
