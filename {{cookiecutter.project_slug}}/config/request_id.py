"""Put each request's id on the log lines written while it is handled.

Heroku's router gives every request an X-Request-ID header (a UUID, or the client's own id of
20 to 200 characters) and prints it in its own log line as request_id=...; the same id on the
app's lines, a traceback included, ties both together. Outside a request the id is "-".
https://devcenter.heroku.com/articles/http-request-id
"""

import logging
from contextvars import ContextVar

# The router's ids are at most 200 characters; a longer header comes from elsewhere.
MAX_LENGTH = 200
NONE = "-"
_current: ContextVar[str] = ContextVar("request_id", default=NONE)


class RequestIdMiddleware:
    """Remember the request's id for as long as the request is handled (first in MIDDLEWARE)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current.set(request.headers.get("X-Request-ID", "")[:MAX_LENGTH] or NONE)
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)


class RequestIdFilter(logging.Filter):
    """Give each record a `request_id` attribute, for the log format to show."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _current.get()
        return True
