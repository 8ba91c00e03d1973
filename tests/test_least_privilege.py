"""Least privilege, with IAM enforced: the app's keys have object rights only.

The S3 server here checks every request against IAM policies, authorizing as S3 does
(tests/support/iam_as_s3.py). Its first requests make a root user; root makes, per test, an
administrator whose policy is `iam_policy --admin` and an app user whose policy is `iam_policy`,
the documents the README shows. prepare_bucket runs once with the admin's keys; everything else
a deploy runs uses the app's keys alone.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest
import requests

from tests.support.heroku import release
from tests.support.pages import csrf_token
from tests.support.production import config_vars, new_bucket_name
from tests.support.project import Project
from tests.support.s3server import CREDENTIALS, REGION, S3Server
from tests.support.serving import Visitor, create_staff, web
from tests.test_deploys import change_assets, publish

# The requests moto serves before it enforces IAM: CreateUser, PutUserPolicy, CreateAccessKey.
FREE_REQUESTS = 3
EVERYTHING = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
}
REVIEW = {"HEROKU_APP_NAME": "my-site-pr-3", "HEROKU_PR_NUMBER": "3"}
REVIEW_ORIGINS = "https://my-site-pr-*.herokuapp.com"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@dataclass
class IamS3:
    server: S3Server
    root: dict[str, str]

    def user(self, name: str, policy: dict) -> dict[str, str]:
        """A new IAM user with this inline policy; its keys as config vars."""
        return make_user(iam_client(self.server, self.root), name, policy)

    def admin_client(self, keys: dict[str, str]):
        return self.server.client(
            aws_access_key_id=keys["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=keys["AWS_SECRET_ACCESS_KEY"],
        )


def iam_client(server: S3Server, keys: dict[str, str]):
    return boto3.client(
        "iam",
        endpoint_url=server.endpoint_url,
        region_name=REGION,
        aws_access_key_id=keys["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=keys["AWS_SECRET_ACCESS_KEY"],
    )


def make_user(client, name: str, policy: dict) -> dict[str, str]:
    client.create_user(UserName=name)
    client.put_user_policy(UserName=name, PolicyName="bucket", PolicyDocument=json.dumps(policy))
    key = client.create_access_key(UserName=name)["AccessKey"]
    return {
        "AWS_ACCESS_KEY_ID": key["AccessKeyId"],
        "AWS_SECRET_ACCESS_KEY": key["SecretAccessKey"],
    }


@pytest.fixture(scope="module")
def iam_s3() -> Iterator[IamS3]:
    with S3Server(iam=FREE_REQUESTS) as server:
        anyone = {"AWS_ACCESS_KEY_ID": CREDENTIALS["aws_access_key_id"]}
        anyone["AWS_SECRET_ACCESS_KEY"] = CREDENTIALS["aws_secret_access_key"]
        root = make_user(iam_client(server, anyone), "root", EVERYTHING)
        yield IamS3(server, root)


@dataclass
class Roles:
    project: Project
    env: dict[str, str]  # config vars with the app's keys
    admin: dict[str, str]  # the admin's keys
    bucket: str


_users = itertools.count()


def roles(project: Project, iam_s3: IamS3, worker_id: str) -> Roles:
    """A bucket prepared by the admin (review apps included), and config vars with app keys
    whose policy is `iam_policy`'s."""
    bucket = new_bucket_name(f"iam{worker_id}")
    database = f"sqlite:///{project.path / 'production.sqlite3'}"
    env = config_vars(iam_s3.server.endpoint_url, bucket, database)
    admin = iam_s3.user(f"admin-{next(_users)}", iam_policy(project, env, "--admin"))
    project.manage("prepare_bucket", "--review-apps", REVIEW_ORIGINS, env={**env, **admin})
    return Roles(project, {**env, **app_keys(project, iam_s3, env)}, admin, bucket)


def app_keys(project: Project, iam_s3: IamS3, env: dict[str, str], without: str = "") -> dict:
    """Keys of a new app user whose policy is `iam_policy`'s, less the action `without`."""
    policy = iam_policy(project, env)
    for statement in policy["Statement"]:
        statement["Action"] = [action for action in statement["Action"] if action != without]
    policy["Statement"] = [statement for statement in policy["Statement"] if statement["Action"]]
    return iam_s3.user(f"app-{next(_users)}", policy)


def iam_policy(project: Project, env: dict[str, str] | None, *args: str) -> dict:
    return json.loads(project.manage("iam_policy", *args, env=env).stdout)


def test_the_readme_shows_the_policies_the_code_applies(project: Project):
    readme = (project.path / "README.md").read_text()
    blocks = [json.loads(block) for block in re.findall(r"```json\n(.*?)```", readme, re.S)]
    # With the bake's .env (development settings), the bucket is named on the command line.
    assert iam_policy(project, None, "--bucket", "BUCKET") in blocks
    assert iam_policy(project, None, "--bucket", "BUCKET", "--admin") in blocks


