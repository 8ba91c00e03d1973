from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static


def home(request: HttpRequest) -> HttpResponse:
    """The site's start page. While the demo app is installed, its page answers at / instead."""
    return render(request, "home.html")


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask every site for /favicon.ico, pages without an icon link too (the admin's):
    send them to the logo, wherever static files are served from."""
    return redirect(static("img/logo.svg"))
