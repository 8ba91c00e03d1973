"""Build Facet, the start page's display font, into the demo's static folder
(demo/static/demo/fonts/ in the project template).

    pip install fonttools brotli && python scripts/make_font.py

Run it by hand when the design below changes and commit the .woff2 it writes: neither the
template's tests nor baked projects need fontTools. Facet is drawn here rather than downloaded,
so the template ships no third-party font and works offline. Every glyph is a skeleton of
straight strokes on a grid 4 units wide and 6 tall, with corners cut at 45 degrees, stroked at
one fixed weight. Lowercase letters are small capitals. Glyphs it lacks (accents, symbols) fall
back to the next font in the CSS font stack.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from fontTools.fontBuilder import FontBuilder
from fontTools.misc.timeTools import epoch_diff
from fontTools.pens.ttGlyphPen import TTGlyphPen

TEMPLATE = Path(__file__).resolve().parents[1] / "{{cookiecutter.project_slug}}"
OUTPUT = TEMPLATE / "demo/static/demo/fonts/facet.woff2"
FAMILY = "Facet"
UNITS_PER_EM = 1000
STROKE = 110  # the weight of every stroke, in font units
HALF = STROKE / 2
CAP_HEIGHT = 700
X_HEIGHT = 500  # the small capitals used for lowercase
SIDE_BEARING = 60
SPACE_WIDTH = 280
# Beyond this many half-strokes a sharp corner's point is cut off flat (a bevel), so the V of an M
# does not grow a spike.
MITER_LIMIT = 2.0
# A fixed date keeps the output byte-for-byte the same on every run (2026-01-01).
TIMESTAMP = 1_767_225_600 - epoch_diff  # head counts seconds from 1904, not 1970

Point = tuple[float, float]


@dataclass(frozen=True)
class Stroke:
    points: tuple[Point, ...]
    closed: bool = False


def line(*points: Point) -> Stroke:
    return Stroke(points)


def loop(*points: Point) -> Stroke:
    return Stroke(points, closed=True)


def dot(x: float, y: float) -> Stroke:
    """A square the width of a stroke, standing on y."""
    return line((x, y), (x, y + 0.01))


# Capitals, digits and punctuation on the grid (x right, y up; 0 is the baseline, 6 the cap height).
GLYPHS: dict[str, list[Stroke]] = {
    "A": [line((0, 0), (0, 5), (1, 6), (3, 6), (4, 5), (4, 0)), line((0, 3), (4, 3))],
    "B": [
        line((0, 0), (0, 6), (3, 6), (4, 5), (4, 4), (3, 3), (0, 3)),
        line((3, 3), (4, 2), (4, 1), (3, 0), (0, 0)),
    ],
    "C": [line((4, 6), (1, 6), (0, 5), (0, 1), (1, 0), (4, 0))],
    "D": [loop((0, 0), (0, 6), (3, 6), (4, 5), (4, 1), (3, 0))],
    "E": [line((4, 6), (0, 6), (0, 0), (4, 0)), line((0, 3), (3, 3))],
    "F": [line((4, 6), (0, 6), (0, 0)), line((0, 3), (3, 3))],
    "G": [line((4, 6), (1, 6), (0, 5), (0, 1), (1, 0), (4, 0), (4, 3), (2, 3))],
    "H": [line((0, 0), (0, 6)), line((4, 0), (4, 6)), line((0, 3), (4, 3))],
    "I": [line((0, 0), (0, 6))],
    "J": [line((4, 6), (4, 1), (3, 0), (1, 0), (0, 1), (0, 2))],
    "K": [line((0, 0), (0, 6)), line((4, 6), (1, 3), (4, 0))],
    "L": [line((0, 6), (0, 0), (4, 0))],
    "M": [line((0, 0), (0, 6), (1, 6), (2.5, 2), (4, 6), (5, 6), (5, 0))],
    "N": [line((0, 0), (0, 6), (1, 6), (3, 0), (4, 0), (4, 6))],
    "O": [loop((1, 0), (0, 1), (0, 5), (1, 6), (3, 6), (4, 5), (4, 1), (3, 0))],
    "P": [line((0, 0), (0, 6), (3, 6), (4, 5), (4, 3.5), (3, 2.5), (0, 2.5))],
    "Q": [
        loop((1, 0), (0, 1), (0, 5), (1, 6), (3, 6), (4, 5), (4, 1), (3, 0)),
        line((2.5, 1.5), (4.3, -0.3)),
    ],
    "R": [
        line((0, 0), (0, 6), (3, 6), (4, 5), (4, 3.5), (3, 2.5), (0, 2.5)),
        line((2, 2.5), (4, 0)),
    ],
    "S": [line((4, 6), (1, 6), (0, 5), (0, 4), (1, 3), (3, 3), (4, 2), (4, 1), (3, 0), (0, 0))],
    "T": [line((0, 6), (4, 6)), line((2, 6), (2, 0))],
    "U": [line((0, 6), (0, 1), (1, 0), (3, 0), (4, 1), (4, 6))],
    "V": [line((0, 6), (1.5, 0), (2.5, 0), (4, 6))],
    "W": [line((0, 6), (0.8, 0), (1.7, 0), (2.5, 4), (3.3, 0), (4.2, 0), (5, 6))],
    "X": [line((0, 6), (4, 0)), line((4, 6), (0, 0))],
    "Y": [line((0, 6), (2, 3), (4, 6)), line((2, 3), (2, 0))],
    "Z": [line((0, 6), (4, 6), (0, 0), (4, 0))],
    "0": [loop((1, 0), (0, 1), (0, 5), (1, 6), (2.4, 6), (3.4, 5), (3.4, 1), (2.4, 0))],
    "1": [line((0, 5), (1, 6), (1, 0))],
    "2": [line((0, 5), (1, 6), (3, 6), (4, 5), (4, 4), (0, 0), (4, 0))],
    "3": [
        line((0, 6), (3, 6), (4, 5), (4, 4), (3, 3), (1, 3)),
        line((3, 3), (4, 2), (4, 1), (3, 0), (0, 0)),
    ],
    "4": [line((3, 0), (3, 6), (0, 2), (4, 2))],
    "5": [line((4, 6), (0, 6), (0, 3.5), (3, 3.5), (4, 2.5), (4, 1), (3, 0), (0, 0))],
    "6": [
        line((4, 6), (1, 6), (0, 5), (0, 1), (1, 0), (3, 0), (4, 1), (4, 2.5), (3, 3.5), (0, 3.5))
    ],
    "7": [line((0, 6), (4, 6), (1.5, 0))],
    "8": [
        loop((1, 3), (0, 4), (0, 5), (1, 6), (3, 6), (4, 5), (4, 4), (3, 3)),
        loop((1, 0), (0, 1), (0, 2), (1, 3), (3, 3), (4, 2), (4, 1), (3, 0)),
    ],
    "9": [
        line((0, 0), (3, 0), (4, 1), (4, 5), (3, 6), (1, 6), (0, 5), (0, 3.5), (1, 2.5), (4, 2.5))
    ],
    ".": [dot(0, 0)],
    ",": [line((0.4, 0.8), (0, -1))],
    ":": [dot(0, 0), dot(0, 3.5)],
    "-": [line((0, 2.8), (2, 2.8))],
    "!": [line((0, 6), (0, 2)), dot(0, 0)],
    "?": [line((0, 5), (1, 6), (3, 6), (4, 5), (4, 4), (2, 2.8), (2, 2)), dot(2, 0)],
    "'": [line((0, 6), (0, 4.5))],
    "\u2019": [line((0, 6), (0, 4.5))],
    "/": [line((0, 0), (3, 6))],
}


@dataclass(frozen=True)
class Scale:
    """How grid units become font units for one size of letter."""

    x: float
    height: float  # of the ink, from the baseline

    @property
    def y(self) -> float:
        return (self.height - STROKE) / 6

    def point(self, p: Point) -> Point:
        # The skeleton sits half a stroke inside the ink, so ink spans 0..height.
        return p[0] * self.x, HALF + p[1] * self.y

    def top(self) -> float:
        return HALF + 6 * self.y


CAPITALS = Scale(x=100, height=CAP_HEIGHT)
SMALL_CAPITALS = Scale(x=82, height=X_HEIGHT)


def direction(a: Point, b: Point) -> Point:
    dx, dy = b[0] - a[0], b[1] - a[1]
    length = math.hypot(dx, dy)
    return dx / length, dy / length


def left_of(d: Point) -> Point:
    return -d[1], d[0]


def shifted(p: Point, v: Point, by: float) -> Point:
    return p[0] + v[0] * by, p[1] + v[1] * by


def corner(p: Point, d_in: Point, d_out: Point) -> tuple[list[Point], list[Point]]:
    """Points of the left and right edges where the skeleton turns at p."""
    n1, n2 = left_of(d_in), left_of(d_out)
    cosine = n1[0] * n2[0] + n1[1] * n2[1]
    # A mitre reaches HALF * sqrt(2 / (1 + cosine)) from p; beyond the limit, bevel instead.
    if 1 + cosine >= 2 / MITER_LIMIT**2:
        k = HALF / (1 + cosine)
        m = ((n1[0] + n2[0]) * k, (n1[1] + n2[1]) * k)
        return [shifted(p, m, 1)], [shifted(p, m, -1)]
    return [shifted(p, n1, HALF), shifted(p, n2, HALF)], [
        shifted(p, n1, -HALF),
        shifted(p, n2, -HALF),
    ]


def cut_height(p: Point, out: Point, scale: Scale) -> float | None:
    """Where a stroke ending at p (heading `out`) is cut horizontally; None for a square end.

    Ends on the baseline or cap height are cut flush with it. A slanted stroke that ends on
    another stroke's centre line is cut there, so its end hides inside that stroke.
    """
    if abs(out[1]) < 0.3:
        return None
    if p[1] <= HALF + 0.5:
        return p[1] - HALF
    if p[1] >= scale.top() - 0.5:
        return p[1] + HALF
    return None if abs(out[0]) < 1e-6 else p[1]


def end(p: Point, out: Point, scale: Scale) -> tuple[Point, Point]:
    """The left and right corners (seen along `out`) of a stroke's end at p."""
    n = left_of(out)
    y = cut_height(p, out, scale)
    if y is None:
        tip = shifted(p, out, HALF)
        return shifted(tip, n, HALF), shifted(tip, n, -HALF)

    def meet(side: float) -> Point:
        edge = shifted(p, n, side)
        return shifted(edge, out, (y - edge[1]) / out[1])

    return meet(HALF), meet(-HALF)


