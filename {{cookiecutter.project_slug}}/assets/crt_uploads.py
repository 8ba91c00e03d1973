"""The publish's uploads, sent by awscrt's S3 client: signing and HTTP in C, many in flight.

botocore spends about 1 ms of CPU on each PutObject (event hooks, serialisation, signing), so
one process sends at most 450-870 a second however many threads it has, where S3 at 20-50 ms a
round trip passes thousands. awscrt, the AWS Common Runtime that boto3's `crt` extra pins,
signs and sends on its own threads in C: about 0.2 ms of CPU per upload, and several times
botocore's rate on the benchmark (benchmarks/README.md in the template repository).

What it takes from the botocore client that lists the bucket, so both talk to the same place
in the same way: each key's URL (endpoint, addressing style and AWS host names, as botocore
builds them), the region it signs for, and the credentials of the same sources (the configured
keys, or boto3's provider chain). It asks for no checksum headers (several S3-compatible stores
reject them), sends bodies without `Expect: 100-continue`, reads each file from disk as it sends
it, retries throttling, server errors and dropped connections, and trusts AWS_CA_BUNDLE.
"""

from __future__ import annotations

import queue
import re
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

import boto3
import botocore.session
from awscrt import http, io, s3
from botocore.exceptions import ClientError
from s3transfer.crt import BotocoreCRTCredentialsWrapper

from assets.publish import PART_SIZE, LocalFile, PublishError

# The CRT opens connections in proportion to this target. At 20 and 50 ms a round trip, 10
# Gbps kept about 23 uploads in flight (4.4 s for 2,000 small files at 50 ms); 40 kept enough
# in flight for 2,000 in 1.0-1.7 s, and more did no better (benchmarks/README.md).
THROUGHPUT_TARGET_GBPS = 40.0
# Uploads handed to the CRT at once; the rest wait here, so memory stays bounded however many
# files a release has.
QUEUED = 256
RETRIES = 4  # then the upload fails: five attempts in all, as botocore's standard mode makes
PROBE_KEY = "probe-key"


@dataclass(frozen=True)
class Target:
    """Where a key's PutObject goes: scheme, host and the path before the key."""

    https: bool
    host: str
    path: str
    region: str

    @classmethod
    def of(cls, client, bucket: str) -> Target:
        """From botocore's own URL for a PutObject (presigning sends nothing)."""
        url = urlsplit(
            client.generate_presigned_url(
                "put_object", Params={"Bucket": bucket, "Key": PROBE_KEY}, ExpiresIn=60
            )
        )
        return cls(
            url.scheme == "https",
            url.netloc,
            url.path.removesuffix(PROBE_KEY),
            client.meta.region_name,
        )

    def path_of(self, key: str) -> str:
        return self.path + quote(key, safe="/~")


def crt_client(target: Target, keys: dict[str, str | None]) -> s3.S3Client:
    """The CRT's S3 client, signing with the credentials boto3 finds for these keys (boto3's
    aws_access_key_id, aws_secret_access_key, aws_session_token; None: its provider chain)."""
    session = botocore.session.get_session()
    credentials = boto3.Session(**keys, botocore_session=session).get_credentials()
    if credentials is None:
        raise PublishError(
            "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or give the "
            "process a role)"
        )
    provider = BotocoreCRTCredentialsWrapper(credentials).to_crt_credentials_provider()
    tls = None
    if target.https:
        options = io.TlsContextOptions()
        ca_bundle = session.get_config_variable("ca_bundle")  # AWS_CA_BUNDLE, as botocore's
        if ca_bundle:
            options.override_default_trust_store_from_path(ca_filepath=ca_bundle)
        tls = io.ClientTlsContext(options).new_connection_options()
    return s3.S3Client(
        region=target.region,
        signing_config=s3.create_default_s3_signing_config(
            region=target.region, credential_provider=provider
        ),
        tls_mode=s3.S3RequestTlsMode.ENABLED if target.https else s3.S3RequestTlsMode.DISABLED,
        tls_connection_options=tls,
        # Parts of PART_SIZE from PART_SIZE on, as publish.local_etag() expects.
        part_size=PART_SIZE,
        multipart_upload_threshold=PART_SIZE - 1,
        throughput_target_gbps=THROUGHPUT_TARGET_GBPS,
        retry_config=s3.S3RetryConfig(max_retries=RETRIES),
        connect_timeout_ms=5000,
    )


