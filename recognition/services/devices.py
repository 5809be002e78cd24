"""Edge devices: registration, signed requests, permits, orders and their acknowledgements,
pushed event logs, and each device's own template space.

The platform decides; the device holds the templates. A device authenticates every request
with its Ed25519 key (recognition/edge_protocol.py); the platform answers with what it signed
with its own edge key: an operating permit the device may rely on offline for
FACEGOV_EDGE_PERMIT_SECONDS, enrolment permits (the policy gate, asked before each
enrolment), and orders (delete a person, stop, rotate the template space) repeated until the
device acknowledges them. A deletion's signed acknowledgement is certified in the
deployment's deletion-certificate chain, naming the device. Every refusal is recorded
(`DeviceRefusal`, or the deployment's `refused` recognition event for the policy gate's) and
nothing else is stored.
"""

import datetime as dt
import hashlib
import uuid
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.audit import acting_as
from governance.errors import Conflict, DomainError, InvalidTransition, PolicyRefusal
from governance.models import (
    DataCategory,
    DeletionCertificate,
    DeletionTrigger,
    Deployment,
    DeploymentStatus,
    RetentionTrigger,
)
from governance.permissions import require
from governance.platform import signing
from governance.platform.crypto import KeyPurpose, derive_key
from governance.retention.registry import Destroyed, RetentionSource
from governance.retention.rules import due
from recognition import edge_protocol as proto
from recognition.errors import (
    AckRefused,
    DeviceNotOperating,
    DeviceRequestRefused,
    DeviceRetired,
    EventLogRefused,
    OrderUnknown,
)
from recognition.models import (
    Device,
    DeviceNonce,
    DeviceOrder,
    DeviceRefusal,
    DeviceStatus,
    DeviceSubject,
    Operation,
    OrderKind,
    Outcome,
    RecognitionEvent,
    RecognitionMatch,
)
from recognition.services import policy_gate
from recognition.services.events import RECOGNITION_LEDGER, event_record
from recognition.vault.crypto import TemplateTransform

SIGNING_PURPOSE = KeyPurpose.EDGE_SIGNING
ENROL_PERMIT_SECONDS = 300
MAX_EVENTS_PER_PUSH = 10_000
NO_DEVICE_STATUSES = frozenset({DeploymentStatus.SUSPENDED, DeploymentStatus.DECOMMISSIONED,
                                DeploymentStatus.REJECTED})


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds")


def platform_key() -> str:
    """The public key devices check permits and orders against (pinned on first contact)."""
    return signing.public_key_b64(SIGNING_PURPOSE)


def _platform_sign(domain: str, payload: dict[str, Any]) -> str:
    return signing.sign(proto.signed_message(domain, payload), purpose=SIGNING_PURPOSE)


# --- the device's own template space ----------------------------------------------------------


def device_transform_secret(*, device: Device, version: int | None = None) -> bytes:
    """The 32-byte secret of the device's template space at `version` (default: the one it
    holds), derived from the master key under a label naming the device and the version:
    never stored, never shared between devices or versions."""
    version = device.transform_version if version is None else version
    return derive_key(f"{KeyPurpose.EDGE_DEVICE_TRANSFORM}|device={device.id}|version={version}")


@lru_cache(maxsize=256)
def _transform(secret: bytes) -> TemplateTransform:
    return TemplateTransform(secret)


def device_transform(*, device: Device, version: int | None = None) -> TemplateTransform:
    """The rotation the device applies to its templates at `version` (default: its current
    one). A gallery copied off one device does not match on another, and names its device
    (leak tracing tries each device's versions up to `device.transform_version`)."""
    return _transform(device_transform_secret(device=device, version=version))


def _sealed_secret(device: Device, version: int) -> str:
    return proto.seal_secret(encryption_key=device.encryption_key,
                             secret=device_transform_secret(device=device, version=version),
                             device_id=device.id, version=version)


# --- registration and lifecycle ---------------------------------------------------------------


