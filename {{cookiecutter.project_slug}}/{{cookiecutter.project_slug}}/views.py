from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.http import require_POST

from . import direct_uploads
from .forms import UploadForm
from .models import Upload

RECENT_UPLOADS = 10


def home(request: HttpRequest) -> HttpResponse:
    """The start page: what was generated, and a form that stores a file in the media storage.

    In development anyone may upload. In production only users with the Upload model's "add"
    permission see the form and may post it, and only those with its "view" permission see the
    uploads (Django's permissions: a superuser has all, being staff alone grants none):
    otherwise any visitor could use the bucket to host files, and every private file's signed
    URL would be on a public page.
    """
    may_upload = settings.DEBUG or may(request, "add")
    may_view = settings.DEBUG or may(request, "view")
    if request.method == "POST" and not may_upload:
        raise PermissionDenied("Uploads need the permission to add them.")
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        return redirect("home")
    context = {
        "form": form if may_upload else None,
        "uploads": Upload.objects.all()[:RECENT_UPLOADS] if may_view else [],
        # The package's own name, so the page can point at the app's folder whatever it is.
        "app_name": __package__,
        # Production sends files from the browser to the bucket (direct_uploads.py).
        "direct_uploads": settings.DIRECT_UPLOADS,
    }
    return render(request, "home.html", context)


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask every site for /favicon.ico, pages without an icon link too (the admin's):
    send them to the logo, wherever static files are served from."""
    return redirect(static("img/logo.svg"))


def may(request: HttpRequest, action: str) -> bool:
    """Whether the signed-in user holds the Upload model's `action` permission (add, view)."""
    return request.user.has_perm(f"{Upload._meta.app_label}.{action}_upload")


def direct_uploads_allowed(request: HttpRequest) -> None:
    if not (settings.DIRECT_UPLOADS and may(request, "add")):
        raise PermissionDenied("Direct uploads need the permission to add uploads.")


@require_POST
def upload_policy(request: HttpRequest) -> JsonResponse:
    """A presigned POST for the file the browser is about to send to the bucket."""
    direct_uploads_allowed(request)
    filename = request.POST.get("filename", "")
    try:
        return JsonResponse(direct_uploads.policy(filename, request.user))
    except ValidationError as error:
        return JsonResponse({"error": " ".join(error.messages)}, status=400)


@require_POST
def upload_record(request: HttpRequest) -> JsonResponse:
    """Record the file the browser sent to the bucket, once the bucket's copy passes the rules."""
    direct_uploads_allowed(request)
    title, token = request.POST.get("title", ""), request.POST.get("token", "")
    try:
        upload = direct_uploads.record(title, token, request.user)
    except ValidationError as error:
        return JsonResponse({"error": " ".join(error.messages)}, status=400)
    return JsonResponse({"url": upload.file.url})
