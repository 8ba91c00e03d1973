"""AWS clients for the asset commands, configured from the same settings as media storage."""

from __future__ import annotations

import os

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError
from django.conf import settings
from storages.backends.s3 import S3Storage


def bucket_client(workers: int = 16):
    """An S3 client for the configured bucket, with a connection per worker thread.

    Built through django-storages so that credentials, endpoint, region and AWS_S3_CLIENT_CONFIG
    (addressing style, checksums) are those of media storage; retries back off on throttling
    (SlowDown) and server errors. botocore sends every upload with `Expect: 100-continue` and
    waits for the server's go-ahead before the body: a second round trip per file, which S3
    and the S3-compatible stores do not need, so this client sends bodies at once.
    """
    config = settings.AWS_S3_CLIENT_CONFIG.merge(
        Config(
            max_pool_connections=workers,
            retries={"mode": "standard", "total_max_attempts": 5},
            connect_timeout=5,
            read_timeout=settings.ASSETS_PUBLISH_TIMEOUT,
        )
    )
    client = S3Storage(client_config=config).connection.meta.client
    # Through the documented event system, after botocore's own handler of the same event: no
    # private botocore name to import (tests/test_production.py checks the wire).
    client.meta.events.register_last("before-call.s3", send_bodies_at_once)
    return client


def bucket_uploads(client, bucket: str):
    """What sends the publish's files: awscrt's S3 client, pointed where `client` points
    (assets/crt_uploads.py says why), with the credentials of the same settings."""
    from assets.crt_uploads import Uploads  # the CRT loads only where files are published

    keys = {
        "aws_access_key_id": settings.AWS_ACCESS_KEY_ID,
        "aws_secret_access_key": settings.AWS_SECRET_ACCESS_KEY,
        # Temporary keys come with a token, which django-storages reads from the environment.
        "aws_session_token": settings.AWS_ACCESS_KEY_ID and os.environ.get("AWS_SESSION_TOKEN"),
    }
    return Uploads(client, bucket, settings.ASSETS_PUBLISH_TIMEOUT, keys)


def send_bodies_at_once(params, **_) -> None:
    """Drop the `Expect: 100-continue` botocore adds to uploads (a `before-call` handler)."""
    params["headers"].pop("Expect", None)


def anonymous_read_refused(bucket: str, key: str) -> str | None:
    """Read an object without credentials, as a browser does: None if allowed, else the code.

    A GET, not a HEAD: some stores (moto among them) check anonymous HEADs more strictly than
    the GETs browsers send. The Range keeps the answer to one byte; S3 checks access before
    the range, so a 416 (an empty object) still means the object was readable.
    """
    client = S3Storage(client_config=settings.AWS_S3_CLIENT_CONFIG).unsigned_connection
    try:
        client.meta.client.get_object(Bucket=bucket, Key=key, Range="bytes=0-0")["Body"].read()
    except ClientError as error:
        code = str(error.response.get("Error", {}).get("Code") or "refused")
        return None if code == "InvalidRange" else code
    return None


def cloudfront_client():
    # Credentials may come from .env, which boto3 does not read: pass them on explicitly.
    return boto3.client(
        "cloudfront",
        region_name="us-east-1",  # CloudFront's API is global, signed for us-east-1
        aws_access_key_id=settings.AWS_ACCESS_KEY_ID,
        aws_secret_access_key=settings.AWS_SECRET_ACCESS_KEY,
    )
