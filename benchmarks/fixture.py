"""A realistic static tree of a chosen size, written into a baked project's `static/bench/`.

Content is derived from a fixed seed, so the same state gives the same bytes (and the same
hashed names) on every rebuild; only the mtimes are new, as on a Heroku build from a fresh
checkout. Django admin's own files (found in the virtualenv) and the project's few files count
towards the total.
"""

from __future__ import annotations

import json
import random
import shutil
from dataclasses import dataclass
from itertools import cycle, islice
from pathlib import Path

# Files that the collect finds besides the fixture: Django admin's (5.2) and the project's own.
OTHER_FILES = 130
KIB = 1024
# A few large files so uploads are not all tiny, and one past the 8 MiB multipart threshold so
# that multipart ETags (MD5 of the parts' MD5s, "-<parts>") are compared.
LARGE_SIZES = (256 * KIB, 512 * KIB, 768 * KIB, 1024 * KIB)
HUGE_SIZE = 9 * 1024 * KIB

# The files that the "one file changed" scenarios touch; the bench page bundles both stylesheets
# and the script, so a change reaches compressor's bundles as it would on a real site.
CHANGED_JS = "bench/js/m0.js"
CHANGED_IMAGE = "bench/img/i0.png"
BUNDLED_CSS = ("bench/css/c0.css", "bench/css/c1.css")
BUNDLED_JS = ("bench/js/m0.js", "bench/js/m1.js")


@dataclass(frozen=True)
class State:
    """What the sources look like for one release."""

    js_changed: bool = False
    image_changed: bool = False


@dataclass(frozen=True)
class Counts:
    css: int
    deep_css: int
    js: int  # each script has a source map beside it
    images: int
    fonts: int

    @classmethod
    def for_total(cls, total: int) -> Counts:
        """Split what is left after admin, the project and the large files, roughly as on a site
        with a front-end build: half images, a quarter scripts and maps, the rest styles, fonts."""
        left = total - OTHER_FILES - len(LARGE_SIZES) - 1
        if left < 50:
            raise ValueError(f"the fixture needs at least {OTHER_FILES + 55} files in all")
        css, deep, js, fonts = left * 12 // 100, max(2, left // 50), left * 12 // 100, left // 12
        return cls(css, deep, js, left - css - deep - 2 * js - fonts, fonts)


def write(static: Path, total: int, state: State) -> None:
    """Replace `static/bench` with the tree of `total` collectable files in this state."""
    root = static / "bench"
    shutil.rmtree(root, ignore_errors=True)
    counts = Counts.for_total(total)
    rng = random.Random(total)  # fixed seed: same state, same bytes
    images = [_write_image(root, i, rng, state) for i in range(counts.images)]
    fonts = [_write_font(root, i, rng) for i in range(counts.fonts)]
    for i in range(counts.css):
        _write(root / f"css/c{i}.css", _stylesheet(i, rng, images, fonts, counts.css))
    for i in range(counts.deep_css):
        _write(root / f"css/themes/dark/v2/deep{i}.css", _deep_stylesheet(i, rng, images))
    for i in range(counts.js):
        _write_script(root, i, rng, state)
    for i, size in enumerate(LARGE_SIZES):
        _write(root / f"img/hero{i}.jpg", rng.randbytes(size))
    _write(root / "video/intro.mp4", rng.randbytes(HUGE_SIZE))