@transaction.atomic
def device_register(*, deployment: Deployment, name: str, place: str, public_key: str,
                    encryption_key: str, actor: Any) -> Device:
    """Register a device of the deployment by the public keys it generated. Refused for a
    stopped deployment (`deployment_not_active`) and for keys that are not 32 raw bytes in
    base64 (`invalid_key`) or already registered (`key_taken`); nothing is stored then."""
    require(actor, "deployment.manage_devices", deployment)
    status = Deployment.objects.select_for_update().values_list("status", flat=True).get(
        pk=deployment.pk)
    if status in NO_DEVICE_STATUSES:
        raise PolicyRefusal(_("The deployment is not running: no device can be registered."),
                            code="deployment_not_active")
    for key in (public_key, encryption_key):
        if not proto.valid_public_key(key):
            raise DomainError(_("A device key must be 32 bytes in base64."), code="invalid_key")
    if public_key == encryption_key or Device.objects.filter(public_key=public_key).exists():
        raise Conflict(_("This key is already registered; each device generates its own."),
                       code="key_taken")
    with acting_as(actor):
        return Device.objects.create(deployment=deployment, name=name, place=place,
                                     public_key=public_key, encryption_key=encryption_key,
                                     key_id=proto.key_id(public_key), registered_by=actor)


def _order_payload(order: DeviceOrder) -> dict[str, Any]:
    return {"order_id": order.id, "device_id": order.device_id, "kind": order.kind,
            "subject_ref": order.subject_ref, "transform_version": order.transform_version,
            "issued_at": _iso(order.issued_at), "deadline_at": _iso(order.deadline_at)}


def _order_create(device: Device, kind: str, *, subject_ref: str = "", trigger: str = "",
                  transform_version: int | None = None) -> DeviceOrder:
    """An order, signed; an open order of the same kind for the same person is reused."""
    open_order = device.orders.filter(kind=kind, subject_ref=subject_ref,
                                      acknowledged_at__isnull=True).first()
    if open_order is not None:
        return open_order
    now = timezone.now()
    order = DeviceOrder(device=device, kind=kind, subject_ref=subject_ref, trigger=trigger,
                        transform_version=transform_version, issued_at=now,
                        deadline_at=now + dt.timedelta(
                            seconds=settings.FACEGOV_EDGE_ORDER_DEADLINE_SECONDS))
    try:
        with transaction.atomic():
            order.save()
            order.signature = _platform_sign(proto.DOMAIN_ORDER, _order_payload(order))
            order.save(update_fields=["signature"])
    except IntegrityError:  # issued meanwhile by another process: that one stands
        return device.orders.get(kind=kind, subject_ref=subject_ref,
                                 acknowledged_at__isnull=True)
    return order


@transaction.atomic
def device_suspend(*, device: Device, actor: Any) -> Device:
    """The device stops recognising at its next contact (its permit is no longer renewed and
    a stop order is waiting); it still receives and acknowledges deletion orders."""
    require(actor, "deployment.manage_devices", device.deployment)
    device = Device.objects.select_for_update().get(pk=device.pk)
    if device.status != DeviceStatus.ACTIVE:
        raise InvalidTransition(_("Only an active device can be suspended."))
    with acting_as(actor):
        device.status, device.suspended_at = DeviceStatus.SUSPENDED, timezone.now()
        device.save(update_fields=["status", "suspended_at"])
    _order_create(device, OrderKind.STOP)
    return device


@transaction.atomic
def device_retire(*, device: Device, actor: Any) -> Device:
    """The device is gone for good: every later request of its key is refused and recorded.
    People still on it get deletion orders first; retire once they are acknowledged
    (`device_holds_subjects` otherwise), so no template is left behind unaccounted."""
    require(actor, "deployment.manage_devices", device.deployment)
    device = Device.objects.select_for_update().get(pk=device.pk)
    if device.status == DeviceStatus.RETIRED:
        raise InvalidTransition(_("This device is already retired."))
    if device.subjects.exists():
        raise Conflict(_("People's templates are still on this device: its deletion orders "
                         "must be acknowledged before it is retired."),
                       code="device_holds_subjects")
    with acting_as(actor):
        device.status, device.retired_at = DeviceStatus.RETIRED, timezone.now()
        device.save(update_fields=["status", "retired_at"])
    return device


@transaction.atomic
def device_rotate(*, device: Device, actor: Any) -> DeviceOrder:
    """Order the device to move its gallery into its next template space."""
    require(actor, "deployment.manage_devices", device.deployment)
    return _order_create(device, OrderKind.ROTATE, subject_ref="",
                         transform_version=device.transform_version + 1)


# --- signed requests --------------------------------------------------------------------------


def device_refusal_record(*, device: Device | None, code: str, detail: str,
                          path: str) -> DeviceRefusal:
    """In its own transaction, so it stays when the refused request's work is rolled back."""
    return DeviceRefusal.objects.create(device=device, code=code, detail=str(detail)[:300],
                                        path=path[:200])


