from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from .forms import UploadForm
from .models import Upload

RECENT_UPLOADS = 10


def home(request: HttpRequest) -> HttpResponse:
    """The start page: what was generated, and a form that stores a file in the media storage."""
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        return redirect("home")
    uploads = Upload.objects.all()[:RECENT_UPLOADS]
    # The package's own name, so the page can point at the app's folder whatever it is called.
    context = {"form": form, "uploads": uploads, "app_name": __package__}
    return render(request, "home.html", context)
