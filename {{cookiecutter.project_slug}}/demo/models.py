from django.db import models, transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from {{ cookiecutter.project_slug }}.uploads import upload_path, validate_upload


class Upload(models.Model):
    """A visitor's file, kept in the media storage (local disk in development, S3 in production)."""

    title = models.CharField(max_length=200)
    # One record per stored object: a direct upload's token names its key, so recording the
    # same token twice breaks this constraint instead of making a second row for one file.
    file = models.FileField(
        upload_to=upload_path, max_length=255, unique=True, validators=[validate_upload]
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.title


@receiver(post_delete, sender=Upload)
def delete_stored_file(sender: type[Upload], instance: Upload, using: str, **kwargs) -> None:
    """An upload deleted anywhere (the admin's bulk delete too) takes its object with it, so its
    signed URLs stop working. Only once the deletion commits: a rolled-back delete keeps both
    the row and the file. A storage error is logged, not raised, since the row is gone anyway."""
    if instance.file:
        name, storage = instance.file.name, instance.file.storage
        transaction.on_commit(lambda: storage.delete(name), using=using, robust=True)