def _refuse(device: Device | None, path: str, error: DomainError) -> DomainError:
    device_refusal_record(device=device, code=error.code, detail=error.detail, path=path)
    return error


def device_authenticate(*, device_id: str, method: str, path: str, timestamp: str, nonce: str,
                        signature: str, body: bytes) -> Device:
    """The device whose key signed this request, once; else refused and recorded."""
    device = (Device.objects.select_related("deployment").filter(pk=int(device_id)).first()
              if device_id.isdigit() else None)
    if device is None:
        raise _refuse(None, path, DeviceRequestRefused(_("Unknown device."),
                                                       code="device_unknown"))
    message = proto.request_message(method=method, path=path, timestamp=timestamp,
                                    nonce=nonce, body=body)
    if not (4 <= len(nonce) <= 64) or not proto.verify(device.public_key, message, signature):
        raise _refuse(device, path, DeviceRequestRefused(
            _("The request's signature does not verify with this device's key."),
            code="device_signature_invalid"))
    window = settings.FACEGOV_EDGE_CLOCK_SKEW_SECONDS
    now = timezone.now()
    if not timestamp.isdigit() or abs(now.timestamp() - int(timestamp)) > window:
        raise _refuse(device, path, DeviceRequestRefused(
            _("The request's time is outside the accepted window: check the device's clock."),
            code="device_timestamp_stale"))
    if device.status == DeviceStatus.RETIRED:
        raise _refuse(device, path, DeviceRetired(_("This device is retired.")))
    try:
        with transaction.atomic():
            DeviceNonce.objects.create(device=device, nonce=nonce, seen_at=now)
    except IntegrityError:
        raise _refuse(device, path, DeviceRequestRefused(
            _("This request was already received once (a replay)."),
            code="device_nonce_replayed")) from None
    Device.objects.filter(pk=device.pk).update(last_contact_at=now)
    device.last_contact_at = now
    return device


def device_nonces_prune(*, now: dt.datetime | None = None) -> int:
    """Nonces older than the clock window can no longer be replayed: the timestamp refuses."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(seconds=2 * settings.FACEGOV_EDGE_CLOCK_SKEW_SECONDS)
    return DeviceNonce.objects.filter(seen_at__lt=cutoff).delete()[0]


# --- poll: the operating permit and the orders --------------------------------------------------


@dataclass(frozen=True)
class Poll:
    operating: bool
    reason: str
    permit: dict[str, Any] | None
    orders: list[dict[str, Any]]
    transform_version: int
    sealed_secret: str
    platform_key: str
    canary_set: str = ""
    sealed_canaries: str = ""


def _operating(device: Device) -> tuple[bool, str]:
    deployment = Deployment.objects.get(pk=device.deployment_id)
    if device.status != DeviceStatus.ACTIVE:
        return False, "device_suspended"
    if deployment.status != DeploymentStatus.ACTIVE:
        return False, "deployment_not_active"
    return True, ""


def device_poll(*, device: Device) -> Poll:
    """What the device must know now: whether it may operate (with a fresh signed permit, or
    none), and every order it has not acknowledged, oldest first."""
    operating, reason = _operating(device)
    permit = None
    if operating:
        now = timezone.now()
        deployment = device.deployment
        payload = {"device_id": device.id, "deployment_id": device.deployment_id,
                   "issued_at": _iso(now),
                   "expires_at": _iso(now + dt.timedelta(
                       seconds=settings.FACEGOV_EDGE_PERMIT_SECONDS)),
                   "threshold": deployment.threshold,
                   "purposes": sorted(deployment.purposes.values_list("code", flat=True))}
        permit = {"payload": payload, "signature": _platform_sign(proto.DOMAIN_PERMIT, payload)}
    orders = []
    for order in device.orders.filter(acknowledged_at__isnull=True):
        entry = {**_order_payload(order), "signature": order.signature}
        if order.kind == OrderKind.ROTATE and order.transform_version:
            entry["sealed_secret"] = _sealed_secret(device, order.transform_version)
        orders.append(entry)
    canary_set, sealed_canaries = device_canaries_sealed(device=device)
    return Poll(operating=operating, reason=reason, permit=permit, orders=orders,
                transform_version=device.transform_version,
                sealed_secret=_sealed_secret(device, device.transform_version),
                platform_key=platform_key(), canary_set=canary_set,
                sealed_canaries=sealed_canaries)


# --- canaries planted in each device's copy (leak tracing, issue 15) ----------------------------


def device_canaries_ensure(*, device: Device, actor: Any = None) -> list:
    """The device's canaries (k synthetic identities, distinct per device, far from every
    real template and every other copy's canary), planted on first use with a chained
    disclosure entry recording their delivery to this device's space."""
    from recognition.models import CopyKind
    from recognition.services.leaks import _plant, copy_canaries

    existing = copy_canaries(deployment=device.deployment, copy_kind=CopyKind.DEVICE,
                             copy_id=device.id)
    if existing:
        return existing
    with transaction.atomic():
        Deployment.objects.select_for_update().filter(pk=device.deployment_id).first()
        existing = copy_canaries(deployment=device.deployment, copy_kind=CopyKind.DEVICE,
                                 copy_id=device.id)
        if existing:  # planted meanwhile by a concurrent poll
            return existing
        planted = _plant(device.deployment, CopyKind.DEVICE, device.id, _default_k(), actor)
        device_canaries_disclose(device=device, canaries=planted,
                                 version=device.transform_version, actor=actor,
                                 reason="canaries planted in the device's copy")
    return planted


