"""Access-checked reads of evaluations, the public accuracy panel and the rules' evidence."""

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from governance.compliance.accuracy import AccuracyEvidence
from governance.errors import NotFound
from governance.models import Deployment
from governance.permissions import can
from governance.selectors.deployments import deployments_permitting
from recognition import engine
from recognition.models import Evaluation, EvaluationStatus


def evaluation_get_for_user(*, user: Any, evaluation_id: int) -> Evaluation:
    """The evaluation, or NotFound (also when the user may not see it)."""
    evaluation = (Evaluation.objects.select_related("deployment__organisation",
                                                    "evaluation_set")
                  .filter(pk=evaluation_id).first())
    if evaluation is None or not can(user, "evaluation.view", evaluation.deployment):
        raise NotFound(_("No such evaluation."))
    return evaluation


def evaluation_list_for_user(*, user: Any) -> QuerySet[Evaluation]:
    deployments = [d.id for d in deployments_permitting(user=user, action="evaluation.view")]
    return (Evaluation.objects.filter(deployment_id__in=deployments)
            .select_related("deployment__organisation", "evaluation_set")
            .order_by("-created_at"))


def evaluation_latest_done(*, deployment_id: int) -> Evaluation | None:
    return (Evaluation.objects.filter(deployment_id=deployment_id,
                                      status=EvaluationStatus.DONE)
            .select_related("evaluation_set").order_by("-finished_at", "-id").first())


def evaluation_staleness(evaluation: Evaluation, deployment: Deployment) -> list[str]:
    """Why the evaluation no longer describes what runs (codes; empty when current)."""
    reasons = []
    if abs(evaluation.threshold - deployment.threshold) > 1e-9:
        reasons.append("threshold_changed")
    if evaluation.engine_version != engine.ENGINE_VERSION:
        reasons.append("engine_changed")
    return reasons


def register_accuracy_panel(deployment: Deployment) -> dict | None:
    """The public disclosure of the latest finished evaluation (no identities, no pairs)."""
    evaluation = evaluation_latest_done(deployment_id=deployment.id)
    if evaluation is None:
        return None
    results = evaluation.results
    stale = evaluation_staleness(evaluation, deployment)
    return {
        "evaluated_at": evaluation.finished_at,
        "engine_version": evaluation.engine_version,
        "set_source": evaluation.evaluation_set.source,
        "images": evaluation.images, "identities": evaluation.identities,
        "threshold": evaluation.threshold,
        "fmr": results["fmr"]["value"], "fnmr": results["fnmr"]["value"],
        "fdr": results.get("fdr"),
        "worst_group_fmr": (results.get("worst_group") or {}).get("fmr"),
        "failures_to_enrol": evaluation.fte_count,
        "fte_rate": evaluation.fte_count / evaluation.images if evaluation.images else None,
        "stale": bool(stale), "stale_reasons": stale,
    }


def accuracy_evidence(deployment: Deployment) -> list[AccuracyEvidence]:
    """Every threshold the deployment's finished evaluations measured, for the rules engine:
    the operating point and the calibrated threshold (its worst-group FMR was measured)."""
    rows = []
    for evaluation in Evaluation.objects.filter(deployment_id=deployment.id,
                                                status=EvaluationStatus.DONE):
        if evaluation.engine_version != engine.ENGINE_VERSION:
            continue  # measured on another engine: says nothing about this one
        results, at = evaluation.results, evaluation.finished_at
        # Without groups the whole set is the only group: its FMR is the worst.
        worst = (results.get("worst_group") or {}).get("fmr", results["fmr"]["value"])
        rows.append(AccuracyEvidence(evaluation.threshold, at, worst, evaluation.target_fmr))
        calibration = results.get("calibration") or {}
        if calibration.get("threshold"):
            worst = calibration.get("worst_group_fmr")
            rows.append(AccuracyEvidence(
                calibration["threshold"], at,
                calibration.get("fmr") if worst is None else worst, evaluation.target_fmr))
    return rows


# --- the report (API and page) ---------------------------------------------------------------


