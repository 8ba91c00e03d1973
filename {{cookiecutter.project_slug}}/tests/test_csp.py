"""The production Content-Security-Policy allows what the storage's client makes, and no more.

For each shape of bucket, production settings run in a fresh interpreter with no network:
boto3 signs offline, so the test takes a signed media URL from the media storage, the presigned
POST's URL from the client that direct uploads sign with, and a static URL, and checks each
against the header the CSP middleware sends, under CSP's own matching rules
(https://www.w3.org/TR/CSP3/#match-url-to-source-expression). A bucket named in the path
(dotted names, custom endpoints) shares its host with other customers' buckets: their files,
and staff uploads in media/, must not be allowed to run as scripts or styles.
"""

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from config.csp import source

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SITE = "https://my-site.example"  # the page's own origin, which 'self' names
SECRET_KEY = "x7-Qm2#pL9vR4tW8zK1nB6cY3hJ5dF0gS-aE7uI2oP4lM9qN3wX6"
CDN = "d111111abcdef8.cloudfront.net"

SHAPES = {
    # AWS_S3_REGION_NAME unset: us-east-1, whose global host boto3 would sign for unless told.
    "default-region": {"AWS_STORAGE_BUCKET_NAME": "my-site-assets"},
    "dotted-name-eu-central-1": {
        "AWS_STORAGE_BUCKET_NAME": "assets.my-site.example",
        "AWS_S3_REGION_NAME": "eu-central-1",
    },
    # ap-east-1 is opt-in: AWS's global host names do not serve it.
    "opt-in-region": {
        "AWS_STORAGE_BUCKET_NAME": "my-site-assets",
        "AWS_S3_REGION_NAME": "ap-east-1",
    },
    "custom-endpoint": {
        "AWS_STORAGE_BUCKET_NAME": "my-site-assets",
        "AWS_S3_ENDPOINT_URL": "http://127.0.0.1:9000",
    },
    "cdn": {"AWS_STORAGE_BUCKET_NAME": "my-site-assets", "AWS_S3_CUSTOM_DOMAIN": CDN},
    # boto3's own endpoint variables (a LocalStack setup, say) would move the client's URLs
    # away from those the settings name; only AWS_S3_ENDPOINT_URL says where the bucket is.
    "boto3-endpoint-variables": {
        "AWS_STORAGE_BUCKET_NAME": "my-site-assets",
        "AWS_ENDPOINT_URL": "http://127.0.0.1:4566",
        "AWS_ENDPOINT_URL_S3": "http://127.0.0.1:4566",
    },
    "cdn-public-media-with-prefix": {
        "AWS_STORAGE_BUCKET_NAME": "my-site-assets",
        "AWS_S3_CUSTOM_DOMAIN": CDN,
        "MEDIA_PUBLIC": "True",
        "AWS_LOCATION": "review-apps/my-site-pr-12",
    },
}

URLS = """
import json

import django

django.setup()
from django.conf import settings
from django.core.files.storage import default_storage
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils.module_loading import import_string

from config import csp

middleware = import_string(csp.MIDDLEWARE)(lambda request: HttpResponse())
header = middleware(RequestFactory().get("/"))["Content-Security-Policy"]
# The client and call direct_uploads.policy signs with; the URL does not depend on the fields.
client = default_storage.connection.meta.client
key = f"{default_storage.location}/uploads/report.txt"
post = client.generate_presigned_post(default_storage.bucket_name, key)
print(json.dumps({
    "csp": header,
    "media": default_storage.url("uploads/report.txt"),
    "upload": post["url"],
    "static": settings.STATIC_URL + "CACHE/js/output.0123456789ab.js",
    "direct_uploads": settings.DIRECT_UPLOADS,
}))
"""