def device_canaries_disclose(*, device: Device, canaries: list, version: int, actor: Any = None,
                             reason: str = "") -> Any:
    """A chained disclosure entry: these canaries go to (or are re-issued on) the device, in
    its space at ``version`` (item hashes of the vectors as the device holds them)."""
    from recognition.models import CopyKind
    from recognition.services.leaks import canary_vectors, disclosure_record

    raw = canary_vectors(list(canaries))
    space = device_transform(device=device, version=version)
    # One by one, as the agent transforms them: the hashes are of the bytes it holds.
    vectors = np.stack([space.apply(v) for v in raw]) if len(raw) else raw
    return disclosure_record(
        deployment_id=device.deployment_id, recipient_kind=CopyKind.DEVICE,
        recipient_id=device.id, recipient_label=f"{device.name} (device {device.id})",
        space_kind="device", transform_version=version,
        canary_refs=[c.canary_ref for c in canaries], vectors=vectors, actor=actor,
        reason=reason)


def device_canaries_sealed(*, device: Device) -> tuple[str, str]:
    """(set id, sealed payload) of the device's canaries for its poll; planted on first poll."""
    from recognition.services.leaks import canary_vectors
    from recognition.vault.crypto import vector_to_bytes

    canaries = device_canaries_ensure(device=device)
    if not canaries:
        return "", ""
    raw = canary_vectors(canaries)
    items = [{"ref": c.canary_ref, "vector": proto.b64(vector_to_bytes(v))}
             for c, v in zip(canaries, raw, strict=True)]
    return (proto.canary_set_id([c.canary_ref for c in canaries]),
            proto.seal_canaries(encryption_key=device.encryption_key, device_id=device.id,
                                version=device.transform_version, canaries=items))


@transaction.atomic
def device_intercept(*, device: Device, actor: Any, reason: str) -> dict[str, Any]:
    """A leak traced to this device (regulator, `leak.handle`): suspend it (a stop order),
    order it into its next template space (the agent re-issues its gallery, canaries
    included), and plant fresh canaries for that version, each recorded in the disclosure
    ledger. Returns what was done."""
    from recognition.models import Canary, CopyKind
    from recognition.services.leaks import _plant

    require(actor, "leak.handle", device.deployment)
    device = Device.objects.select_for_update().select_related("deployment").get(pk=device.pk)
    suspended = False
    if device.status == DeviceStatus.ACTIVE:
        with acting_as(actor):
            device.status, device.suspended_at = DeviceStatus.SUSPENDED, timezone.now()
            device.save(update_fields=["status", "suspended_at"])
        _order_create(device, OrderKind.STOP)
        suspended = True
    rotate = _order_create(device, OrderKind.ROTATE, subject_ref="",
                           transform_version=device.transform_version + 1)
    fresh = _plant(device.deployment, CopyKind.DEVICE, device.id,
                   len(Canary.objects.filter(deployment=device.deployment,
                                             copy_kind=CopyKind.DEVICE, copy_id=device.id))
                   or _default_k(), actor)
    device_canaries_disclose(device=device, canaries=fresh,
                             version=rotate.transform_version or device.transform_version + 1,
                             actor=actor, reason=reason)
    return {"device_id": device.id, "suspended": suspended, "stop_ordered": True,
            "rotate_order_id": rotate.id, "transform_version": rotate.transform_version,
            "fresh_canaries": len(fresh)}


