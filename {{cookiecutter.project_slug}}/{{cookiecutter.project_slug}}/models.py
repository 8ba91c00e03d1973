from django.db import models


class Upload(models.Model):
    """A visitor's file, kept in the media storage (local disk in development, S3 in production)."""

    title = models.CharField(max_length=200)
    file = models.FileField(upload_to="uploads/%Y/%m/")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.title