def production_urls(**variables: str) -> dict:
    """What production settings make for these variables, in a fresh interpreter."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("AWS_")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DEBUG="False",
        SECRET_KEY=SECRET_KEY,
        ALLOWED_HOSTS="my-site.example",
        DATABASE_URL="sqlite:///unused.sqlite3",
        AWS_ACCESS_KEY_ID="AKIAIOSFODNN7EXAMPLE",
        AWS_SECRET_ACCESS_KEY="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        # No profile or endpoint from this machine's AWS configuration.
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        **variables,
    )
    done = subprocess.run(
        [sys.executable, "-c", URLS],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def directives(header: str) -> dict[str, list[str]]:
    parts = (part.split() for part in header.split(";") if part.strip())
    return {name: sources for name, *sources in parts}


DEFAULT_PORTS = {"http": 80, "https": 443}


def matches(source: str, url: str) -> bool:
    """Whether a CSP source expression allows `url` on a page of SITE (CSP3 section 6.7.2)."""
    target = urlsplit(url)
    if source == "'self'":
        return f"{target.scheme}://{target.netloc}" == SITE
    if source.startswith("'"):  # nonces and other keywords name no URL
        return False
    if source.endswith(":"):  # a scheme source, such as data:
        return target.scheme == source[:-1]
    expected = urlsplit(source)
    scheme_ok = expected.scheme == target.scheme or (expected.scheme, target.scheme) == (
        "http",
        "https",
    )
    port = target.port or DEFAULT_PORTS.get(target.scheme)
    if not scheme_ok or expected.hostname != target.hostname:
        return False
    if (expected.port or DEFAULT_PORTS[expected.scheme]) != port:
        return False
    if not expected.path:
        return True
    wanted, path = unquote(expected.path), unquote(target.path)
    return path.startswith(wanted) if wanted.endswith("/") else path == wanted


def allows(policy: dict[str, list[str]], directive: str, url: str) -> bool:
    sources = policy.get(directive, policy["default-src"])
    return any(matches(source, urljoin(SITE + "/", url)) for source in sources)


@pytest.mark.parametrize("shape", SHAPES)
def test_the_policy_allows_the_urls_the_client_makes_and_no_others(shape: str):
    variables = SHAPES[shape]
    made = production_urls(**variables)
    policy = directives(made["csp"])
    for directive in ("script-src", "style-src", "font-src", "img-src"):
        assert allows(policy, directive, made["static"]), (directive, made)
    assert allows(policy, "img-src", made["media"]), made
    assert made["direct_uploads"]
    assert allows(policy, "connect-src", made["upload"]), made

    # Staff uploads are images at most: never scripts, styles or fonts.
    for directive in ("script-src", "style-src", "font-src"):
        assert not allows(policy, directive, made["media"]), (directive, made)
    # Another bucket on the same host (or another virtual host), and anything else in ours.
    bucket = variables["AWS_STORAGE_BUCKET_NAME"]
    elsewhere = made["upload"].replace(bucket, "someone-elses-bucket").rstrip("/")
    for directive in ("script-src", "style-src", "connect-src", "img-src"):
        foreign = f"{elsewhere}/static/evil.js"
        assert not allows(policy, directive, foreign), (directive, foreign, made)
    for directive in ("script-src", "style-src", "img-src"):
        other = made["upload"].rstrip("/") + "/evil.js"
        assert not allows(policy, directive, other), (directive, other, made)


def test_without_direct_uploads_scripts_connect_to_this_site_only():
    made = production_urls(**SHAPES["custom-endpoint"], DIRECT_UPLOADS="False")
    assert directives(made["csp"])["connect-src"] == ["'self'"]


STORE = "https://s3.example.com"


@pytest.mark.parametrize(
    ("source", "url", "allowed"),
    [
        (f"{STORE}/bucket/static/", f"{STORE}/bucket/static/a.js", True),
        (f"{STORE}/bucket/static/", f"{STORE}/bucket/media/a.js", False),
        (f"{STORE}/bucket", f"{STORE}/bucket", True),
        (f"{STORE}/bucket", f"{STORE}/bucket/a.js", False),
        (f"{STORE}/bucket", f"{STORE}/bucket-2", False),
        ("http://127.0.0.1:9000/b/", "http://127.0.0.1:9001/b/a.js", False),
        ("https://b.s3.example.com/", "https://b.s3.example.com/any/thing?x=1", True),
        ("https://b.s3.example.com/", "https://c.s3.example.com/", False),
        ("'self'", f"{SITE}/static/a.js", True),
        ("data:", "data:image/png;base64,AAAA", True),
    ],
)
def test_the_matcher_follows_csps_rules(source: str, url: str, allowed: bool):
    assert matches(source, url) is allowed


def test_a_source_is_the_url_itself_and_cannot_end_early():
    assert source("static/") is None  # a path on this site: 'self' covers it
    assert source("https://cdn.example.com/static/?v=1") == "https://cdn.example.com/static/"
    assert source("http://127.0.0.1:9000/bucket") == "http://127.0.0.1:9000/bucket"
    assert source("http://127.0.0.1:9000/bucket", prefix=True) == "http://127.0.0.1:9000/bucket/"
    # A space, `;` or `,` would end the source or the directive: they are percent-encoded.
    assert source("https://s3.example.com/b/a b;c,d/") == "https://s3.example.com/b/a%20b%3Bc%2Cd/"