def _default_k() -> int:
    from recognition.services.leaks import CANARIES_PER_COPY

    return CANARIES_PER_COPY


# --- enrolment permits: the policy gate, asked before each enrolment ----------------------------


def _subject_due(device_subject: DeviceSubject, deployment: Deployment) -> None:
    moments = {RetentionTrigger.COLLECTION: device_subject.enrolled_at
               or device_subject.permitted_at,
               RetentionTrigger.LAST_INTERACTION: device_subject.last_interaction_at}
    if deployment.decommissioned_at:
        moments[RetentionTrigger.DEPLOYMENT_END] = deployment.decommissioned_at
    found = due(deployment=deployment, category=DataCategory.FACE_TEMPLATE, moments=moments)
    if device_subject.delete_trigger in (DeletionTrigger.CONSENT_WITHDRAWAL,
                                         DeletionTrigger.DELETION_REQUEST):
        return  # an erasure made it due: a rule recomputed never moves it
    device_subject.delete_after = found.at if found else None
    device_subject.delete_trigger = found.trigger if found else ""


def device_permit_issue(*, device: Device, subject_ref: str, purpose: str,
                        path: str = "") -> dict[str, Any]:
    """Ask the policy gate whether this device may enrol this person for this purpose now.
    Yes: a signed permit valid for a few minutes, and the platform now counts the person as
    on the device (their deletion reaches it even if the enrolment's event is still on its
    way). No: the deployment's `refused` event names the device; nothing else is stored."""
    operating, reason = _operating(device)
    if not operating:
        raise _refuse(device, path, DeviceNotOperating(
            _("This device may not enrol anyone now."), code=reason))
    deployment = Deployment.objects.prefetch_related("retention_rules").get(
        pk=device.deployment_id)
    try:
        # From the database: a permit outlives the request (a cache's instant of lag must not
        # become minutes of permission).
        policy_gate.require_subject(deployment=deployment, subject_ref=subject_ref,
                                    purpose=purpose, operation=Operation.ENROLL,
                                    from_database=True)
    except DomainError as error:
        event_record(deployment=deployment, operation=Operation.ENROLL,
                     outcome=Outcome.REFUSED, purpose=purpose, refusal_code=error.code,
                     subject_ref=subject_ref, device=device)
        raise
    now = timezone.now()
    with transaction.atomic():
        row, _created = DeviceSubject.objects.select_for_update().get_or_create(
            device=device, subject_ref=subject_ref,
            defaults={"permitted_at": now, "last_interaction_at": now})
        row.last_interaction_at = now
        _subject_due(row, deployment)
        row.save()
    payload = {"permit_id": str(uuid.uuid4()), "device_id": device.id,
               "subject_ref": subject_ref, "purpose": purpose, "operation": Operation.ENROLL,
               "issued_at": _iso(now),
               "expires_at": _iso(now + dt.timedelta(seconds=ENROL_PERMIT_SECONDS))}
    return {"payload": payload, "signature": _platform_sign(proto.DOMAIN_PERMIT, payload)}


# --- orders for people on devices (the purge hook and the retention sweep) ----------------------


def device_subjects_of(*, deployment_id: int, subject_ref: str) -> QuerySet[DeviceSubject]:
    return DeviceSubject.objects.filter(device__deployment_id=deployment_id,
                                        subject_ref=subject_ref).exclude(
        device__status=DeviceStatus.RETIRED).select_related("device")


def device_subject_erase(*, deployment_id: int, subject_ref: str,
                         trigger: str) -> list[DeviceOrder]:
    """Withdrawal, expiry of consent or a deletion request: the person is due on every device
    now, and each device holding them gets a deletion order (idempotent). A legal hold keeps
    them there, due: the sweep orders the deletion once the hold ends."""
    from governance.services.retention import active_holds

    orders = []
    now = timezone.now()
    holds = active_holds(now=now, deployment_id=deployment_id)
    with transaction.atomic():
        for row in device_subjects_of(deployment_id=deployment_id, subject_ref=subject_ref):
            if row.delete_after is None or row.delete_after > now:
                row.delete_after, row.delete_trigger = now, trigger
                row.save(update_fields=["delete_after", "delete_trigger"])
            if _held(row, holds):
                continue
            orders.append(_order_create(row.device, OrderKind.DELETE_SUBJECT,
                                        subject_ref=subject_ref,
                                        trigger=row.delete_trigger or trigger))
    return orders


