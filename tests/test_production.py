"""Production assets: one collectstatic collects, compresses and publishes to a real S3 endpoint."""

from __future__ import annotations

import json
import shutil
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
import requests

from tests.support.pages import asset_urls
from tests.support.project import Project
from tests.support.s3server import S3Server, free_port
from tests.support.serving import stylesheet_urls

HTTPS = {"X-Forwarded-Proto": "https"}
IMMUTABLE = "public, max-age=31536000, immutable"
CONTENT_TYPES = {
    ".css": "text/css",
    ".js": "text/javascript",
    ".svg": "image/svg+xml",
    ".woff2": "font/woff2",
}


def build(project: Project, env: dict[str, str]) -> str:
    """What a user runs once per bucket, then what Heroku runs on every build."""
    project.manage("prepare_bucket", env=env)
    return project.manage("collectstatic", "--noinput", env=env).stdout


def puts_to(s3: S3Server, bucket: str) -> list[dict]:
    return [r for r in s3.requests("PUT") if r["path"].startswith(f"/{bucket}/")]


def test_pages_take_every_asset_from_the_bucket(production, s3):
    project, env = production
    output = build(project, env)
    assert "Compressed" in output
    assert "Published:" in output
    waited = [r["path"] for r in puts_to(s3, env["AWS_STORAGE_BUCKET_NAME"]) if r.get("expect")]
    assert waited == [], "uploads waited a round trip for `100 Continue`"
    project.manage("migrate", "--noinput", env=env)

    port = free_port()
    web = [project.bin("gunicorn"), "config.wsgi", "--config", "gunicorn.conf.py"]
    with project.serve(web, port, env={**env, "PORT": str(port)}) as base_url:
        page = requests.get(base_url + "/", headers=HTTPS, timeout=10)
    assert page.status_code == 200
    urls = asset_urls(page.text, base_url)
    static_base = f"{s3.endpoint_url}/{env['AWS_STORAGE_BUCKET_NAME']}/static/"
    assert urls["link"] and urls["script"] and urls["img"]
    assert any("/static/CACHE/css/output." in url for url in urls["link"]), "CSS is not bundled"
    assert any("/static/CACHE/js/output." in url for url in urls["script"]), "JS is not bundled"
    for url in [*urls["link"], *urls["script"], *urls["img"]]:
        assert url.startswith(static_base), url
        asset = requests.get(url, timeout=10)  # anonymous, as a browser fetches it
        assert asset.status_code == 200, url
        suffix = "." + url.rsplit(".", 1)[-1]
        assert asset.headers["Content-Type"] == CONTENT_TYPES[suffix], url
        assert asset.headers["Cache-Control"] == IMMUTABLE, url


def test_a_bundle_refers_to_hashed_files_on_the_bucket(production, s3):
    project, env = production
    with (project.path / "static/css/site.css").open("a") as css:
        css.write('\n.marked { background: url("../img/logo.svg") no-repeat; }\n')
    build(project, env)
    static_base = f"{s3.endpoint_url}/{env['AWS_STORAGE_BUCKET_NAME']}/static/"
    manifest = json.loads((project.path / "staticfiles/CACHE/manifest.json").read_text())
    # compressor keeps its URL out of the manifest and puts it back at render time.
    html = "".join(manifest.values()).replace("/__compressor_url_placeholder__/", static_base)
    css_url = next(url for url in asset_urls(html, "")["link"] if url.endswith(".css"))
    css = requests.get(css_url, timeout=10).text
    # Relative to the bundle, so the same build serves from any bucket, prefix or CDN.
    assert "url(../../img/logo." in css.replace('"', "").replace("'", "")
    referenced = stylesheet_urls(css, css_url)
    assert referenced, "the stylesheet references no files"
    assert any("img/logo." in url for url in referenced)
    for url in referenced:
        assert url.startswith(static_base), url
        assert "/img/logo.svg" not in url, "a url() kept its unhashed name"
        assert requests.get(url, timeout=10).status_code == 200, url


def test_unhashed_files_are_published_with_a_short_max_age(production, s3):
    project, env = production
    build(project, env)
    url = f"{s3.endpoint_url}/{env['AWS_STORAGE_BUCKET_NAME']}/static/css/site.css"
    response = requests.get(url, timeout=10)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=300"


