"""Leak cases (issue 15): upload a dump, analyse it, make it evidence, intercept the source.

- ``leak_case_open`` parses the dump at once (``.npy``, CSV, JSON of vectors, or a photo whose
  faces the engine encodes) and refuses bad input with a precise code, storing nothing; the
  analysis runs in a Celery task (``status``/``progress``).
- ``leak_case_analyse`` (the task's body) asks every registered space provider for the known
  spaces and canaries (recognition/leaks/spaces.py) and runs the provenance engine; a dump
  that matches nothing is a result, not an error. The dump and the report become evidence
  (sealed, hashed, in the custody log) in the case's investigation - opened on the source
  deployment when the regulator named none.
- ``leak_case_intercept``: suspend the source deployment, revoke its keys, rotate its template
  space, tell the affected people (in-app and mail), and measure - after rotation - how many
  leaked vectors still match a stored template (0).
"""

import csv
import io
import json
from functools import partial
from typing import Any

import numpy as np
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from complaints.models import (
    DumpFormat,
    EvidenceItem,
    EvidenceKind,
    Investigation,
    InvestigationLogKind,
    LeakCase,
    LeakStatus,
    Origin,
)
from complaints.services.investigations import (
    investigation_lock,
    investigation_log_append,
    investigation_open,
)
from governance.errors import Conflict, DomainError, InvalidTransition
from governance.models import Deployment, DeploymentStatus, SubjectLink
from governance.permissions import REGULATOR_DECIDERS, organisations_of, require
from governance.platform.notifications import notify
from governance.platform.sniff import OCTET_STREAM, sniff_content_type
from governance.platform.uploads import UploadPolicy, UploadTooLarge, upload_read, upload_store
from recognition.engine.provenance import (
    SAME_PERSON_THRESHOLD,
    DumpError,
    analyse,
    count_matches,
    validate_dump,
)

DUMP_MAX_BYTES = getattr(settings, "FACEGOV_LEAK_DUMP_MAX_BYTES", 128 * 1024 * 1024)
DUMP_MAX_VECTORS = 200_000
DUMP_POLICY = UploadPolicy("leak_dump", DUMP_MAX_BYTES,
                           frozenset({OCTET_STREAM, "text/plain", "image/png", "image/jpeg"}))
REPORT_POLICY = UploadPolicy("leak_report", 64 * 1024 * 1024, frozenset({"text/plain"}))
REPORT_FORMAT = "facegov-leak-report/v1"
NPY_MAGIC = b"\x93NUMPY"


class DumpRefused(DomainError):
    default_code = "invalid_dump"


def _refuse(code: str, detail: str) -> DumpRefused:
    return DumpRefused(detail, code=code)


