from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "{{ cookiecutter.project_slug }}"
    verbose_name = "Site"
