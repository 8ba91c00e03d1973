import secrets
from pathlib import PurePosixPath

from django.db import models
from django.utils import timezone
from django.utils.text import slugify

from .uploads import validate_upload

MAX_STEM = 60


def upload_path(instance: models.Model, filename: str) -> str:
    """Where an upload is stored: uploads/YYYY/MM/<readable-name>-<random>.<ext>.

    The visitor's file name is never used as a path: only a slugified, shortened stem of it is
    kept, so "../", absolute paths, control characters and 300-character names all become a
    short, sane key. The random part makes every key new, so two uploads of "report.pdf" (even
    at the same instant) can never overwrite each other.
    """
    name = PurePosixPath(filename.replace("\\", "/")).name
    stem = slugify(PurePosixPath(name).stem, allow_unicode=True)[:MAX_STEM] or "file"
    suffix = slugify(PurePosixPath(name).suffix, allow_unicode=True)[:10]
    extension = f".{suffix}" if suffix else ""
    return f"uploads/{timezone.now():%Y/%m}/{stem}-{secrets.token_hex(4)}{extension}"


class Upload(models.Model):
    """A visitor's file, kept in the media storage (local disk in development, S3 in production)."""

    title = models.CharField(max_length=200)
    file = models.FileField(upload_to=upload_path, max_length=255, validators=[validate_upload])
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.title