def _held(row: DeviceSubject, holds: list) -> bool:
    return any(hold.deployment_id == row.device.deployment_id
               and hold.category in ("", DataCategory.FACE_TEMPLATE)
               and hold.subject_ref in ("", row.subject_ref) for hold in holds)


@dataclass(frozen=True)
class OrdersSweep:
    issued: int
    overdue: int
    alerted: int
    nonces_pruned: int


def device_orders_sweep(*, now: dt.datetime | None = None) -> OrdersSweep:
    """The retention sweep's arm on devices: every person past delete_after on a device (and
    every one on a device of a decommissioned deployment) gets a deletion order unless a
    legal hold covers them; orders past their deadline are flagged once (the dashboards'
    alert); replay nonces past the window go."""
    from governance.services.retention import active_holds

    now = now or timezone.now()
    holds = active_holds(now=now)
    due_rows = (DeviceSubject.objects.filter(Q(delete_after__lte=now)
                                             | Q(device__deployment__decommissioned_at__lte=now))
                .exclude(device__status=DeviceStatus.RETIRED).select_related("device"))
    issued = 0
    for row in due_rows.iterator(chunk_size=500):
        if _held(row, holds):
            continue
        trigger = row.delete_trigger or DeletionTrigger.DEPLOYMENT_END
        with transaction.atomic():
            before = row.device.orders.filter(kind=OrderKind.DELETE_SUBJECT,
                                              subject_ref=row.subject_ref,
                                              acknowledged_at__isnull=True).exists()
            _order_create(row.device, OrderKind.DELETE_SUBJECT, subject_ref=row.subject_ref,
                          trigger=trigger)
        issued += 0 if before else 1
    overdue = overdue_orders(now=now)
    alerted = overdue.filter(overdue_alerted_at__isnull=True).update(overdue_alerted_at=now)
    return OrdersSweep(issued=issued, overdue=overdue.count(), alerted=alerted,
                       nonces_pruned=device_nonces_prune(now=now))


def overdue_orders(*, now: dt.datetime | None = None,
                   deployment_ids: Any = None) -> QuerySet[DeviceOrder]:
    """Orders not acknowledged by their deadline."""
    orders = DeviceOrder.objects.filter(acknowledged_at__isnull=True,
                                        deadline_at__lt=now or timezone.now())
    if deployment_ids is not None:
        orders = orders.filter(device__deployment_id__in=list(deployment_ids))
    return orders


def overdue_device_deletions(*, now: dt.datetime, deployment_ids: Any = None) -> int:
    """Governance's overdue-retention count for devices: deletions not acknowledged in time."""
    return overdue_orders(now=now, deployment_ids=deployment_ids).filter(
        kind=OrderKind.DELETE_SUBJECT).count()


# --- acknowledgements ---------------------------------------------------------------------------


ACK_RESULTS = {OrderKind.DELETE_SUBJECT: {"deleted", "absent"}, OrderKind.STOP: {"stopped"},
               OrderKind.ROTATE: {"rotated"}}


def _device_source(device: Device, proof: str) -> RetentionSource:
    description = (f"Face templates on device \u201c{device.name}\u201d (#{device.id}, key "
                   f"{device.key_id}), deleted there; its signed acknowledgement has SHA-256 "
                   f"{proof}")
    return RetentionSource(category=DataCategory.FACE_TEMPLATE, description=description[:300],
                           due=lambda **_: DeviceSubject.objects.none(),
                           destroy=lambda **_: Destroyed(identifiers=[]), reschedule=None,
                           deployment_field="device__deployment_id",
                           subject_field="subject_ref")


