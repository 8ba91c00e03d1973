"""Publish the collected static tree to S3: only what is missing or changed, in parallel.

One paginated LIST of the prefix tells what the bucket holds. A content-hashed file is uploaded
only if absent (its name changes whenever its content does); any other file only if its ETag
differs from the local MD5. Nothing is deleted, so the files of every earlier release stay in
place for pages that release still serves. Measured against stock django-storages and
collectfasta in benchmarks/ of the template repository.
"""

from __future__ import annotations

import hashlib
import json
import mimetypes
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Protocol

from assets.bucket_objects import AWS_ERRORS
from assets.release_id import RELEASE_FILES, STATIC_MANIFEST

# Files at least this large go up in parts of this size; their ETag is then the MD5 of the parts'
# MD5s plus "-<parts>", which local_etag() reproduces.
PART_SIZE = 8 * 1024 * 1024

IMMUTABLE = "public, max-age=31536000, immutable"
# Unhashed names can change content on the next deploy: let caches check back soon.
REVALIDATE = "public, max-age=300"


# Types the platform's mimetypes table may lack or get wrong (it varies with the machine's
# /etc/mime.types); browsers refuse a script or font served with the wrong one.
CONTENT_TYPES = {
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".map": "application/json",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".svg": "image/svg+xml",
    ".webp": "image/webp",
}


@dataclass(frozen=True)
class LocalFile:
    name: str  # path relative to the static root, with forward slashes
    path: Path
    immutable: bool  # the name carries a hash of the content

    @property
    def content_type(self) -> str:
        known = CONTENT_TYPES.get(PurePosixPath(self.name).suffix.lower())
        return known or mimetypes.guess_type(self.name)[0] or "application/octet-stream"

    @property
    def cache_control(self) -> str:
        return IMMUTABLE if self.immutable else REVALIDATE


@dataclass
class Report:
    uploaded: list[str] = field(default_factory=list)
    skipped: int = 0
    bytes: int = 0
    seconds: float = 0.0
    changed_unhashed: list[str] = field(default_factory=list)


def hashed_names(root: Path) -> set[str]:
    """Names whose content can never change: the manifest's targets and compressor's bundles."""
    manifest = root / STATIC_MANIFEST
    names = set(json.loads(manifest.read_text())["paths"].values()) if manifest.exists() else set()
    bundles = root / "CACHE"
    if bundles.is_dir():
        names |= {p.relative_to(root).as_posix() for p in bundles.rglob("*") if p.is_file()}
    return names - set(RELEASE_FILES)


def local_files(root: Path) -> list[LocalFile]:
    hashed = hashed_names(root)
    files = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        name = path.relative_to(root).as_posix()
        if name not in RELEASE_FILES:
            files.append(LocalFile(name, path, immutable=name in hashed))
    return files


def local_etag(path: Path) -> str:
    """The ETag S3 gives the file as uploaded here: an MD5, or the multipart form (PART_SIZE)."""
    size = path.stat().st_size
    with path.open("rb") as handle:
        if size < PART_SIZE:
            return hashlib.md5(handle.read(), usedforsecurity=False).hexdigest()
        parts = [
            hashlib.md5(chunk, usedforsecurity=False).digest()
            for chunk in iter(lambda: handle.read(PART_SIZE), b"")
        ]
    return f"{hashlib.md5(b''.join(parts), usedforsecurity=False).hexdigest()}-{len(parts)}"


def remote_etags(client, bucket: str, prefix: str) -> dict[str, str]:
    """Every object under the prefix with its ETag: one LIST request per 1,000 objects."""
    etags = {}
    for page in client.get_paginator("list_objects_v2").paginate(
        Bucket=bucket, Prefix=f"{prefix}/"
    ):
        for item in page.get("Contents", []):
            etags[item["Key"]] = item["ETag"].strip('"')
    return etags


def list_in_background(client, bucket: str, prefix: str) -> Future[dict[str, str]]:
    """Start remote_etags() in a thread of its own and return its future result.

    The listing needs nothing the collect makes, so collectstatic starts it first and its round
    trips pass while Django collects and compressor compresses. Files that arrive on the bucket
    in between (a concurrent deploy) are at worst uploaded again; nothing is ever deleted.
    """
    future: Future[dict[str, str]] = Future()

    def run() -> None:
        try:
            future.set_result(remote_etags(client, bucket, prefix))
        except BaseException as error:  # handed to whoever waits for the result
            future.set_exception(error)

    threading.Thread(target=run, name="list-bucket", daemon=True).start()
    return future


def needs_upload(file: LocalFile, remote_etag: str | None) -> bool:
    if remote_etag is None:
        return True
    return not file.immutable and local_etag(file.path) != remote_etag


class PublishError(Exception):
    """A step of the publish failed for good (after the client's own retries)."""


class Uploads(Protocol):
    def upload_all(self, files: Iterable[tuple[str, LocalFile]]) -> Iterator[LocalFile]:
        """Upload each (key, file); yield each file once it is in place."""
        ...


def publish(
    client,
    bucket: str,
    prefix: str,
    root: Path,
    uploads: Uploads,
    progress: Callable[[int, int, int], None] | None = None,
    remote: dict[str, str] | None = None,
    files: list[LocalFile] | None = None,
) -> Report:
    """Upload what the bucket lacks; call progress(done, total, bytes) as uploads finish.

    `uploads`: what sends the files (assets.crt_uploads.Uploads);
    `remote`: the bucket's listing, if the caller has it already (else it is listed here);
    `files`: local_files(root), if the caller has them already.
    """
    started = time.monotonic()
    if remote is None:
        remote = listed(client, bucket, prefix)
    files = local_files(root) if files is None else files
    todo = [f for f in files if needs_upload(f, remote.get(f"{prefix}/{f.name}"))]
    report = Report(skipped=len(files) - len(todo))
    report.changed_unhashed = [
        f.name for f in todo if not f.immutable and f"{prefix}/{f.name}" in remote
    ]
    for file in uploads.upload_all((f"{prefix}/{f.name}", f) for f in todo):
        report.uploaded.append(file.name)
        report.bytes += file.path.stat().st_size
        if progress:
            progress(len(report.uploaded), len(todo), report.bytes)
    report.seconds = time.monotonic() - started
    return report


def listed(client, bucket: str, prefix: str, future: Future | None = None) -> dict[str, str]:
    """remote_etags(), or the result of list_in_background(); a failure is a PublishError."""
    try:
        return future.result() if future else remote_etags(client, bucket, prefix)
    except AWS_ERRORS as error:
        raise PublishError(f"listing s3://{bucket}/{prefix}/ failed: {error}") from error
