"""Fixtures for both suites, tests/ and the demo's demo/tests/: a real S3 endpoint (moto's
server, reached over HTTP as a bucket is) behind the media storage."""

import contextlib
import socket

import pytest
from django.core.files.storage import default_storage
from moto.server import ThreadedMotoServer

BUCKET = "uploads-test"


@pytest.fixture(scope="session")
def s3_endpoint():
    """moto's S3 server on a free loopback port, reached over HTTP as a real bucket is."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint, settings):
    """Media storage on a fresh bucket, as production configures it; yields its client, which
    logs each S3 operation the site calls (name and parameters) in `client.calls`."""
    settings.DIRECT_UPLOADS = True
    settings.UPLOAD_ALLOWED_EXTENSIONS = ["png", "txt", "svg"]
    options = {
        "bucket_name": BUCKET,
        "endpoint_url": s3_endpoint,
        "access_key": "testing",
        "secret_key": "testing",
        "region_name": "us-east-1",
        "location": "media",
        "file_overwrite": False,
    }
    backend = "{{ cookiecutter.project_slug }}.uploads.UploadStorage"
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": backend, "OPTIONS": options}}
    client = default_storage.connection.meta.client
    with contextlib.suppress(client.exceptions.BucketAlreadyOwnedByYou):
        client.create_bucket(Bucket=BUCKET)
    for key in media_keys(client):  # what an earlier test left
        client.delete_object(Bucket=BUCKET, Key=key)
    client.calls = []
    client.meta.events.register(
        "before-parameter-build.s3",
        lambda params, model, **_: client.calls.append((model.name, dict(params))),
    )
    return client


def media_keys(client) -> list[str]:
    listed = client.list_objects_v2(Bucket=BUCKET, Prefix="media/").get("Contents", [])
    return sorted(item["Key"] for item in listed)
