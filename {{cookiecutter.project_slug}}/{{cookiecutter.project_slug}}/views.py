from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static

from .forms import UploadForm
from .models import Upload

RECENT_UPLOADS = 10


def home(request: HttpRequest) -> HttpResponse:
    """The start page: what was generated, and a form that stores a file in the media storage.

    In development anyone may upload. In production only signed-in staff may, and only they see
    the uploads: otherwise any visitor could use the bucket to host files, and every private
    file's signed URL would be on a public page.
    """
    may_upload = settings.DEBUG or request.user.is_staff
    if request.method == "POST" and not may_upload:
        raise PermissionDenied("Uploads are for signed-in staff.")
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        return redirect("home")
    context = {
        "form": form if may_upload else None,
        "uploads": Upload.objects.all()[:RECENT_UPLOADS] if may_upload else [],
        # The package's own name, so the page can point at the app's folder whatever it is.
        "app_name": __package__,
    }
    return render(request, "home.html", context)


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask every site for /favicon.ico, pages without an icon link too (the admin's):
    send them to the logo, wherever static files are served from."""
    return redirect(static("img/logo.svg"))
