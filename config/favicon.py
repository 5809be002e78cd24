"""/favicon.ico: browsers ask for it whatever the page says; the icon is a static file."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.templatetags.static import static


def favicon(request: HttpRequest) -> HttpResponse:
    # Resolved per request, so that production's hashed static names apply.
    return redirect(static("favicon.svg"), permanent=True)
