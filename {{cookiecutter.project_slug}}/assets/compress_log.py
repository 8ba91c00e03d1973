"""A short log for django-compressor's offline pass.

The offline pass parses every template of every installed app. Third-party apps ship templates
that cannot load in this project (they use tag libraries of apps it does not install), and
compressor prints a line for each: hundreds of lines that bury the build's real output. This log
folds those into one summary line. A template of the project's own that fails to load is still
printed in full, since its {% compress %} blocks would be missing from the offline manifest.
"""

from __future__ import annotations

import re

SKIPPED = re.compile(
    r"^(?:Invalid template|Error parsing template|Non-existent template at:"
    r"|Unreadable template at:|UnicodeDecodeError while trying to read template) (?P<path>[^:]+)"
)
THIRD_PARTY = ("/site-packages/", "/dist-packages/")


class CompressLog:
    """A file-like object for compressor's `log` option that forwards lines to `out`."""

    def __init__(self, out, verbose: bool = False) -> None:
        self.out = out
        self.verbose = verbose
        self.skipped_third_party = 0
        self._partial = ""

    def write(self, text: str) -> None:
        *lines, self._partial = (self._partial + text).split("\n")
        for line in lines:
            self._line(line)

    def flush(self) -> None:
        pass

    def _line(self, line: str) -> None:
        # Compressor writes "Compressing... " and, after any skipped templates, "done".
        line = line.removeprefix("Compressing... ")
        if line == "done":
            return
        skipped = SKIPPED.match(line)
        if skipped and not self.verbose and any(p in skipped["path"] for p in THIRD_PARTY):
            self.skipped_third_party += 1
        elif line.strip():
            self.out.write(line)

    def summarise(self) -> None:
        if self._partial.strip():
            self._line(self._partial)
        self._partial = ""
        if self.skipped_third_party:
            self.out.write(
                f"Compressor skipped {self.skipped_third_party} third-party template(s) that do "
                "not load in this project (they use apps or tag libraries it does not install); "
                "collectstatic --verbosity 2 lists them."
            )
