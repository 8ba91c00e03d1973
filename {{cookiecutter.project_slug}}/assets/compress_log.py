"""A short log for django-compressor's offline pass.

The offline pass parses every template of every installed app. Third-party apps ship templates
that cannot load in this project (they use tag libraries of apps it does not install), and
compressor prints each failure with the whole list of tag libraries it knows: dozens of lines per
template that bury the build's real output. This log folds those into one summary line. A
template of the project's own that fails to load is still printed in full, since its
{% compress %} blocks would be missing from the offline manifest.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.template.utils import get_app_template_dirs

# Compressor writes one message per call: "Compressing... ", then a message per template it
# skips, then "done\nCompressed N block(s) ...".
SKIPPED = re.compile(
    r"^(?:Invalid template|Error parsing template|Non-existent template at:"
    r"|Unreadable template at:|UnicodeDecodeError while trying to read template) (?P<name>[^:\s]+)"
)


def own_template_dirs() -> list[Path]:
    """The template folders of this project (its templates/ and its own apps), not packages'."""
    base = Path(settings.BASE_DIR).resolve()
    candidates = [Path(d) for engine in settings.TEMPLATES for d in engine.get("DIRS", [])]
    candidates += [Path(d) for d in get_app_template_dirs("templates")]
    return [
        d
        for d in (c.resolve() for c in candidates)
        if d.is_relative_to(base) and "site-packages" not in d.parts
    ]


class CompressLog:
    """A file-like object for compressor's `log` option that forwards its messages to `out`."""

    def __init__(self, out, verbose: bool = False) -> None:
        self.out = out
        self.verbose = verbose
        self.own_dirs = own_template_dirs()
        self.skipped_third_party = 0

    def write(self, text: str) -> None:
        text = text.removeprefix("Compressing... ").removeprefix("done\n")
        skipped = SKIPPED.match(text)
        if skipped and not self.verbose and not self.is_own(skipped["name"]):
            self.skipped_third_party += 1
        elif text.strip():
            self.out.write(text.rstrip("\n"))

    def flush(self) -> None:
        pass

    def is_own(self, name: str) -> bool:
        return any((folder / name).is_file() for folder in self.own_dirs)

    def summarise(self) -> None:
        if self.skipped_third_party:
            self.out.write(
                f"Compressor skipped {self.skipped_third_party} third-party template(s) that do "
                "not load in this project (they use apps or tag libraries it does not install); "
                "collectstatic --verbosity 2 lists them."
            )
