"""Uploads sent by the browser straight to S3, so a large file never passes through a dyno
(Heroku's router ends a request after 30 seconds). Any form can use them: mark it with the URLs
of two views (static/js/site.js sends the file) that call the functions below.

1. The page asks for `policy`: a presigned POST, so S3 itself refuses a file over
   UPLOAD_MAX_BYTES, under another key or with other headers than the rules in uploads.py give
   its name. The key is under media/pending/; it comes with a signed token that names it and
   the user who asked, valid for the policy's lifetime.
2. The browser posts the file to the bucket.
3. It hands the token back: `claim` gives the name it grants that user; `store` reads the
   object's headers back (a HEAD, and for images a ranged GET of the first bytes, never the
   whole file), re-checks every field the policy fixed and copies it to its final key under
   uploads/ (a copy inside the bucket); `discard` deletes the pending object either way. The
   bucket's answer to the POST stays opaque to the page (no CORS rule needed): `store` decides.
   The view that records the file makes a token single-use (a unique FileField, for example).
A file never stored stays under pending/, which a lifecycle rule of the bucket empties
(assets/pending_uploads.py). Without JavaScript, and on the development server, the form posts
through the site.
"""

from __future__ import annotations

from botocore.exceptions import ClientError
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.template.defaultfilters import filesizeformat

from assets.pending_uploads import PENDING

from .uploads import (
    IMAGE_SIGNATURES,
    check_extension,
    extension,
    served_as,
    signature_length,
    upload_path,
)

EXPIRES = 600  # seconds a policy, and its token, stay valid
SALT = "direct-upload"


def policy(filename: str, user: AbstractBaseUser) -> dict:
    """A presigned POST for a new pending key for `filename`, and the token that names it."""
    name = upload_path(None, filename)
    check_extension(name)  # the key's own extension, not the name as sent
    fields = served_as(name)
    conditions = [
        ["content-length-range", 1, settings.UPLOAD_MAX_BYTES],
        *({field: value} for field, value in fields.items()),
    ]
    post = client().generate_presigned_post(
        default_storage.bucket_name,
        key(pending(name)),
        Fields=fields,
        Conditions=conditions,
        ExpiresIn=EXPIRES,
    )
    token = signing.dumps({"name": name, "user": user.pk}, salt=SALT)
    return {**post, "token": token}


def claim(token: str, user: AbstractBaseUser) -> str:
    """The media name a token grants, if it is valid, unexpired and was given to `user`."""
    try:
        signed = signing.loads(token, salt=SALT, max_age=EXPIRES)
    except signing.BadSignature as error:
        raise ValidationError("This upload's token is not valid or has expired.") from error
    if signed["user"] != user.pk:
        raise ValidationError("This upload's token was given to another user.")
    return signed["name"]


def store(name: str) -> None:
    """Move the pending object to `name` once it passes every rule (ValidationError if not)."""
    check_stored(pending(name), name)
    client().copy_object(
        Bucket=default_storage.bucket_name,
        Key=key(name),
        CopySource={"Bucket": default_storage.bucket_name, "Key": key(pending(name))},
    )


def discard(name: str) -> None:
    """Delete the pending object (stored or refused, it is no longer needed)."""
    default_storage.delete(pending(name))


def check_stored(stored: str, name: str) -> None:
    """What the ordinary form checks, and every field the policy fixed, read back from the
    stored object: its headers, and no more of its body than an image's signature."""
    try:
        head = client().head_object(Bucket=default_storage.bucket_name, Key=key(stored))
    except ClientError as error:
        raise ValidationError(
            "The bucket did not keep the file: it is larger than "
            f"{filesizeformat(settings.UPLOAD_MAX_BYTES)}, of another type, or was sent too late."
        ) from error
    size, limit = head["ContentLength"], settings.UPLOAD_MAX_BYTES
    if not 1 <= size <= limit:
        raise ValidationError(
            f"The file is {filesizeformat(size)}; files up to {filesizeformat(limit)} are accepted."
        )
    expected = served_as(name)
    stored_as = {
        "Content-Type": head.get("ContentType"),
        "Content-Disposition": head.get("ContentDisposition"),
    }
    for field, value in stored_as.items():
        if value != expected.get(field):
            raise ValidationError(f"The file was stored with {field} {value}, not as named.")
    signatures = IMAGE_SIGNATURES.get(extension(name))
    if signatures and not first_bytes(stored, signature_length(signatures)).startswith(signatures):
        raise ValidationError(f"This file does not hold a {extension(name)[1:].upper()} image.")


def first_bytes(stored: str, count: int) -> bytes:
    """A ranged GET: the first `count` bytes only, whatever the object's size."""
    answer = client().get_object(
        Bucket=default_storage.bucket_name, Key=key(stored), Range=f"bytes=0-{count - 1}"
    )
    return answer["Body"].read(count)


def pending(name: str) -> str:
    return f"{PENDING}/{name}"


def key(name: str) -> str:
    """The bucket key of a name in the media storage."""
    return f"{default_storage.location}/{name}"


def client():
    return default_storage.connection.meta.client
