from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from {{ cookiecutter.project_slug }} import direct_uploads

from .development import development_details
from .forms import UploadForm
from .models import Upload

RECENT_UPLOADS = 10


def start(request: HttpRequest) -> HttpResponse:
    """The demo's start page: checks of its own static files, and a form that stores a file in
    the media storage.

    In development anyone may upload. In production only users with the Upload model's "add"
    permission see the form and may post it, and only those with its "view" permission see the
    uploads (Django's permissions: a superuser has all, being staff alone grants none):
    otherwise any visitor could use the bucket to host files, and every private file's signed
    URL would be on a public page. Hints about the project's files are for developers: in
    development, or for signed-in staff.
    """
    may_upload = settings.DEBUG or may(request, "add")
    may_view = settings.DEBUG or may(request, "view")
    if request.method == "POST" and not may_upload:
        raise PermissionDenied("Uploads need the permission to add them.")
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        return redirect("demo:start")
    context = {
        "form": form if may_upload else None,
        "uploads": Upload.objects.all()[:RECENT_UPLOADS] if may_view else [],
        "hints": settings.DEBUG or request.user.is_staff,
        # The site app's folder, whatever the project's slug.
        "site_app": direct_uploads.__package__,
        # Production shows nothing internal (storage locations, settings, release).
        "internals": development_details() if settings.DEBUG else None,
        # Production sends files from the browser to the bucket (direct_uploads.py).
        "direct_uploads": settings.DIRECT_UPLOADS,
    }
    return render(request, "demo/start.html", context)


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
        upload = record(title, token, request.user)
    except ValidationError as error:
        return JsonResponse({"error": " ".join(error.messages)}, status=400)
    return JsonResponse({"url": upload.file.url})


def record(title: str, token: str, user) -> Upload:
    """The Upload the token names, once the bucket holds an object that follows the rules."""
    name = direct_uploads.claim(token, user)
    title = valid_title(title, name)
    try:
        with transaction.atomic():
            # The row first: its unique file is what makes a token single-use, even when the
            # same token is recorded twice at once.
            upload = Upload.objects.create(title=title, file=name)
            direct_uploads.store(name)
    except IntegrityError as error:
        raise ValidationError("This upload is already recorded.") from error
    except ValidationError:
        direct_uploads.discard(name)
        raise
    direct_uploads.discard(name)
    return upload


def valid_title(title: str, name: str) -> str:
    """The title as the model will store it (the file's name if none was given), or the
    reason it cannot be."""
    title = title.strip() or name.rsplit("/", 1)[-1]
    try:
        return Upload._meta.get_field("title").clean(title, None)
    except ValidationError as error:
        raise ValidationError(f"Title: {' '.join(error.messages)}") from error
