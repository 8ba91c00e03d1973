"""The demo: what exists only to show the template working (a start page that checks its own
static files, an upload model with a form and direct uploads). Delete this folder to remove it:
settings and URLs include it only while it exists (config/settings/base.py)."""
