"""Publishing benchmark: collectstatic to S3, stock django-storages vs collectfasta vs this
project, against the physical limit of the S3 server; then the page-render benchmark.

    python benchmarks/publish.py                   # 1,000 and 5,000 files, 3 runs (the README's)
    python benchmarks/publish.py --quick           # 200 files, 1 run: to try a change quickly
    python benchmarks/publish.py --files 1000 --runs 5 --output /tmp/bench.md

Needs the template suite's requirements (`pip install -r tests/requirements.txt`); installs the
baked project's requirements plus collectfasta into a cached virtualenv of its own. Not part of
the test suite: it takes minutes and its numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import datetime
import os
import shlex
import shutil
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `benchmarks` and `tests` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import render, report
from benchmarks.contest import CONTENDERS, SCENARIOS, Contender, Contest
from benchmarks.workspace import TEMPLATE_ROOT, Workspace, bake, bench_virtualenv, template_at
from tests.support.s3server import S3Server

# Stock collectstatic sends ~9 requests per file one at a time, and collectfasta 3 per file on a
# cold bucket: run as often as (c), the baselines alone would take over an hour at 5,000 files.
# By default they run this many times (capped by --runs); --full runs everything --runs times.
BASELINE_RUNS = {"stock": {1000: 1}, "collectfasta": {1000: 3, 5000: 1}}


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--runs", type=int, default=3, help="runs per size (medians are shown)")
    parser.add_argument("--quick", action="store_true", help="200 files, 1 run")
    parser.add_argument(
        "--full",
        action="store_true",
        help="run (a) and (b) as often as (c) at every size (over an hour at 5,000 files)",
    )
    parser.add_argument(
        "--only",
        nargs="+",
        choices=[c.key for c in CONTENDERS],
        help="run only these contenders (to iterate on one)",
    )
    parser.add_argument("--no-render", action="store_true", help="skip the page-render benchmark")
    parser.add_argument("--rev", help="bake the template as committed at this git revision")
    parser.add_argument("--output", type=Path, help="also write the report (Markdown) here")
    parser.add_argument("--keep", action="store_true", help="keep the baked projects")
    args = parser.parse_args(argv)
    if args.quick:
        args.files, args.runs = [200], 1
    return args


def runs_for(contender: Contender, files: int, args: argparse.Namespace) -> int:
    """(c) runs every time; a baseline as often as the smallest listed size at or above `files`
    allows (not at all above the largest)."""
    if args.only and contender.key not in args.only:
        return 0
    if args.full or contender.key == "ours":
        return args.runs
    sizes = BASELINE_RUNS[contender.key]
    fitting = [size for size in sizes if files <= size]
    return min(args.runs, sizes[min(fitting)]) if fitting else 0


def environment(argv: list[str] | None) -> str:
    given = sys.argv[1:] if argv is None else argv
    command = shlex.join(["python", "benchmarks/publish.py", *given])
    packages = ", ".join(
        f"{name} {version(name)}" for name in ("Django", "django-storages", "moto", "boto3")
    )
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"`{command}` on {datetime.date.today()}: {os.cpu_count()} cores, load average {load} "
        f"at the start; {packages} (driver side), Collectfasta 3.3.5."
    )


def publish_section(contest: Contest, runs: int) -> str:
    results = contest.results
    objects = len(next(iter(results.limits.values())).required)
    return "\n\n".join(
        [
            f"### {results.files:,} files ({objects:,} objects per release), {runs} run(s)",
            " ".join([report.ceiling_line(results), report.not_run(results)]),
            report.publish_table(results),
            "Where (c) spends its time (medians, seconds):",
            report.steps_table(results),
        ]
    )


def render_section(
    ws: Workspace, s3: S3Server, contest: Contest, last_run: int
) -> tuple[str, dict[str, render.Rendered]]:
    """Rebuild the last release's STATIC_ROOT with (c), then render the page every way."""
    ours = f"ours-run{last_run}"
    ws.write_sources(contest.files, SCENARIOS[-1].state)
    ws.collectstatic(ours, None)
    # Stock storage reads its manifest from the bucket; building URLs needs nothing else there.
    stock = "render-stock"
    client = s3.client()
    client.create_bucket(Bucket=stock)
    manifest = (ws.project / "staticfiles" / "staticfiles.json").read_bytes()
    client.put_object(Bucket=stock, Key="static/staticfiles.json", Body=manifest)
    chosen = render.variants(ours, stock)
    rendered = render.benchmark(ws, s3, chosen)
    for result in rendered.values():
        for problem in result.problems:
            print(f"  RENDER CHECK FAILED: {problem}")
    title = (
        f"### Page render: 100 {{% static %}} tags and 2 {{% compress %}} blocks, "
        f"{render.RENDERS} renders x {render.BATCHES} batches x {render.PROCESSES} processes"
    )
    return f"{title}\n\n{report.render_table(rendered, chosen)}", rendered


def emit(sections: list[str], text: str, output: Path | None) -> None:
    """Print a finished section at once, so a later failure does not lose it."""
    sections.append(text)
    print(f"\n{text}\n", flush=True)
    if output:
        output.write_text("\n\n".join(sections) + "\n")


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    venv = bench_virtualenv()
    work = Path(tempfile.mkdtemp(prefix="publish-bench-"))
    template = template_at(args.rev, work) if args.rev else TEMPLATE_ROOT
    sections: list[str] = []
    found: list[tuple[str, str, bool | None]] = []
    emit(sections, environment(argv), args.output)
    started = time.monotonic()
    try:
        with S3Server() as s3:
            for files in args.files:
                project = bake(work / f"files-{files}", files, template)
                ws = Workspace(project, venv, s3.endpoint_url)
                contest = Contest(ws, s3, files, project.parent)
                for run in range(args.runs):
                    chosen = [c for c in CONTENDERS if run < runs_for(c, files, args)]
                    print(f"{files:,} files, run {run + 1} of {args.runs}:", flush=True)
                    contest.run(run, chosen)
                emit(sections, publish_section(contest, args.runs), args.output)
                rendered = None
                if files == args.files[0] and not args.no_render:
                    text, rendered = render_section(ws, s3, contest, args.runs - 1)
                    emit(sections, text, args.output)
                checked = report.targets(contest.results, rendered)
                found += [(f"{files:,} files: {what}", value, met) for what, value, met in checked]
    finally:
        if args.keep:
            print(f"Kept the baked projects in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    minutes = (time.monotonic() - started) / 60
    emit(
        sections,
        f"### Targets\n\n{report.targets_table(found)}\n\n"
        f"Took {minutes:.1f} min; load average {load} at the end.",
        args.output,
    )
    gates_failed = any("gates" in what and met is False for what, _, met in found)
    return 1 if gates_failed else 0


if __name__ == "__main__":
    sys.exit(main())
