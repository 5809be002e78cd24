"""Reads of the retention room: certificates, holds, the overdue gauge, deletions per day.

Certificates: the operator's staff see their organisation's, regulators those within their
mandate, citizens those about their linked subjects (matched by keyed hash, never by the raw
pseudonym). Holds: regulators only, within their mandate.
"""

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.errors import NotFound
from governance.models import DataCategory, DeletionCertificate, Deployment, LegalHold
from governance.permissions import (
    REGULATOR_DECIDERS,
    can,
    enterprises_covered_by,
    is_citizen,
    organisations_of,
    visible_enterprise_ids,
)
from governance.platform.crypto import KeyPurpose, keyed_hasher
from governance.records import templates_held
from governance.selectors.records import citizen_links
from governance.services.retention import overdue_count, subject_hash


def _citizen_subject_hashes(user: Any) -> list[str]:
    hasher = keyed_hasher(KeyPurpose.DELETION_CERTIFICATE)
    return [subject_hash(deployment_id=link.deployment_id, subject_ref=link.subject_ref,
                         hasher=hasher) for link in citizen_links(citizen=user)]


def certificate_list_for_user(*, user: Any, deployment_id: int | None = None,
                              category: str = "") -> QuerySet[DeletionCertificate]:
    if not user.is_authenticated:
        return DeletionCertificate.objects.none()
    certificates = DeletionCertificate.objects.select_related("deployment__organisation")
    if not user.is_superuser:
        q = Q(deployment__organisation_id__in=visible_enterprise_ids(user))
        if is_citizen(user):
            q |= Q(subjects__subject_hash__in=_citizen_subject_hashes(user))
        certificates = certificates.filter(q).distinct()
    if deployment_id is not None:
        certificates = certificates.filter(deployment_id=deployment_id)
    if category:
        certificates = certificates.filter(category=category)
    return certificates.order_by("-recorded_at", "-id")


def certificate_get_for_user(*, user: Any, certificate_id: int) -> DeletionCertificate:
    """One certificate the user may see; NotFound otherwise (no probing of ids)."""
    certificate = certificate_list_for_user(user=user).filter(id=certificate_id).first()
    if certificate is None:
        raise NotFound(_("No such deletion certificate."))
    return certificate


def certificates_for_citizen(*, user: Any) -> QuerySet[DeletionCertificate]:
    """Only the certificates about the citizen themselves (their page and records)."""
    return (DeletionCertificate.objects
            .filter(subjects__subject_hash__in=_citizen_subject_hashes(user)).distinct()
            .select_related("deployment__organisation").order_by("-recorded_at", "-id"))


def certificate_rows_for_subject(*, deployment_id: int, subject_ref: str) -> list[dict[str, Any]]:
    """The records provider: certificates about one (deployment, subject), JSON-ready."""
    certificates = DeletionCertificate.objects.filter(
        deployment_id=deployment_id,
        subjects__subject_hash=subject_hash(deployment_id=deployment_id,
                                            subject_ref=subject_ref)).order_by("sequence")
    return [{"deployment_id": deployment_id, "sequence": c.sequence,
             "reference": c.reference, "category": c.category,
             "count": c.count, "trigger": c.trigger, "rule": c.rule,
             "legal_reference": c.legal_reference, "recorded_at": c.recorded_at.isoformat(),
             "keys_shredded": c.keys_shredded, "entry_hash": c.entry_hash}
            for c in certificates]


def template_deletion_for_subject(*, deployment_id: int,
                                  subject_ref: str) -> DeletionCertificate | None:
    """The latest certificate of the person's face templates being destroyed there, if their
    templates are gone now (none is held); None while a template is still held."""
    if templates_held(deployment_id=deployment_id, subject_ref=subject_ref):
        return None
    return (DeletionCertificate.objects
            .filter(deployment_id=deployment_id, category=DataCategory.FACE_TEMPLATE,
                    subjects__subject_hash=subject_hash(deployment_id=deployment_id,
                                                        subject_ref=subject_ref))
            .order_by("-sequence").first())


def legal_hold_list_for_user(*, user: Any) -> QuerySet[LegalHold]:
    if not user.is_authenticated or not organisations_of(user, roles=REGULATOR_DECIDERS).exists():
        return LegalHold.objects.none()
    covered = enterprises_covered_by(user).values("id")
    return (LegalHold.objects.filter(deployment__organisation__in=covered)
            .select_related("deployment__organisation", "placed_by").prefetch_related(
                "deferrals"))


def deployment_get_for_hold(*, user: Any, deployment_id: int) -> Deployment:
    """A deployment the user may place a hold on; NotFound otherwise (no probing of ids)."""
    deployment = (Deployment.objects.select_related("organisation")
                  .filter(id=deployment_id).first())
    if deployment is None or not can(user, "legal_hold.place", deployment):
        raise NotFound(_("No such deployment."))
    return deployment


def retention_deployment_ids_for_user(*, user: Any) -> list[int]:
    deployments = Deployment.objects.select_related("organisation")
    if not user.is_superuser:
        deployments = deployments.filter(organisation_id__in=visible_enterprise_ids(user))
    return list(deployments.values_list("id", flat=True))


def deletions_per_day(*, deployment_ids: list[int], days: int) -> dict[dt.date, int]:
    since = timezone.now() - dt.timedelta(days=days)
    rows = (DeletionCertificate.objects
            .filter(deployment_id__in=deployment_ids, recorded_at__gte=since)
            .annotate(day=TruncDate("recorded_at")).values("day")
            .annotate(n=Sum("count")).values_list("day", "n"))
    return dict(rows)


def retention_overview(*, user: Any) -> dict[str, Any]:
    """The gauge and its context for a dashboard: what the user may see, nothing more."""
    ids = retention_deployment_ids_for_user(user=user)
    return {"overdue": overdue_count(deployment_ids=ids), "deployment_ids": ids,
            "certificates": certificate_list_for_user(user=user).filter(
                deployment_id__in=ids)[:20],
            "holds": legal_hold_list_for_user(user=user).filter(released_at__isnull=True)}
