"""The Notifications page: every signed-in person reads what the platform told them, so
nothing depends on mail arriving."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from governance.platform.notifications import notification_mark_read, notifications_for_user

PAGE_SIZE = 100


@login_required
def notifications_page(request: HttpRequest) -> HttpResponse:
    rows = notifications_for_user(user=request.user)[:PAGE_SIZE]
    return render(request, "governance/notifications.html", {"notifications": rows})


@require_POST
@login_required
def notifications_mark_read(request: HttpRequest) -> HttpResponse:
    """One notification (`notification_id`) or, without it, all of them."""
    raw = request.POST.get("notification_id", "")
    notification_mark_read(user=request.user,
                           notification_id=int(raw) if raw.isdigit() else None)
    return redirect("notifications")
