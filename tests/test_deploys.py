"""Deploys that lose nothing: two releases at once, rollbacks, S3 faults, hostile uploads, load."""

from __future__ import annotations

import re
import shutil
import subprocess
import time

from tests.support.project import Project
from tests.support.s3server import S3Server
from tests.support.serving import assert_assets_served_as_built, web


def static_base(s3: S3Server, env: dict[str, str]) -> str:
    return f"{s3.endpoint_url}/{env['AWS_STORAGE_BUCKET_NAME']}/static/"


def change_assets(project: Project, mark: str) -> None:
    """A new release: a changed stylesheet, image and script."""
    root = project.path / "static"
    with (root / "css/site.css").open("a") as css:
        css.write(f"\n.release-{mark} {{ color: #123456; }}\n")
    logo = root / "img/logo.svg"
    logo.write_text(logo.read_text().replace("#0c7c59", "#7c0c59"))
    with (root / "js/site.js").open("a") as js:
        js.write(f"\ndocument.documentElement.dataset.release = '{mark}';\n")


def publish(
    project: Project, env: dict[str, str], check: bool = True
) -> subprocess.CompletedProcess[str]:
    """A Heroku build: a fresh tree, then collectstatic."""
    shutil.rmtree(project.path / "staticfiles", ignore_errors=True)
    return project.manage("collectstatic", "--noinput", env=env, check=check)


def test_two_releases_serve_at_once_and_the_old_one_can_come_back(production, s3):
    old, env = production
    old.manage("prepare_bucket", env=env)
    publish(old, env)
    old.manage("migrate", "--noinput", env=env)
    new = Project(old.path.with_name("release-2"), old.venv)
    shutil.copytree(old.path, new.path, ignore=shutil.ignore_patterns("staticfiles"))
    change_assets(new, "2")
    base = static_base(s3, env)

    with web(old, env) as old_url:
        publish(new, env)  # the old release keeps serving while the new one is built
        with web(new, env) as new_url:
            assert_assets_served_as_built(old_url, old.path / "staticfiles", base)
            assert_assets_served_as_built(new_url, new.path / "staticfiles", base)
    # Rollback: the old build starts again, nothing is published.
    s3.clear()
    with web(old, env) as old_url:
        assert_assets_served_as_built(old_url, old.path / "staticfiles", base)
    assert s3.count("PUT") == 0


def uploaded_keys(s3: S3Server, bucket: str, since: int = 0) -> set[str]:
    requests_ = s3.requests("PUT")[since:]
    return {r["path"].removeprefix(f"/{bucket}/") for r in requests_ if r["status"] == 200}


def test_transient_errors_are_retried(production, faulty_s3):
    project, env = production
    project.manage("prepare_bucket", env=env)
    faulty_s3.clear()
    faulty_s3.set_faults(status=503, methods=["PUT"], after=5, count=4)
    output = publish(project, env).stdout
    assert "Published:" in output
    puts = faulty_s3.requests("PUT")
    assert sum(r["status"] == 503 for r in puts) == 4
    uploaded = int(re.search(r"Published: (\d+) uploaded", output).group(1))
    assert sum(r["status"] == 200 for r in puts) == uploaded


def test_a_failed_publish_leaves_the_site_whole_and_a_rerun_finishes_it(production, faulty_s3):
    s3 = faulty_s3
    project, env = production
    bucket, base = env["AWS_STORAGE_BUCKET_NAME"], static_base(s3, env)
    project.manage("prepare_bucket", env=env)
    publish(project, env)
    project.manage("migrate", "--noinput", env=env)
    live = Project(project.path.with_name("live-release"), project.venv)  # the running slug
    shutil.copytree(project.path, live.path)

    change_assets(project, "broken")
    s3.set_faults(status=503, methods=["PUT"], after=2)
    before = len(s3.requests("PUT"))
    failed = publish(project, env, check=False)
    assert failed.returncode != 0
    assert "Publishing static files to s3://" in failed.stderr
    assert "failed: uploading " in failed.stderr
    assert "The site is unaffected" in failed.stderr
    arrived = uploaded_keys(s3, bucket, before)
    assert len(arrived) == 2

    s3.clear_faults()
    # The running release (its own manifests) still finds every file it references.
    with web(live, env) as url:
        assert_assets_served_as_built(url, live.path / "staticfiles", base)

    before = len(s3.requests("PUT"))
    rerun = project.manage("collectstatic", "--noinput", env=env)  # same tree, as a retried build
    assert "Published:" in rerun.stdout
    assert uploaded_keys(s3, bucket, before).isdisjoint(arrived), "a re-run re-sent files"


def test_a_slow_server_fails_the_publish_with_a_clear_message(production, faulty_s3):
    project, env = production
    project.manage("prepare_bucket", env=env)
    faulty_s3.set_faults(delay=3, methods=["PUT"])
    started = time.monotonic()
    result = publish(project, {**env, "ASSETS_PUBLISH_TIMEOUT": "1"}, check=False)
    assert result.returncode != 0
    assert "timeout" in result.stderr.lower() or "timed out" in result.stderr.lower()
    assert "The site is unaffected" in result.stderr
    assert time.monotonic() - started < 120


def test_a_server_that_dies_mid_publish(production, s3):
    project, env = production
    project.manage("prepare_bucket", env=env)
    s3.set_faults(delay=0.2, methods=["PUT"])  # slow enough to be caught in the middle
    try:
        shutil.rmtree(project.path / "staticfiles", ignore_errors=True)
        command = [project.python, "manage.py", "collectstatic", "--noinput"]
        build = subprocess.Popen(
            command,
            cwd=project.path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 60
        while s3.count("PUT") < 20 and time.monotonic() < deadline:
            time.sleep(0.2)
        s3.kill()
        _, stderr = build.communicate(timeout=120)
    finally:
        s3.restart()  # moto keeps its state in memory: the bucket is gone with the process
    assert build.returncode != 0
    assert "Publishing static files to s3://" in stderr and "The site is unaffected" in stderr
    project.manage("prepare_bucket", env=env)
    assert "Published:" in project.manage("collectstatic", "--noinput", env=env).stdout


def test_secrets_never_appear_in_build_output(production, faulty_s3):
    project, env = production
    outputs = [project.manage("prepare_bucket", env=env), publish(project, env)]
    faulty_s3.set_faults(status=403, methods=["PUT"])
    change_assets(project, "denied")
    outputs.append(publish(project, env, check=False))
    assert outputs[-1].returncode != 0
    for result in outputs:
        text = result.stdout + result.stderr
        assert env["AWS_SECRET_ACCESS_KEY"] not in text
        assert env["SECRET_KEY"] not in text
