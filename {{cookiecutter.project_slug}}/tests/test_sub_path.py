"""The sub-path middleware of runserver."""

from config.sub_path import SubPathMiddleware, sub_path


def seen_by_app(prefix: str, environ: dict) -> dict:
    seen = {}
    SubPathMiddleware(lambda env, start: seen.update(env) or [], prefix)(environ, None)
    return seen


def test_the_sub_path_moves_from_the_path_to_the_script_name():
    assert sub_path(" shop/ ") == "/shop" and sub_path("") is None
    moved = seen_by_app("/shop", {"PATH_INFO": "/shop/admin/", "SCRIPT_NAME": ""})
    assert (moved["SCRIPT_NAME"], moved["PATH_INFO"]) == ("/shop", "/admin/")
    assert seen_by_app("/shop", {"PATH_INFO": "/shop", "SCRIPT_NAME": ""})["PATH_INFO"] == "/"
    other = seen_by_app("/shop", {"PATH_INFO": "/shopping/", "SCRIPT_NAME": ""})
    assert other["PATH_INFO"] == "/shopping/", "a longer name is not the prefix"
    # A server that mounted the site already (gunicorn) is left alone.
    mounted = seen_by_app("/shop", {"PATH_INFO": "/shop/x/", "SCRIPT_NAME": "/shop"})
    assert mounted["PATH_INFO"] == "/shop/x/"
