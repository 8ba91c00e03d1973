"""Uploads sent by the browser straight to S3, so a large file never passes through a dyno
(Heroku's router ends a request after 30 seconds).

1. The page asks `policy` for a presigned POST: S3 itself then refuses a file over
   UPLOAD_MAX_BYTES, under another key or with other headers than the rules in uploads.py give
   its name. The key is under media/pending/; it comes with a signed token that names it and
   the user who asked, valid for the policy's lifetime.
2. The browser posts the file to the bucket.
3. It hands the token to `record`, which accepts it once, from that user only: it reads the
   object's headers back (a HEAD, and for images a ranged GET of the first bytes, never the
   whole file), re-checks every field the policy fixed, deletes an object that breaks a rule,
   and copies the rest to its final key under uploads/ (a copy inside the bucket). The bucket's
   answer to the POST stays opaque to the page (no CORS rule needed): this check decides.
A file never recorded stays under pending/, which a lifecycle rule of the bucket empties
(assets/pending_uploads.py). Without JavaScript, and on the development server, the form posts
through the site as before.
"""

from __future__ import annotations

from botocore.exceptions import ClientError
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat

from assets.pending_uploads import PENDING

from .models import Upload, upload_path
from .uploads import IMAGE_SIGNATURES, check_extension, extension, served_as, signature_length

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


def record(title: str, token: str, user: AbstractBaseUser) -> Upload:
    """The upload the token names, once S3 holds an object that follows the rules."""
    name = token_name(token, user)
    title = valid_title(title, name)
    try:
        with transaction.atomic():
            # The row first: its unique key is what makes a token single-use, even when the
            # same token is recorded twice at once.
            upload = Upload.objects.create(title=title, file=name)
            check_stored(pending(name), name)
            client().copy_object(
                Bucket=default_storage.bucket_name,
                Key=key(name),
                CopySource={"Bucket": default_storage.bucket_name, "Key": key(pending(name))},
            )
    except IntegrityError as error:
        raise ValidationError("This upload is already recorded.") from error
    except ValidationError:
        default_storage.delete(pending(name))
        raise
    default_storage.delete(pending(name))
    return upload


def token_name(token: str, user: AbstractBaseUser) -> str:
    try:
        signed = signing.loads(token, salt=SALT, max_age=EXPIRES)
    except signing.BadSignature as error:
        raise ValidationError("This upload's token is not valid or has expired.") from error
    if signed["user"] != user.pk:
        raise ValidationError("This upload's token was given to another user.")
    return signed["name"]


def valid_title(title: str, name: str) -> str:
    """The title as the model will store it (the file's name if none was given), or the
    reason it cannot be."""
    title = title.strip() or name.rsplit("/", 1)[-1]
    try:
        return Upload._meta.get_field("title").clean(title, None)
    except ValidationError as error:
        raise ValidationError(f"Title: {' '.join(error.messages)}") from error


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