def outline(stroke: Stroke, scale: Scale) -> list[list[Point]]:
    """Contours of a stroke, drawn clockwise (TrueType's outer direction).

    Each segment's band is clockwise, so where strokes or a stroke's own segments overlap the
    nonzero fill rule shows their union and no boolean operations are needed.
    """
    pts = [scale.point(p) for p in stroke.points]
    if stroke.closed:
        left, right = [], []
        for i, p in enumerate(pts):
            d_in = direction(pts[i - 1], p)
            d_out = direction(p, pts[(i + 1) % len(pts)])
            ls, rs = corner(p, d_in, d_out)
            left += ls
            right += rs
        return [left, right[::-1]]
    first_out = direction(pts[1], pts[0])
    start_right, start_left = end(pts[0], first_out, scale)
    last_left, last_right = end(pts[-1], direction(pts[-2], pts[-1]), scale)
    left, right = [start_left], [start_right]
    for a, p, b in zip(pts, pts[1:], pts[2:], strict=False):
        ls, rs = corner(p, direction(a, p), direction(p, b))
        left += ls
        right += rs
    return [[*left, last_left, last_right, *right[::-1]]]


def draw(contours: list[list[Point]]) -> tuple[object, int]:
    """A TrueType glyph and its advance width, with the ink SIDE_BEARING from either side."""
    xs = [x for contour in contours for x, _ in contour]
    shift = SIDE_BEARING - min(xs)
    pen = TTGlyphPen(None)
    for contour in contours:
        pen.moveTo((round(contour[0][0] + shift), round(contour[0][1])))
        for x, y in contour[1:]:
            pen.lineTo((round(x + shift), round(y)))
        pen.closePath()
    return pen.glyph(), round(max(xs) - min(xs) + 2 * SIDE_BEARING)