def device_order_ack(*, device: Device, order_id: int, ack: dict[str, Any], signature: str,
                     path: str = "") -> DeviceOrder:
    """Accept the device's signed acknowledgement of one of its orders, once. A deletion's
    becomes a deletion certificate naming the device; a repeated acknowledgement returns the
    order as it stands (no second certificate). Refused and recorded: an order never sent to
    this device (`order_unknown`), an acknowledgement that is not this device's signature
    over this order (`ack_invalid`)."""
    order = device.orders.filter(pk=order_id).first()
    if order is None:
        raise _refuse(device, path, OrderUnknown(_("No such order was sent to this device.")))
    expected = {"order_id": order.id, "device_id": device.id, "kind": order.kind,
                "subject_ref": order.subject_ref}
    if ({k: ack.get(k) for k in expected} != expected
            or ack.get("result") not in ACK_RESULTS[order.kind]
            or not proto.verify(device.public_key, proto.signed_message(proto.DOMAIN_ACK, ack),
                                signature)):
        raise _refuse(device, path, AckRefused(
            _("The acknowledgement is not this device's signature over this order.")))
    with transaction.atomic():
        deployment = Deployment.objects.select_for_update().get(pk=device.deployment_id)
        order = DeviceOrder.objects.select_for_update().get(pk=order.pk)
        if order.acknowledged_at is not None:
            return order
        now = timezone.now()
        if order.kind == OrderKind.DELETE_SUBJECT:
            order.certificate = _certify(deployment, device, order, ack, signature, now)
            DeviceSubject.objects.filter(device=device, subject_ref=order.subject_ref).delete()
        elif order.kind == OrderKind.ROTATE and order.transform_version:
            Device.objects.filter(pk=device.pk).update(transform_version=order.transform_version)
            _canaries_reissued(device, order.transform_version)
        order.acknowledged_at, order.ack, order.ack_signature = now, ack, signature
        order.save(update_fields=["acknowledged_at", "ack", "ack_signature", "certificate"])
    return order


def _canaries_reissued(device: Device, version: int) -> None:
    """The rotated gallery holds the device's canaries in its new space: recorded."""
    from recognition.models import Canary, CopyKind

    canaries = list(Canary.objects.filter(deployment_id=device.deployment_id,
                                          copy_kind=CopyKind.DEVICE, copy_id=device.id)
                    .order_by("id"))
    if canaries:
        device_canaries_disclose(device=device, canaries=canaries, version=version,
                                 reason="template space rotated: canaries re-issued")


def _certify(deployment: Deployment, device: Device, order: DeviceOrder, ack: dict[str, Any],
             signature: str, now: dt.datetime) -> DeletionCertificate:
    from governance.services.retention import deletion_certificate_issue

    proof = hashlib.sha256(proto.signed_message(proto.DOMAIN_ACK, ack)
                           + signature.encode()).hexdigest()
    identifiers = [f"device={device.id}|order={order.id}|template={i}|ack={proof}"
                   for i in range(max(int(ack.get("templates") or 0), 0))]
    destroyed = Destroyed(identifiers=identifiers, subject_refs=[order.subject_ref])
    return deletion_certificate_issue(deployment=deployment,
                                      source=_device_source(device, proof),
                                      trigger=order.trigger or DeletionTrigger.DELETION_REQUEST,
                                      destroyed=destroyed, now=now)


# --- the device's event log -------------------------------------------------------------------


_OPERATIONS = {Operation.ENROLL, Operation.VERIFY, Operation.IDENTIFY, Operation.DELETE}
_OUTCOMES = set(Outcome.values)


def _event_fields(raw: dict[str, Any]) -> dict[str, Any]:
    return {name: raw.get(name) for name in proto.EVENT_FIELDS}


def _check_log(device: Device, events: list[dict[str, Any]], head_signature: str) -> None:
    if not events:
        raise EventLogRefused(_("The log is empty."), code="event_log_empty")
    if len(events) > MAX_EVENTS_PER_PUSH:
        raise EventLogRefused(_("Too many events in one push."), code="event_log_too_long")
    sequence, previous = device.event_sequence, device.event_head
    for raw in events:
        if not isinstance(raw, dict) or raw.get("sequence") != sequence + 1:
            raise EventLogRefused(_("The log has a gap: an event is missing before this one."),
                                  code="event_log_gap", expected_sequence=sequence + 1)
        if raw.get("previous_hash") != previous:
            raise EventLogRefused(_("The log's chain is broken at this event."),
                                  code="event_log_broken", sequence=sequence + 1)
        fields = _event_fields(raw)
        if (fields["operation"] not in _OPERATIONS or fields["outcome"] not in _OUTCOMES
                or proto.event_hash(fields, previous) != raw.get("hash")):
            raise EventLogRefused(_("An event's hash does not match its content."),
                                  code="event_log_broken", sequence=sequence + 1)
        sequence, previous = sequence + 1, raw["hash"]
    head = proto.log_head_payload(device_id=device.id, sequence=sequence, head=previous)
    if not proto.verify(device.public_key, proto.signed_message(proto.DOMAIN_LOG_HEAD, head),
                        head_signature):
        raise EventLogRefused(_("The log's head is not signed by this device."),
                              code="event_log_signature")


def _text(value: Any, limit: int) -> str:
    return str(value or "")[:limit]


