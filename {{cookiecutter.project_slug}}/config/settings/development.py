"""Development: debug pages, SQLite and the local filesystem; runserver serves static and media.

Selected by DJANGO_SETTINGS_MODULE=config.settings.development, which the bake writes into `.env`
(config.settings_module). It refuses to run on a Heroku dyno, and needs the SECRET_KEY that the
bake wrote there too: no fixed key is ever used, so none can end up signing a server's sessions.
"""

from decouple import config

from .base import *
from .environment import HOW_TO_MAKE_A_KEY, Environment

env = Environment(
    "Development settings (DJANGO_SETTINGS_MODULE=config.settings.development) cannot start"
)
env.not_on_a_dyno()
# The bake wrote a fresh one into `.env`; a checkout without that `.env` makes its own.
SECRET_KEY = env.required("SECRET_KEY", f"a random string in .env ({HOW_TO_MAKE_A_KEY})")
# DEBUG=False, with ALLOWED_HOSTS=localhost,127.0.0.1, shows the error pages visitors see.
DEBUG = config("DEBUG", default=True, cast=bool)
env.raise_if_incomplete()