def _read(file: Any) -> bytes:
    declared = getattr(file, "size", None)
    if isinstance(declared, int) and declared > DUMP_MAX_BYTES:
        raise UploadTooLarge(_("The dump is larger than %(mb)s MB.")
                             % {"mb": DUMP_MAX_BYTES // (1024 * 1024)}, code="dump_too_large")
    if isinstance(file, bytes):
        data = file
    else:
        if hasattr(file, "seek"):
            file.seek(0)
        data = file.read(DUMP_MAX_BYTES + 1)
    if len(data) > DUMP_MAX_BYTES:
        raise UploadTooLarge(_("The dump is larger than %(mb)s MB.")
                             % {"mb": DUMP_MAX_BYTES // (1024 * 1024)}, code="dump_too_large")
    if not data:
        raise _refuse("empty_dump", _("The file is empty."))
    return data


def _from_json(text: str) -> Any:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _refuse("bad_json", _("The JSON could not be read (line %(line)s).")
                      % {"line": exc.lineno}) from None
    if isinstance(doc, dict):
        doc = doc.get("vectors", doc.get("templates"))
    if not isinstance(doc, list):
        raise _refuse("bad_json", _("Give a list of vectors, or an object with \"vectors\"."))
    return doc


def _from_csv(text: str) -> Any:
    rows = [r for r in csv.reader(io.StringIO(text)) if r and any(c.strip() for c in r)]
    if rows and not _numeric(rows[0][0]):
        rows = rows[1:]  # a header line
    try:
        return np.array([[float(c) for c in r] for r in rows], dtype=np.float64)
    except ValueError:
        raise _refuse("bad_csv", _("Every CSV cell must be a number.")) from None


def _numeric(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def dump_parse(data: bytes) -> tuple[np.ndarray, str]:
    """The dump's vectors as (N, 128) float32 and its format; DumpRefused with a precise
    code (bad_npy, bad_json, bad_csv, bad_shape, bad_dtype, not_finite, too_many_vectors,
    empty_dump, no_face, unsupported_format) otherwise."""
    if data.startswith(NPY_MAGIC):
        try:
            array = np.load(io.BytesIO(data), allow_pickle=False)
        except ValueError as exc:
            raise _refuse("bad_npy", _("The .npy file could not be read: %(why)s")
                          % {"why": str(exc)[:200]}) from None
        fmt = DumpFormat.NPY
    elif data.startswith((b"\x89PNG", b"\xff\xd8\xff")):
        array, fmt = _encode_photo(data), DumpFormat.IMAGE
    else:
        if sniff_content_type(data) != "text/plain":
            raise _refuse("unsupported_format", _(
                "Upload a .npy array, a CSV or JSON of vectors, or a JPEG/PNG photo."))
        text = data.decode("utf-8-sig")
        stripped = text.lstrip()
        if stripped.startswith(("[", "{")):
            array, fmt = _from_json(stripped), DumpFormat.JSON
        else:
            array, fmt = _from_csv(text), DumpFormat.CSV
    try:
        if isinstance(array, list):
            try:
                array = np.array(array, dtype=np.float64)
            except (ValueError, TypeError):
                raise DumpError("bad_shape", "rows of unequal length or non-numbers") from None
        return validate_dump(array, max_vectors=DUMP_MAX_VECTORS), fmt
    except DumpError as exc:
        raise _refuse(exc.code, f"{_DUMP_MESSAGES.get(exc.code, exc.detail)} ({exc.detail})"
                      ) from None


_DUMP_MESSAGES = {
    "bad_shape": gettext_lazy("Each vector must have 128 numbers."),
    "bad_dtype": gettext_lazy("The vectors must be numbers."),
    "not_finite": gettext_lazy("Some vectors contain NaN or infinite values."),
    "too_many_vectors": gettext_lazy("The dump holds too many vectors."),
    "empty_dump": gettext_lazy("The dump holds no vectors."),
}


def _encode_photo(data: bytes) -> np.ndarray:
    from recognition.engine import EngineError, encode_all, load_image

    try:
        faces = encode_all(load_image(data))
    except EngineError as exc:
        raise _refuse(getattr(exc, "code", "bad_image"), str(exc)) from None
    if not faces:
        raise _refuse("no_face", _("No face was found in the photo."))
    return np.stack([f.vector for f in faces])


def _regulator_of(actor: Any) -> Any:
    from governance.models import OrganisationKind

    regulator = organisations_of(actor, kind=OrganisationKind.REGULATOR,
                                 roles=REGULATOR_DECIDERS).order_by("id").first()
    if regulator is None:
        raise DomainError(_("Only a regulator opens leak cases."), code="permission_denied")
    return regulator


@transaction.atomic
def leak_case_open(*, actor: Any, file: Any, title: str = "",
                   investigation: Investigation | None = None) -> LeakCase:
    """Check the dump (nothing stored when it is refused), seal it, and queue the analysis."""
    require(actor, "leak.handle")
    if investigation is not None:
        require(actor, "investigation.handle", investigation)
    data = _read(file)
    vectors, fmt = dump_parse(data)
    regulator = _regulator_of(actor)
    sealed = upload_store(file=data, policy=DUMP_POLICY, purpose="evidence", uploaded_by=actor,
                          organisation=regulator, name=getattr(file, "name", "") or "dump")
    case = LeakCase.objects.create(
        regulator=regulator, opened_by=actor, dump=sealed, dump_sha256=sealed.sha256,
        dump_format=fmt, vector_count=len(vectors), investigation=investigation,
        title=(title.strip() or _("Leaked face templates"))[:250])
    from complaints.tasks import leak_case_analyse_task

    transaction.on_commit(partial(leak_case_analyse_task.delay, case.id))
    return case


def _progress(case_id: int, fraction: float) -> None:
    LeakCase.objects.filter(pk=case_id).update(status=LeakStatus.RUNNING,
                                               progress=min(99, int(fraction * 100)))


def _leaked(case: LeakCase) -> np.ndarray:
    return dump_parse(upload_read(sealed=case.dump))[0]


def leak_case_analyse(*, case_id: int) -> str:
    """The task's body: idempotent (a finished case is left as it is)."""
    from recognition.leaks.spaces import known_spaces

    case = LeakCase.objects.get(pk=case_id)
    if case.status in (LeakStatus.DONE, LeakStatus.FAILED):
        return case.status
    _progress(case_id, 0.01)
    try:
        leaked = _leaked(case)
        spaces, canaries = known_spaces()
        last = [0]

        def progress(fraction: float) -> None:
            if int(fraction * 20) != last[0]:  # at most ~20 writes
                last[0] = int(fraction * 20)
                _progress(case_id, 0.05 + 0.85 * fraction)

        report = analyse(leaked, spaces, canaries, progress=progress)
    except DomainError as exc:
        LeakCase.objects.filter(pk=case_id).update(status=LeakStatus.FAILED, error=exc.detail,
                                                   finished_at=timezone.now())
        return LeakStatus.FAILED
    except Exception:
        LeakCase.objects.filter(pk=case_id).update(
            status=LeakStatus.FAILED, error=_("The analysis failed; open a new case to retry."),
            finished_at=timezone.now())
        raise
    _finish(case_id, report)
    return LeakStatus.DONE


@transaction.atomic
def _finish(case_id: int, report: dict[str, Any]) -> None:
    case = LeakCase.objects.select_for_update().get(pk=case_id)
    source = primary_source(report)
    deployment = (Deployment.objects.filter(pk=source["deployment_id"]).first()
                  if source else None)
    case.report = {"format": REPORT_FORMAT, "dump_sha256": case.dump_sha256,
                   "analysed_at": timezone.now().isoformat(), **report}
    case.source_deployment = deployment
    if case.investigation is None and deployment is not None:
        case.investigation = investigation_open(
            actor=case.opened_by, deployment=deployment, origin=Origin.OWN_INITIATIVE,
            title=_("Leak of face templates from %(name)s") % {"name": deployment.name},
            reason=_("Leak case %(id)s names this deployment as the source.") % {"id": case.id})
    if case.investigation is not None:
        _collect_evidence(case)
    case.status, case.progress, case.finished_at = LeakStatus.DONE, 100, timezone.now()
    case.save()


def primary_source(report: dict[str, Any]) -> dict[str, Any] | None:
    """The source the case acts on: the highest-scored deployment or device copy (the
    sources are sorted by guilt score). A device names its deployment as the case's."""
    return next((s for s in report.get("sources", []) if s["kind"] in ("deployment", "device")
                 and s["deployment_id"] is not None), None)


def _collect_evidence(case: LeakCase) -> None:
    investigation = investigation_lock(case.investigation)
    actor = case.opened_by
    items = []
    if not EvidenceItem.objects.filter(sealed=case.dump).exists():
        items.append(EvidenceItem.objects.create(
            investigation=investigation, kind=EvidenceKind.UPLOAD, sealed=case.dump,
            sha256=case.dump_sha256, collected_by=actor, collected_at=timezone.now(),
            title=_("Leaked dump (leak case %(id)s)") % {"id": case.id}))
    body = json.dumps(case.report, sort_keys=True, indent=1).encode()
    sealed = upload_store(file=body, policy=REPORT_POLICY, purpose="evidence",
                          uploaded_by=actor, organisation=case.regulator,
                          name=f"leak-report-{case.id}.json")
    items.append(EvidenceItem.objects.create(
        investigation=investigation, kind=EvidenceKind.PLATFORM, sealed=sealed,
        sha256=sealed.sha256, collected_by=actor, collected_at=timezone.now(),
        title=_("Leak analysis report (leak case %(id)s)") % {"id": case.id}))
    for item in items:
        investigation_log_append(
            investigation=investigation, kind=InvestigationLogKind.EVIDENCE_COLLECTED,
            actor=actor, reason=_("From leak case %(id)s") % {"id": case.id},
            detail={"evidence_id": item.id, "kind": item.kind, "sha256": item.sha256,
                    "leak_case_id": case.id, "dump_sha256": case.dump_sha256})


def _affected_refs(case: LeakCase, deployment_id: int, *, kind: str = "deployment",
                   device_id: int | None = None) -> list[str]:
    return sorted({ref for group in case.report.get("affected_subjects", [])
                   if group.get("kind") == kind
                   and group.get("deployment_id") == deployment_id
                   and (kind != "device" or group.get("device_id") == device_id)
                   for ref in group.get("subject_refs", [])})


@transaction.atomic
def leak_case_intercept(*, case: LeakCase, actor: Any, reason: str) -> LeakCase:
    """In one action, recorded with its reason: suspend the source deployment, revoke its API
    keys, rotate its template space (every template re-issued), tell the affected people, and
    measure after rotation that the leaked vectors match no stored template."""
    from governance.services.lifecycle import deployment_suspend
    from recognition.gallery import gallery_forget
    from recognition.services.leaks import current_stored, deployment_api_keys_revoke_all
    from recognition.services.vault import deployment_vault_rotate

    require(actor, "leak.handle", case)
    case = LeakCase.objects.select_for_update().get(pk=case.pk)
    if not reason.strip():
        raise DomainError(_("Give the reason for the interception."), code="reason_required")
    if case.status != LeakStatus.DONE:
        raise InvalidTransition(_("The dump has not been analysed yet."), code="not_analysed")
    if case.intercepted_at is not None:
        raise Conflict(_("This leak was already intercepted."), code="already_intercepted")
    deployment = case.source_deployment
    if deployment is None:
        raise InvalidTransition(_("The analysis named no deployment of ours as the source."),
                                code="no_source")
    require(actor, "leak.handle", deployment)
    source = primary_source(case.report) or {}
    if source.get("kind") == "device" and source.get("device_id") is not None:
        return _intercept_device(case, deployment, source, actor, reason.strip())
    suspended = False
    if deployment.status == DeploymentStatus.ACTIVE:
        deployment_suspend(deployment=deployment, actor=actor, reason=reason)
        suspended = True
    keys = deployment_api_keys_revoke_all(deployment=deployment, actor=actor)
    rotation = deployment_vault_rotate(deployment=deployment, rotate_key=True,
                                       rotate_transform=True)
    transaction.on_commit(partial(gallery_forget, deployment_id=deployment.id))
    leaked = _leaked(case)
    stored = current_stored(deployment=deployment)
    threshold = float(getattr(deployment, "threshold", None) or SAME_PERSON_THRESHOLD)
    refs = _affected_refs(case, deployment.id)
    told = _tell_affected(case, deployment, refs)
    case.interception = {
        "deployment_id": deployment.id, "suspended": suspended, "api_keys_revoked": keys,
        "transform_version": rotation.transform_version, "templates_reissued": rotation.templates,
        "matches_after": {"threshold": threshold,
                          "stored_templates": int(len(stored)),
                          "matched": count_matches(leaked, stored, threshold),
                          "exact": count_matches(leaked, stored, 1e-3)},
        "affected_subjects": len(refs), "people_notified": told,
    }
    case.intercepted_at, case.intercepted_by = timezone.now(), actor
    case.intercept_reason = reason.strip()
    case.save()
    if case.investigation is not None:
        investigation_log_append(
            investigation=investigation_lock(case.investigation),
            kind=InvestigationLogKind.LEAK_INTERCEPTED, actor=actor, reason=reason.strip(),
            detail={"leak_case_id": case.id, **case.interception})
    return case


def _intercept_device(case: LeakCase, deployment: Deployment, source: dict[str, Any],
                      actor: Any, reason: str) -> LeakCase:
    """The device branch: suspend the device (stop order), order its gallery into its next
    template space and plant fresh canaries there (recognition.services.devices
    .device_intercept), tell the people on the device, and measure that the leaked vectors
    match nothing the device's new space holds that the platform knows of (its canaries)."""
    from recognition.models import Canary, CopyKind, Device
    from recognition.services.devices import device_intercept, device_transform
    from recognition.services.leaks import canary_vectors

    device = Device.objects.filter(pk=source["device_id"], deployment=deployment).first()
    if device is None:
        raise InvalidTransition(_("The device the analysis named no longer exists."),
                                code="no_source")
    done = device_intercept(device=device, actor=actor, reason=reason)
    raw = canary_vectors(list(Canary.objects.filter(deployment=deployment,
                                                    copy_kind=CopyKind.DEVICE,
                                                    copy_id=device.id).order_by("id")))
    new_space = device_transform(device=device, version=done["transform_version"])
    held = new_space.apply(raw) if len(raw) else raw
    leaked = _leaked(case)
    threshold = float(getattr(deployment, "threshold", None) or SAME_PERSON_THRESHOLD)
    # The platform holds none of the device's templates, so the dump cannot say whose they
    # are: everyone the policy gate let onto the device (and not yet deleted there) is told.
    refs = sorted(set(_affected_refs(case, deployment.id, kind="device", device_id=device.id))
                  | set(device.subjects.values_list("subject_ref", flat=True)))
    told = _tell_affected(case, deployment, refs, device=device)
    case.interception = {
        "kind": "device", "deployment_id": deployment.id, "device_id": device.id,
        "device_name": device.name, "suspended": done["suspended"],
        "stop_ordered": done["stop_ordered"], "rotate_order_id": done["rotate_order_id"],
        "api_keys_revoked": 0, "transform_version": done["transform_version"],
        "leaked_version": source.get("transform_version"),
        "fresh_canaries": done["fresh_canaries"], "templates_reissued": None,
        "matches_after": {"threshold": threshold, "stored_templates": int(len(held)),
                          "space": f"device:{device.id}:v{done['transform_version']}",
                          "matched": count_matches(leaked, held, threshold),
                          "exact": count_matches(leaked, held, 1e-3)},
        "affected_subjects": len(refs), "affected_basis": "people_on_device",
        "people_notified": told,
    }
    case.intercepted_at, case.intercepted_by = timezone.now(), actor
    case.intercept_reason = reason
    case.save()
    if case.investigation is not None:
        investigation_log_append(
            investigation=investigation_lock(case.investigation),
            kind=InvestigationLogKind.LEAK_INTERCEPTED, actor=actor, reason=reason,
            detail={"leak_case_id": case.id, **case.interception})
    return case


def _tell_affected(case: LeakCase, deployment: Deployment, refs: list[str], *,
                   device: Any = None) -> int:
    """Tell the people behind `refs` what leaked and what was done — in each reader's own
    language (`notify` writes the texts per recipient)."""
    citizens = {link.citizen for link in SubjectLink.objects.filter(
        deployment=deployment, subject_ref__in=refs).select_related("citizen")}
    names = {"name": deployment.name, "device": device.name if device is not None else ""}

    def subject() -> str:
        if device is not None:
            return _("Your face data on a device of %(name)s leaked; it has been made "
                     "useless") % names
        return _("Your face data held by %(name)s leaked; it has been made useless") % names

    def body() -> str:
        if device is not None:
            return _(
                "A copy of the face templates held on the device “%(device)s” of %(name)s was "
                "found outside the platform, including yours. What leaked: a mathematical "
                "template of your face (not a photo), in that device's protected form. What we "
                "did: we suspended the device and ordered it to re-issue every template in a "
                "new protected form, so the leaked copy no longer matches you there or anywhere "
                "else. You may file a complaint or ask for your data to be deleted.") % names
        return _(
            "A copy of face templates held by %(name)s was found outside the platform, "
            "including yours. What leaked: a mathematical template of your face (not a photo), "
            "in the deployment's protected form. What we did: we suspended %(name)s, revoked "
            "its access keys and re-issued every template in a new protected form, so the "
            "leaked copy no longer matches you or anyone the platform holds. You may file a "
            "complaint or ask for your data to be deleted.") % names

    for citizen in citizens:
        notify(recipient=citizen, subject=subject, body=body, link=reverse("citizen-home"))
    return len(citizens)
