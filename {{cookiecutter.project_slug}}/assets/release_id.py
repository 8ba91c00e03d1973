"""The name of a build's assets, for logs and the development start page."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from django.conf import settings

# The manifests belong to the build that made them; they stay in its STATIC_ROOT (the slug).
STATIC_MANIFEST = "staticfiles.json"
COMPRESS_MANIFEST = "CACHE/manifest.json"
RELEASE_FILES = (STATIC_MANIFEST, COMPRESS_MANIFEST)


def release_id(static_root: Path | None = None) -> str:
    """RELEASE_ID, else Heroku's SOURCE_VERSION (the commit), else a hash of the manifests.

    The hash names what the pages reference, so two builds of the same assets share it. It is
    taken over the manifests' content, keys sorted: compressor writes its entries in the order
    it met the templates, which changes from one run to the next.
    """
    if settings.RELEASE_ID:
        return settings.RELEASE_ID
    root = Path(static_root or settings.STATIC_ROOT)
    manifests = [root / name for name in RELEASE_FILES if (root / name).exists()]
    if not manifests:
        return "unreleased"
    digest = hashlib.sha256()
    for path in manifests:
        digest.update(json.dumps(json.loads(path.read_text()), sort_keys=True).encode())
    return digest.hexdigest()[:12]
