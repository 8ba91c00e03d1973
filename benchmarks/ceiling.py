"""What the S3 server itself can take, measured just before the contenders run: the physical
limit that no publisher can beat on this machine."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from botocore.config import Config

from benchmarks.bucket import Tree, requests_needed

BUCKET = "ceiling"
SMALL = b"s" * 2048
LARGE = b"L" * 1024 * 1024
THREADS = (8, 16)  # the best of these is the ceiling; more only adds contention on 2 cores


@dataclass(frozen=True)
class Ceiling:
    puts_per_s: float  # small PUTs, from one process with a pool of threads
    bytes_per_s: float  # 1 MiB PUTs
    list_page_s: float  # one LIST page of 1,000 keys

    def upload_seconds(self, files: Tree) -> float:
        """The least time uploading these files can take: each request at the PUT rate, plus
        their bytes at the byte rate."""
        size = sum(o.size for o in files.values())
        return requests_needed(files) / self.puts_per_s + size / self.bytes_per_s


def _rate(threads: int, count: int, call: Callable[[int], Any]) -> float:
    started = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(call, range(count)))
    return count / (time.perf_counter() - started)


def measure(client_factory: Callable[..., Any], puts: int = 600) -> Ceiling:
    """PUT rate at a few pool sizes (the best counts), byte rate, and the time of a LIST page."""
    client = client_factory(config=Config(max_pool_connections=max(THREADS)))
    client.create_bucket(Bucket=BUCKET)

    def put(key: str, body: bytes) -> None:
        client.put_object(Bucket=BUCKET, Key=key, Body=body)

    put_rates = [_rate(t, puts, lambda i, t=t: put(f"small-{t}/{i}", SMALL)) for t in THREADS]
    large_rate = _rate(8, 24, lambda i: put(f"large/{i}", LARGE))
    pages = []
    for _ in range(5):  # the bucket now holds more than 1,000 keys: a full page each time
        started = time.perf_counter()
        client.list_objects_v2(Bucket=BUCKET, MaxKeys=1000)
        pages.append(time.perf_counter() - started)
    return Ceiling(max(put_rates), large_rate * len(LARGE), statistics.median(pages))
