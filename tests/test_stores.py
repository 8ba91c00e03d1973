"""Any S3-compatible store: one that refuses the SDK's checksums, one behind https, s3rver beside
moto, a bucket in another region or with dots in its name.

Each store runs the production story as Heroku does (tests/support/heroku.py): prepare_bucket
once, the build's collectstatic, the Procfile's release and web, and a media upload.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from botocore.exceptions import ClientError

from tests.conftest import Bake
from tests.support.heroku import (
    build,
    dyno_env,
    git_push,
    release,
    release_slug,
    run_process,
    web_dyno,
)
from tests.support.production import config_vars, new_bucket_name
from tests.support.project import Project
from tests.support.s3rver import CREDENTIALS as S3RVER_CREDENTIALS
from tests.support.s3rver import S3rver
from tests.support.s3server import S3Server
from tests.support.serving import assert_every_asset_loads_from
from tests.support.tls import self_signed_certificate

MULTIPART = 9 * 1024 * 1024  # above django-storages' 8 MB threshold: goes up in parts
MEDIA_SCRIPT = f"""
import json
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
names = [
    default_storage.save("uploads/note.txt", ContentFile(b"hello")),
    default_storage.save("uploads/video.bin", ContentFile(b"v" * {MULTIPART})),
]
print(json.dumps(names))
"""


@pytest.fixture(scope="module")
def strict_s3() -> Iterator[S3Server]:
    """moto that answers 400 InvalidArgument to the checksum headers of boto3 >= 1.36."""
    with S3Server(reject_checksums=True) as server:
        yield server


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return self_signed_certificate(tmp_path_factory.mktemp("tls"))


@pytest.fixture(scope="module")
def https_s3(certificate: tuple[Path, Path]) -> Iterator[S3Server]:
    """The strict server over https, where boto3 would send aws-chunked bodies with trailers."""
    with S3Server(reject_checksums=True, tls=certificate) as server:
        yield server


def deploy(
    bake: Bake, venv: Path, env: dict[str, str], tmp_path: Path
) -> tuple[Path, dict[str, str]]:
    """prepare_bucket, the build and the release; returns the app and the prepare output."""
    checkout = git_push(bake())
    prepared = run_process(
        checkout, "python manage.py prepare_bucket", dyno_env(checkout, venv, env)
    )
    assert prepared.returncode == 0, prepared.stdout + prepared.stderr
    built = build(checkout, venv, env)
    assert built.returncode == 0, built.stdout + built.stderr
    app = release_slug(checkout, tmp_path / "app")
    released = release(app, venv, env)
    assert released.returncode == 0, released.stdout + released.stderr
    return app, {"prepare": prepared.stdout + prepared.stderr}


def upload_media(app: Path, venv: Path, env: dict[str, str]) -> list[str]:
    """Two uploads through django-storages: a small file and one that goes up in parts."""
    command = f"python manage.py shell --verbosity 0 -c '{MEDIA_SCRIPT}'"
    saved = run_process(app, command, dyno_env(app, venv, env))
    assert saved.returncode == 0, saved.stdout + saved.stderr
    return json.loads(saved.stdout)


def media_sizes(client, bucket: str, names: list[str]) -> list[int]:
    return [client.head_object(Bucket=bucket, Key=f"media/{n}")["ContentLength"] for n in names]


def refused(s3: S3Server, bucket: str) -> list[dict]:
    return [r for r in s3.requests() if r["status"] == 400 and r["path"].startswith(f"/{bucket}/")]


def test_the_strict_store_refuses_the_sdks_default_checksums(strict_s3: S3Server):
    """The mode is real: boto3's defaults fail on it, as on the stores it stands for."""
    client = strict_s3.client()
    client.create_bucket(Bucket="defaults")
    with pytest.raises(ClientError) as refused:
        client.put_object(Bucket="defaults", Key="a.txt", Body=b"hello")
    assert refused.value.response["Error"]["Code"] == "InvalidArgument"


def test_a_store_that_refuses_checksums_builds_releases_serves_and_takes_uploads(
    bake: Bake, heroku_venv: Path, strict_s3: S3Server, tmp_path: Path, worker_id: str
):
    bucket = new_bucket_name(worker_id)
    env = config_vars(strict_s3.endpoint_url, bucket, f"sqlite:///{tmp_path / 'db.sqlite3'}")
    app, _ = deploy(bake, heroku_venv, env, tmp_path)
    with web_dyno(app, heroku_venv, env) as url:
        assert_every_asset_loads_from(url, f"{strict_s3.endpoint_url}/{bucket}/static/")
    names = upload_media(app, heroku_venv, env)
    assert media_sizes(strict_s3.client(), bucket, names) == [5, MULTIPART]
    assert refused(strict_s3, bucket) == []


