"""Serve the site under a sub-path (SCRIPT_NAME=/shop).

gunicorn strips SCRIPT_NAME from request paths itself; Django's development server does not, so
the project's runserver (assets/management/commands/runserver.py) wraps it in this middleware.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable


def sub_path(value: str) -> str | None:
    """The site's path prefix, /shop, from SCRIPT_NAME (None at the root)."""
    value = value.strip().strip("/")
    return f"/{value}" if value else None


class SubPathMiddleware:
    """Moves the prefix from PATH_INFO to SCRIPT_NAME, as a WSGI server mounting the site would."""

    def __init__(self, app: Callable, prefix: str) -> None:
        self.app = app
        self.prefix = prefix

    def __call__(self, wsgi_environ: dict, start_response: Callable) -> Iterable[bytes]:
        path, prefix = wsgi_environ.get("PATH_INFO", ""), self.prefix
        if not wsgi_environ.get("SCRIPT_NAME") and f"{path}/".startswith(f"{prefix}/"):
            below = path[len(prefix) :] or "/"
            wsgi_environ = {**wsgi_environ, "SCRIPT_NAME": prefix, "PATH_INFO": below}
        return self.app(wsgi_environ, start_response)
