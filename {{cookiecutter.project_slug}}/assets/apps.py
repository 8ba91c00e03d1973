from django.apps import AppConfig


class AssetsConfig(AppConfig):
    """Builds and publishes static files: collect, compress offline, publish to S3."""

    name = "assets"
