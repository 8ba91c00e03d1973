"""The demo's uploads: a deleted upload takes its file along; direct uploads are recorded once,
by whoever asked, after the stored object passes every rule (against moto's S3 server, reached
over HTTP)."""

import re

import pytest
import requests
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse

from demo.models import Upload
from demo.tests.accounts import signed_in

# --- Deleting an upload ---------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_deleted_upload_takes_its_file_once_the_deletion_commits():
    upload = Upload.objects.create(title="Notes", file=ContentFile(b"notes", name="notes.txt"))
    name = upload.file.name
    with pytest.raises(RuntimeError), transaction.atomic():
        Upload.objects.get(pk=upload.pk).delete()
        raise RuntimeError("the deletion is rolled back")
    assert Upload.objects.filter(pk=upload.pk).exists()
    assert default_storage.exists(name), "a rolled-back deletion removed the file"
    with transaction.atomic():
        upload.delete()
        assert default_storage.exists(name), "the file went before the deletion committed"
    assert not default_storage.exists(name)


@pytest.mark.django_db(transaction=True)
def test_the_admins_bulk_delete_removes_the_files(client, admin_user):
    uploads = [
        Upload.objects.create(title=n, file=ContentFile(b"x", name=f"{n}.txt")) for n in "ab"
    ]
    client.force_login(admin_user)
    changelist = reverse(f"admin:{Upload._meta.app_label}_upload_changelist")
    selected = [str(upload.pk) for upload in uploads]
    answer = {"action": "delete_selected", "_selected_action": selected, "post": "yes"}
    assert client.post(changelist, answer).status_code == 302
    assert not Upload.objects.exists()
    assert not any(default_storage.exists(upload.file.name) for upload in uploads)


# --- Direct uploads, against moto's S3 server -----------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * (2**20)  # a megabyte the record step must not read


@pytest.fixture
def uploader(client, django_user_model):
    return signed_in(client, django_user_model, "add", "view")


def ask_policy(client, filename: str) -> dict:
    response = client.post(reverse("demo:upload-policy"), {"filename": filename})
    assert response.status_code == 200, response.content
    return response.json()


def post_to_bucket(policy: dict, body: bytes) -> None:
    """What the browser does: the presigned POST, the file last."""
    sent = requests.post(policy["url"], data=policy["fields"], files={"file": body}, timeout=10)
    assert sent.status_code == 204, sent.text


def record(client, policy: dict, title: str = "Report"):
    return client.post(reverse("demo:upload-record"), {"title": title, "token": policy["token"]})


def media_keys(bucket) -> list[str]:
    name = default_storage.bucket_name
    listed = bucket.list_objects_v2(Bucket=name, Prefix="media/").get("Contents", [])
    return sorted(item["Key"] for item in listed)


@pytest.mark.django_db
def test_a_direct_upload_goes_to_pending_and_is_moved_when_recorded(bucket, uploader):
    policy = ask_policy(uploader, "photo.png")
    pending = policy["fields"]["key"]
    assert re.fullmatch(r"media/pending/uploads/\d{4}/\d\d/photo-[0-9a-f]{8}\.png", pending)
    post_to_bucket(policy, PNG)
    bucket.calls.clear()

    answer = record(uploader, policy)
    assert answer.status_code == 200, answer.content
    stored = Upload.objects.get()
    assert media_keys(bucket) == [f"media/{stored.file.name}"] == [pending.replace("pending/", "")]
    head = bucket.head_object(Bucket=default_storage.bucket_name, Key=f"media/{stored.file.name}")
    assert (head["ContentLength"], head["ContentType"]) == (len(PNG), "image/png")
    # The headers, then the PNG signature's 8 bytes: never the megabyte behind them. (The
    # signed URL of the answer is built with a GetObject too, for the final key, sent by no one.)
    reads = [(name, arg.get("Range")) for name, arg in bucket.calls if arg.get("Key") == pending]
    assert reads == [("HeadObject", None), ("GetObject", "bytes=0-7"), ("DeleteObject", None)]


