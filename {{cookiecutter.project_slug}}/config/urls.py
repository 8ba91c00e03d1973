"""URL configuration.

https://docs.djangoproject.com/en/{{ cookiecutter.django_version }}/topics/http/urls/
"""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),
    path("", include("{{ cookiecutter.project_slug }}.urls")),
]

# runserver serves static files itself in development; media needs this line. It adds nothing
# when DEBUG is off, where media lives on S3.
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
