"""Direct uploads: in production the staff upload form sends the file from Chromium straight to
the bucket with a presigned POST (the dyno never carries it), and the site records it only after
reading the stored object's size and type back; without JavaScript the form posts to the site."""

from __future__ import annotations

import re

from playwright.sync_api import Page

from tests.support.browser import PageLog, csp_violations, upload
from tests.support.project import Project
from tests.support.s3server import S3Server, free_port
from tests.support.serving import Visitor, create_staff
from tests.test_browser import browser, page, sign_in  # noqa: F401 (fixtures)

MB = 2**20
COUNT_UPLOADS = "from demo.models import Upload; print(Upload.objects.count())"


def media_keys(s3: S3Server, bucket: str) -> dict[str, int]:
    listed = s3.client().list_objects_v2(Bucket=bucket, Prefix="media/")
    return {item["Key"]: item["Size"] for item in listed.get("Contents", [])}


def test_uploads_never_recorded_expire_by_the_buckets_lifecycle_rule(
    production: tuple[Project, dict[str, str]], s3: S3Server
):
    """prepare_bucket sets one rule per app for its pending prefix (IDs from the exact prefix,
    so similar names never share one), again on every run, and keeps the owner's rules."""
    project, env = production
    bucket, client = env["AWS_STORAGE_BUCKET_NAME"], s3.client()
    client.create_bucket(Bucket=bucket)
    owners = {"ID": "owners-logs", "Filter": {"Prefix": "logs/"}, "Status": "Enabled"}
    owners["Expiration"] = {"Days": 30}
    lifecycle = {"Rules": [owners]}
    client.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration=lifecycle)
    for location in ("my-site-pr-12", "my-site-pr12", "my-site-pr12"):
        prepared = project.manage("prepare_bucket", env={**env, "AWS_LOCATION": location})
        assert f"Bucket {bucket} is ready" in prepared.stdout, prepared.stdout

    rules = client.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    expiring = {rule["Filter"]["Prefix"]: rule["Expiration"]["Days"] for rule in rules}
    pending = {f"{location}/media/pending/": 1 for location in ("my-site-pr-12", "my-site-pr12")}
    assert expiring == {"logs/": 30, **pending}
    assert len({rule["ID"] for rule in rules}) == 3


def test_large_files_go_from_the_browser_to_the_bucket(
    production: tuple[Project, dict[str, str]],
    s3: S3Server,
    page: tuple[Page, PageLog],  # noqa: F811
):
    project, env = production
    env = {**env, "UPLOAD_MAX_BYTES": str(21 * MB)}
    bucket = env["AWS_STORAGE_BUCKET_NAME"]
    for command in (("prepare_bucket",), ("collectstatic", "--noinput"), ("migrate", "--noinput")):
        project.manage(*command, env=env)
    create_staff(project, env)
    tab, log = page
    port = free_port()
    server_env = {**env, "PORT": str(port), "SECURE_SSL_REDIRECT": "False"}
    command = [project.bin("gunicorn"), "config.wsgi", "--config", "gunicorn.conf.py"]
    with project.serve(command, port, server_env) as base_url:
        tab.goto(base_url + "/")
        sign_in(tab, base_url)
        s3.clear()
        large = b"0123456789abcdef" * (20 * MB // 16)
        url = upload(tab, "Large report", "large report.txt", large)
        posts = [r for r in s3.requests("POST") if r["path"].rstrip("/") == f"/{bucket}"]
        assert [r["status"] for r in posts] == [204]
        key = url.split("?")[0].split(f"/{bucket}/", 1)[1]
        assert re.fullmatch(r"media/uploads/\d{4}/\d\d/large-report-[0-9a-f]{8}\.txt", key), key
        # The one PUT is the record step's copy from the pending key, inside the bucket.
        pending = f"{bucket}/media/pending/{key.removeprefix('media/')}"
        copies = [(r["path"], r.get("copy_source")) for r in s3.requests("PUT")]
        assert copies == [(f"/{bucket}/{key}", pending)], "the file went through the site"
        # The record step reads headers only (a text file has no signature to read).
        assert [r["path"] for r in s3.requests("GET") if r["path"] == f"/{pending}"] == []
        head = s3.client().head_object(Bucket=bucket, Key=key)
        assert (head["ContentLength"], head["ContentType"]) == (len(large), "text/plain")
        # Posted under media/pending/, copied to its key once recorded: nothing left pending.
        assert media_keys(s3, bucket) == {key: len(large)}
        assert tab.request.get(url).body() == large

        before = media_keys(s3, bucket)
        tab.fill("input[name=title]", "Too large")
        too_large = {"name": "big.txt", "mimeType": "text/plain", "buffer": b"x" * (22 * MB)}
        tab.set_input_files("input[name=file]", files=[too_large], timeout=60_000)
        tab.click("form.upload-form button[type=submit]")
        refusal = tab.locator(".upload-error").inner_text()
        assert "21.0\xa0MB" in refusal or "21.0 MB" in refusal, refusal
        assert media_keys(s3, bucket) == before, "the refused file stayed in the bucket"
        assert tab.get_by_role("link", name="Too large").count() == 0
        assert csp_violations(tab) == []

        # An image: the record step reads its 8-byte signature, never the megabytes behind it.
        s3.clear()
        image = upload(tab, "Photo", "photo.png", b"\x89PNG\r\n\x1a\n" + b"\0" * (2 * MB))
        name = image.split("?")[0].split(f"/{bucket}/media/", 1)[1]
        reads = [r for r in s3.requests("GET") if r["path"] == f"/{bucket}/media/pending/{name}"]
        assert [r.get("range") for r in reads] == ["bytes=0-7"]

        # Without JavaScript the same form posts through the site.
        plain = Visitor(base_url).sign_in().upload("Plain", "plain.txt", b"plain form")
        assert plain.status_code == 302
    count = project.manage("shell", "-c", COUNT_UPLOADS, env=env).stdout.split()[-1]
    assert count == "3"
    # The one refusal: the site would not record the file that was too large.
    assert log.failed == [f"POST {base_url}/uploads/record/: 400"]
    assert all("400" in error for error in log.errors), log.errors
