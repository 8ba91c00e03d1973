"""The publisher's decisions, on local trees (the template's suite runs it against S3)."""

import hashlib
import json

from assets.publish import PART_SIZE, local_etag, local_files, needs_upload
from assets.release_indexes import write_release_index


def md5(data: bytes):
    return hashlib.md5(data, usedforsecurity=False)


def make_tree(root, files: dict[str, bytes]) -> None:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)


def test_a_small_files_etag_is_its_md5(tmp_path):
    make_tree(tmp_path, {"a.css": b"body{}"})
    assert local_etag(tmp_path / "a.css") == md5(b"body{}").hexdigest()


def test_a_large_files_etag_follows_s3s_multipart_rule(tmp_path):
    content = b"x" * PART_SIZE + b"tail"
    make_tree(tmp_path, {"big.bin": content})
    parts = md5(b"x" * PART_SIZE).digest() + md5(b"tail").digest()
    assert local_etag(tmp_path / "big.bin") == f"{md5(parts).hexdigest()}-2"


def test_hashed_names_come_from_the_manifest_and_the_bundles(tmp_path):
    manifest = {"paths": {"css/site.css": "css/site.0123456789ab.css"}}
    make_tree(
        tmp_path,
        {
            "css/site.css": b"a",
            "css/site.0123456789ab.css": b"a",
            "CACHE/css/output.abcdef012345.css": b"b",
            "CACHE/manifest.json": b"{}",
            "staticfiles.json": json.dumps(manifest).encode(),
        },
    )
    files = {file.name: file.immutable for file in local_files(tmp_path)}
    assert files == {
        "css/site.css": False,
        "css/site.0123456789ab.css": True,
        "CACHE/css/output.abcdef012345.css": True,
    }, "manifests stay out of the bucket; only hashed names are immutable"


def test_what_needs_uploading(tmp_path):
    make_tree(tmp_path, {"css/site.css": b"a", "css/site.0123456789ab.css": b"a"})
    (tmp_path / "staticfiles.json").write_text(
        json.dumps({"paths": {"css/site.css": "css/site.0123456789ab.css"}})
    )
    unhashed, hashed = sorted(local_files(tmp_path), key=lambda file: file.immutable)
    same = md5(b"a").hexdigest()
    assert needs_upload(hashed, None) and needs_upload(unhashed, None)
    assert not needs_upload(hashed, "any-etag"), "a hashed name never changes content"
    assert not needs_upload(unhashed, same)
    assert needs_upload(unhashed, md5(b"old").hexdigest())


def test_content_type_and_cache_control(tmp_path):
    make_tree(tmp_path, {"f/a.woff2": b"", "js/a.js": b"", "js/a.js.map": b"", "x.unknown": b""})
    types = {file.name: (file.content_type, file.cache_control) for file in local_files(tmp_path)}
    assert types["f/a.woff2"][0] == "font/woff2"
    assert types["js/a.js"][0] == "text/javascript"
    assert types["js/a.js.map"][0] == "application/json"
    assert types["x.unknown"] == ("application/octet-stream", "public, max-age=300")


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
