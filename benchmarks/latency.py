"""Publishing at network latency: this project against the tools a user would pick instead, on
an S3 endpoint that is not the bottleneck, with a round trip per request in front of it.

    bash benchmarks/run                              # from a clean clone: installs, then this
    python benchmarks/latency.py                     # 1,000 files, RTT 0/20/50 ms, 3 runs
    python benchmarks/latency.py --quick             # 200 files, RTT 20 ms, 1 run
    python benchmarks/latency.py --rtt 50 --only ours rclone64 --runs 1

The endpoint is benchmarks/s3standin.js (Node, objects in memory; its own ceiling is measured
with a trivial Node client before every run). Contenders, each on its own bucket, each scenario
in turn (cold, no change, one script changed, one stylesheet's image changed):
- this project: `python manage.py collectstatic --noinput` with its production settings;
- Django's local manifest collect, then `rclone copy --checksum --s3-no-head --fast-list` with
  16 and with 64 transfers; `s5cmd --numworkers 64 sync`, and for the cold scenario also
  `s5cmd --numworkers 64 cp`; `aws s3 sync` with 64 requests in flight (all read the tree the
  local collect wrote, which the limit also counts);
- collectfasta 3.3.5 (Boto3ManifestMemoryStrategy, 64 threads);
- stock S3ManifestStaticStorage, cold and at RTT 0 only (it sends ~7 requests per file one at
  a time: minutes per run at 20 ms).
Exits with 1 if a correctness gate failed.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `benchmarks` and `tests` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import bucket as b
from benchmarks import peers, render
from benchmarks.contest import PREFIX, SCENARIOS, Scenario
from benchmarks.report import table
from benchmarks.standin import StandIn
from benchmarks.workspace import TEMPLATE_ROOT, Workspace, bake, bench_virtualenv, template_at

HERE = Path(__file__).resolve().parent
IN_FLIGHT = 64  # what the limit assumes S3 takes from one client at once
COLLECTFASTA_THREADS = 64


@dataclass(frozen=True)
class Contender:
    key: str
    label: str
    peer: bool  # counted among the tools ours must beat


CONTENDERS = (
    Contender("ours", "this project", False),
    Contender("rclone16", "collect + rclone, 16 transfers", True),
    Contender("rclone64", "collect + rclone, 64 transfers", True),
    Contender("s5cmd", "collect + s5cmd sync, 64 workers", True),
    Contender("s5cmdcp", "collect + s5cmd cp, 64 workers (cold)", True),
    Contender("awscli", "collect + aws s3 sync, 64 in flight", True),
    Contender("collectfasta", "collectfasta, 64 threads", True),
    Contender("stock", "stock S3ManifestStaticStorage", False),
)
BY_KEY = {c.key: c for c in CONTENDERS}
# The contenders that are `collectstatic` in the project, with these settings modules.
SETTINGS = {
    "ours": None,
    "collectfasta": "bench_collectfasta",
    "stock": "bench_stock",
}


@dataclass(frozen=True)
class Ceiling:
    puts_per_s: float  # small PUTs from a trivial client, 64 connections, RTT 0
    bytes_per_s: float  # 1 MiB PUTs, 8 connections, RTT 0
    list_page_s: float  # a LIST page of 1,000 keys read by boto3, RTT 0
    modelled_puts_per_s: float  # small PUTs, 64 connections, at the run's RTT


@dataclass
class Cell:
    seconds: list[float] = field(default_factory=list)
    upload_seconds: list[float] = field(default_factory=list)  # the part after the collect
    steps: list[dict[str, float]] = field(default_factory=list)
    traffic: list[b.Traffic] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def median(self) -> float:
        return statistics.median(self.seconds)


@dataclass
class Results:
    rtt_ms: int
    ceilings: list[Ceiling] = field(default_factory=list)
    cells: dict[tuple[str, str], Cell] = field(default_factory=dict)
    limits: dict[str, list[float]] = field(default_factory=dict)
    collects: dict[str, list[float]] = field(default_factory=dict)
    required: dict[str, tuple[int, int, int]] = field(
        default_factory=dict
    )  # requests, pages, bytes
    # Heroku's two steps for this project: (step, scenario) -> seconds and S3 requests per run.
    phases: dict[tuple[str, str], list[tuple[float, int]]] = field(default_factory=dict)

    def cell(self, scenario: str, key: str) -> Cell:
        return self.cells.setdefault((scenario, key), Cell())


def measure_ceiling(s3: StandIn, rtt_ms: int) -> Ceiling:
    """The endpoint's own ceiling, with a client that costs next to nothing per request."""
    client = s3.client()
    client.create_bucket(Bucket="ceiling")

    def node(count: int, connections: int, size: int) -> float:
        command = ["node", str(HERE / "ceiling_client.js"), s3.endpoint_url, "ceiling"]
        out = subprocess.run(
            [*command, str(count), str(connections), str(size)],
            capture_output=True,
            text=True,
            check=True,
        )
        return float(json.loads(out.stdout)["puts_per_s"])

    s3.set_rtt(0)
    puts = max(node(5000, IN_FLIGHT, 2048) for _ in range(2))
    big = node(200, 8, 1024 * 1024) * 1024 * 1024
    pages = []
    for _ in range(5):
        started = time.perf_counter()
        client.list_objects_v2(Bucket="ceiling", MaxKeys=1000)
        pages.append(time.perf_counter() - started)
    s3.set_rtt(rtt_ms)
    modelled = node(min(5000, 40 * IN_FLIGHT), IN_FLIGHT, 2048) if rtt_ms else puts
    return Ceiling(puts, big, statistics.median(pages), modelled)