def _warning_text(warning: dict) -> str:
    if warning["code"] == "few_genuine_pairs":
        return _("Only %(count)s genuine pairs: too few to conclude on the false non-match "
                 "rate.") % {"count": warning["count"]}
    return _("Only %(count)s impostor pairs: too few to show that the target false-match rate "
             "is met.") % {"count": warning["count"]}


def _group_row(group: dict) -> dict:
    return {"name": group["name"], "identities": group["identities"],
            "genuine_pairs": group["genuine_pairs"], "impostor_pairs": group["impostor_pairs"],
            "fmr": group["fmr"]["value"], "fnmr": group["fnmr"]["value"],
            "fmr_ci": [group["fmr"]["low"], group["fmr"]["high"]],
            "fnmr_ci": [group["fnmr"]["low"], group["fnmr"]["high"]],
            "warnings": [_warning_text(w) for w in group["warnings"]]}


def evaluation_report(evaluation: Evaluation, *, user: Any) -> dict:
    """Everything the API and the report page show of one evaluation, for this user (the
    closest impostor pairs only to the owner)."""
    results = evaluation.results or {}
    calibration = results.get("calibration") or {}
    fmr, fnmr = results.get("fmr") or {}, results.get("fnmr") or {}
    report = {
        "id": evaluation.id, "deployment_id": evaluation.deployment_id,
        "deployment_name": evaluation.deployment.name,
        "status": evaluation.status, "progress": evaluation.progress,
        "error_code": evaluation.error_code,
        "threshold": evaluation.threshold, "target_fmr": evaluation.target_fmr,
        "set_source": evaluation.evaluation_set.source,
        "images": evaluation.images, "identities": evaluation.identities,
        "engine_version": evaluation.engine_version,
        "fmr": fmr.get("value"), "fnmr": fnmr.get("value"),
        "fmr_ci": [fmr["low"], fmr["high"]] if fmr else None,
        "fnmr_ci": [fnmr["low"], fnmr["high"]] if fnmr else None,
        "genuine_pairs": results.get("genuine_pairs"),
        "impostor_pairs": results.get("impostor_pairs"),
        "sampled": results.get("sampled", False),
        "eer": results.get("eer"), "eer_threshold": results.get("eer_threshold"),
        "fdr": results.get("fdr"), "fmr_ratio": results.get("fmr_ratio"),
        "worst_group": results.get("worst_group"),
        "recommended_threshold": calibration.get("threshold"),
        "calibration": calibration or None,
        "groups": [_group_row(g) for g in results.get("groups", [])],
        "failures_to_enrol": evaluation.failures_to_enrol,
        "fte_count": evaluation.fte_count,
        "exclusions": results.get("exclusions")
        or evaluation.evaluation_set.manifest.get("exclusions", {}),
        "created_at": evaluation.created_at, "finished_at": evaluation.finished_at,
        "stale_reasons": (evaluation_staleness(evaluation, evaluation.deployment)
                          if evaluation.status == EvaluationStatus.DONE else []),
    }
    if can(user, "evaluation.view_closest_pairs", evaluation.deployment):
        report["closest_impostors"] = evaluation.closest_impostors
    return report


def evaluation_det_svg(evaluation: Evaluation) -> str:
    """The DET curve (FNMR against FMR, log axes) with the operating point marked."""
    from governance.platform.charts import Point, log_log_curve_svg

    results = evaluation.results or {}
    points = [(fmr, fnmr) for _t, fmr, fnmr in results.get("det", [])]
    marker = None
    if results.get("fmr"):
        marker = Point(results["fmr"]["value"], results["fnmr"]["value"],
                       _("Operating point, threshold %(t)s") % {"t": f"{evaluation.threshold:g}"})
    return log_log_curve_svg(
        points, title=_("DET curve — %(name)s") % {"name": evaluation.deployment.name},
        x_label=_("False match rate (FMR)"), y_label=_("False non-match rate (FNMR)"),
        curve_label=_("Measured on %(n)s images") % {"n": evaluation.images}, marker=marker)
