"""What a run did to the bucket (requests and bytes, counted at the server) and whether the
bucket then holds what the release needs: the correctness gates."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# boto3's default transfer settings, which all three contenders use: files of at least 8 MiB
# go up in 8 MiB parts, and S3's ETag is then the MD5 of the parts' MD5s plus "-<parts>".
PART_SIZE = 8 * 1024 * 1024
STATIC_MANIFEST = "staticfiles.json"
COMPRESS_MANIFEST = "CACHE/manifest.json"


@dataclass(frozen=True)
class Object:
    etag: str
    size: int


Tree = dict[str, Object]  # name under the static prefix -> content
# Expected content that is checked another way (a shared manifest, compared by its paths).
ANY = Object("*", 0)


def etag(path: Path) -> str:
    size = path.stat().st_size
    with path.open("rb") as handle:
        if size < PART_SIZE:
            return hashlib.md5(handle.read(), usedforsecurity=False).hexdigest()
        chunks = iter(lambda: handle.read(PART_SIZE), b"")
        parts = [hashlib.md5(chunk, usedforsecurity=False).digest() for chunk in chunks]
    return f"{hashlib.md5(b''.join(parts), usedforsecurity=False).hexdigest()}-{len(parts)}"


def local_tree(root: Path) -> Tree:
    return {
        p.relative_to(root).as_posix(): Object(etag(p), p.stat().st_size)
        for p in root.rglob("*")
        if p.is_file()
    }


def remote_tree(client: Any, bucket: str, prefix: str) -> Tree:
    tree = {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents", []):
            name = item["Key"].removeprefix(prefix)
            tree[name] = Object(item["ETag"].strip('"'), item["Size"])
    return tree


def requests_needed(tree: Tree) -> int:
    """Requests to upload these files: one each, or create + parts + complete when multipart."""
    return sum(1 if o.size < PART_SIZE else 2 + -(-o.size // PART_SIZE) for o in tree.values())


def list_pages(objects: int) -> int:
    """LIST requests to read a prefix holding this many objects (S3 pages by 1,000)."""
    return max(1, -(-objects // 1000))


def changed(tree: Tree, before: Tree) -> Tree:
    """The files a release must upload when the bucket already holds `before`."""
    return {name: obj for name, obj in tree.items() if before.get(name) != obj}


@dataclass
class Traffic:
    """The S3 requests one run sent for one bucket, by kind, and the bytes it uploaded."""

    kinds: Counter[str] = field(default_factory=Counter)
    bytes_up: int = 0

    @property
    def total(self) -> int:
        return sum(self.kinds.values())

    @classmethod
    def of(cls, log: list[dict[str, Any]], bucket: str, after: Tree, prefix: str) -> Traffic:
        traffic = cls()
        for request in log:
            path, query = request["path"], request["query"]
            if path.rstrip("/") == f"/{bucket}":
                kind = "LIST" if request["method"] == "GET" else request["method"]
            elif path.startswith(f"/{bucket}/"):
                kind = request["method"]
                # A whole object counts once: its PUT, or the POST that completes its parts.
                whole = (kind == "PUT" and "partNumber" not in query) or (
                    kind == "POST" and "uploadId" in query
                )
                if whole:
                    name = path.removeprefix(f"/{bucket}/").removeprefix(prefix)
                    traffic.bytes_up += after[name].size if name in after else 0
            else:
                continue
            traffic.kinds[kind] += 1
        return traffic

    def by_kind(self) -> str:
        order = ("LIST", "GET", "HEAD", "PUT", "POST", "DELETE")
        return " ".join(f"{k} {self.kinds[k]}" for k in order if self.kinds[k])


def gate(bucket: Tree, expected: Tree, releases: list[Tree]) -> list[str]:
    """Problems with the bucket after a release; empty when it is right.

    `expected`: every file this release needs, with its content. `releases`: the files of every
    release so far (this one last). The bucket must hold exactly their union: nothing missing,
    nothing stale where this release reads, and nothing no release made.
    """
    problems = []
    wrong = sorted(
        name
        for name, content in expected.items()
        if name not in bucket or content not in (ANY, bucket[name])
    )
    if wrong:
        problems.append(f"{len(wrong)} file(s) of this release missing or different: {wrong[:3]}")
    for number, release in enumerate(releases[:-1], 1):
        lost = sorted(set(release) - set(bucket))
        if lost:
            problems.append(f"release {number} lost {len(lost)} file(s): {lost[:3]}")
    made = set().union(*releases)
    stray = sorted(set(bucket) - made)
    if stray:
        problems.append(f"{len(stray)} object(s) that no release made: {stray[:3]}")
    return problems


def manifest_paths(text: str) -> dict[str, str]:
    return json.loads(text)["paths"]


def bundles_in(compress_manifest: Path) -> set[str]:
    """The files compressor's offline manifest sends pages to (CACHE/css/..., CACHE/js/...)."""
    html = "".join(json.loads(compress_manifest.read_text()).values())
    return {
        "CACHE/" + part.split("CACHE/", 1)[1].split('"', 1)[0]
        for part in html.split("__compressor_url_placeholder__/")[1:]
        if "CACHE/" in part
    }
