"""The publishing benchmark proper: contenders, scenarios, runs, gates, and their results."""

from __future__ import annotations

import shutil
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks import bucket as b
from benchmarks.ceiling import Ceiling, measure
from benchmarks.fixture import State
from benchmarks.workspace import Run, Workspace
from tests.support.s3server import S3Server

PREFIX = "static/"


@dataclass(frozen=True)
class Contender:
    key: str
    label: str
    settings: str | None  # None: the project's own production settings, as Heroku runs it


CONTENDERS = (
    Contender("stock", "(a) stock S3ManifestStaticStorage", "bench_stock"),
    Contender("collectfasta", "(b) collectfasta", "bench_collectfasta"),
    Contender("ours", "(c) this project", None),
)


@dataclass(frozen=True)
class Scenario:
    name: str
    state: State


# In this order on one bucket per contender: each release builds on the one before.
SCENARIOS = (
    Scenario("cold", State()),
    Scenario("no change", State()),
    Scenario("one JS changed", State(js_changed=True)),
    Scenario("one CSS image changed", State(js_changed=True, image_changed=True)),
)


@dataclass
class Measured:
    """One contender in one scenario: a sample per run."""

    runs: list[Run] = field(default_factory=list)
    traffic: list[b.Traffic] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def median(self) -> float:
        return statistics.median(r.seconds for r in self.runs)

    def step(self, name: str) -> float:
        return statistics.median(r.steps.get(name, 0.0) for r in self.runs)


@dataclass
class Limit:
    """The physical limit of one scenario: a sample per run."""

    local_collect: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    required: b.Tree = field(default_factory=dict)
    list_pages: int = 1

    def median(self) -> float:
        return statistics.median(self.seconds)

    def ratio(self, cell: Measured) -> float:
        """Median over runs of the cell's time over the same run's limit (measured minutes
        apart, so both see much the same load on a shared machine)."""
        pairs = zip(cell.runs, self.seconds, strict=False)
        return statistics.median(run.seconds / limit for run, limit in pairs)


@dataclass
class Results:
    files: int
    measured: dict[tuple[str, str], Measured] = field(default_factory=dict)
    limits: dict[str, Limit] = field(default_factory=dict)
    ceilings: list[Ceiling] = field(default_factory=list)

    def cell(self, scenario: str, contender: str) -> Measured:
        return self.measured.setdefault((scenario, contender), Measured())


@dataclass
class History:
    """What one contender's bucket should hold: the files of each release so far."""

    releases: list[b.Tree] = field(default_factory=list)


