"""What each release references, so old static files can be deleted without breaking one.

The publish never deletes, so the bucket keeps every file of every release. To reclaim space
safely, each build writes a small index into its own tree, `releases/<release-id>.json`, listing
every name it publishes; the publish uploads it like any other file (once: its content is the
same on every publish of the same build, so a rollback or an unchanged release uploads nothing).
`prune_static` then keeps whatever the newest indexes, and the running release, reference.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from assets.bucket_objects import StoredObject, list_objects
from assets.publish import local_files

INDEX_FOLDER = "releases"


def index_name(release: str) -> str:
    return f"{INDEX_FOLDER}/{release}.json"


def write_release_index(root: Path, release: str) -> Path:
    """Write this build's index into its tree, before the publish uploads the tree."""
    names = sorted(f.name for f in local_files(root) if not f.name.startswith(f"{INDEX_FOLDER}/"))
    path = root / index_name(release)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"release": release, "names": names}, indent=0) + "\n")
    return path


@dataclass
class Plan:
    """What pruning keeps and deletes under one prefix."""

    kept_releases: list[str]
    delete: list[StoredObject] = field(default_factory=list)
    kept: int = 0

    @property
    def bytes(self) -> int:
        return sum(item.size for item in self.delete)


def read_index(client, bucket: str, key: str) -> set[str]:
    body = client.get_object(Bucket=bucket, Key=key)["Body"].read()
    return set(json.loads(body)["names"])


def plan_prune(
    client, bucket: str, prefix: str, keep: int, current: set[str], newer_than: datetime
) -> Plan:
    """Keep what the `keep` newest releases (by when their index arrived) and `current` (the
    running release's names) reference, and anything changed after `newer_than` (a build still
    uploading); everything else under `prefix/` goes, older releases' indexes included."""
    objects = list_objects(client, bucket, prefix)
    index_prefix = f"{prefix}/{INDEX_FOLDER}/"
    indexes = sorted(
        (item for item in objects if item.key.startswith(index_prefix)),
        key=lambda item: item.modified,
        reverse=True,
    )
    newest = indexes[:keep]
    referenced = {f"{prefix}/{name}" for name in current}
    for item in newest:
        referenced |= {f"{prefix}/{name}" for name in read_index(client, bucket, item.key)}
    referenced |= {item.key for item in newest}
    plan = Plan([item.key.removeprefix(index_prefix).removesuffix(".json") for item in newest])
    for item in objects:
        if item.key in referenced or item.modified > newer_than:
            plan.kept += 1
        else:
            plan.delete.append(item)
    return plan
