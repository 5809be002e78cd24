"""A finished evaluation without running the engine, for rules and register tests."""

import datetime as dt

from django.utils import timezone

from recognition.engine import ENGINE_VERSION
from recognition.models import Evaluation, EvaluationSet, EvaluationSource, EvaluationStatus


def rate(value: float, trials: int = 1000) -> dict:
    return {"value": value, "errors": round(value * trials), "trials": trials, "low": 0.0,
            "high": min(1.0, value * 2 + 0.003)}


def finished_evaluation(deployment, *, threshold: float | None = None, worst_fmr: float = 0.0,
                        recommended: float | None = 0.5, age: dt.timedelta = dt.timedelta(0),
                        engine_version: str = ENGINE_VERSION, fmr: float = 0.0005,
                        fnmr: float = 0.02) -> Evaluation:
    evaluation_set = EvaluationSet.objects.create(
        deployment=deployment, source=EvaluationSource.REFERENCE, identities=10, images=100,
        manifest={"identities": {}, "groups": {}, "exclusions": {"non_images": 0,
                                                                 "single_image_identities": [],
                                                                 "ignored_entries": 0}})
    finished_at = timezone.now() - age
    evaluation = Evaluation.objects.create(
        deployment=deployment, evaluation_set=evaluation_set, status=EvaluationStatus.DONE,
        progress=100, threshold=deployment.threshold if threshold is None else threshold,
        target_fmr=1e-3, engine_version=engine_version, images=100, identities=10,
        failures_to_enrol={"no_face": 2, "multiple_faces": 1}, finished_at=finished_at,
        results={"fmr": rate(fmr), "fnmr": rate(fnmr), "eer": 0.01, "fdr": 0.97,
                 "worst_group": {"name": "sex=F", "fmr": worst_fmr},
                 "calibration": {"target_fmr": 1e-3, "threshold": recommended, "fmr": 0.0,
                                 "fnmr": 0.05, "worst_group": "sex=F",
                                 "worst_group_fmr": 0.0} if recommended else None,
                 "groups": [], "det": [[0.5, 0.0, 0.05], [0.6, fmr, fnmr]]})
    Evaluation.objects.filter(pk=evaluation.pk).update(created_at=finished_at)
    return evaluation
