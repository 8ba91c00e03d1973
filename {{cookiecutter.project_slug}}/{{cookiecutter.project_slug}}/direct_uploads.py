"""Uploads sent by the browser straight to S3, so a large file never passes through a dyno
(Heroku's router ends a request after 30 seconds).

1. The page asks `policy` for a presigned POST: S3 itself then refuses a file over
   UPLOAD_MAX_BYTES, under another key or with another Content-Type than the rules in uploads.py
   give its name. The key comes with a signed token, valid for the policy's lifetime.
2. The browser posts the file to the bucket.
3. It hands the token to `record`, which reads the object's size and type back from S3 (and an
   image's first bytes), deletes an object that breaks a rule, and records the rest. The
   bucket's answer to the POST stays opaque to the page (no CORS rule needed): this check
   decides.
Without JavaScript, and on the development server, the form posts through the site as before.
"""

from __future__ import annotations

from botocore.exceptions import ClientError
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.template.defaultfilters import filesizeformat

from .models import Upload, upload_path
from .uploads import IMAGE_SIGNATURES, INLINE, allowed_extensions, content_type, extension

EXPIRES = 600  # seconds a policy, and its token, stay valid
SALT = "direct-upload"


def policy(filename: str) -> dict:
    """A presigned POST for a new key for `filename`, and the token that names that key."""
    if extension(filename) not in allowed_extensions():
        raise ValidationError(
            f"Files of type {extension(filename) or '(no extension)'} are not accepted here; "
            f"upload one of {', '.join(allowed_extensions())}."
        )
    name = upload_path(None, filename)
    key = f"{default_storage.location}/{name}"
    fields = {"Content-Type": content_type(name)}
    if fields["Content-Type"] not in INLINE:
        fields["Content-Disposition"] = "attachment"
    conditions = [
        ["content-length-range", 1, settings.UPLOAD_MAX_BYTES],
        *({name_: value} for name_, value in fields.items()),
    ]
    client = default_storage.connection.meta.client
    post = client.generate_presigned_post(
        default_storage.bucket_name, key, Fields=fields, Conditions=conditions, ExpiresIn=EXPIRES
    )
    return {**post, "token": signing.dumps(name, salt=SALT)}


def record(title: str, token: str) -> Upload:
    """The upload the token names, once S3 holds an object that follows the rules."""
    try:
        name = signing.loads(token, salt=SALT, max_age=EXPIRES)
    except signing.BadSignature as error:
        raise ValidationError("This upload's token is not valid or has expired.") from error
    try:
        check_stored(name)
    except ValidationError:
        default_storage.delete(name)
        raise
    return Upload.objects.create(title=title or name.rsplit("/", 1)[-1], file=name)


def check_stored(name: str) -> None:
    """What the ordinary form checks, read back from the stored object."""
    try:
        head = default_storage.connection.meta.client.head_object(
            Bucket=default_storage.bucket_name, Key=f"{default_storage.location}/{name}"
        )
    except ClientError as error:
        raise ValidationError(
            "The bucket did not keep the file: it is larger than "
            f"{filesizeformat(settings.UPLOAD_MAX_BYTES)}, of another type, or was sent too late."
        ) from error
    size, limit = head["ContentLength"], settings.UPLOAD_MAX_BYTES
    if size > limit:
        raise ValidationError(
            f"The file is {filesizeformat(size)}; files up to {filesizeformat(limit)} are accepted."
        )
    stored_type = head.get("ContentType")
    if stored_type != content_type(name):
        raise ValidationError(f"The file was stored as {stored_type}, not as its name says.")
    signatures = IMAGE_SIGNATURES.get(extension(name))
    if signatures:
        with default_storage.open(name) as stored:
            if not stored.read(16).startswith(signatures):
                kind = extension(name)[1:].upper()
                raise ValidationError(f"This file does not hold a {kind} image.")
