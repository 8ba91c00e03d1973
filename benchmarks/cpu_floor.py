"""The client's CPU floor: seconds for botocore to sign and send N small PutObject requests to
an endpoint with no latency (the S3 stand-in at RTT 0), from one process with a pool of threads.

Run with the benchmark virtualenv's interpreter (the project's own boto3):
    python benchmarks/cpu_floor.py <endpoint> <requests> <threads> [--no-expect]
Prints JSON: wall seconds, CPU seconds (user + system) and requests per second.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import boto3
from botocore.config import Config

BODY = b"s" * 2048


def drop_expect(params, **_) -> None:
    params["headers"].pop("Expect", None)  # as assets/clients.py does


def main(endpoint: str, count: int, threads: int, expect: bool) -> None:
    config = Config(
        max_pool_connections=threads,
        s3={"addressing_style": "path"},
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
    )
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=config,
    )
    if not expect:
        client.meta.events.register_last("before-call.s3", drop_expect)
    bucket = f"cpu-floor-{time.time_ns()}"
    client.create_bucket(Bucket=bucket)

    def put(i: int) -> None:
        client.put_object(Bucket=bucket, Key=f"f/{i}.css", Body=BODY, ContentType="text/css")

    before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(put, range(count)))
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    print(json.dumps({"wall_s": wall, "cpu_s": cpu, "per_s": count / wall}))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), "--no-expect" not in sys.argv)