def test_a_rebuild_with_nothing_changed_uploads_nothing(production, s3):
    project, env = production
    build(project, env)
    bucket = env["AWS_STORAGE_BUCKET_NAME"]
    assert len(puts_to(s3, bucket)) > 100

    # Heroku builds in a fresh checkout: every file is collected again with a new mtime.
    shutil.rmtree(project.path / "staticfiles")
    s3.clear()
    output = project.manage("collectstatic", "--noinput", env=env).stdout
    assert puts_to(s3, bucket) == []
    assert "Published: 0 uploaded" in output
    assert len([r for r in s3.requests() if r["path"].startswith(f"/{bucket}")]) <= 3


def test_a_changed_stylesheet_uploads_only_what_changed(production, s3):
    project, env = production
    build(project, env)
    bucket = env["AWS_STORAGE_BUCKET_NAME"]
    with (project.path / "static/css/site.css").open("a") as css:
        css.write("\n.changed { color: red; }\n")
    shutil.rmtree(project.path / "staticfiles")
    s3.clear()
    project.manage("collectstatic", "--noinput", env=env)
    uploaded = sorted(r["path"].removeprefix(f"/{bucket}/static/") for r in puts_to(s3, bucket))
    # The original, its hashed copy (one per post-processing pass), and the new bundle.
    assert "css/site.css" in uploaded
    assert any(name.startswith("CACHE/css/output.") for name in uploaded)
    assert len(uploaded) <= 5, uploaded


def test_a_publish_writes_no_errors_to_the_build_log(production, s3):
    """Heroku's build log shows stderr: a publish that succeeds leaves no traceback there (an
    upload callback that raised was reported, and ignored, once per file)."""
    project, env = production
    project.manage("prepare_bucket", env=env)
    result = project.manage("collectstatic", "--noinput", env=env)
    assert "Published:" in result.stdout
    for sign in ("Traceback", "Exception ignored", "Error"):
        assert sign not in result.stderr, result.stderr[-3000:]


MEDIA_SCRIPT = """
import json
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
names = [default_storage.save("uploads/report.txt", ContentFile(b"numbers")) for _ in range(2)]
print(json.dumps({"names": names, "url": default_storage.url(names[0])}))
"""


def test_uploads_are_private_signed_and_never_overwritten(production, s3):
    project, env = production
    project.manage("prepare_bucket", env=env)
    result = json.loads(
        project.manage("shell", "--verbosity", "0", "-c", MEDIA_SCRIPT, env=env).stdout
    )
    first, second = result["names"]
    assert first != second, "the second upload replaced the first"

    bucket = env["AWS_STORAGE_BUCKET_NAME"]
    keys = {
        o["Key"] for o in s3.client().list_objects_v2(Bucket=bucket, Prefix="media/")["Contents"]
    }
    assert keys == {f"media/{first}", f"media/{second}"}

    url = result["url"]
    query = parse_qs(urlsplit(url).query)
    assert url.startswith(f"{s3.endpoint_url}/{bucket}/media/uploads/report")
    assert query["X-Amz-Expires"] == ["3600"] and "X-Amz-Signature" in query
    assert requests.get(url, timeout=10).content == b"numbers"
    assert requests.get(url.split("?")[0], timeout=10).status_code == 403


def test_the_bucket_policy_makes_only_static_public(production, s3):
    project, env = production
    build(project, env)
    bucket = env["AWS_STORAGE_BUCKET_NAME"]
    s3.client().put_object(Bucket=bucket, Key="media/private.txt", Body=b"secret")
    assert (
        requests.get(f"{s3.endpoint_url}/{bucket}/static/css/site.css", timeout=10).status_code
        == 200
    )
    assert (
        requests.get(f"{s3.endpoint_url}/{bucket}/media/private.txt", timeout=10).status_code == 403
    )


URL_SCRIPT = """
from django.templatetags.static import static
from django.core.files.storage import default_storage
print(static("css/site.css"))
print(default_storage.url("uploads/a.txt").split("?")[0])
"""


