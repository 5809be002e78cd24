"""Edge devices of a deployment: status, last contact, pending and overdue orders; and the
dashboards' tile that raises the alert when a device has not acknowledged an order in time."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from governance.errors import DomainError
from governance.permissions import can
from governance.selectors.dashboards import Tile
from governance.selectors.deployments import deployment_get_for_user
from recognition.models import DeviceOrder, DeviceRefusal
from recognition.selectors.devices import (
    device_get_for_user,
    device_list_for_deployment,
    overdue_device_orders_for_user,
)
from recognition.services.devices import device_retire, device_rotate, device_suspend

ACTIONS = {"suspend": device_suspend, "retire": device_retire, "rotate": device_rotate}


@login_required
def deployment_devices(request: HttpRequest, deployment_id: int) -> HttpResponse:
    deployment = deployment_get_for_user(user=request.user, deployment_id=deployment_id)
    if request.method == "POST":
        action = ACTIONS.get(request.POST.get("action", ""))
        device_id = request.POST.get("device", "")
        if action and device_id.isdigit():
            try:
                action(device=device_get_for_user(user=request.user, device_id=int(device_id)),
                       actor=request.user)
                messages.success(request, _("Done."))
            except DomainError as exc:
                messages.error(request, exc.detail)
        return redirect("recognition-devices", deployment_id=deployment.id)
    devices = list(device_list_for_deployment(user=request.user, deployment=deployment))
    orders = (DeviceOrder.objects.filter(device__in=devices).select_related("device",
                                                                           "certificate")
              .order_by("-issued_at", "-id")[:50])
    refusals = (DeviceRefusal.objects.filter(device__in=devices).select_related("device")
                .order_by("-created_at")[:20])
    context = {"deployment": deployment, "devices": devices, "orders": orders,
               "refusals": refusals,
               "can_manage": can(request.user, "deployment.manage_devices", deployment)}
    return render(request, "recognition/devices.html", context)


def device_tiles(*, user: Any) -> list[Tile]:
    """An alert on the enterprise's and the regulator's landing page: orders (deletions
    above all) a device has not acknowledged by their deadline."""
    overdue = overdue_device_orders_for_user(user=user).count()
    if not overdue:
        return []
    return [Tile(_("Device orders overdue"), overdue, "deployment-list", alert=True)]
