"""Direct uploads, the pieces any form can use ({{ cookiecutter.project_slug }}/direct_uploads.py),
against moto's S3 server: a presigned POST for a pending key, a token for one user, and a move
to the final key only once the stored object passes the rules."""

import pytest
import requests
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage

from {{ cookiecutter.project_slug }} import direct_uploads

pytestmark = pytest.mark.django_db


def keys(bucket) -> list[str]:
    listed = bucket.list_objects_v2(Bucket=default_storage.bucket_name)
    return sorted(item["Key"] for item in listed.get("Contents", []))


def send(filename: str, body: bytes, user) -> str:
    """What a page and the browser do: ask for a policy, post the file to the bucket."""
    policy = direct_uploads.policy(filename, user)
    sent = requests.post(policy["url"], data=policy["fields"], files={"file": body}, timeout=10)
    assert sent.status_code == 204, sent.text
    return policy["token"]


@pytest.fixture
def user(django_user_model):
    return django_user_model.objects.create_user("sender")


def test_a_claimed_file_moves_from_pending_to_its_name(bucket, user):
    token = send("notes.txt", b"sent straight to the bucket", user)
    name = direct_uploads.claim(token, user)
    assert keys(bucket) == [f"media/pending/{name}"]
    direct_uploads.store(name)
    direct_uploads.discard(name)
    assert keys(bucket) == [f"media/{name}"]
    stored = bucket.get_object(Bucket=default_storage.bucket_name, Key=keys(bucket)[0])
    assert stored["ContentType"] == "text/plain"


def test_a_token_is_for_the_user_it_was_given_to(bucket, user, django_user_model):
    token = send("notes.txt", b"x", user)
    other = django_user_model.objects.create_user("other")
    with pytest.raises(ValidationError, match="given to another user"):
        direct_uploads.claim(token, other)
    with pytest.raises(ValidationError, match="not valid"):
        direct_uploads.claim(token + "x", user)


def test_an_object_that_breaks_the_rules_is_never_stored(bucket, user):
    name = direct_uploads.claim(send("photo.png", b"not a picture at all", user), user)
    with pytest.raises(ValidationError, match="does not hold a PNG image"):
        direct_uploads.store(name)
    direct_uploads.discard(name)
    assert keys(bucket) == []
