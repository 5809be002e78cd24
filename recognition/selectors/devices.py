"""Access-checked reads of edge devices: the deployment's staff and its regulators see them."""

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from governance.errors import NotFound
from governance.models import Deployment
from governance.permissions import can
from governance.selectors.deployments import deployment_list_for_user
from recognition.models import Device, DeviceOrder, DeviceStatus


def device_list_for_deployment(*, user: Any, deployment: Deployment) -> QuerySet[Device]:
    """The deployment's devices with their pending and overdue order counts."""
    if not can(user, "deployment.view_recognition", deployment):
        return Device.objects.none()
    now = timezone.now()
    open_orders = Q(orders__acknowledged_at__isnull=True)
    return (Device.objects.filter(deployment=deployment)
            .annotate(pending_orders=Count("orders", filter=open_orders),
                      overdue_orders=Count("orders", filter=open_orders
                                           & Q(orders__deadline_at__lt=now)),
                      subject_count=Count("subjects", distinct=True))
            .order_by("name", "id"))


def device_get_for_user(*, user: Any, device_id: int) -> Device:
    device = Device.objects.select_related("deployment").filter(id=device_id).first()
    if device is None or not can(user, "deployment.view_recognition", device.deployment):
        raise NotFound("No such device.")
    return device


def device_orders_for_device(*, user: Any, device: Device) -> QuerySet[DeviceOrder]:
    if not can(user, "deployment.view_recognition", device.deployment):
        return DeviceOrder.objects.none()
    return device.orders.select_related("certificate").order_by("-issued_at", "-id")


def overdue_device_orders_for_user(*, user: Any) -> QuerySet[DeviceOrder]:
    """Orders past their deadline on the devices of every deployment the user may see."""
    return DeviceOrder.objects.filter(
        device__deployment__in=deployment_list_for_user(user=user).values("id"),
        acknowledged_at__isnull=True, deadline_at__lt=timezone.now())


def register_devices_section(deployment: Deployment) -> dict[str, Any] | None:
    """The public register: how many devices run the deployment and that templates stay on
    them (no names, no places: where a camera is, is the operator's notice to give)."""
    if deployment.storage != "on_device":
        return None
    devices = deployment.devices.exclude(status=DeviceStatus.RETIRED)
    return {"devices": devices.count(),
            "operating": devices.filter(status=DeviceStatus.ACTIVE).count(),
            "templates_stay_on_devices": True}
