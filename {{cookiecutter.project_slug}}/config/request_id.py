"""Put each request's id on the log lines written while it is handled.

Heroku's router gives every request an X-Request-ID header (a UUID, or the client's own id of
20 to 200 characters) and prints it in its own log line as request_id=...; the same id on the
app's lines, a traceback included, ties both together. Outside a request the id is "-".
https://devcenter.heroku.com/articles/http-request-id
"""

import logging
from contextvars import ContextVar

from django.http import HttpRequest

# The router's ids are at most 200 characters; a longer header comes from elsewhere.
MAX_LENGTH = 200
NONE = "-"
_current: ContextVar[str] = ContextVar("request_id", default=NONE)


def request_id(request: HttpRequest) -> str:
    return request.headers.get("X-Request-ID", "")[:MAX_LENGTH] or NONE


class RequestIdMiddleware:
    """Remember the request's id for as long as the request is handled (first in MIDDLEWARE)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current.set(request_id(request))
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)


class RequestIdFilter(logging.Filter):
    """Give each record a `request_id` attribute, for the log format to show."""

    def filter(self, record: logging.LogRecord) -> bool:
        # Django logs a 4xx or 5xx response after the middleware has returned it, naming the
        # request in the record (django.utils.log.log_response); other lines have only the
        # middleware's id.
        request = getattr(record, "request", None)
        if isinstance(request, HttpRequest):
            record.request_id = request_id(request)
        else:
            record.request_id = _current.get()
        return True
