"""The address a request came from, as Heroku's router saw it.

django-axes counts failed logins per username and address (config/settings/base.py). On a dyno,
REMOTE_ADDR is the router's address, the same for every visitor; the router appends the address
that connected to it to X-Forwarded-For, after whatever the client put in that header itself.
So only the last entry is the router's word, and the ones before it are the client's, free to
change with every request. Behind another proxy in front of Heroku (a CDN), the last entry is
that proxy's: take the entry the CDN added instead.
https://devcenter.heroku.com/articles/http-routing#heroku-headers
"""

from django.http import HttpRequest


def heroku_client_ip(request: HttpRequest) -> str | None:
    """The last X-Forwarded-For entry, or REMOTE_ADDR when there is no such header."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    return forwarded.rsplit(",", 1)[-1].strip() or request.META.get("REMOTE_ADDR")
