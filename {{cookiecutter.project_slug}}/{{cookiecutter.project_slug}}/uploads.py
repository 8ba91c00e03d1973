"""Rules for uploaded files: what is accepted, where it is stored, and how the bucket serves it
back. Any model's FileField can use them (`upload_to=upload_path, validators=[validate_upload]`);
STORAGES["default"] uses UploadStorage in production.

Both are decided by the server, never by what the browser says. A file's type comes from its
extension, checked against its first bytes for images, so an HTML page renamed cat.png is
refused. Anything a browser would run if opened inline (HTML, SVG, XML, JavaScript, any type not
known to be inert) is served as a download (Content-Disposition: attachment), so even an allowed
SVG cannot run script on the bucket's or the CDN's origin.
"""

from __future__ import annotations

import mimetypes
import secrets
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.text import slugify
from storages.backends.s3 import S3Storage

MAX_STEM = 60

# The first bytes of each image type that browsers show inline.
IMAGE_SIGNATURES = {
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".gif": (b"GIF87a", b"GIF89a"),
    ".webp": (b"RIFF",),
}
CONTENT_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".pdf": "application/pdf",
    ".txt": "text/plain",
    ".csv": "text/csv",
    ".svg": "image/svg+xml",
    ".js": "text/javascript",
}
# Types a browser shows without running anything from the file.
INLINE = {"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain"}


def extension(name: str) -> str:
    return PurePosixPath(name).suffix.lower()


def content_type(name: str) -> str:
    known = CONTENT_TYPES.get(extension(name))
    return known or mimetypes.guess_type(name)[0] or "application/octet-stream"


def served_as(name: str) -> dict[str, str]:
    """The headers the bucket serves a key with: its type, and `attachment` for active types."""
    headers = {"Content-Type": content_type(name)}
    if headers["Content-Type"] not in INLINE:
        headers["Content-Disposition"] = "attachment"
    return headers


def allowed_extensions() -> list[str]:
    return sorted(f".{e.strip('.').lower()}" for e in settings.UPLOAD_ALLOWED_EXTENSIONS)


def safe_name(filename: str) -> tuple[str, str]:
    """The stem and extension a key keeps of a visitor's file name: the last part of the path
    (a backslash counts as a separator too), slugified and shortened. The rules below judge this
    extension, the one the stored key really gets, never the name as sent: `evil.html\\.png`
    keeps no extension at all, so it is refused rather than stored as an untyped file."""
    name = PurePosixPath(filename.replace("\\", "/")).name
    stem = slugify(PurePosixPath(name).stem, allow_unicode=True)[:MAX_STEM] or "file"
    suffix = slugify(PurePosixPath(name).suffix, allow_unicode=True)[:10]
    return stem, f".{suffix}" if suffix else ""


def upload_path(instance: object, filename: str) -> str:
    """Where an upload is stored: uploads/YYYY/MM/<readable-name>-<random>.<ext>.

    The visitor's file name is never used as a path: only a slugified, shortened stem of it is
    kept (safe_name), so "../", absolute paths, control characters and 300-character names all
    become a short, sane key. The random part makes every key new, so two uploads of
    "report.pdf" (even at the same instant) can never overwrite each other.
    """
    stem, suffix = safe_name(filename)
    return f"uploads/{timezone.now():%Y/%m}/{stem}-{secrets.token_hex(4)}{suffix}"


def check_extension(filename: str) -> None:
    """Refuse a name whose key would not end in one of UPLOAD_ALLOWED_EXTENSIONS."""
    suffix, allowed = safe_name(filename)[1], allowed_extensions()
    if suffix not in allowed:
        raise ValidationError(
            f"Files of type {suffix or '(no extension)'} are not accepted here; upload one of "
            f"{', '.join(allowed)}."
        )


def validate_upload(file: File) -> None:
    """Refuse a file over UPLOAD_MAX_BYTES, of a type outside UPLOAD_ALLOWED_EXTENSIONS, or an
    image whose content is not what its extension says."""
    limit = settings.UPLOAD_MAX_BYTES
    if file.size > limit:
        raise ValidationError(
            f"The file is {filesizeformat(file.size)}; files up to {filesizeformat(limit)} are "
            "accepted."
        )
    check_extension(file.name)
    suffix = safe_name(file.name)[1]
    signatures = IMAGE_SIGNATURES.get(suffix)
    if signatures and not starts_with(file, signatures):
        raise ValidationError(f"This file does not hold a {suffix[1:].upper()} image.")


def signature_length(signatures: tuple[bytes, ...]) -> int:
    """How many first bytes tell whether a file holds one of these signatures."""
    return max(len(signature) for signature in signatures)


def starts_with(file: File, signatures: tuple[bytes, ...]) -> bool:
    file.seek(0)
    head = file.read(signature_length(signatures))
    file.seek(0)
    return head.startswith(signatures)


class UploadStorage(S3Storage):
    """django-storages' S3 storage, with each object's Content-Type and Content-Disposition
    set by the rules above rather than taken from the upload."""

    def get_object_parameters(self, name: str) -> dict:
        params = super().get_object_parameters(name)
        headers = served_as(name)
        params["ContentType"] = headers["Content-Type"]
        if "Content-Disposition" in headers:
            params["ContentDisposition"] = headers["Content-Disposition"]
        return params