def glyph(strokes: list[Stroke], scale: Scale) -> tuple[object, int]:
    return draw([contour for stroke in strokes for contour in outline(stroke, scale)])


def notdef() -> tuple[object, int]:
    """The missing-glyph box: a rectangle with a hole."""
    outer = [(0, 0), (0, CAP_HEIGHT), (400, CAP_HEIGHT), (400, 0)]
    inner = [(60, 60), (340, 60), (340, CAP_HEIGHT - 60), (60, CAP_HEIGHT - 60)]
    return draw([outer, inner])


def name(char: str) -> str:
    return f"uni{ord(char):04X}"


def build() -> FontBuilder:
    glyphs: dict[str, object] = {}
    advances: dict[str, int] = {}
    cmap: dict[int, str] = {}
    glyphs[".notdef"], advances[".notdef"] = notdef()
    glyphs["space"], advances["space"] = TTGlyphPen(None).glyph(), SPACE_WIDTH
    cmap[ord(" ")] = "space"
    for char, strokes in GLYPHS.items():
        glyphs[name(char)], advances[name(char)] = glyph(strokes, CAPITALS)
        cmap[ord(char)] = name(char)
        if char.isalpha():
            small = char.lower()
            glyphs[name(small)], advances[name(small)] = glyph(strokes, SMALL_CAPITALS)
            cmap[ord(small)] = name(small)

    builder = FontBuilder(UNITS_PER_EM, isTTF=True)
    builder.setupGlyphOrder(list(glyphs))
    builder.setupCharacterMap(cmap)
    builder.setupGlyf(glyphs)
    glyf = builder.font["glyf"]
    builder.setupHorizontalMetrics(
        {key: (advance, getattr(glyf[key], "xMin", 0)) for key, advance in advances.items()}
    )
    builder.setupHorizontalHeader(ascent=850, descent=-250)
    builder.setupNameTable(
        {
            "familyName": FAMILY,
            "styleName": "Bold",
            "uniqueFontIdentifier": f"{FAMILY}-Bold-1.0",
            "fullName": f"{FAMILY} Bold",
            "psName": f"{FAMILY}-Bold",
            "version": "Version 1.000",
            "copyright": "Drawn by scripts/make_font.py; free to use with the generated project.",
        }
    )
    builder.setupOS2(
        version=4,
        usWeightClass=700,
        fsSelection=0x20 | 0x80,  # bold; use the typo metrics below for line spacing
        sTypoAscender=800,
        sTypoDescender=-200,
        sTypoLineGap=0,
        usWinAscent=850,
        usWinDescent=250,
        sxHeight=X_HEIGHT,
        sCapHeight=CAP_HEIGHT,
        achVendID="NONE",
    )
    builder.setupPost(keepGlyphNames=False)
    head = builder.font["head"]
    head.created = head.modified = TIMESTAMP
    head.macStyle = 0x01  # bold
    return builder


def main() -> None:
    builder = build()
    builder.font.flavor = "woff2"
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    builder.save(str(OUTPUT))
    print(f"{OUTPUT}: {OUTPUT.stat().st_size} bytes, {len(builder.font.getGlyphOrder())} glyphs")


if __name__ == "__main__":
    main()
