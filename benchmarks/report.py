"""Markdown tables of the results, and the targets of the issue checked against them."""

from __future__ import annotations

import statistics
from collections.abc import Iterable

from benchmarks import bucket as b
from benchmarks.contest import CONTENDERS, SCENARIOS, Measured, Results
from benchmarks.render import Rendered, Variant


def table(rows: Iterable[Iterable[str]], header: list[str]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def seconds(samples: list[float]) -> str:
    if len(samples) == 1:
        return f"{samples[0]:.2f} (1 run)"
    return f"{statistics.median(samples):.2f} ({min(samples):.2f}-{max(samples):.2f})"


def median_run(cell: Measured) -> int:
    """The index of the run with the median request count (its breakdown is shown)."""
    totals = [t.total for t in cell.traffic]
    return totals.index(sorted(totals)[(len(totals) - 1) // 2])


def speedup(reference: Measured | None, cell: Measured) -> str:
    return f"{reference.median() / cell.median():.1f}x" if reference else "-"


def publish_table(results: Results) -> str:
    rows = []
    for scenario in SCENARIOS:
        stock = results.measured.get((scenario.name, "stock"))
        fasta = results.measured.get((scenario.name, "collectfasta"))
        limit = results.limits[scenario.name]
        for contender in CONTENDERS:
            cell = results.measured.get((scenario.name, contender.key))
            if cell is None:
                continue
            traffic = cell.traffic[median_run(cell)]
            rows.append(
                [
                    scenario.name,
                    contender.label,
                    seconds([r.seconds for r in cell.runs]),
                    f"{traffic.total:,}",
                    traffic.by_kind(),
                    f"{statistics.median(t.bytes_up for t in cell.traffic) / 1e6:.1f}",
                    speedup(stock, cell),
                    speedup(fasta, cell),
                    f"{limit.ratio(cell):.2f}",
                    "ok" if not cell.problems else f"FAILED ({len(cell.problems)})",
                ]
            )
        needed = f"{b.requests_needed(limit.required):,} + {limit.list_pages} LIST"
        size = sum(o.size for o in limit.required.values()) / 1e6
        rows.append(
            [scenario.name, "**physical limit**", seconds(limit.seconds), needed, "",
             f"{size:.1f}", "", "", "1.00", ""]
        )  # fmt: skip
    header = [
        "scenario", "contender", "wall s: median (min-max)", "S3 requests", "by method",
        "MB up", "speed-up over (a)", "speed-up over (b)", "÷ limit (paired)", "gates",
    ]  # fmt: skip
    return table(rows, header)


def steps_table(results: Results) -> str:
    """Where (c)'s time goes, next to the parts of the limit."""
    rows = []
    for scenario in SCENARIOS:
        cell = results.measured.get((scenario.name, "ours"))
        if cell is None:
            continue
        limit = results.limits[scenario.name]
        steps = {s: cell.step(s) for s in ("collect", "compress", "publish")}
        # Per run, then the median: medians of parts do not add up to the median of the whole.
        startup = statistics.median(
            r.seconds - sum(r.steps.get(s, 0.0) for s in steps) for r in cell.runs
        )
        rows.append(
            [scenario.name, f"{cell.median():.2f}", f"{startup:.2f}"]
            + [f"{v:.2f}" for v in steps.values()]
            + [f"{statistics.median(limit.local_collect):.2f}", f"{limit.median():.2f}"]
        )
    header = [
        "scenario", "(c) total", "interpreter, Django, exit", "collect", "compress", "publish",
        "limit: local collect (whole command)", "limit",
    ]  # fmt: skip
    return table(rows, header)


def ceiling_line(results: Results) -> str:
    puts = [c.puts_per_s for c in results.ceilings]
    mbs = [c.bytes_per_s / 1e6 for c in results.ceilings]
    pages = [c.list_page_s for c in results.ceilings]
    return (
        f"Server ceiling per run (median, range): {statistics.median(puts):.0f} small PUT/s "
        f"({min(puts):.0f}-{max(puts):.0f}), {statistics.median(mbs):.0f} MB/s "
        f"({min(mbs):.0f}-{max(mbs):.0f}), {statistics.median(pages) * 1000:.0f} ms per LIST page "
        f"of 1,000 keys ({min(pages) * 1000:.0f}-{max(pages) * 1000:.0f})."
    )


def not_run(results: Results) -> str:
    ran = {key for _, key in results.measured}
    missing = [c.label for c in CONTENDERS if c.key not in ran]
    return f"Not run at this size: {', '.join(missing)}." if missing else ""


def render_table(rendered: dict[str, Rendered], chosen: list[Variant]) -> str:
    local = rendered["local"]
    rows = []
    for variant in chosen:
        result = rendered[variant.key]
        calls = result.boto_calls
        rows.append(
            [
                variant.label,
                f"{result.median() * 1000:.2f} ({min(result.seconds) * 1000:.2f}-"
                f"{max(result.seconds) * 1000:.2f})",
                f"{result.ratio_to(local):.2f}",
                f"{calls.get('presigned_urls', 0):.0f} signed, {calls.get('requests', 0):.0f} sent",
                str(result.s3_requests),
            ]
        )
    header = [
        "page settings", "ms per render: median of best batches (min-max)", "÷ local (paired)",
        "boto calls per render", "S3 requests per process",
    ]  # fmt: skip
    return table(rows, header)


TARGET_FILES = 1000  # the size the targets are stated for; other sizes are shown for scale


def targets(
    results: Results, rendered: dict[str, Rendered] | None
) -> list[tuple[str, str, bool | None]]:
    """The issue's targets: what each is, the measurement, and whether it is met (None: not
    judged, because the targets are stated for 1,000 files and this is another size)."""
    found = _targets(results, rendered)
    if results.files == TARGET_FILES:
        return found
    return [(what, value, met if "gates" in what else None) for what, value, met in found]


def _targets(results: Results, rendered: dict[str, Rendered] | None) -> list[tuple[str, str, bool]]:
    found = []
    m, limits = results.measured, results.limits
    ours_cold = m.get(("cold", "ours"))
    if ours_cold:
        ratio = limits["cold"].ratio(ours_cold)
        found.append(("cold <= 1.25x the physical limit", f"{ratio:.2f}x", ratio <= 1.25))
    if ours_cold and ("cold", "collectfasta") in m:
        faster = m[("cold", "collectfasta")].median() / ours_cold.median()
        found.append(("cold >= 3x faster than collectfasta", f"{faster:.1f}x", faster >= 3))
    quiet = m.get(("no change", "ours"))
    if quiet:
        most, allowed = max(t.total for t in quiet.traffic), 3 * max(1, results.files // 1000)
        what = "no change: <= 3 S3 requests per 1,000 files"
        found.append((what, f"{most} (allowed {allowed})", most <= allowed))
        ratio = limits["no change"].ratio(quiet)
        found.append(("no change <= 1.2x the physical limit", f"{ratio:.2f}x", ratio <= 1.2))
    for name in ("one JS changed", "one CSS image changed"):
        if (name, "ours") in m:
            most = max(t.total for t in m[(name, "ours")].traffic)
            found.append((f"{name}: <= 15 S3 requests", str(most), most <= 15))
    if rendered:
        ratio = rendered["ours"].ratio_to(rendered["local"])
        boto = sum(rendered["ours"].boto_calls.values()) + rendered["ours"].s3_requests
        found.append(("page render with S3 URLs <= 1.1x local", f"{ratio:.2f}x", ratio <= 1.1))
        found.append(("no boto call while rendering (per URL or at all)", str(boto), boto == 0))
    gates = sum(len(cell.problems) for cell in m.values())
    found.append(("correctness gates, every run", f"{gates} failure(s)", gates == 0))
    return found


def targets_table(found: list[tuple[str, str, bool | None]]) -> str:
    verdicts = {True: "yes", False: "**no**", None: "(not judged: set for 1,000 files)"}
    rows = [[what, value, verdicts[met]] for what, value, met in found]
    return table(rows, ["target", "measured", "holds"])
