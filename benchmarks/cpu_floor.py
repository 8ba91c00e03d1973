"""The client's CPU floor: seconds for botocore to sign and send N small PutObject requests to
an endpoint with no latency (the S3 stand-in at RTT 0), from one process with a pool of threads.

Run with the benchmark virtualenv's interpreter (the project's own boto3):
    python benchmarks/cpu_floor.py <endpoint> <requests> <threads> [--no-expect]
    python benchmarks/cpu_floor.py <endpoint> <requests> crt   # awscrt's S3 client, as the
                                                               # publish uses it (crt_uploads.py)
Prints JSON: wall seconds, CPU seconds (user + system) and requests per second.
"""

from __future__ import annotations

import json
import resource
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import boto3
from botocore.config import Config

BODY = b"s" * 2048


def drop_expect(params, **_) -> None:
    params["headers"].pop("Expect", None)  # as assets/clients.py does


def small_files(count: int) -> Path:
    files = Path(tempfile.mkdtemp(prefix="cpu-floor-"))
    for i in range(count):
        (files / f"{i}.css").write_bytes(BODY)
    return files


def crt_puts(endpoint: str, bucket: str, files: Path, count: int) -> None:
    """PutObjects of files on disk through awscrt's S3 client, configured as the publish's."""
    from awscrt import auth, http, s3

    region = "us-east-1"
    provider = auth.AwsCredentialsProvider.new_static("testing", "testing")
    client = s3.S3Client(
        region=region,
        signing_config=s3.create_default_s3_signing_config(
            region=region, credential_provider=provider
        ),
        tls_mode=s3.S3RequestTlsMode.DISABLED,
        throughput_target_gbps=40.0,
    )
    host = urlsplit(endpoint).netloc
    done = threading.Semaphore(0)
    failed = []

    def on_done(error=None, **_) -> None:
        if error:
            failed.append(error)
        done.release()

    for i in range(count):
        headers = [("Host", host), ("Content-Type", "text/css"), ("Content-Length", str(len(BODY)))]
        client.make_request(
            type=s3.S3RequestType.PUT_OBJECT,
            request=http.HttpRequest("PUT", f"/{bucket}/f/{i}.css", http.HttpHeaders(headers)),
            send_filepath=str(files / f"{i}.css"),
            on_done=on_done,
        )
    for _ in range(count):
        done.acquire()
    if failed:
        raise SystemExit(f"{len(failed)} PUT(s) failed: {failed[0]}")


def main(endpoint: str, count: int, threads: int | None, expect: bool) -> None:
    config = Config(
        max_pool_connections=threads or 10,
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

    files = small_files(count) if threads is None else None
    before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    if files:
        crt_puts(endpoint, bucket, files, count)
    else:
        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(put, range(count)))
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    print(json.dumps({"wall_s": wall, "cpu_s": cpu, "per_s": count / wall}))


if __name__ == "__main__":
    crt = sys.argv[3] == "crt"
    threads = None if crt else int(sys.argv[3])
    main(sys.argv[1], int(sys.argv[2]), threads, not crt and "--no-expect" not in sys.argv)
