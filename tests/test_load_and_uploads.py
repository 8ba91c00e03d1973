"""Hostile uploads through the real form (by signed-in staff, the only ones who may upload in
production), and the site under load without touching S3."""

from __future__ import annotations

import itertools
import os
import re
import subprocess
from pathlib import Path

from tests.support.serving import Visitor, create_staff, web

HOSTILE_NAMES = [
    "../../../etc/passwd.txt",
    "/absolute/path/report.pdf",
    "..\\..\\windows\\system32.dll",
    "Café Société résumé.txt",
    "name with   spaces.txt",
    "bell\x07tab\tname.txt",
    "x" * 300 + ".txt",
    "report.pdf",
    "report.pdf",  # the same name again must not replace the first
]
KEY = re.compile(r"^media/uploads/\d{4}/\d{2}/[\w-]{1,60}-[0-9a-f]{8}(\.[\w-]{1,10})?$")
BIG_FILE_MB = 50
# These names' types, and a file above the default size limit, are allowed for this test.
UPLOAD_RULES = {"UPLOAD_ALLOWED_EXTENSIONS": "pdf,txt,dll,bin", "UPLOAD_MAX_BYTES": str(64 * 2**20)}
_databases = itertools.count()


def worker_peak_rss_mb(port: int) -> float:
    """Peak resident memory of the gunicorn worker serving `port` (the master's only child)."""
    pids = [
        pid
        for pid in os.listdir("/proc")
        if pid.isdigit() and f"PORT={port}".encode() in _environ(pid)
    ]
    parents = {pid: _status(pid).get("PPid") for pid in pids}
    workers = [pid for pid, parent in parents.items() if parent in parents]
    assert len(workers) == 1, parents
    return int(_status(workers[0])["VmHWM"].split()[0]) / 1024


def _environ(pid: str) -> bytes:
    try:
        return Path(f"/proc/{pid}/environ").read_bytes()
    except OSError:
        return b""


def _status(pid: str) -> dict[str, str]:
    lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    return dict(line.split(":\t", 1) for line in lines if ":\t" in line)


def test_hostile_uploads_stay_under_the_media_prefix(production, s3, tmp_path):
    project, env = production
    bucket = env["AWS_STORAGE_BUCKET_NAME"]
    project.manage("prepare_bucket", env=env)
    project.manage("collectstatic", "--noinput", env=env)
    project.manage("migrate", "--noinput", env=env)
    create_staff(project, env)
    big = tmp_path / "big.bin"
    with big.open("wb") as handle:
        handle.truncate(BIG_FILE_MB * 1024 * 1024)

    with web(project, {**env, **UPLOAD_RULES}, WEB_CONCURRENCY="1") as base_url:
        port = int(base_url.rsplit(":", 1)[1])
        staff = Visitor(base_url).sign_in()
        for number, name in enumerate(HOSTILE_NAMES):
            response = staff.upload(f"Upload {number}", name, b"content %d" % number)
            assert response.status_code == 302, (name, response.text[:300])
        before = worker_peak_rss_mb(port)
        with big.open("rb") as body:
            assert staff.upload("Big", "big.bin", body).status_code == 302
        growth = worker_peak_rss_mb(port) - before
        page = staff.request("GET", "/").text

    objects = s3.client().list_objects_v2(Bucket=bucket, Prefix="media/")["Contents"]
    keys = [o["Key"] for o in objects]
    assert len(keys) == len(HOSTILE_NAMES) + 1, "an upload replaced another"
    assert all(KEY.match(key) for key in keys), keys
    everything = s3.client().list_objects_v2(Bucket=bucket)["KeyCount"]
    static = s3.client().list_objects_v2(Bucket=bucket, Prefix="static/")["KeyCount"]
    assert everything == static + len(keys), "an object landed outside media/ and static/"
    assert max(o["Size"] for o in objects) == BIG_FILE_MB * 1024 * 1024
    print(f"\nworker peak memory grew {growth:.1f} MB for a {BIG_FILE_MB} MB upload")
    # Measured 9.5-11 MB alone and up to 26 MB on a loaded machine; buffering the upload (as
    # boto3's threaded transfer did) grew it by 67 MB.
    assert growth < BIG_FILE_MB * 0.7, f"the worker grew {growth:.0f} MB: the upload was buffered"
    assert "Upload 0" in page and "/etc/passwd" not in page


def test_the_start_page_under_load_makes_no_s3_requests(production, s3, postgres, worker_id):
    project, env = production
    env = {**env, "DATABASE_URL": postgres.create_database(f"load_{worker_id}_{next(_databases)}")}
    project.manage("prepare_bucket", env=env)
    project.manage("collectstatic", "--noinput", env=env)
    project.manage("migrate", "--noinput", env=env)
    create_staff(project, env)
    seconds = os.environ.get("LOAD_SECONDS", "30")
    with web(project, env) as base_url:
        staff = Visitor(base_url).sign_in()
        for number in range(3):  # uploads exist, though visitors are not shown them
            assert staff.upload(f"Upload {number}", f"file{number}.txt", b"x").status_code == 302
        s3.clear()
        wrk = subprocess.run(
            [
                "wrk",
                "-t2",
                "-c50",
                f"-d{seconds}s",
                # On a busy CI machine a request may take longer than wrk's default 2 s.
                "--timeout",
                "10s",
                "--latency",
                "-H",
                "X-Forwarded-Proto: https",
                base_url + "/",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    print(f"\nload on the start page (50 connections, {seconds} s):\n{wrk}")
    assert "Non-2xx or 3xx responses" not in wrk
    assert "Socket errors" not in wrk
    assert float(re.search(r"Requests/sec:\s+([\d.]+)", wrk).group(1)) > 0
    assert s3.requests() == [], "page views reached S3"
