"""gunicorn settings for Heroku's router.

https://docs.gunicorn.org/en/stable/settings.html
https://devcenter.heroku.com/articles/http-routing#timeouts
"""

import os

# Heroku tells each dyno which port to listen on. [::] as in Heroku's own configuration: IPv6
# and (since the socket is not IPv6-only) IPv4 both reach it.
# https://github.com/heroku/python-getting-started/blob/main/gunicorn.conf.py
bind = [f"[::]:{os.environ.get('PORT', '8000')}"]
# Heroku sets WEB_CONCURRENCY from the dyno's memory; 2 suits the smallest dynos.
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# Threaded workers: the sync worker ignores keepalive (so every request from the router would
# open a new connection) and one slow client would hold a whole process.
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# The router gives up on a request after 30 s; stop the worker first so the error is ours.
timeout = 25
graceful_timeout = 20
# The router keeps idle connections to the dyno open for 90 s; stay open longer than that so
# gunicorn never closes a connection the router is about to reuse.
keepalive = 95
# "-" is standard output for the access log and standard error for gunicorn's own messages;
# Heroku's log router collects both.
accesslog = "-"
errorlog = "-"
# gunicorn's default format plus the X-Request-ID that Heroku's router gives every request and
# logs too, so a request can be followed from the router's line to the app's.
# https://devcenter.heroku.com/articles/http-request-id
access_log_format = (
    '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" request_id=%({x-request-id}i)s'
)
# Only Heroku's router can reach a dyno, but its addresses are not published, so gunicorn cannot
# tell it by address ("*"). It can by header: the router replaces X-Forwarded-Proto on every
# request, while any other header (SCRIPT_NAME, X-Forwarded-Ssl, ...) comes from the client as
# sent. So X-Forwarded-Proto alone says https, and no header may set SCRIPT_NAME or PATH_INFO:
# the sub-path comes only from the SCRIPT_NAME config var, which gunicorn reads itself.
# https://devcenter.heroku.com/articles/http-routing#heroku-headers
# https://docs.gunicorn.org/en/stable/settings.html#forwarder-headers
forwarded_allow_ips = "*"
secure_scheme_headers = {"X-FORWARDED-PROTO": "https"}
forwarder_headers = ""
# Headers whose names hold an underscore (SCRIPT_NAME) are dropped, never mapped into the request.
header_map = "drop"
# gunicorn >= 25.1 opens a control socket for its gunicornc tool under $HOME (/app on a dyno).
# Nobody can reach it there (Heroku scales with heroku ps:scale), and a long $HOME makes the
# socket path too long for Unix sockets, which gunicorn logs as an error at every start.
control_socket_disable = True
# Recycle workers now and then so a slow leak never takes a dyno down.
max_requests = 1000
max_requests_jitter = 100


def on_starting(server):
    """Load the settings once in the master, before any worker starts.

    A missing config var would make every worker fail as it boots, and gunicorn would start new
    ones forever; this way the web process ends at once with the message that names the variable.
    """
    from config import load_settings

    load_settings()
    from django.conf import settings

    pool = settings.DATABASES["default"].get("OPTIONS", {}).get("pool")
    if pool:  # say what this dyno can cost the database plan, so nobody has to work it out
        server.log.info(
            "PostgreSQL: at most %d connections (%d processes x %d)",
            workers * pool["max_size"],
            workers,
            pool["max_size"],
        )