@pytest.mark.django_db
def test_a_token_records_one_upload_once(bucket, uploader):
    policy = ask_policy(uploader, "notes.txt")
    post_to_bucket(policy, b"notes")
    assert record(uploader, policy).status_code == 200
    again = record(uploader, policy, "Again")
    assert again.status_code == 400
    assert "already recorded" in again.json()["error"]
    assert Upload.objects.count() == 1


@pytest.mark.django_db
def test_a_token_is_for_the_user_who_asked_for_it(bucket, client, django_user_model):
    policy = ask_policy(signed_in(client, django_user_model, "add"), "notes.txt")
    post_to_bucket(policy, b"notes")
    other = signed_in(client, django_user_model, "add", "view")
    refused = record(other, policy)
    assert refused.status_code == 400
    assert "another user" in refused.json()["error"]
    assert not Upload.objects.exists()


@pytest.mark.django_db
def test_a_title_too_long_is_refused_before_anything_is_saved(bucket, uploader):
    policy = ask_policy(uploader, "notes.txt")
    post_to_bucket(policy, b"notes")
    refused = record(uploader, policy, "t" * 201)
    assert refused.status_code == 400
    assert "at most 200 characters" in refused.json()["error"]
    assert not Upload.objects.exists()


@pytest.mark.parametrize(
    ("name", "headers", "body", "error"),
    [
        ("page.svg", {"ContentType": "image/svg+xml"}, b"<svg/>", "Content-Disposition None"),
        ("notes.txt", {"ContentType": "text/html"}, b"<script>", "Content-Type text/html"),
        ("notes.txt", {"ContentType": "text/plain"}, b"x" * 2049, "up to 2.0\xa0KB"),
        ("photo.png", {"ContentType": "image/png"}, b"<html>", "does not hold a PNG"),
    ],
    ids=["disposition", "type", "size", "signature"],
)
@pytest.mark.django_db
def test_the_record_step_rechecks_what_the_policy_fixed(
    bucket, uploader, settings, name, headers, body, error
):
    """A store that does not enforce the POST policy, or a file put there another way: the
    record step refuses it and deletes it."""
    settings.UPLOAD_MAX_BYTES = 2048
    policy = ask_policy(uploader, name)
    key = policy["fields"]["key"]
    bucket.put_object(Bucket=default_storage.bucket_name, Key=key, Body=body, **headers)
    refused = record(uploader, policy)
    assert refused.status_code == 400
    assert error in refused.json()["error"]
    assert not Upload.objects.exists()
    assert media_keys(bucket) == []


@pytest.mark.django_db
def test_a_name_whose_key_loses_its_extension_gets_no_policy(bucket, uploader):
    refused = uploader.post(reverse("demo:upload-policy"), {"filename": "evil.html\\.png"})
    assert refused.status_code == 400
    assert "(no extension) are not accepted" in refused.json()["error"]


@pytest.mark.django_db
def test_direct_uploads_need_the_add_permission_not_staff_status(bucket, client, django_user_model):
    staff = signed_in(client, django_user_model)
    assert staff.post(reverse("demo:upload-policy"), {"filename": "a.txt"}).status_code == 403
    assert staff.post(reverse("demo:upload-record"), {"token": "x"}).status_code == 403
    client.logout()
    allowed = signed_in(client, django_user_model, "add")
    assert allowed.post(reverse("demo:upload-policy"), {"filename": "a.txt"}).status_code == 200


@pytest.mark.django_db
def test_an_active_type_keeps_the_attachment_its_policy_fixed(bucket, uploader):
    policy = ask_policy(uploader, "drawing.svg")
    assert policy["fields"]["Content-Disposition"] == "attachment"
    post_to_bucket(policy, b"<svg xmlns='http://www.w3.org/2000/svg'/>")
    assert record(uploader, policy).status_code == 200
    key = f"media/{Upload.objects.get().file.name}"
    head = bucket.head_object(Bucket=default_storage.bucket_name, Key=key)
    assert (head["ContentType"], head["ContentDisposition"]) == ("image/svg+xml", "attachment")
