"""The default configuration against AWS's own host names: no AWS_S3_ENDPOINT_URL.

Every other production test points AWS_S3_ENDPOINT_URL at a local server; real users set no
endpoint, and boto3 then builds AWS's names, which differ by region and bucket name. Here those
names resolve to the test S3 server inside a network namespace (tests/support/aws_hosts.py), and
the whole production story runs there as Heroku runs it: prepare_bucket (the admin's step), the
build's collectstatic, the Procfile's release, then web; Chromium, in the namespace too, opens the
start page, signs in as staff, uploads a file from it straight to the bucket and opens its link.
The only variables a test adds are those that make the machine trust the private CA.
"""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from tests.conftest import Bake
from tests.support.aws_hosts import AwsHosts
from tests.support.browser import (
    LAUNCH_ARGS,
    RECORD_CSP_VIOLATIONS,
    VIEWPORT,
    PageLog,
    inject_scripts,
    upload,
)
from tests.support.heroku import BUILD_COMMAND, dyno_env, git_push, procfile
from tests.support.production import ACCESS_KEY, SECRET_ACCESS_KEY, SECRET_KEY
from tests.support.project import clean_env
from tests.support.serving import STAFF
from tests.test_browser import check_nothing_went_wrong, check_start_page, csp_violations, sign_in

CDN = "d111111abcdef8.cloudfront.net"
UPLOAD = b"quarterly numbers, uploaded from the start page\n"


@dataclass(frozen=True)
class Case:
    bucket: str
    region: str  # AWS_S3_REGION_NAME; empty: unset, the default (us-east-1)
    bucket_url: str  # the bucket as AWS names it: signed media URLs and direct uploads
    upload_url: str  # where the browser posts a direct upload (the presigned POST's URL)
    cdn: str = ""  # AWS_S3_CUSTOM_DOMAIN
    # A stranger's public bucket on the same host (path style), whose script must not run here.
    foreign_bucket: str = ""

    @property
    def static_url(self) -> str:
        return f"https://{self.cdn}/static/" if self.cdn else f"{self.bucket_url}/static/"

    @property
    def virtual_host(self) -> str:
        return f"{self.bucket}.s3.{self.region or 'us-east-1'}.amazonaws.com"


# The bucket URLs AWS documents for each (regional endpoints; a dotted name goes in the path,
# since no certificate of AWS's covers a dotted virtual host).
# https://docs.aws.amazon.com/AmazonS3/latest/userguide/VirtualHosting.html
CASES = {
    "default-region": Case(
        "my-site-assets",
        "",
        "https://my-site-assets.s3.us-east-1.amazonaws.com",
        "https://my-site-assets.s3.us-east-1.amazonaws.com/",
    ),
    "dotted-name-eu-central-1": Case(
        "assets.my-site.example",
        "eu-central-1",
        "https://s3.eu-central-1.amazonaws.com/assets.my-site.example",
        "https://s3.eu-central-1.amazonaws.com/assets.my-site.example",
        foreign_bucket="someone-elses.bucket.example",
    ),
    # ap-east-1 (Hong Kong) is opt-in: AWS's global host names do not serve it.
    "opt-in-region": Case(
        "my-site-assets-hk",
        "ap-east-1",
        "https://my-site-assets-hk.s3.ap-east-1.amazonaws.com",
        "https://my-site-assets-hk.s3.ap-east-1.amazonaws.com/",
    ),
    "cdn": Case(
        "my-site-assets-cdn",
        "",
        "https://my-site-assets-cdn.s3.us-east-1.amazonaws.com",
        "https://my-site-assets-cdn.s3.us-east-1.amazonaws.com/",
        cdn=CDN,
    ),
}


@pytest.fixture(scope="module")
def aws(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AwsHosts]:
    """One namespace and S3 server for the module's cases; each case has a bucket of its own.
    Both the global and the regional virtual host of each bucket resolve, so a URL in the
    wrong one fails on the page's Content-Security-Policy, not on a missing name."""
    hosts = [case.virtual_host for case in CASES.values()]
    hosts += [f"{case.bucket}.s3.amazonaws.com" for case in CASES.values()]
    regions = ["us-east-1", *{case.region for case in CASES.values() if case.region}]
    cdn = {case.cdn: case.virtual_host for case in CASES.values() if case.cdn}
    with AwsHosts(tmp_path_factory.mktemp("aws-hosts"), hosts, regions, cdn) as namespace:
        yield namespace