class LatencyContest:
    def __init__(self, ws: Workspace, s3: StandIn, files: int, work: Path) -> None:
        self.ws, self.s3, self.files, self.work = ws, s3, files, work
        self.client = s3.client()
        self.reference = work / "reference"

    def run(self, results: Results, number: int, chosen: list[Contender]) -> None:
        self.s3.reset()
        self.s3.set_rtt(0)
        ceiling = measure_ceiling(self.s3, results.rtt_ms)
        results.ceilings.append(ceiling)
        self.s3.set_rtt(0)
        buckets = {c.key: f"{c.key}-rtt{results.rtt_ms}-run{number}" for c in chosen}
        for name in buckets.values():
            self.client.create_bucket(Bucket=name)
        self.s3.set_rtt(results.rtt_ms)
        histories: dict[str, list[b.Tree]] = {c.key: [] for c in chosen}
        held: b.Tree = {}
        shift = number % len(chosen)
        order = chosen[shift:] + chosen[:shift]
        for scenario in SCENARIOS:
            expected, collect_s = self.local_collect(scenario)
            required = b.changed(
                {n: o for n, o in expected.items() if n != b.STATIC_MANIFEST}, held
            )
            self.record_limit(results, scenario, ceiling, collect_s, required, len(held))
            held = {**held, **required}
            for contender in order:
                if contender.key == "stock" and (scenario.name != "cold" or results.rtt_ms):
                    continue
                if contender.key == "s5cmdcp" and scenario.name != "cold":
                    continue  # cp uploads every file every time: a peer only when all are new
                self.publish(
                    results,
                    scenario,
                    contender,
                    buckets[contender.key],
                    expected,
                    collect_s,
                    histories[contender.key],
                )

    def local_collect(self, scenario: Scenario) -> tuple[b.Tree, float]:
        """Django's manifest storage to a local folder: what the peers upload, and the gates'
        reference."""
        self.ws.write_sources(self.files, scenario.state)
        shutil.rmtree(self.reference, ignore_errors=True)
        run = self.ws.collectstatic(
            "unused", "bench_local_collect", BENCH_STATIC_ROOT=str(self.reference)
        )
        return b.local_tree(self.reference), run.seconds

    def record_limit(
        self,
        results: Results,
        scenario: Scenario,
        ceiling: Ceiling,
        collect_s: float,
        required: b.Tree,
        held: int,
    ) -> None:
        """Local collect + (requests x RTT / 64 in flight) + bytes at the endpoint's byte rate;
        a request never counts less than the endpoint's own time for it."""
        requests = b.requests_needed(required) + b.list_pages(held)
        per_request = max(results.rtt_ms / 1000 / IN_FLIGHT, 1 / ceiling.puts_per_s)
        size = sum(o.size for o in required.values())
        limit = collect_s + requests * per_request + size / ceiling.bytes_per_s
        results.limits.setdefault(scenario.name, []).append(limit)
        results.collects.setdefault(scenario.name, []).append(collect_s)
        results.required[scenario.name] = (b.requests_needed(required), b.list_pages(held), size)

    def publish(
        self,
        results: Results,
        scenario: Scenario,
        contender: Contender,
        bucket: str,
        reference: b.Tree,
        collect_s: float,
        history: list[b.Tree],
    ) -> None:
        self.s3.clear()
        steps: dict[str, float] = {}
        if contender.key in SETTINGS:
            self.ws.write_sources(self.files, scenario.state)
            run = self.ws.collectstatic(
                bucket,
                SETTINGS[contender.key],
                BENCH_COLLECTFASTA_THREADS=str(COLLECTFASTA_THREADS),
            )
            seconds, steps = run.seconds, run.steps
            upload = steps.get("publish", steps.get("collect", seconds))
        else:
            if contender.key.startswith("rclone"):
                transfers = int(contender.key.removeprefix("rclone"))
                upload = peers.run_rclone(
                    self.reference, self.s3.endpoint_url, bucket, transfers, self.work
                )
            elif contender.key.startswith("s5cmd"):
                how = "cp" if contender.key == "s5cmdcp" else "sync"
                upload = peers.run_s5cmd(
                    self.reference, self.s3.endpoint_url, bucket, IN_FLIGHT, how
                )
            else:
                upload = peers.run_awscli(
                    self.reference, self.s3.endpoint_url, bucket, IN_FLIGHT, self.work
                )
            seconds = collect_s + upload
        log = self.s3.requests()
        if contender.key == "ours" and scenario.name in ("cold", "no change"):
            self.phases(results, scenario.name, bucket, seconds, len(log))
        with self.s3.at_rtt(0):
            after = b.remote_tree(self.client, bucket, PREFIX)
        traffic = b.Traffic.of(log, bucket, after, PREFIX)
        expected, problems = self.expected(contender, bucket, reference)
        history.append(expected)
        problems += b.gate(after, expected, history)
        cell = results.cell(scenario.name, contender.key)
        cell.seconds.append(seconds)
        cell.upload_seconds.append(upload)
        cell.steps.append(steps)
        cell.traffic.append(traffic)
        cell.problems += [
            f"RTT {results.rtt_ms}, {scenario.name}, {contender.label}: {p}" for p in problems
        ]
        verdict = "gates ok" if not problems else "GATES FAILED: " + "; ".join(problems)
        print(
            f"  {time.strftime('%H:%M:%S')} RTT {results.rtt_ms:>2} ms {scenario.name:<22} "
            f"{contender.label:<38} {seconds:6.2f} s {traffic.total:6d} requests "
            f"{traffic.bytes_up / 1e6:6.1f} MB up  {verdict}",
            flush=True,
        )

    def phases(self, results: Results, scenario: str, bucket: str, build_s: float, requests: int):
        """Heroku's build step (collectstatic, just measured) and release phase (the Procfile's
        `python manage.py publish_static` on the slug the build made): right after the build,
        on its bucket (after either build it finds everything there: no change), and on an
        empty bucket, as when a pipeline promotes the slug to an app with a bucket of its own
        (the release that uploads everything)."""
        results.phases.setdefault(("build", scenario), []).append((build_s, requests))
        targets = [("release, same bucket", bucket)]
        if scenario == "cold":
            fresh = f"{bucket}-promoted-{time.monotonic_ns()}"
            with self.s3.at_rtt(0):
                self.client.create_bucket(Bucket=fresh)
            targets.append(("release, empty bucket", fresh))
        for step, target in targets:
            self.s3.clear()
            run = self.ws.run("manage.py", "publish_static", env=self.ws.env(target, None))
            key = (step, "cold" if target != bucket else "no change")
            results.phases.setdefault(key, []).append((run.seconds, len(self.s3.requests())))
        self.s3.clear()

    def expected(
        self, contender: Contender, bucket: str, reference: b.Tree
    ) -> tuple[b.Tree, list[str]]:
        """What this release needs on the bucket, and any inconsistency in its manifests."""
        reference_paths = b.manifest_paths((self.reference / b.STATIC_MANIFEST).read_text())
        if contender.peer and contender.key != "collectfasta":
            return dict(reference), []  # the tools copy Django's tree as it is
        if contender.key != "ours":
            with self.s3.at_rtt(0):
                body = self.client.get_object(Bucket=bucket, Key=PREFIX + b.STATIC_MANIFEST)
                text = body["Body"].read().decode()
            problems = []
            if b.manifest_paths(text) != reference_paths:
                problems.append("the bucket's staticfiles.json differs from Django's own")
            expected = {n: o for n, o in reference.items() if n != b.STATIC_MANIFEST}
            return {**expected, b.STATIC_MANIFEST: b.ANY}, problems
        root = self.ws.project / "staticfiles"
        problems = []
        if not (root / b.STATIC_MANIFEST).exists():
            return {}, ["the slug has no staticfiles.json"]
        if b.manifest_paths((root / b.STATIC_MANIFEST).read_text()) != reference_paths:
            problems.append("staticfiles.json differs from Django's own")
        tree = b.local_tree(root)
        # The slug may keep fewer files than Django's tree (only what pages and the release
        # phase need); what it keeps must be Django's bytes.
        different = [
            n
            for n, o in tree.items()
            if n in reference and reference[n] != o and n != b.STATIC_MANIFEST
        ]
        if different:
            problems.append(f"{len(different)} file(s) in the slug differ from Django's own")
        bundles = b.bundles_in(root / b.COMPRESS_MANIFEST)
        missing = bundles - set(tree)
        if missing:
            problems.append(f"offline manifest names bundles the slug lacks: {sorted(missing)}")
        needed = {n: o for n, o in reference.items() if n != b.STATIC_MANIFEST}
        # Compressor's bundles, and the release index (releases/<id>.json) prune_static reads.
        needed |= {
            n: o
            for n, o in tree.items()
            if n.startswith(("CACHE/", "releases/")) and n != b.COMPRESS_MANIFEST
        }
        return needed, problems


