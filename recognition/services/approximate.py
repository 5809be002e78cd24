"""Choosing how a deployment's gallery is searched: exact (the default) or an approximate
FAISS index (recognition/engine/approximate.py), the latter only after its recall@1 against
exact search, measured on the deployment's own templates, reaches FACEGOV_APPROX_MIN_RECALL.

Every measurement is stored (accepted or not). An accepted index is switched on by bumping the
gallery version, so every process and shard worker rebuilds its index at its next search (the
old one answers until then, as for any reload); a refused one leaves the deployment as it was
and raises `approximate_recall_too_low`.
"""

from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from governance.audit import acting_as
from governance.errors import DomainError
from governance.models import Deployment
from governance.permissions import require
from recognition.engine.approximate import (
    ApproximateGalleryIndex,
    IndexConfig,
    faiss_available,
    recall_at_1,
    recall_probes,
)
from recognition.errors import ApproximateRecallTooLow
from recognition.models import DeploymentKey, GalleryIndexKind, GalleryIndexMeasurement


def gallery_index_choose(*, deployment: Deployment, config: IndexConfig,
                         actor: Any | None) -> GalleryIndexMeasurement | None:
    """Search the deployment's gallery with ``config`` from now on.

    ``exact`` is always allowed (no measurement, returns None). An approximate kind is built
    over the deployment's current templates, measured against exact search and switched on
    only if its recall@1 reaches the setting; the measurement is returned (and stored either
    way). ``actor`` None is the operator on the host (management command).
    """
    if actor is not None:
        require(actor, "deployment.manage", deployment)
    if not DeploymentKey.objects.filter(deployment=deployment).exists():
        raise DomainError(_("The deployment has no gallery yet: enrol people before choosing "
                            "how their gallery is searched."), code="gallery_empty")
    if config.exact:
        _switch(deployment=deployment, config=config, actor=actor)
        return None
    if not faiss_available():
        raise DomainError(_("Approximate search is not installed on this server (faiss-cpu)."),
                          code="approximate_unavailable")
    measurement = gallery_index_measure(deployment=deployment, config=config, actor=actor)
    if not measurement.accepted:
        raise ApproximateRecallTooLow(
            _("The approximate index found the exact nearest person for %(recall).2f %% of "
              "%(probes)d probes; at least %(required).2f %% is required. The gallery keeps "
              "its current index.")
            % {"recall": measurement.recall_at_1 * 100, "probes": measurement.probes,
               "required": measurement.required_recall * 100},
            code="approximate_recall_too_low", measurement=measurement.id)
    _switch(deployment=deployment, config=config, actor=actor)
    return measurement


def gallery_index_measure(*, deployment: Deployment, config: IndexConfig,
                          actor: Any | None) -> GalleryIndexMeasurement:
    """Measure ``config``'s recall@1 against exact search on the deployment's templates and
    store the measurement (does not switch anything)."""
    from recognition.gallery import gallery_exact_index

    exact = gallery_exact_index(deployment_id=deployment.id)
    if len(exact) == 0:
        raise DomainError(_("The deployment has no gallery yet: enrol people before choosing "
                            "how their gallery is searched."), code="gallery_empty")
    approximate = ApproximateGalleryIndex(exact, config)
    probes = recall_probes(exact.matrix, count=settings.FACEGOV_APPROX_RECALL_PROBES,
                           noise=settings.FACEGOV_APPROX_RECALL_NOISE)
    result = recall_at_1(exact, approximate, probes)
    required = settings.FACEGOV_APPROX_MIN_RECALL
    with transaction.atomic(), acting_as(actor):
        return GalleryIndexMeasurement.objects.create(
            deployment=deployment, kind=config.kind, params=config.params(),
            recall_at_1=result.recall_at_1, required_recall=required, probes=result.probes,
            templates=result.templates, exact_ms=result.exact_ms,
            approximate_ms=result.approximate_ms, accepted=result.recall_at_1 >= required,
            measured_by=actor if getattr(actor, "is_authenticated", False) else None)


@transaction.atomic
def _switch(*, deployment: Deployment, config: IndexConfig, actor: Any | None) -> None:
    with acting_as(actor):
        DeploymentKey.objects.filter(deployment=deployment).update(
            index_kind=GalleryIndexKind(config.kind), index_params=config.params(),
            gallery_version=F("gallery_version") + 1)


def deployment_index_config(row: DeploymentKey) -> IndexConfig:
    """The index configuration stored for a deployment (exact if unreadable)."""
    try:
        return IndexConfig.from_params(row.index_kind, row.index_params)
    except (TypeError, ValueError):
        return IndexConfig()
