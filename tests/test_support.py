"""The test-support servers behave like the real things the suite relies on."""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import botocore.exceptions
import psycopg
import pytest
from botocore.config import Config

from tests.support.postgres import PostgresCluster
from tests.support.s3server import S3Server

BUCKET = "assets"
ORIGIN = "https://app.example.com"
# total_max_attempts counts the first try; botocore's max_attempts would still allow one retry.
NO_RETRIES = Config(retries={"mode": "standard", "total_max_attempts": 1})
PUBLIC_STATIC_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": f"arn:aws:s3:::{BUCKET}/static/*",
        }
    ],
}


@pytest.fixture(scope="module")
def server() -> Iterator[S3Server]:
    with S3Server() as s3:
        yield s3


@pytest.fixture
def s3(server: S3Server) -> S3Server:
    """The shared server, emptied, with one bucket holding a static and a media file."""
    server.reset()
    client = server.client()
    client.create_bucket(Bucket=BUCKET)
    client.put_object(Bucket=BUCKET, Key="static/app.css", Body=b"body{}")
    client.put_object(Bucket=BUCKET, Key="media/avatar.png", Body=b"\x89PNG")
    server.clear()
    return server


def anonymous_get(
    s3: S3Server, path: str, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str]]:
    """An unsigned GET, as a browser would send it: (status, lower-cased headers)."""
    url = urlsplit(s3.endpoint_url)
    conn = http.client.HTTPConnection(url.hostname or "", url.port, timeout=10)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}
    finally:
        conn.close()


def test_one_put_object_is_logged_as_exactly_one_put(s3: S3Server) -> None:
    s3.client().put_object(Bucket=BUCKET, Key="static/site.js", Body=b"1")

    # A plain boto3 client asks for 100-continue; the log records it (the publish must not).
    assert s3.requests() == [
        {
            "method": "PUT",
            "path": f"/{BUCKET}/static/site.js",
            "query": "",
            "status": 200,
            "expect": "100-continue",
        }
    ]
    assert (s3.count("PUT"), s3.count("GET")) == (1, 0)


def test_503_fault_makes_boto3_retry_until_it_passes(s3: S3Server) -> None:
    s3.set_faults(status=503, methods=["PUT"], count=2)

    s3.client().put_object(Bucket=BUCKET, Key="static/site.js", Body=b"1")

    assert [r["status"] for r in s3.requests("PUT")] == [503, 503, 200]


def test_fault_window_honours_after_and_path(s3: S3Server) -> None:
    s3.set_faults(status=500, methods=["PUT"], after=1, count=1, path_contains="media/")
    client = s3.client(config=NO_RETRIES)

    client.put_object(Bucket=BUCKET, Key="static/a.css", Body=b"1")  # path does not match
    client.put_object(Bucket=BUCKET, Key="media/a.png", Body=b"1")  # the one let through
    with pytest.raises(botocore.exceptions.ClientError) as failure:
        client.put_object(Bucket=BUCKET, Key="media/b.png", Body=b"1")
    client.put_object(Bucket=BUCKET, Key="media/c.png", Body=b"1")  # window closed

    assert failure.value.response["Error"]["Code"] == "InternalError"
    assert [r["status"] for r in s3.requests("PUT")] == [200, 200, 500, 200]


def test_anonymous_reads_follow_the_bucket_policy(s3: S3Server) -> None:
    assert anonymous_get(s3, f"/{BUCKET}/static/app.css")[0] == 403

    s3.client().put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(PUBLIC_STATIC_POLICY))

    assert anonymous_get(s3, f"/{BUCKET}/static/app.css")[0] == 200
    assert anonymous_get(s3, f"/{BUCKET}/media/avatar.png")[0] == 403


def test_allow_origin_comes_only_from_the_bucket_cors_rule(s3: S3Server) -> None:
    client = s3.client()
    client.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(PUBLIC_STATIC_POLICY))
    path = f"/{BUCKET}/static/app.css"
    assert "access-control-allow-origin" not in anonymous_get(s3, path, {"Origin": ORIGIN})[1]

    rule = {"AllowedOrigins": [ORIGIN], "AllowedMethods": ["GET"]}
    client.put_bucket_cors(Bucket=BUCKET, CORSConfiguration={"CORSRules": [rule]})

    _, headers = anonymous_get(s3, path, {"Origin": ORIGIN})
    assert headers["access-control-allow-origin"] == ORIGIN
    _, other = anonymous_get(s3, path, {"Origin": "https://elsewhere.example"})
    assert "access-control-allow-origin" not in other


def test_restart_after_a_crash_serves_again_with_empty_state(s3: S3Server) -> None:
    client = s3.client(config=NO_RETRIES)
    s3.kill()
    with pytest.raises(botocore.exceptions.EndpointConnectionError):
        client.list_buckets()

    s3.restart()

    assert client.list_buckets()["Buckets"] == []
    assert s3.requests() == [{"method": "GET", "path": "/", "query": "", "status": 200}]


def test_postgres_cluster_creates_a_usable_database() -> None:
    with PostgresCluster() as pg:
        url = pg.create_database("app")
        assert url == f"postgres://postgres@127.0.0.1:{pg.port}/app"
        with psycopg.connect(url) as conn:
            conn.execute("CREATE TABLE note (id serial PRIMARY KEY, body text)")
            conn.execute("INSERT INTO note (body) VALUES ('hello')")
        with psycopg.connect(url) as conn:
            assert conn.execute("SELECT body FROM note").fetchall() == [("hello",)]
            assert conn.execute("SHOW listen_addresses").fetchone() == ("127.0.0.1",)
        root = pg.root
    assert root is not None and not root.exists()


def test_the_fast_tier_names_only_tests_that_exist() -> None:
    """A renamed module or test would silently leave the fast tier; this names it instead."""
    from tests.conftest import FAST

    tests = Path(__file__).parent
    missing = []
    for entry in sorted(FAST):
        module, _, test = entry.partition("::")
        path = tests / f"{module}.py"
        if not path.exists() or (test and f"def {test}(" not in path.read_text()):
            missing.append(entry)
    assert missing == []
