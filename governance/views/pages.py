"""Landing pages: the public front door and one home per persona."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from governance.models import OrganisationKind
from governance.navigation import LANDING_URL_NAMES
from governance.permissions import (
    Persona,
    enterprises_covered_by,
    memberships,
    personas_of,
)
from governance.selectors.dashboards import enterprise_tiles, regulator_tiles


def persona_required(persona: str) -> Callable:
    """Only users who can act as `persona` see the page; others get 403, anonymous a login."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if persona not in personas_of(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        personas = personas_of(request.user)
        if personas:
            return redirect(LANDING_URL_NAMES.get(personas[0], "home-public"))
    return render(request, "governance/home_public.html")


def home_public(request: HttpRequest) -> HttpResponse:
    return render(request, "governance/home_public.html")


@persona_required(Persona.ENTERPRISE)
def enterprise_home(request: HttpRequest) -> HttpResponse:
    from governance.views.retention import retention_panel

    rows = memberships(request.user, kind=OrganisationKind.ENTERPRISE)
    return render(request, "governance/enterprise_home.html",
                  {"memberships": rows, "tiles": enterprise_tiles(user=request.user),
                   "retention": retention_panel(request.user)})


@persona_required(Persona.REGULATOR)
def regulator_home(request: HttpRequest) -> HttpResponse:
    from governance.views.retention import retention_panel

    context = {
        "memberships": memberships(request.user, kind=OrganisationKind.REGULATOR),
        "enterprises": enterprises_covered_by(request.user),
        "tiles": regulator_tiles(user=request.user),
        "retention": retention_panel(request.user),
    }
    return render(request, "governance/regulator_home.html", context)



@persona_required(Persona.CITIZEN)
def citizen_home(request: HttpRequest) -> HttpResponse:
    return render(request, "governance/citizen_home.html")
