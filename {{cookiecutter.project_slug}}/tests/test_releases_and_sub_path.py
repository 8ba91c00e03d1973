"""The release index that pruning relies on, and the sub-path middleware of runserver."""

import json

from assets.releases import write_release_index
from config.sub_path import SubPathMiddleware, sub_path


def test_the_release_index_lists_what_the_build_publishes(tmp_path):
    (tmp_path / "css").mkdir()
    for name in ("css/site.css", "css/site.0123456789ab.css"):
        (tmp_path / name).write_text("body {}")
    manifest = {"paths": {"css/site.css": "css/site.0123456789ab.css"}}
    (tmp_path / "staticfiles.json").write_text(json.dumps(manifest))
    first = write_release_index(tmp_path, "r1").read_bytes()
    index = json.loads(first)
    assert index == {"release": "r1", "names": ["css/site.0123456789ab.css", "css/site.css"]}
    # The same bytes on a rebuild, so the publish never uploads it again.
    assert write_release_index(tmp_path, "r1").read_bytes() == first


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