def device_events_push(*, device: Device, events: list[dict[str, Any]], head_signature: str,
                       path: str = "") -> int:
    """Verify the pushed continuation of the device's log (no gap, every link and hash, the
    head signed by the device) and store each event as the deployment's recognition event,
    naming the device: citizens see it among their records like a central use. Anything
    wrong refuses the whole push (recorded), nothing stored; the device sends it again."""
    try:
        _check_log(device, events, head_signature)
        _store_log(device, events)
    except EventLogRefused as error:  # recorded after the store's transaction rolled back
        raise _refuse(device, path, error) from None
    return len(events)


@transaction.atomic
def _store_log(device: Device, events: list[dict[str, Any]]) -> None:
    """One transaction: the device's log head is locked, so two pushes cannot both extend it."""
    Deployment.objects.select_for_update().filter(pk=device.deployment_id).first()
    locked = Device.objects.select_for_update().get(pk=device.pk)
    if locked.event_sequence != device.event_sequence:  # another push got there first
        raise EventLogRefused(_("The log has a gap: an event is missing before this one."),
                              code="event_log_gap",
                              expected_sequence=locked.event_sequence + 1)
    touched: dict[str, tuple[bool, bool]] = {}
    rows = []
    for raw in events:
        refs = [_text(r, 128) for r in (raw.get("matched_refs") or [])][:20]
        rows.append(RecognitionEvent(
            deployment_id=device.deployment_id, device=device,
            operation=raw["operation"], outcome=raw["outcome"],
            purpose=_text(raw.get("purpose"), 60),
            refusal_code=_text(raw.get("refusal_code"), 60),
            subject_ref=_text(raw.get("subject_ref"), 128), matched_refs=refs,
            faces=min(int(raw.get("faces") or 0), 1000),
            distance=raw.get("distance"), threshold=raw.get("threshold")))
        for ref in [rows[-1].subject_ref, *refs]:
            if ref and rows[-1].outcome in (Outcome.ENROLLED, Outcome.MATCH):
                enrolled, _seen = touched.get(ref, (False, True))
                touched[ref] = (enrolled or rows[-1].outcome == Outcome.ENROLLED, True)
    stored = _chain_append_many(rows)
    matches = [RecognitionMatch(event=event, subject_ref=ref)
               for event in stored for ref in set(event.matched_refs)]
    RecognitionMatch.objects.bulk_create(matches, ignore_conflicts=True)
    locked.event_sequence = events[-1]["sequence"]
    locked.event_head = events[-1]["hash"]
    locked.save(update_fields=["event_sequence", "event_head"])
    _subjects_touch(locked, touched)


def _chain_append_many(entries: list[RecognitionEvent]) -> list[RecognitionEvent]:
    """`chain_append` for a batch (the caller holds the deployment's lock): hashes are
    computed in order in memory, the rows inserted in one statement, and the chain's new head
    signed once (a signed head vouches for every entry before it)."""
    from governance.platform.ledger import GENESIS_HASH, compute_hash
    from governance.platform.ledger_heads import head_record

    if not entries:
        return []
    last = (RecognitionEvent.objects.filter(deployment_id=entries[0].deployment_id)
            .order_by("-sequence").only("sequence", "entry_hash").first())
    sequence, previous = (last.sequence, last.entry_hash) if last else (0, GENESIS_HASH)
    now = timezone.now()
    for entry in entries:
        sequence += 1
        entry.sequence, entry.previous_hash, entry.recorded_at = sequence, previous, now
        entry.entry_hash = previous = compute_hash(entry.chain_fields(), previous)
    stored = RecognitionEvent.objects.bulk_create(entries, batch_size=1000)
    head_record(ledger=RECOGNITION_LEDGER, entry=stored[-1])
    return stored


def _subjects_touch(device: Device, touched: dict[str, tuple[bool, bool]]) -> None:
    """An enrolment or a match restarts the person's retention clock on the device."""
    if not touched:
        return
    deployment = Deployment.objects.prefetch_related("retention_rules").get(
        pk=device.deployment_id)
    now = timezone.now()
    for row in DeviceSubject.objects.filter(device=device, subject_ref__in=list(touched)):
        enrolled, _seen = touched[row.subject_ref]
        if enrolled and row.enrolled_at is None:
            row.enrolled_at = now
        row.last_interaction_at = now
        _subject_due(row, deployment)
        row.save(update_fields=["enrolled_at", "last_interaction_at", "delete_after",
                                "delete_trigger"])