# ----------------------------------------------------------------------------------- report


def seconds(samples: list[float]) -> str:
    if len(samples) == 1:
        return f"{samples[0]:.2f}"
    return f"{statistics.median(samples):.2f} ({min(samples):.2f}-{max(samples):.2f})"


def fastest_peer(results: Results, scenario: str) -> tuple[str, list[float]] | None:
    """The peer with the lowest median here, and per run the fastest peer's time."""
    found = [
        (key, cell)
        for (s, key), cell in results.cells.items()
        if s == scenario and BY_KEY[key].peer
    ]
    if not found:
        return None
    best = min(found, key=lambda kc: kc[1].median())[0]
    runs = min(len(c.seconds) for _, c in found)
    return best, [min(c.seconds[i] for _, c in found) for i in range(runs)]


def paired(values: list[float], against: list[float]) -> float:
    return statistics.median(v / a for v, a in zip(values, against, strict=False))


def ceiling_line(results: Results) -> str:
    c = results.ceilings
    best_rate = max(
        (
            t.total / u
            for cell in results.cells.values()
            for t, u in zip(cell.traffic, cell.upload_seconds, strict=False)
            if u > 0
        ),
        default=0.0,
    )
    puts = statistics.median(x.puts_per_s for x in c)
    return (
        f"Endpoint ceiling (trivial client, RTT 0, median of {len(c)} runs): {puts:,.0f} small "
        f"PUT/s with 64 connections, {statistics.median(x.bytes_per_s for x in c) / 1e6:,.0f} "
        f"MB/s, {statistics.median(x.list_page_s for x in c) * 1000:.0f} ms per LIST page of "
        f"1,000 keys; at RTT {results.rtt_ms} ms the network model passes "
        f"{statistics.median(x.modelled_puts_per_s for x in c):,.0f} PUT/s with 64 in flight. "
        f"Fastest contender's request rate during its upload phase: {best_rate:,.0f}/s "
        f"(ceiling ÷ that = {puts / best_rate if best_rate else float('inf'):.1f}x)."
    )


