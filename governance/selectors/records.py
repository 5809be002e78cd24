"""Everything held about one citizen: for "my records", exports and the portal pages."""

from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from governance.models import Consent, Deployment, Refusal, RightsRequest, SubjectLink
from governance.platform.ledger import canonical_value
from governance.records import provided_records


def citizen_links(*, citizen: Any, deployment: Deployment | None = None
                  ) -> QuerySet[SubjectLink]:
    links = SubjectLink.objects.filter(citizen=citizen).select_related(
        "deployment__organisation")
    return links.filter(deployment=deployment) if deployment else links


def _subject_q(links: list[SubjectLink]) -> Q:
    q = Q(pk__in=[])
    for link in links:
        q |= Q(deployment_id=link.deployment_id, subject_ref=link.subject_ref)
    return q


def citizen_consents(*, citizen: Any, deployment: Deployment | None = None
                     ) -> QuerySet[Consent]:
    links = list(citizen_links(citizen=citizen, deployment=deployment))
    return (Consent.objects.filter(_subject_q(links))
            .select_related("deployment__organisation").prefetch_related("purposes"))


def citizen_refusals(*, citizen: Any, deployment: Deployment | None = None
                     ) -> QuerySet[Refusal]:
    links = list(citizen_links(citizen=citizen, deployment=deployment))
    refusals = Refusal.objects.filter(_subject_q(links) | Q(citizen=citizen))
    refusals = refusals.filter(deployment=deployment) if deployment else refusals
    return refusals.select_related("deployment")


def _consent_row(consent: Consent) -> dict[str, Any]:
    return {"receipt_id": str(consent.receipt_id), "deployment_id": consent.deployment_id,
            "deployment": consent.deployment.name, "subject_ref": consent.subject_ref,
            "purposes": sorted(p.code for p in consent.purposes.all()),
            "state": consent.state, "needs_renewal": consent.needs_renewal,
            "method": consent.method, "notice_version": consent.notice_version,
            "central_storage": consent.central_storage,
            "given_at": canonical_value(consent.given_at),
            "withdrawn_at": canonical_value(consent.withdrawn_at),
            "expires_at": canonical_value(consent.expires_at)}


def _deployment_row(link: SubjectLink) -> dict[str, Any]:
    deployment = link.deployment
    return {"id": deployment.id, "name": deployment.name,
            "operator": deployment.organisation.name, "location": deployment.location,
            "status": deployment.status, "storage": deployment.storage,
            "purposes": sorted(p.code for p in deployment.purposes.all()),
            "non_face_alternative": deployment.non_face_alternative,
            "subject_ref": link.subject_ref, "linked_via": link.via}


def citizen_records(*, citizen: Any, deployment: Deployment | None = None) -> dict[str, Any]:
    """One JSON-ready document: deployments, consents, refusals, requests, and every
    section other apps provide (recognition events, deletion certificates)."""
    links = list(citizen_links(citizen=citizen, deployment=deployment))
    requests = RightsRequest.objects.filter(citizen=citizen)
    if deployment:
        requests = requests.filter(deployment=deployment)
    return {
        "generated_at": canonical_value(timezone.now()),
        "person": {"username": citizen.username,
                   "display_name": getattr(getattr(citizen, "citizen_profile", None),
                                           "display_name", "")},
        "deployments": [_deployment_row(link) for link in links],
        "consents": [_consent_row(c) for c in citizen_consents(citizen=citizen,
                                                                deployment=deployment)],
        "refusals": [{"deployment_id": r.deployment_id, "deployment": r.deployment.name,
                      "recorded_at": canonical_value(r.recorded_at),
                      "alternative_offered": r.alternative_offered}
                     for r in citizen_refusals(citizen=citizen, deployment=deployment)],
        "rights_requests": [{"id": r.id, "deployment_id": r.deployment_id, "type": r.type,
                             "state": r.state, "received_at": canonical_value(r.received_at),
                             "due_at": canonical_value(r.due_at)} for r in requests],
        **provided_records(subjects=[(link.deployment_id, link.subject_ref) for link in links]),
    }
