"""Evaluation runs: request one (API and pages call `evaluation_request`), run it (the Celery
task calls `evaluation_run`), and the retention of uploaded sets.

A run encodes every image once with the engine's enrolment pipeline; an image the engine
refuses is a failure to enrol, counted by its refusal code. The remaining templates are
scored and evaluated at the deployment's threshold (recognition/engine/evaluation.py), and a
single threshold is calibrated so that the worst group's FMR meets the target for the
deployment's kind of use, capped at the engine's ceiling.
"""

import datetime as dt
import logging
from functools import partial
from pathlib import Path
from typing import IO, Any

import numpy as np
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.compliance.checks import IDENTIFICATION_MODES
from governance.models import DataCategory, Deployment, RetentionTrigger
from governance.permissions import require
from governance.platform.uploads import (
    ARCHIVE_POLICY,
    UploadTooLarge,
    upload_destroy,
    upload_store,
)
from governance.retention.rules import due
from recognition import engine
from recognition.engine import evaluation as ev
from recognition.models import Evaluation, EvaluationSet, EvaluationSource, EvaluationStatus
from recognition.services.evaluation_sets import (
    EvaluationSetRefused,
    manifest_from_directory,
    manifest_from_zip,
    set_images,
)

logger = logging.getLogger(__name__)

#: The highest threshold calibration may recommend: the engine's calibrated ceiling, the same
#: one a deployment's threshold may not exceed.
THRESHOLD_CEILING = engine.CALIBRATED_MAX_THRESHOLD
UPLOAD_PURPOSE = "evaluation_set"
PROGRESS_ENCODED = 90  # encoding is nearly all the work; scoring takes the rest
CLOSEST_IMPOSTORS = 10


def target_fmr_for(deployment: Deployment) -> float:
    """The false-match rate the deployment's threshold must meet, by interest and use."""
    use = "identification" if deployment.mode in IDENTIFICATION_MODES else "verification"
    return settings.FACEGOV_EVALUATION_TARGET_FMR[f"{deployment.interest}:{use}"]


# --- requesting ------------------------------------------------------------------------------


def _read_archive(archive: IO[bytes] | bytes) -> bytes:
    limit = ARCHIVE_POLICY.max_bytes
    if isinstance(archive, bytes):
        data = archive
    elif getattr(archive, "size", 0) and archive.size > limit:
        raise UploadTooLarge(_("The file is too large."), max_bytes=limit)
    else:
        archive.seek(0)
        data = archive.read(limit + 1)
    if len(data) > limit:
        raise UploadTooLarge(_("The file is too large."), max_bytes=limit)
    return data


def _set_create(*, deployment: Deployment, actor: Any, archive: IO[bytes] | bytes | None,
                reference_set: bool) -> EvaluationSet:
    if reference_set:
        manifest = manifest_from_directory(Path(settings.FACEGOV_REFERENCE_SET_DIR))
        return _set_row(deployment, actor, manifest, EvaluationSource.REFERENCE, None)
    data = _read_archive(archive)
    manifest = manifest_from_zip(data)  # refuses before anything is written
    sealed = upload_store(file=data, policy=ARCHIVE_POLICY, purpose=UPLOAD_PURPOSE,
                          uploaded_by=actor, organisation=deployment.organisation,
                          name=getattr(archive, "name", "") or "evaluation-set.zip")
    return _set_row(deployment, actor, manifest, EvaluationSource.UPLOAD, sealed)


def _set_row(deployment: Deployment, actor: Any, manifest: dict, source: str,
             sealed: Any) -> EvaluationSet:
    now = timezone.now()
    found = (due(deployment=deployment, category=DataCategory.EVALUATION_SET,
                 moments={RetentionTrigger.COLLECTION: now}) if sealed else None)
    return EvaluationSet.objects.create(
        deployment=deployment, source=source, sealed_file=sealed,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
        manifest=manifest, identities=len(manifest["identities"]),
        images=sum(len(v) for v in manifest["identities"].values()),
        delete_after=found.at if found else None, delete_trigger=found.trigger if found else "")