@pytest.fixture(scope="module")
def chromium(aws: AwsHosts) -> Iterator[Browser]:
    """Chromium inside the namespace (Playwright's driver stays outside, talking over pipes)."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=aws.chromium(), args=LAUNCH_ARGS)
        yield browser
        browser.close()


def config_vars(case: Case, database: Path, ca: dict[str, str]) -> dict[str, str]:
    """A new user's config vars for AWS: no endpoint; the region only where it is not the
    default; plus what makes this machine trust the private CA."""
    config = {
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": f"sqlite:///{database}",
        "AWS_ACCESS_KEY_ID": ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET_ACCESS_KEY,
        "AWS_STORAGE_BUCKET_NAME": case.bucket,
        # Chromium reaches the web process over plain http on the namespace's loopback.
        "SECURE_SSL_REDIRECT": "False",
        **ca,
    }
    if case.region:
        config["AWS_S3_REGION_NAME"] = case.region
    if case.cdn:
        config["AWS_S3_CUSTOM_DOMAIN"] = case.cdn
    return clean_env(**config)


def run_in(aws: AwsHosts, app: Path, command: str, env: dict[str, str]) -> str:
    """A one-off dyno inside the namespace (the build, the release, heroku run)."""
    done = subprocess.run(
        aws.command(["bash", "-c", command]),
        cwd=app,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, f"{command}:\n{done.stdout}\n{done.stderr}"
    return done.stdout + done.stderr


@pytest.fixture
def web(aws: AwsHosts, tmp_path: Path):
    """Start the Procfile's web process in the namespace; stopped when the test ends."""
    started: list[subprocess.Popen[bytes]] = []

    def start(app: Path, env: dict[str, str], port: int) -> str:
        log = tmp_path / "web.log"
        with log.open("w") as out:
            process = subprocess.Popen(
                aws.command(["bash", "-c", procfile(app)["web"]]),
                cwd=app,
                env={**env, "PORT": str(port)},
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        started.append(process)
        aws.wait_until_listening(port, process, log)
        return f"http://127.0.0.1:{port}"

    yield start
    for process in started:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


@pytest.mark.parametrize("name", CASES)
def test_the_production_story_on_aws_host_names(
    name: str, aws: AwsHosts, chromium: Browser, bake: Bake, heroku_venv: Path, web, tmp_path: Path
):
    case = CASES[name]
    app = git_push(bake())
    config = config_vars(case, tmp_path / "db.sqlite3", aws.trust_env())
    dyno = dyno_env(app, heroku_venv, config)
    run_in(aws, app, "python manage.py prepare_bucket", dyno)
    run_in(aws, app, " ".join(BUILD_COMMAND), {**dyno, "PYTHONPATH": "."})
    run_in(aws, app, procfile(app)["release"], dyno)
    staff = f"python manage.py createsuperuser --noinput --username {STAFF['username']} "
    run_in(
        aws,
        app,
        staff + "--email editor@example.com",
        {**dyno, "DJANGO_SUPERUSER_PASSWORD": STAFF["password"]},
    )
    base_url = web(app, dyno, 8000 + list(CASES).index(name))

    context = chromium.new_context(viewport=VIEWPORT, ignore_https_errors=True)
    context.set_default_timeout(15_000)
    context.add_init_script(RECORD_CSP_VIOLATIONS)
    log = PageLog()
    tab = log.watch(context.new_page())
    start = tab.goto(base_url + "/")
    assert start is not None and start.status == 200
    # From the page's own response: Playwright's request API runs outside the namespace.
    check_start_page(tab, log, case.static_url, start.headers["content-security-policy"])
    stylesheets = [r.url for r in log.responses_for(".css")]
    assert stylesheets and all(url.startswith(case.static_url) for url in stylesheets)

    sign_in(tab, base_url)
    try:
        link = upload(tab, "Quarterly numbers", "numbers.txt", UPLOAD)
    except PlaywrightError:
        pytest.fail(
            f"the upload did not finish. CSP violations: {csp_violations(tab)}; "
            f"errors: {log.errors}; failed requests: {log.failed}"
        )
    assert csp_violations(tab) == []
    posts = [r for r in log.responses if r.request.method == "POST" and r.url == case.upload_url]
    assert len(posts) == 1, [f"{r.request.method} {r.url}" for r in log.responses]
    # Private media: a signed URL on the bucket itself (a CDN would not pass the signature on).
    assert link.startswith(f"{case.bucket_url}/media/uploads/"), link
    opened = tab.goto(link)
    assert opened is not None and opened.status == 200 and opened.body() == UPLOAD
    check_nothing_went_wrong(log)

    # An attacker's <script> tags on the start page: the staff upload, and a script in a
    # stranger's bucket on the same host, are refused by the page's policy.
    foreign = foreign_script(aws, app, dyno, case)
    tab.goto(base_url + "/")
    refused = [link, *filter(None, [foreign])]
    assert inject_scripts(tab, refused) == dict.fromkeys(refused, "refused")
    assert sorted(csp_violations(tab)) == sorted(f"script-src-elem {url}" for url in refused)
    context.close()


FOREIGN_BUCKET = """
import json, sys

import boto3
from botocore.config import Config

bucket, region = sys.argv[1:]
s3 = boto3.client("s3", region_name=region, config=Config(s3={"addressing_style": "path"}))
s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region})
read = {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject"}
policy = {"Version": "2012-10-17", "Statement": [{**read, "Resource": f"arn:aws:s3:::{bucket}/*"}]}
s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))
key = "static/evil.js"
s3.put_object(Bucket=bucket, Key=key, Body=b"window.ran = 1;", ContentType="text/javascript")
print(s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": key}))
"""


def foreign_script(aws: AwsHosts, app: Path, dyno: dict[str, str], case: Case) -> str:
    """The URL of a public script in the case's stranger's bucket ("" without one), on AWS's
    path-style host of the case's region, readable by anyone."""
    if not case.foreign_bucket:
        return ""
    script = shlex.quote(FOREIGN_BUCKET)
    made = run_in(aws, app, f"python -c {script} {case.foreign_bucket} {case.region}", dyno)
    url = made.strip().splitlines()[-1].split("?")[0]
    assert url == f"https://s3.{case.region}.amazonaws.com/{case.foreign_bucket}/static/evil.js"
    return url