def test_a_cdn_and_a_key_prefix(production):
    project, env = production
    env = {**env, "AWS_S3_CUSTOM_DOMAIN": "cdn.example.test", "AWS_LOCATION": "review-42"}
    project.manage("collectstatic", "--noinput", "--dry-run", env=env)
    build(project, env)
    static_url, media_url = project.manage(
        "shell", "--verbosity", "0", "-c", URL_SCRIPT, env=env
    ).stdout.split()
    assert static_url.startswith("https://cdn.example.test/review-42/static/css/site.")
    # Private media is signed by S3 itself: its URL names the bucket, not the CDN.
    assert "/review-42/media/uploads/a.txt" in media_url
    assert "cdn.example.test" not in media_url


BAD_SETTINGS = [
    ({"AWS_STORAGE_BUCKET_NAME": ""}, "AWS_STORAGE_BUCKET_NAME is not set"),
    (
        {"AWS_S3_CUSTOM_DOMAIN": "https://cdn.example.com"},
        "AWS_S3_CUSTOM_DOMAIN='https://cdn.example.com' must be a bare host name",
    ),
    (
        {"AWS_S3_CUSTOM_DOMAIN": "cdn.example.com/"},
        "AWS_S3_CUSTOM_DOMAIN='cdn.example.com/' must be a bare host name",
    ),
    (
        {"STATIC_URL": "https://cdn.example.com/static"},
        "STATIC_URL='https://cdn.example.com/static' must end with a slash",
    ),
    (
        {"AWS_S3_ENDPOINT_URL": "localhost:9000"},
        "AWS_S3_ENDPOINT_URL='localhost:9000' is not a URL",
    ),
]


@pytest.mark.parametrize(
    ("overrides", "message"),
    BAD_SETTINGS,
    ids=[m.split()[0].split("=")[0] for _, m in BAD_SETTINGS],
)
def test_a_bad_variable_stops_collectstatic_before_any_upload(production, s3, overrides, message):
    project, env = production
    s3.client().create_bucket(Bucket=env["AWS_STORAGE_BUCKET_NAME"])
    result = project.manage("collectstatic", "--noinput", env={**env, **overrides}, check=False)
    assert result.returncode != 0
    assert message in result.stderr
    assert puts_to(s3, env["AWS_STORAGE_BUCKET_NAME"]) == []
    assert not (project.path / "staticfiles").exists()


def cloudfront(s3: S3Server, env: dict[str, str]):
    """A CloudFront client on the same local server (moto serves every AWS API)."""
    return boto3.client(
        "cloudfront",
        endpoint_url=s3.endpoint_url,
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
        region_name="us-east-1",
    )


def create_distribution(client, bucket: str) -> str:
    origin = {"Id": "bucket", "DomainName": f"{bucket}.s3.amazonaws.com"}
    origin["S3OriginConfig"] = {"OriginAccessIdentity": ""}
    config = {
        "CallerReference": bucket,
        "Comment": "",
        "Enabled": True,
        "Origins": {"Quantity": 1, "Items": [origin]},
        "DefaultCacheBehavior": {"TargetOriginId": "bucket", "ViewerProtocolPolicy": "allow-all"},
    }
    return client.create_distribution(DistributionConfig=config)["Distribution"]["Id"]


def test_a_publish_invalidates_only_the_changed_unhashed_paths(production, s3):
    project, env = production
    client = cloudfront(s3, env)
    distribution = create_distribution(client, env["AWS_STORAGE_BUCKET_NAME"])
    env = {
        **env,
        "CLOUDFRONT_DISTRIBUTION_ID": distribution,
        "AWS_ENDPOINT_URL_CLOUDFRONT": s3.endpoint_url,
    }
    build(project, env)
    assert (
        client.list_invalidations(DistributionId=distribution)["InvalidationList"]["Quantity"] == 0
    )

    with (project.path / "static/js/site.js").open("a") as js:
        js.write("\nconsole.debug('changed');\n")
    shutil.rmtree(project.path / "staticfiles")
    output = project.manage("collectstatic", "--noinput", env=env).stdout
    assert "Invalidated 1 CloudFront path(s)." in output
    invalidations = client.list_invalidations(DistributionId=distribution)["InvalidationList"][
        "Items"
    ]
    batch = client.get_invalidation(DistributionId=distribution, Id=invalidations[0]["Id"])
    assert batch["Invalidation"]["InvalidationBatch"]["Paths"]["Items"] == ["/static/js/site.js"]