@transaction.atomic
def evaluation_request(*, deployment: Deployment, actor: Any,
                       archive: IO[bytes] | bytes | None = None,
                       reference_set: bool = False) -> Evaluation:
    """Check and store the set (sealed) and queue a run at the deployment's threshold.

    Refusals (EvaluationSetRefused, UploadRefused, NotPermitted) store nothing.
    """
    require(actor, "evaluation.run", deployment)
    if reference_set == (archive is not None):
        raise EvaluationSetRefused(_("Send either a ZIP archive or reference_set, not both."),
                                   code="evaluation_set_required")
    evaluation_set = _set_create(deployment=deployment, actor=actor, archive=archive,
                                 reference_set=reference_set)
    evaluation = Evaluation.objects.create(
        deployment=deployment, evaluation_set=evaluation_set,
        requested_by=evaluation_set.uploaded_by, threshold=deployment.threshold,
        target_fmr=target_fmr_for(deployment), images=evaluation_set.images,
        identities=evaluation_set.identities)
    from recognition.tasks import evaluation_run_task

    transaction.on_commit(partial(evaluation_run_task.delay, evaluation.id))
    return evaluation


# --- running ---------------------------------------------------------------------------------


def encode_image(data: bytes) -> np.ndarray:
    """One image's template, as enrolment makes it (EngineError when refused)."""
    return engine.encode_for_enrolment(engine.load_image(data)).vector


def _progress(evaluation_id: int, value: int) -> None:
    Evaluation.objects.filter(pk=evaluation_id).update(progress=min(value, 100))


def _encode_all(evaluation: Evaluation) -> tuple[list, list[str], list[str], dict[str, int]]:
    vectors, labels, entries, failures = [], [], [], {}
    total, step = max(evaluation.evaluation_set.images, 1), 0
    for done, (identity, entry, data) in enumerate(set_images(evaluation.evaluation_set), 1):
        try:
            vectors.append(encode_image(data))
            labels.append(identity)
            entries.append(entry)
        except engine.EngineError as error:
            failures[error.code] = failures.get(error.code, 0) + 1
        percent = PROGRESS_ENCODED * done // total
        if percent >= step + 5:
            step = percent
            _progress(evaluation.id, percent)
    return vectors, labels, entries, failures


def evaluation_run(*, evaluation_id: int) -> Evaluation:
    """Run (or re-run, after a lost worker) one evaluation; a finished one is left alone."""
    evaluation = Evaluation.objects.select_related("evaluation_set", "deployment").get(
        pk=evaluation_id)
    if evaluation.status in (EvaluationStatus.DONE, EvaluationStatus.FAILED):
        return evaluation
    Evaluation.objects.filter(pk=evaluation_id).update(
        status=EvaluationStatus.RUNNING, progress=0, started_at=timezone.now())
    try:
        vectors, labels, entries, failures = _encode_all(evaluation)
        if len(set(labels)) < 2:
            raise EvaluationSetRefused(_("Too few images could be enrolled to evaluate."),
                                       code="too_few_enrolled")
        figures = _figures(evaluation, np.stack(vectors), labels, entries)
    except EvaluationSetRefused as error:
        return _finish(evaluation_id, status=EvaluationStatus.FAILED, error_code=error.code)
    except Exception:
        logger.exception("evaluation %s failed", evaluation_id)
        _finish(evaluation_id, status=EvaluationStatus.FAILED, error_code="internal_error")
        raise
    results, closest = figures
    return _finish(evaluation_id, status=EvaluationStatus.DONE, results=results,
                   closest_impostors=closest, failures_to_enrol=failures,
                   engine_version=engine.ENGINE_VERSION, model_version=engine.MODEL_VERSION)