class Contest:
    def __init__(self, ws: Workspace, s3: S3Server, files: int, work: Path) -> None:
        self.ws, self.s3, self.files, self.work = ws, s3, files, work
        self.results = Results(files)
        self.client = s3.client()

    def run(self, number: int, contenders: list[Contender]) -> None:
        """One run: a fresh server, the ceiling, then every scenario for every contender."""
        self.s3.reset()
        ceiling = measure(self.s3.client)
        self.results.ceilings.append(ceiling)
        buckets = {c.key: f"{c.key}-run{number}" for c in contenders}
        for name in buckets.values():
            self.ws.run("manage.py", "prepare_bucket", env=self.ws.env(name, None))
        histories = {c.key: History() for c in contenders}
        minimal: b.Tree = {}
        # Rotating the order spreads slow spells of a shared machine over all contenders.
        order = contenders[number % len(contenders) :] + contenders[: number % len(contenders)]
        for scenario in SCENARIOS:
            expected, local_seconds = self.local_collect(scenario.state)
            required_tree = {n: o for n, o in expected.items() if n != b.STATIC_MANIFEST}
            self.record_limit(scenario, ceiling, local_seconds, required_tree, minimal)
            minimal = {**minimal, **required_tree}
            for contender in order:
                bucket = buckets[contender.key]
                self.publish(scenario, contender, bucket, expected, histories[contender.key])

    def local_collect(self, state: State) -> tuple[b.Tree, float]:
        """Django's manifest storage to a local folder: the reference tree and its time."""
        self.ws.write_sources(self.files, state)
        root = self.work / "reference"
        shutil.rmtree(root, ignore_errors=True)
        run = self.ws.collectstatic("unused", "bench_local_collect", BENCH_STATIC_ROOT=str(root))
        return b.local_tree(root), run.seconds

    def record_limit(
        self, scenario: Scenario, ceiling: Ceiling, local: float, tree: b.Tree, before: b.Tree
    ) -> None:
        """Local collect + the LIST pages of what the bucket holds + the required uploads."""
        required = b.changed(tree, before)
        limit = self.results.limits.setdefault(scenario.name, Limit())
        limit.local_collect.append(local)
        limit.required = required
        limit.list_pages = b.list_pages(len(before))
        upload = ceiling.upload_seconds(required)
        limit.seconds.append(local + limit.list_pages * ceiling.list_page_s + upload)

    def publish(
        self,
        scenario: Scenario,
        contender: Contender,
        bucket: str,
        reference: b.Tree,
        history: History,
    ) -> None:
        self.ws.write_sources(self.files, scenario.state)
        self.s3.clear()
        run = self.ws.collectstatic(bucket, contender.settings)
        log = self.s3.requests()
        after = b.remote_tree(self.client, bucket, PREFIX)
        traffic = b.Traffic.of(log, bucket, after, PREFIX)
        expected, problems = self.expected(contender, bucket, reference)
        history.releases.append(expected)
        problems += b.gate(after, expected, history.releases)
        cell = self.results.cell(scenario.name, contender.key)
        cell.runs.append(run)
        cell.traffic.append(traffic)
        cell.problems += [f"{scenario.name}, {contender.label}: {p}" for p in problems]
        verdict = "gates ok" if not problems else "GATES FAILED: " + "; ".join(problems)
        megabytes = traffic.bytes_up / 1e6
        print(
            f"  {time.strftime('%H:%M:%S')} {scenario.name:<22} {contender.label:<34} "
            f"{run.seconds:6.2f} s {traffic.total:6d} requests {megabytes:6.1f} MB up  {verdict}",
            flush=True,
        )

    def expected(
        self, contender: Contender, bucket: str, reference: b.Tree
    ) -> tuple[b.Tree, list[str]]:
        """The files this release needs on the bucket, and any inconsistency in its manifests."""
        reference_manifest = b.manifest_paths(
            (self.work / "reference" / b.STATIC_MANIFEST).read_text()
        )
        if contender.settings is not None:
            # Stock and collectfasta keep the manifest on the bucket, overwritten by each release.
            body = self.client.get_object(Bucket=bucket, Key=PREFIX + b.STATIC_MANIFEST)["Body"]
            problems = []
            if b.manifest_paths(body.read().decode()) != reference_manifest:
                problems.append("the bucket's staticfiles.json differs from Django's own")
            expected = {n: o for n, o in reference.items() if n != b.STATIC_MANIFEST}
            # Its bytes (key order) differ from a local run's; its paths were compared above.
            return {**expected, b.STATIC_MANIFEST: b.ANY}, problems
        root = self.ws.project / "staticfiles"
        tree = b.local_tree(root)
        problems = []
        if b.manifest_paths((root / b.STATIC_MANIFEST).read_text()) != reference_manifest:
            problems.append("staticfiles.json differs from Django's own")
        different = [n for n, o in reference.items() if tree.get(n) != o and n != b.STATIC_MANIFEST]
        if different:
            problems.append(f"{len(different)} collected file(s) differ from Django's own")
        missing_bundles = b.bundles_in(root / b.COMPRESS_MANIFEST) - set(tree)
        if missing_bundles:
            problems.append(f"offline manifest names missing bundles: {sorted(missing_bundles)}")
        release_files = {b.STATIC_MANIFEST, b.COMPRESS_MANIFEST}
        return {n: o for n, o in tree.items() if n not in release_files}, problems