class Uploads:
    """Uploads through one CRT client. upload_all() hands files over (start(): at most QUEUED
    under way at once) and yields each once it is in place. The first failure (after the client's
    retries) cancels the rest and upload_all() raises it as a PublishError; so does waiting
    `timeout` seconds with no news of any upload (bytes sent or an answer)."""

    def __init__(self, client, bucket: str, timeout: float, keys: dict[str, str | None]) -> None:
        self.target = Target.of(client, bucket)
        self.client = crt_client(self.target, keys)
        self.timeout = timeout
        self.pending: dict[LocalFile, s3.S3Request] = {}
        self.landed: list[LocalFile] = []  # in place, not yet yielded by upload_all()
        self.failure: PublishError | None = None
        self.finished: queue.Queue[tuple[LocalFile, PublishError | None]] = queue.Queue()
        self.news = time.monotonic()

    def start(self, key: str, file: LocalFile) -> None:
        while len(self.pending) >= QUEUED and not self.failure:
            self.wait_for_one()
        if self.failure:
            return  # upload_all() raises it
        self.news = time.monotonic()
        self.pending[file] = self.send(key, file)

    def upload_all(self, files: Iterable[tuple[str, LocalFile]]) -> Iterator[LocalFile]:
        try:
            for key, file in files:
                self.start(key, file)
                while self.landed:
                    yield self.landed.pop()
            self.news = time.monotonic()
            while (self.landed or self.pending) and not self.failure:
                if self.landed:
                    yield self.landed.pop()
                else:
                    self.wait_for_one()
            if self.failure:
                raise self.failure
        finally:
            self.cancel()

    def wait_for_one(self) -> None:
        """Wait until an upload finishes (into `landed`) or fails (into `failure`)."""
        while True:
            try:
                file, error = self.finished.get(timeout=1.0)
                break
            except queue.Empty:
                if time.monotonic() - self.news > self.timeout:
                    file = next(iter(self.pending))
                    self.failure = PublishError(
                        f"uploading {file.name} failed: no answer from the bucket within "
                        f"{self.timeout:g} s (ASSETS_PUBLISH_TIMEOUT): timed out"
                    )
                    return
        del self.pending[file]
        if error:
            self.failure = self.failure or error
        else:
            self.landed.append(file)

    def send(self, key: str, file: LocalFile) -> s3.S3Request:
        headers = http.HttpHeaders(
            [
                ("Host", self.target.host),
                ("Content-Type", file.content_type),
                ("Cache-Control", file.cache_control),
                ("Content-Length", str(file.path.stat().st_size)),
            ]
        )
        request = http.HttpRequest("PUT", self.target.path_of(key), headers)

        def on_progress(_sent: int) -> None:  # bytes sent since the last call
            self.news = time.monotonic()

        def on_done(error=None, status_code=None, error_body=None, **_) -> None:
            self.news = time.monotonic()
            self.finished.put((file, error and failed(file, error, status_code, error_body)))

        return self.client.make_request(
            type=s3.S3RequestType.PUT_OBJECT,
            request=request,
            send_filepath=str(file.path),
            on_progress=on_progress,
            on_done=on_done,
        )

    def cancel(self) -> None:
        """Stop what is still under way and wait (briefly) for the CRT to let go of it."""
        for request in self.pending.values():
            request.cancel()
        deadline = time.monotonic() + 10
        for request in self.pending.values():
            try:
                request.finished_future.exception(timeout=max(0.0, deadline - time.monotonic()))
            except TimeoutError:
                break  # the process exits soon anyway; the CRT drops what is left
        self.pending.clear()


def failed(file: LocalFile, error: BaseException, status: int | None, body: bytes | None):
    """The PublishError for a failed upload: the bucket's own answer when it gave one, worded
    as botocore words it (and chained, so assets.iam reads it); else the CRT's error."""
    answer = aws_error(status, body)
    reason = str(answer) if answer else f"{getattr(error, 'name', type(error).__name__)}: {error}"
    failure = PublishError(f"uploading {file.name} failed: {reason}")
    failure.__cause__ = answer or error
    return failure


def aws_error(status: int | None, body: bytes | None) -> ClientError | None:
    """The error S3 answered with, as the ClientError botocore would have raised (so that
    assets.iam.missing_permission() reads it the same way)."""
    if not status:
        return None
    text = (body or b"").decode("utf-8", "replace")
    code = re.search(r"<Code>(.*?)</Code>", text)
    message = re.search(r"<Message>(.*?)</Message>", text)
    response = {
        "Error": {
            "Code": code[1] if code else str(status),
            "Message": message[1] if message else "",
        },
        "ResponseMetadata": {"HTTPStatusCode": status},
    }
    return ClientError(response, "PutObject")