def _finish(evaluation_id: int, **fields: Any) -> Evaluation:
    Evaluation.objects.filter(pk=evaluation_id).update(progress=100,
                                                       finished_at=timezone.now(), **fields)
    return Evaluation.objects.get(pk=evaluation_id)


def _rate(rate: ev.Rate) -> dict:
    return {"value": rate.value, "errors": rate.errors, "trials": rate.trials,
            "low": rate.low, "high": rate.high}


def _figures(evaluation: Evaluation, templates: np.ndarray, labels: list[str],
             entries: list[str]) -> tuple[dict, list]:
    scores = ev.score_pairs(templates, labels)
    groups = evaluation.evaluation_set.manifest.get("groups", {})
    result = ev.evaluate_scores(scores, labels, evaluation.threshold, groups=groups,
                                target_fmr=evaluation.target_fmr, ceiling=THRESHOLD_CEILING,
                                closest=CLOSEST_IMPOSTORS)
    _progress(evaluation.id, 95)
    measurable = [g for g in result.groups if g.fmr.trials]
    worst = max(measurable, key=lambda g: g.fmr.value, default=None)
    calibration = result.calibration
    results = {
        "fmr": _rate(result.fmr), "fnmr": _rate(result.fnmr),
        "eer": result.eer, "eer_threshold": result.eer_threshold,
        "fdr": result.fdr, "fmr_ratio": result.fmr_ratio,
        "genuine_pairs": int(len(scores.genuine)), "impostor_pairs": int(len(scores.impostor)),
        "total_impostor_pairs": result.total_impostor_pairs, "sampled": result.sampled,
        "templates": len(labels),
        "worst_group": worst and {"name": worst.name, "fmr": worst.fmr.value},
        "groups": [_group(g, evaluation.target_fmr) for g in result.groups],
        "calibration": calibration and {
            "target_fmr": calibration.target_fmr, "threshold": calibration.threshold,
            "fmr": calibration.fmr, "fnmr": calibration.fnmr,
            "worst_group": calibration.worst_group,
            "worst_group_fmr": calibration.worst_group_fmr, "ceiling": THRESHOLD_CEILING},
        "det": [list(row) for row in result.det],
        "exclusions": evaluation.evaluation_set.manifest.get("exclusions", {}),
    }
    closest = [{"a": entries[i], "b": entries[j], "identity_a": labels[i],
                "identity_b": labels[j], "distance": d} for i, j, d in result.closest_impostors]
    return results, closest


def _group(group: ev.GroupResult, target_fmr: float) -> dict:
    warnings = []
    if group.genuine_pairs < ev.MIN_GENUINE_PAIRS:
        warnings.append({"code": "few_genuine_pairs", "count": group.genuine_pairs})
    if group.impostor_pairs < int(np.ceil(3.0 / target_fmr)):
        warnings.append({"code": "few_impostor_pairs", "count": group.impostor_pairs})
    return {"name": group.name, "identities": group.identities,
            "genuine_pairs": group.genuine_pairs, "impostor_pairs": group.impostor_pairs,
            "fmr": _rate(group.fmr), "fnmr": _rate(group.fnmr), "warnings": warnings}


# --- retention of uploaded sets --------------------------------------------------------------


def evaluation_set_destroy(*, evaluation_set: EvaluationSet, now: dt.datetime) -> bool:
    """Shred the sealed ZIP and forget the file names; the aggregate figures stay. Returns
    whether anything was destroyed (False when it already was)."""
    if evaluation_set.destroyed_at is not None:
        return False
    if evaluation_set.sealed_file_id:
        upload_destroy(sealed=evaluation_set.sealed_file)
    evaluation_set.manifest = {"exclusions": evaluation_set.manifest.get("exclusions", {})}
    evaluation_set.destroyed_at = now
    evaluation_set.save(update_fields=["manifest", "destroyed_at"])
    evaluation_set.evaluations.update(closest_impostors=[])
    return True