def _write(path: Path, content: bytes | str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        content = content.encode()
    path.write_bytes(content)


def _write_image(root: Path, i: int, rng: random.Random, state: State) -> str:
    kind = ("png", "png", "svg", "gif", "webp")[i % 5] if i else "png"
    size = rng.randint(1, 60) * KIB
    name = f"img/i{i}.{kind}"
    if kind == "svg":
        shapes = "".join(f'<circle cx="{rng.randint(0, 99)}" r="{n}"/>' for n in range(size // 40))
        _write(root / name, f'<svg xmlns="http://www.w3.org/2000/svg">{shapes}</svg>')
    else:
        body = rng.randbytes(size)
        if f"bench/{name}" == CHANGED_IMAGE and state.image_changed:
            body = body[:-16] + b"edited-pixels-01"
        _write(root / name, b"\x89PNG\r\n\x1a\n" + body)
    return name


def _write_font(root: Path, i: int, rng: random.Random) -> str:
    name = f"fonts/f{i}.{('woff2', 'woff2', 'ttf')[i % 3]}"
    _write(root / name, rng.randbytes(rng.randint(20, 80) * KIB))
    return name


def _rules(rng: random.Random, count: int) -> str:
    rules = []
    for _ in range(count):
        selector, margin, color = rng.randint(0, 99999), rng.randint(0, 40), rng.randbytes(3).hex()
        rules.append(f".b{selector} {{ margin: {margin}px; color: #{color}; }}\n")
    return "".join(rules)


def _stylesheet(i: int, rng: random.Random, images: list[str], fonts: list[str], count: int) -> str:
    """A stylesheet with url()s to images and a font, and sometimes an @import of another."""
    refs = [images[0]] if i == 0 else rng.sample(images[1:], min(3, len(images) - 1))
    parts = [f'@import url("c{i + 1}.css");\n'] if 1 < i < count - 1 and i % 7 == 0 else []
    parts.append(f'@font-face {{ font-family: "f{i}"; src: url("../{rng.choice(fonts)}"); }}\n')
    for n, ref in enumerate(refs):
        parts.append(f'.r{i}-{n} {{ background: url("../{ref}") no-repeat; }}\n')
    parts.append(_rules(rng, rng.randint(20, 400)))
    return "".join(parts)


def _deep_stylesheet(i: int, rng: random.Random, images: list[str]) -> str:
    """Four levels down, pointing back up: the path a url() rewrite most easily gets wrong."""
    image = images[0] if i == 0 else rng.choice(images[1:])
    return (
        '@import url("../../../c1.css");\n'
        f'.deep{i} {{ background-image: url("../../../../{image}"); }}\n' + _rules(rng, 40)
    )


def _write_script(root: Path, i: int, rng: random.Random, state: State) -> None:
    body = "".join(
        f"export function f{i}_{n}(x) {{ return x * {rng.randint(1, 999)} + {n}; }}\n"
        for n in range(rng.randint(20, 800))
    )
    source_map = {"version": 3, "file": f"m{i}.js", "sources": [f"src/m{i}.ts"], "names": []}
    source_map["mappings"] = ";".join("AAAA,SAASA" for _ in range(body.count("\n")))
    _write(root / f"js/m{i}.js.map", json.dumps(source_map))
    if f"bench/js/m{i}.js" == CHANGED_JS and state.js_changed:
        body += "console.debug('changed');\n"  # a one-line fix; its source map is not rebuilt
    _write(root / f"js/m{i}.js", f"{body}//# sourceMappingURL=m{i}.js.map\n")


def page_template(total: int) -> str:
    """A page with 100 {% static %} tags and one {% compress %} block each for CSS and JS."""
    counts = Counts.for_total(total)
    names = [f"bench/css/c{i}.css" for i in range(min(10, counts.css))]
    names += [f"bench/js/m{i}.js" for i in range(min(10, counts.js))]
    names += [f"bench/img/i{i}.png" for i in range(0, counts.images, 5)]
    # Small fixtures (--quick) have fewer than 100 such files: names then repeat.
    tags = [f'<img src="{{% static "{name}" %}}" alt="">' for name in islice(cycle(names), 100)]
    links = "".join(f'<link rel="stylesheet" href="{{% static "{n}" %}}">' for n in BUNDLED_CSS)
    scripts = "".join(f'<script src="{{% static "{n}" %}}"></script>' for n in BUNDLED_JS)
    return (
        "{% load static compress %}<!doctype html><html><head>\n"
        f"{{% compress css %}}{links}{{% endcompress %}}\n</head><body>\n"
        + "\n".join(tags)
        + f"\n{{% compress js %}}{scripts}{{% endcompress %}}\n</body></html>\n"
    )
