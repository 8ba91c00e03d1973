"""Uploads shared with helper processes, for publishes of many files.

botocore spends over a millisecond of CPU on every request (building, signing, parsing) and holds
the GIL while it does, so one process tops out near 700 small PUTs a second however many of its
threads wait on the network: a cold publish of a few thousand files is bound by one core. Helper
processes, each with its own client made by bucket_client() (so with AWS_S3_CLIENT_CONFIG), take
files from the same queue as the main process's threads. A helper costs about half a second of
CPU to start (Python, Django, a client), so it is started only for many uploads.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import threading
from collections.abc import Callable, Iterator

from assets.publish import LocalFile, PublishError, upload

# Seconds without a finished upload after which the publish gives up (each request has its own
# timeouts and retries in the client; this only bounds a helper that hangs).
STALLED = 600.0


def helpers_available() -> int:
    """Processes besides this one that can upload at once: one per other CPU core, at most 3."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(0, min((cores or 1) - 1, 3))


def _work(client, bucket: str, prefix: str, tasks, done, stop: threading.Event) -> None:
    """Upload files from `tasks` until its end marker (None); report each on `done`."""
    while not stop.is_set():
        item = tasks.get()
        if item is None:
            return
        index, file = item
        try:
            upload(client, bucket, f"{prefix}/{file.name}", file)
            done.put((index, None))
        except PublishError as error:
            done.put((index, str(error)))
        except Exception as error:  # anything else would leave the main process waiting
            done.put((index, f"uploading {file.name} failed: {error!r}"))


def _run_threads(count: int, target: Callable[[], None]) -> list[threading.Thread]:
    threads = [threading.Thread(target=target, daemon=True) for _ in range(count)]
    for thread in threads:
        thread.start()
    return threads


def serve(tasks, done, bucket: str, prefix: str, threads: int) -> None:
    """A helper process: Django's settings, a client of its own, `threads` uploading threads."""
    import django

    django.setup()
    from assets.clients import bucket_client

    client = bucket_client(threads)
    stop = threading.Event()
    for thread in _run_threads(threads, lambda: _work(client, bucket, prefix, tasks, done, stop)):
        thread.join()


def upload_shared(
    client, bucket: str, prefix: str, files: list[LocalFile], workers: int, helpers: int
) -> Iterator[LocalFile]:
    """Upload `files` with `workers` requests in flight, spread over this process and
    `helpers` others; yield each file once it is in place. The first failure stops all."""
    context = multiprocessing.get_context("spawn")  # no fork of a process that has threads
    tasks, done = context.Queue(), context.Queue()
    # After a failure, what is left in the queues must not hold this process at its exit.
    tasks.cancel_join_thread()
    done.cancel_join_thread()
    per_process = max(1, workers // (helpers + 1))
    for item in enumerate(files):
        tasks.put(item)
    for _ in range(per_process * (helpers + 1)):
        tasks.put(None)  # one end marker per uploading thread, in every process
    processes = [
        context.Process(
            target=serve,
            args=(tasks, done, bucket, prefix, per_process),
            name=f"upload-helper-{number}",
            daemon=True,
        )
        for number in range(helpers)
    ]
    for process in processes:
        process.start()
    stop = threading.Event()
    _run_threads(per_process, lambda: _work(client, bucket, prefix, tasks, done, stop))
    try:
        for _ in files:
            index, error = _next_result(done, processes)
            if error:
                raise PublishError(error)
            yield files[index]
    finally:
        stop.set()
        for process in processes:
            process.terminate()
            process.join()


def _next_result(done, processes: list) -> tuple[int, str | None]:
    for _ in range(int(STALLED)):
        try:
            return done.get(timeout=1.0)
        except queue.Empty:
            failed = [p for p in processes if p.exitcode not in (None, 0)]
            if failed:
                raise PublishError(
                    f"an upload helper process stopped (exit code {failed[0].exitcode})"
                ) from None
    raise PublishError(f"no upload finished for {STALLED:.0f} seconds")
