"""A bucket that does not grow forever: review apps clean up after themselves, and old releases'
static files can be pruned without breaking a rollback within the last STATIC_RELEASES_KEPT."""

from __future__ import annotations

import json
import shutil

from tests.support.heroku import dyno_env, release, run_process
from tests.support.project import Project
from tests.support.s3server import S3Server
from tests.support.serving import assert_assets_served_as_built, assert_every_asset_loads_from, web
from tests.test_deploys import change_assets, publish, static_base

REVIEW = {"HEROKU_APP_NAME": "my-site-pr-1", "HEROKU_PR_NUMBER": "1"}
MANIFESTS = {"staticfiles.json", "CACHE/manifest.json"}


def keys(s3: S3Server, bucket: str) -> dict[str, str]:
    """Every object in the bucket, with its ETag."""
    pages = s3.client().get_paginator("list_objects_v2").paginate(Bucket=bucket)
    return {item["Key"]: item["ETag"] for page in pages for item in page.get("Contents", [])}


def put(s3: S3Server, bucket: str, *names: str) -> None:
    for name in names:
        s3.client().put_object(Bucket=bucket, Key=name, Body=name.encode())


def test_a_review_app_keeps_to_its_own_prefix_and_deletes_it_when_destroyed(production, s3):
    """The parent app's one-time setup covers every review app: a review app's build, release
    and pr-predestroy touch objects only, never the bucket's policy or CORS rules."""
    project, env = production
    env = {**env, **REVIEW}
    bucket = env["AWS_STORAGE_BUCKET_NAME"]
    parent = {**env, "HEROKU_PR_NUMBER": ""}
    project.manage("prepare_bucket", env=parent)
    # Before the parent prepared review apps, a review app's build stops and says what to do.
    unprepared = project.manage("collectstatic", "--noinput", env=env, check=False)
    assert unprepared.returncode == 1
    assert "prepare_bucket --review-apps" in unprepared.stderr
    assert "Traceback" not in unprepared.stderr
    project.manage("prepare_bucket", "--review-apps", REVIEW_ORIGINS, env=parent)
    access = bucket_access(s3, bucket)
    # The parent app's files, another review app's, and one whose name starts the same way.
    others = ["static/css/site.css", "review-apps/my-site-pr-12/static/a.css"]
    others += ["review-apps/my-site-pr-1-old/media/b.txt", "review-apps/my-site-pr-1.txt"]
    put(s3, bucket, *others)
    project.manage("collectstatic", "--noinput", env=env)
    released = release(project.path, project.venv, env)
    assert released.returncode == 0, released.stdout + released.stderr
    assert "Published:" in released.stdout
    project.manage("shell", "-c", SAVE_UPLOAD, env=env)
    before = keys(s3, bucket)
    own = [key for key in before if key.startswith("review-apps/my-site-pr-1/")]
    assert any(key.startswith("review-apps/my-site-pr-1/static/CACHE/") for key in own)
    assert "review-apps/my-site-pr-1/media/uploads/report.txt" in own
    assert "review-apps/*/static/*" in access[0]

    app_json = json.loads((project.path / "app.json").read_text())
    review = app_json["environments"]["review"]
    assert review["env"].keys() == REVIEW.keys()
    dyno = dyno_env(project.path, project.venv, env)
    destroy = run_process(project.path, review["scripts"]["pr-predestroy"], dyno)
    assert destroy.returncode == 0, destroy.stdout + destroy.stderr
    assert f"Deleted {len(own)} object(s)" in destroy.stdout

    after = keys(s3, bucket)
    assert after == {key: etag for key, etag in before.items() if key not in own}
    assert set(others) <= set(after)
    assert bucket_access(s3, bucket) == access, "a review app changed the bucket's access"


REVIEW_ORIGINS = "https://my-site-pr-*.herokuapp.com"


def bucket_access(s3: S3Server, bucket: str) -> tuple[str, list[dict]]:
    client = s3.client()
    policy = client.get_bucket_policy(Bucket=bucket)["Policy"]
    return policy, client.get_bucket_cors(Bucket=bucket)["CORSRules"]


SAVE_UPLOAD = """
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
default_storage.save("uploads/report.txt", ContentFile(b"numbers"))
"""


def test_only_a_review_app_of_its_own_may_delete_its_prefix(production, s3):
    project, env = production
    s3.client().create_bucket(Bucket=env["AWS_STORAGE_BUCKET_NAME"])
    put(s3, env["AWS_STORAGE_BUCKET_NAME"], "shared/static/a.css", "static/b.css")
    before = keys(s3, env["AWS_STORAGE_BUCKET_NAME"])
    for case in ({}, {**REVIEW, "AWS_LOCATION": "shared"}):
        refused = project.manage("delete_review_app_files", env={**env, **case}, check=False)
        assert refused.returncode == 1
        assert "Nothing deleted: this is not a review app" in refused.stderr
        assert "Traceback" not in refused.stderr
    bad_name = project.manage("check", env={**env, **REVIEW, "HEROKU_APP_NAME": ""}, check=False)
    assert "HEROKU_APP_NAME='' is not a Heroku app name" in bad_name.stderr
    assert keys(s3, env["AWS_STORAGE_BUCKET_NAME"]) == before


def release_names(slug: Project) -> set[str]:
    """What a built slug publishes, read from its tree (not from the index under test)."""
    root = slug.path / "staticfiles"
    files = {path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file()}
    return {f"static/{name}" for name in files - MANIFESTS}


def test_pruning_keeps_what_the_last_five_releases_reference(production, s3):
    project, env = production
    bucket = env["AWS_STORAGE_BUCKET_NAME"]
    project.manage("prepare_bucket", env=env)
    project.manage("migrate", "--noinput", env=env)
    slugs = []
    for number in range(1, 7):
        change_assets(project, str(number))
        publish(project, env)
        slug = Project(project.path.with_name(f"release-{number}"), project.venv)
        shutil.copytree(project.path, slug.path)
        slugs.append(slug)
        if number == 1:
            early = project.manage("prune_static", "--apply", "--grace", "0", env=env, check=False)
            assert "Nothing pruned: only 1 release(s)" in early.stderr
    stored = keys(s3, bucket)
    kept = set().union(*(release_names(slug) for slug in slugs[1:]))
    doomed = set(stored) - kept
    # prepare_bucket's check file goes too: no release references it, and it rewrites it.
    alone = release_names(slugs[0]) | {"static/prepare-bucket-check.txt"}
    assert doomed and doomed <= alone, "pruning would take more than release 1's own files"

    latest = slugs[-1]
    s3.clear()
    dry = latest.manage("prune_static", "--grace", "0", env=env)
    assert f"Would delete {len(doomed)} object(s)" in dry.stdout
    assert keys(s3, bucket) == stored and s3.count("DELETE") == s3.count("POST") == 0
    applied = latest.manage("prune_static", "--apply", "--grace", "0", env=env)
    assert f"Deleting {len(doomed)} object(s)" in applied.stdout
    assert set(keys(s3, bucket)) == kept

    rollback = slugs[1]  # release 2, the oldest of the five kept
    with web(rollback, env) as url:
        assert_assets_served_as_built(url, rollback.path / "staticfiles", static_base(s3, env))
        assert_every_asset_loads_from(url, static_base(s3, env))


def test_fewer_than_two_kept_releases_is_refused(production):
    project, env = production
    result = project.manage("check", env={**env, "STATIC_RELEASES_KEPT": "1"}, check=False)
    assert result.returncode == 1
    assert "STATIC_RELEASES_KEPT='1' must be a whole number, 2 or more." in result.stderr
    assert "Traceback" not in result.stderr
