"""URL configuration.

https://docs.djangoproject.com/en/{{ cookiecutter.django_version }}/topics/http/urls/
"""

from django.apps import apps
from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

urlpatterns = [path(settings.ADMIN_URL, admin.site.urls)]
# The demo's pages, while the demo app is installed (config/settings/base.py): its start page
# answers at / before the site's own, which shows once the demo/ folder is deleted.
if apps.is_installed("demo"):
    urlpatterns.append(path("", include("demo.urls")))
urlpatterns.append(path("", include("{{ cookiecutter.project_slug }}.urls")))

# runserver serves static files itself in development; media needs this line. It adds nothing
# when DEBUG is off, where media lives on S3.
# URL patterns match the path below a sub-path (SCRIPT_NAME), which MEDIA_URL starts with.
media_path = settings.MEDIA_URL.removeprefix(settings.FORCE_SCRIPT_NAME or "")
urlpatterns += static(media_path, document_root=settings.MEDIA_ROOT)
