"""Static files served by the web process (WhiteNoise): compressed copies of everything built.

WhiteNoise's storage writes a gzip and a Brotli copy of each collected text file; compressor's
offline bundles are written after that, by collectstatic, so `compress_bundles` gives them the
same. The middleware then sends whichever copy the browser accepts.
https://whitenoise.readthedocs.io/en/stable/django.html
"""

from __future__ import annotations

from pathlib import Path

from whitenoise.compress import Compressor
from whitenoise.storage import CompressedManifestStaticFilesStorage as WhiteNoiseStorage

from assets.storage import LenientManifestStorage


class LenientCompressedManifestStorage(LenientManifestStorage, WhiteNoiseStorage):
    """This project's manifest storage (warnings for missing references) plus WhiteNoise's
    compression."""


def compress_bundles(root: Path) -> int:
    """Write .gz and .br copies of compressor's bundles under root/CACHE; return how many."""
    compressor = Compressor(quiet=True)
    written = 0
    for path in sorted((root / "CACHE").rglob("*")):
        if path.is_file() and compressor.should_compress(path.name):
            written += len(compressor.compress(str(path)))
    return written