def test_publish_and_uploads_over_https_with_a_private_certificate(
    bake: Bake,
    heroku_venv: Path,
    https_s3: S3Server,
    certificate: tuple[Path, Path],
    tmp_path: Path,
    worker_id: str,
):
    bucket = new_bucket_name(worker_id)
    database = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    env = config_vars(https_s3.endpoint_url, bucket, database, AWS_CA_BUNDLE=str(certificate[0]))
    app, _ = deploy(bake, heroku_venv, env, tmp_path)
    with web_dyno(app, heroku_venv, env) as url:
        static_base = f"{https_s3.endpoint_url}/{bucket}/static/"
        assert_every_asset_loads_from(url, static_base, verify=str(certificate[0]))
    names = upload_media(app, heroku_venv, env)
    assert media_sizes(https_s3.client(), bucket, names) == [5, MULTIPART]
    assert refused(https_s3, bucket) == []


def test_the_whole_production_story_on_s3rver(
    bake: Bake, heroku_venv: Path, tmp_path: Path, worker_id: str
):
    with S3rver() as store:
        bucket = new_bucket_name(worker_id)
        database = f"sqlite:///{tmp_path / 'db.sqlite3'}"
        env = config_vars(store.endpoint_url, bucket, database, **S3RVER_CREDENTIALS)
        app, outputs = deploy(bake, heroku_venv, env, tmp_path)
        with web_dyno(app, heroku_venv, env) as url:
            assert_every_asset_loads_from(url, f"{store.endpoint_url}/{bucket}/static/")
        names = upload_media(app, heroku_venv, env)
        client = boto3.client(
            "s3", endpoint_url=store.endpoint_url, region_name="us-east-1",
            aws_access_key_id="S3RVER", aws_secret_access_key="S3RVER",
        )  # fmt: skip
        assert media_sizes(client, bucket, names) == [5, MULTIPART]
    prepared = outputs["prepare"]
    assert "Traceback" not in prepared
    # s3rver has no public-access block, no bucket policies and no lifecycle rules: one line
    # each, and what to do.
    refused = [line for line in prepared.splitlines() if line.startswith("Not done")]
    assert len(refused) == 3, prepared
    assert all(re.match(r"Not done \(\w+\): .+\. Instead, .+", line) for line in refused), prepared
    assert "Checked: anyone can read static/ files." in prepared
    assert f"Bucket {bucket} is usable" in prepared


def test_prepare_bucket_names_a_region_mismatch(production, s3: S3Server):
    project, env = production
    bucket = env["AWS_STORAGE_BUCKET_NAME"]
    location = {"LocationConstraint": "eu-west-1"}
    s3.client().create_bucket(Bucket=bucket, CreateBucketConfiguration=location)
    result = project.manage("prepare_bucket", env=env, check=False)  # AWS_S3_REGION_NAME unset
    assert result.returncode == 1
    assert f"Bucket {bucket} is in region eu-west-1, but AWS_S3_REGION_NAME is us-east-1" in (
        result.stderr
    )
    assert "set AWS_S3_REGION_NAME=eu-west-1" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    with pytest.raises(ClientError):  # it stopped before changing anything
        s3.client().get_bucket_policy(Bucket=bucket)


URLS_SCRIPT = """
from django.conf import settings
from django.core.files.storage import default_storage
print(settings.STATIC_URL)
print(default_storage.url("uploads/a.txt").split("?")[0])
"""


@pytest.mark.parametrize(
    ("bucket", "region", "base"),
    [
        ("my-assets", "ap-southeast-2", "https://my-assets.s3.ap-southeast-2.amazonaws.com/"),
        # Dots: no certificate covers assets.example.com.s3...; the bucket goes in the path.
        ("assets.example.com", "eu-central-1", "https://s3.eu-central-1.amazonaws.com/assets.example.com/"),
    ],
    ids=["plain-name", "dotted-name"],
)  # fmt: skip
def test_aws_urls_for_any_region_and_dotted_bucket_names(
    production: tuple[Project, dict[str, str]], bucket: str, region: str, base: str
):
    project, env = production
    env = {**env, "AWS_STORAGE_BUCKET_NAME": bucket, "AWS_S3_REGION_NAME": region}
    del env["AWS_S3_ENDPOINT_URL"]  # AWS itself; nothing is sent, URLs are only built
    static_url, media_url = project.manage(
        "shell", "--verbosity", "0", "-c", URLS_SCRIPT, env=env
    ).stdout.split()
    assert static_url == f"{base}static/"
    assert media_url == f"{base}media/uploads/a.txt"
