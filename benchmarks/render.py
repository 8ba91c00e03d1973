"""The second benchmark: render time of a page with 100 {% static %} tags and {% compress %}
blocks, with S3 URLs (production) against the same page with local URLs."""

from __future__ import annotations

import json
import statistics
from dataclasses import dataclass, field

from benchmarks.workspace import PAGE, Workspace
from tests.support.s3server import S3Server

RENDERS = 50  # per timed batch
BATCHES = 5  # per process; the best batch counts (load from other processes only adds time)
PROCESSES = 7  # per variant, in back-to-back groups whose order alternates


@dataclass(frozen=True)
class Variant:
    key: str
    label: str
    settings: str | None
    bucket: str


@dataclass
class Rendered:
    seconds: list[float] = field(default_factory=list)
    boto_calls: dict[str, float] = field(default_factory=dict)
    s3_requests: int = 0
    problems: list[str] = field(default_factory=list)

    def median(self) -> float:
        return statistics.median(self.seconds)

    def ratio_to(self, other: Rendered) -> float:
        """Median of the ratios of processes run back to back: the load of a shared machine
        drifts over minutes, much less between two neighbouring processes."""
        return statistics.median(a / b for a, b in zip(self.seconds, other.seconds, strict=True))


def variants(ours: str, stock: str) -> list[Variant]:
    return [
        Variant("local", "local storage (/static/)", "bench_local_static", ours),
        Variant("ours", "production: S3 URLs (this project)", None, ours),
        Variant("stock", "stock S3ManifestStaticStorage, for reference", "bench_stock", stock),
    ]


def benchmark(ws: Workspace, s3: S3Server, chosen: list[Variant]) -> dict[str, Rendered]:
    results = {v.key: Rendered() for v in chosen}
    for group in range(PROCESSES):
        for variant in chosen if group % 2 == 0 else reversed(chosen):
            s3.clear()
            env = ws.env(variant.bucket, variant.settings)
            run = ws.run("bench_render_page.py", PAGE, str(RENDERS), str(BATCHES), env=env)
            data = json.loads(run.output)
            result = results[variant.key]
            result.seconds.append(data["best_s"])
            result.boto_calls = data["boto_calls_per_render"]
            result.s3_requests = max(result.s3_requests, s3.count())
            result.problems += check_urls(data["html"], variant, ws.endpoint_url)
    return results


def check_urls(html: str, variant: Variant, endpoint_url: str) -> list[str]:
    """Every {% static %} URL and bundle points where the variant says files are served from."""
    base = "/static/" if variant.key == "local" else f"{endpoint_url}/{variant.bucket}/static/"
    served = html.count(f'"{base}')
    if served < 100:
        return [f"{variant.label}: only {served} URLs start with {base}"]
    if variant.key != "stock" and f'"{base}CACHE/' not in html:
        return [f"{variant.label}: the page has no offline bundle"]
    return []