def publish_table(results: Results) -> str:
    rows = []
    for scenario in SCENARIOS:
        name = scenario.name
        if name not in results.limits:
            continue
        peer = fastest_peer(results, name)
        limit = results.limits[name]
        for contender in CONTENDERS:
            cell = results.cells.get((name, contender.key))
            if cell is None:
                continue
            totals = [t.total for t in cell.traffic]
            middle = cell.traffic[totals.index(sorted(totals)[(len(totals) - 1) // 2])]
            label = contender.label + (
                " **(fastest peer)**" if peer and peer[0] == contender.key else ""
            )
            rows.append(
                [
                    name,
                    label,
                    seconds(cell.seconds),
                    f"{paired(cell.seconds, peer[1]):.2f}" if peer else "-",
                    f"{paired(cell.seconds, limit):.2f}",
                    f"{middle.total:,}",
                    middle.by_kind(),
                    f"{statistics.median(t.bytes_up for t in cell.traffic) / 1e6:.1f}",
                    "ok" if not cell.problems else f"FAILED ({len(cell.problems)})",
                ]
            )
        uploads, pages, size = results.required[name]
        rows.append(
            [
                name,
                "**limit**",
                seconds(limit),
                "",
                "1.00",
                f"{uploads:,} + {pages} LIST",
                "",
                f"{size / 1e6:.1f}",
                "",
            ]
        )
    header = [
        "scenario",
        "contender",
        "wall s: median (min-max)",
        "÷ fastest peer (paired)",
        "÷ limit (paired)",
        "S3 requests",
        "by method",
        "MB up",
        "gates",
    ]
    return table(rows, header)


def steps_table(results: Results) -> str:
    rows = []
    for scenario in SCENARIOS:
        cell = results.cells.get((scenario.name, "ours"))
        if cell is None:
            continue
        parts = {
            s: statistics.median(st.get(s, 0.0) for st in cell.steps)
            for s in ("collect", "compress", "publish")
        }
        startup = statistics.median(
            total - sum(st.get(s, 0.0) for s in parts)
            for total, st in zip(cell.seconds, cell.steps, strict=True)
        )
        rows.append(
            [
                scenario.name,
                f"{cell.median():.2f}",
                f"{startup:.2f}",
                *(f"{v:.2f}" for v in parts.values()),
                f"{statistics.median(results.collects[scenario.name]):.2f}",
            ]
        )
    header = [
        "scenario",
        "this project",
        "interpreter, Django, exit",
        "collect",
        "compress",
        "publish",
        "Django's local collect (whole command)",
    ]
    return table(rows, header)


def phases_table(results: Results) -> str:
    """Heroku's build step and release phase for this project, each a process of its own."""
    what = {
        "build": "build: `collectstatic` (collect, compress, publish)",
        "release, same bucket": "release phase: `publish_static`, the build's bucket",
        "release, empty bucket": "release phase: `publish_static`, an empty bucket (promoted)",
    }
    rows = []
    for (step, scenario), samples in sorted(results.phases.items()):
        rows.append(
            [
                what[step],
                scenario,
                seconds([s for s, _ in samples]),
                f"{statistics.median(n for _, n in samples):,.0f}",
            ]
        )
    return table(rows, ["step", "scenario", "wall s", "S3 requests"])


def targets(all_results: list[Results], rendered: dict | None) -> list[tuple[str, str, bool]]:
    found = []
    for results in all_results:
        rtt = results.rtt_ms
        if rtt not in (20, 50):
            continue
        for scenario in SCENARIOS:
            ours = results.cells.get((scenario.name, "ours"))
            peer = fastest_peer(results, scenario.name)
            if ours and peer:
                ratio = paired(ours.seconds, peer[1])
                found.append(
                    (
                        f"RTT {rtt}: {scenario.name} <= 0.9x fastest peer ({peer[0]})",
                        f"{ratio:.2f}x",
                        ratio <= 0.9,
                    )
                )
        ours = results.cells.get(("cold", "ours"))
        if ours:
            ratio = paired(ours.seconds, results.limits["cold"])
            found.append((f"RTT {rtt}: cold <= 1.5x limit", f"{ratio:.2f}x", ratio <= 1.5))
        for scenario, allowed in (
            ("no change", 5),
            ("one JS changed", 15),
            ("one CSS image changed", 15),
        ):
            cell = results.cells.get((scenario, "ours"))
            if cell:
                most = max(t.total for t in cell.traffic)
                found.append(
                    (f"RTT {rtt}: {scenario} <= {allowed} requests", str(most), most <= allowed)
                )
    if rendered:
        ratio = rendered["ours"].ratio_to(rendered["local"])
        boto = sum(rendered["ours"].boto_calls.values()) + rendered["ours"].s3_requests
        found.append(("page render with S3 URLs <= 1.1x local", f"{ratio:.2f}x", ratio <= 1.1))
        found.append(("no boto call while rendering", str(boto), boto == 0))
    gates = sum(len(c.problems) for r in all_results for c in r.cells.values())
    found.append(("correctness gates, every publish", f"{gates} failure(s)", gates == 0))
    return found


def cpu_floor(ws: Workspace, s3: StandIn, count: int = 2000) -> str:
    """Seconds for botocore to sign and send `count` small PUTs at RTT 0, with and without
    `Expect: 100-continue`, at 16 and 64 threads; and for awscrt's S3 client, as the publish
    uses it (its own threads, no `Expect`)."""
    s3.set_rtt(0)
    rows = []
    for threads, expect in ((16, True), (64, True), (64, False), ("crt", False)):
        command = [ws.python, str(HERE / "cpu_floor.py"), s3.endpoint_url, str(count), str(threads)]
        out = subprocess.run(
            command + ([] if expect else ["--no-expect"]),
            capture_output=True,
            text=True,
            check=True,
        )
        data = json.loads(out.stdout)
        rows.append(
            [
                "awscrt S3Client" if threads == "crt" else f"botocore, {threads} threads",
                "yes" if expect else "no",
                f"{data['wall_s']:.2f}",
                f"{data['cpu_s']:.2f}",
                f"{data['per_s']:,.0f}",
            ]
        )
    header = [
        "client",
        "Expect: 100-continue",
        f"wall s for {count:,} PUTs",
        "CPU s",
        "requests/s",
    ]
    return table(rows, header)


def render_section(ws: Workspace, s3: StandIn, files: int) -> tuple[str, dict]:
    s3.set_rtt(0)
    s3.reset()
    ours, stock = "render-ours", "render-stock"
    client = s3.client()
    for name in (ours, stock):
        client.create_bucket(Bucket=name)
    ws.write_sources(files, SCENARIOS[-1].state)
    ws.collectstatic(ours, None)
    manifest = (ws.project / "staticfiles" / "staticfiles.json").read_bytes()
    client.put_object(Bucket=stock, Key="static/staticfiles.json", Body=manifest)
    chosen = render.variants(ours, stock)
    rendered = render.benchmark(ws, s3, chosen)  # type: ignore[arg-type]
    for result in rendered.values():
        for problem in result.problems:
            print(f"  RENDER CHECK FAILED: {problem}")
    from benchmarks.report import render_table

    title = (
        f"### Page render (RTT 0): 100 {{% static %}} tags, 2 {{% compress %}} blocks, "
        f"{render.RENDERS} renders x {render.BATCHES} batches x {render.PROCESSES} processes"
    )
    return f"{title}\n\n{render_table(rendered, chosen)}", rendered


def rclone_version() -> str:
    out = subprocess.run([peers.rclone(), "version"], capture_output=True, text=True, check=True)
    return out.stdout.split()[1]


def emit(sections: list[str], text: str, output: Path | None) -> None:
    sections.append(text)
    print(f"\n{text}\n", flush=True)
    if output:
        output.write_text("\n\n".join(sections) + "\n")


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--rtt", type=int, nargs="+", default=[0, 20, 50], help="ms per request")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="200 files, RTT 20 ms, 1 run")
    parser.add_argument("--only", nargs="+", choices=list(BY_KEY))
    parser.add_argument("--no-render", action="store_true")
    parser.add_argument("--no-stock", action="store_true")
    parser.add_argument("--rev", help="bake the template as committed at this git revision")
    parser.add_argument("--output", type=Path)
    args = parser.parse_args(argv)
    if args.quick:
        args.files, args.rtt, args.runs = 200, [20], 1
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    venv = bench_virtualenv()
    peers.awscli()
    peers.s5cmd()
    peers.rclone()
    work = Path(tempfile.mkdtemp(prefix="latency-bench-"))
    template = template_at(args.rev, work) if args.rev else TEMPLATE_ROOT
    chosen = [c for c in CONTENDERS if not args.only or c.key in args.only]
    if args.no_stock:
        chosen = [c for c in chosen if c.key != "stock"]
    sections: list[str] = []
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    command = shlex.join(
        ["python", "benchmarks/latency.py", *(sys.argv[1:] if argv is None else argv)]
    )
    emit(
        sections,
        f"`{command}` on {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC: "
        f"{os.cpu_count()} cores, load average {load} at the start; rclone "
        f"{rclone_version()}, s5cmd {peers.s5cmd_version()}, "
        f"{peers.AWSCLI}, Collectfasta 3.3.5.",
        args.output,
    )
    started = time.monotonic()
    all_results: list[Results] = []
    rendered = None
    try:
        with StandIn() as s3:
            project = bake(work / "project", args.files, template)
            ws = Workspace(project, venv, s3.endpoint_url)
            contest = LatencyContest(ws, s3, args.files, work)
            emit(
                sections,
                "### Client CPU floor (RTT 0)\n\n" + cpu_floor(ws, s3),
                args.output,
            )
            for rtt in args.rtt:
                results = Results(rtt)
                for run in range(args.runs):
                    print(f"RTT {rtt} ms, run {run + 1} of {args.runs}:", flush=True)
                    contest.run(results, run, chosen)
                all_results.append(results)
                emit(
                    sections,
                    f"### RTT {rtt} ms, {args.files:,} files, {args.runs} run(s)\n\n"
                    f"{ceiling_line(results)}\n\n{publish_table(results)}\n\n"
                    f"Where this project's time goes (medians, s):\n\n{steps_table(results)}"
                    + (
                        f"\n\nHeroku's build step and release phase, this project:\n\n"
                        f"{phases_table(results)}"
                        if results.phases
                        else ""
                    ),
                    args.output,
                )
            if not args.no_render:
                text, rendered = render_section(ws, s3, args.files)
                emit(sections, text, args.output)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    found = targets(all_results, rendered)
    verdict = {True: "yes", False: "**no**"}
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    emit(
        sections,
        "### Targets\n\n"
        + table([[w, v, verdict[m]] for w, v, m in found], ["target", "measured", "holds"])
        + f"\n\nTook {(time.monotonic() - started) / 60:.1f} "
        f"min; load average {load} at the end.",
        args.output,
    )
    return 1 if any("gates" in w and not m for w, _, m in found) else 0


if __name__ == "__main__":
    sys.exit(main())