def test_a_whole_deploy_runs_on_the_app_policy(
    production, iam_s3: IamS3, worker_id: str, tmp_path: Path
):
    """Build, release, web (a form upload, a direct upload, a rejected one), pruning, and a
    review app's build, release and pr-predestroy, all with the app's keys."""
    project, _ = production
    setup = roles(project, iam_s3, worker_id)
    env = {**setup.env, "STATIC_RELEASES_KEPT": "2"}
    access = bucket_access(iam_s3, setup)
    publish(project, env)
    released = release(project.path, project.venv, env)
    assert released.returncode == 0, released.stdout + released.stderr
    create_staff(project, env)
    with web(project, env) as base_url:
        uploads_work(Visitor(base_url).sign_in(), iam_s3, setup)

    change_assets(project, "2")
    publish(project, env)
    pruned = project.manage("prune_static", "--apply", "--grace", "0", env=env)
    assert "Deleting 1 object(s)" in pruned.stdout, pruned.stdout

    review = {**env, **REVIEW}
    publish(project, review)
    assert release(project.path, project.venv, review).returncode == 0
    destroyed = project.manage("delete_review_app_files", env=review)
    assert "Deleted " in destroyed.stdout
    assert not objects(iam_s3, setup, "review-apps/")
    assert bucket_access(iam_s3, setup) == access


def uploads_work(visitor: Visitor, iam_s3: IamS3, setup: Roles) -> None:
    form = visitor.upload("Form upload", "notes.txt", b"sent through the site")
    assert form.status_code == 302, form.text[:500]

    recorded = direct_upload(visitor, "numbers.txt", b"sent straight to the bucket")
    assert recorded.status_code == 200, recorded.text
    signed = requests.get(recorded.json()["url"], timeout=10)
    assert signed.content == b"sent straight to the bucket"

    before = objects(iam_s3, setup, "media/")
    refused = direct_upload(visitor, "photo.png", b"not a picture at all")
    assert refused.status_code == 400, refused.text
    assert objects(iam_s3, setup, "media/") == before, "the rejected object stayed"


def direct_upload(visitor: Visitor, name: str, body: bytes) -> requests.Response:
    """What site.js does: ask for a presigned POST, post the file to the bucket, record it."""
    token = csrf_token(visitor.request("GET", "/").text)
    asked = visitor.request(
        "POST", "/uploads/policy/", data={"filename": name, "csrfmiddlewaretoken": token}
    )
    assert asked.status_code == 200, asked.text
    post = asked.json()
    sent = requests.post(post["url"], data=post["fields"], files={"file": (name, body)}, timeout=30)
    assert sent.status_code in (200, 204), sent.text
    data = {"title": name, "token": post["token"], "csrfmiddlewaretoken": token}
    return visitor.request("POST", "/uploads/record/", data=data)


def objects(iam_s3: IamS3, setup: Roles, prefix: str) -> set[str]:
    client = iam_s3.admin_client(setup.admin)
    pages = client.get_paginator("list_objects_v2").paginate(Bucket=setup.bucket, Prefix=prefix)
    return {item["Key"] for page in pages for item in page.get("Contents", [])}


def bucket_access(iam_s3: IamS3, setup: Roles) -> tuple[str, list[dict]]:
    client = iam_s3.admin_client(setup.admin)
    policy = client.get_bucket_policy(Bucket=setup.bucket)["Policy"]
    return policy, client.get_bucket_cors(Bucket=setup.bucket)["CORSRules"]


def test_the_app_keys_cannot_change_the_bucket(production, iam_s3: IamS3, worker_id: str):
    """The enforcement itself: the app's keys are refused the admin's steps."""
    project, _ = production
    setup = roles(project, iam_s3, worker_id)
    access = bucket_access(iam_s3, setup)
    tried = project.manage("prepare_bucket", "--review-apps", REVIEW_ORIGINS, env=setup.env)
    assert "Not done (AccessDenied)" in tried.stdout
    assert bucket_access(iam_s3, setup) == access


@pytest.mark.parametrize(
    "action", ["s3:ListBucket", "s3:PutObject", "s3:GetObject", "s3:DeleteObject"]
)
def test_every_action_of_the_app_policy_is_needed(
    production, iam_s3: IamS3, worker_id: str, action: str
):
    """Without any one action, a step fails, and says which permission to add where."""
    project, _ = production
    full = roles(project, iam_s3, worker_id)
    env = {**full.env, **app_keys(project, iam_s3, full.env, without=action)}
    if action in ("s3:ListBucket", "s3:PutObject"):
        failed = publish(project, env, check=False)
    elif action == "s3:GetObject":
        publish(project, full.env)
        failed = project.manage("prune_static", env=env, check=False)
    else:
        review = {**full.env, **REVIEW}
        publish(project, review)
        failed = project.manage("delete_review_app_files", env={**env, **REVIEW}, check=False)
    assert failed.returncode == 1, failed.stdout
    assert f"The app's keys lack {action}" in failed.stderr
    assert "python manage.py iam_policy" in failed.stderr
    assert "Traceback" not in failed.stderr
