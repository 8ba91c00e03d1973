"""Django's manifest storage, forgiving of references to files that are not there.

Third-party packages ship stylesheets whose url()s name images they do not ship, and scripts
whose sourceMappingURL names a map they left out. Django's storage stops collectstatic (and so
the Heroku build) at the first of these. This one logs a warning naming the file and the missing
target, keeps that reference as written (the browser gets a 404 for it, as it would have in
development) and rewrites every other reference to its hashed name as usual.
"""

from __future__ import annotations

import logging

from django.contrib.staticfiles import storage
from django.core.exceptions import SuspiciousFileOperation

logger = logging.getLogger(__name__)
# What Django raises when a reference names a file that is not among the collected ones ("could
# not be found"), or one above the static root.
MISSING_TARGET = (ValueError, SuspiciousFileOperation)


class LenientManifestStorage(storage.ManifestStaticFilesStorage):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Post-processing makes several passes over CSS: warn once per reference.
        self._missing: set[tuple[str, str]] = set()

    def url_converter(self, name, hashed_files, *args, **kwargs):
        # Django 6.1 added an argument (ignored_blocks): pass whatever this Django passes.
        convert = super().url_converter(name, hashed_files, *args, **kwargs)

        def converter(matchobj):
            try:
                return convert(matchobj)
            except MISSING_TARGET:
                self._warn_missing(name, matchobj.group("url"))
                return matchobj.group("matched")

        return converter

    def _warn_missing(self, name: str, target: str) -> None:
        if (name, target) not in self._missing:
            self._missing.add((name, target))
            logger.warning("%s references %s, which is not there; kept as written.", name, target)
