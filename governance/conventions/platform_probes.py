"""Governance's own probes: consents, deployments, retention, filings, rights requests and
threshold publication. Registered from GovernanceConfig.ready(); recognition and complaints
register theirs from their own ready()."""

import datetime as dt

from django.db.models import Count, F, OuterRef, Q, Subquery
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from governance.conventions.probes import Probe, ProbeAnswer, chain_probe, register_probe
from governance.models import (
    Deployment,
    DeploymentStatus,
    Filing,
    RightsRequest,
    ThresholdChange,
)
from governance.selectors.consent_ledger import CONSENT_LEDGER
from governance.services.retention import DELETION_CERTIFICATE_LEDGER

RUNNING = (DeploymentStatus.ACTIVE, DeploymentStatus.SUSPENDED)
RETENTION_GRACE = dt.timedelta(days=1)


def _running(deployment_ids: list[int]):  # noqa: ANN202
    return Deployment.objects.filter(pk__in=deployment_ids, status__in=RUNNING)


def _rule_probe(rule_id: str):  # noqa: ANN202
    """A probe that runs one rule of the rules engine on every running deployment."""

    def run(*, organisation_id: int, deployment_ids: list[int], now: dt.datetime) -> ProbeAnswer:
        from governance.compliance.packs import pack_for

        failing, checked = [], 0
        for deployment in _running(deployment_ids).prefetch_related("purposes"):
            pack = pack_for(deployment.jurisdiction)
            rule = next((r for r in pack.rules if r.id == rule_id), None)
            if rule is None:
                continue
            checked += 1
            if rule.check(pack.subject(deployment)) is not None:
                failing.append(deployment.name)
        if not checked:
            return ProbeAnswer(None, _("No running deployment to check."), {"checked": 0})
        if failing:
            return ProbeAnswer(False, _("%(count)d of %(total)d running deployment(s) fail: "
                                        "%(names)s") % {"count": len(failing), "total": checked,
                                                        "names": ", ".join(failing[:5])},
                               {"checked": checked, "failing": len(failing)})
        return ProbeAnswer(True, _("All %(total)d running deployment(s) pass.")
                           % {"total": checked}, {"checked": checked, "failing": 0})

    return run


def retention_overdue_zero(*, organisation_id: int, deployment_ids: list[int],
                           now: dt.datetime) -> ProbeAnswer:
    from governance.retention.registry import retention_sources

    overdue: dict[str, int] = {}
    for source in retention_sources():
        count = (source.due(now=now - RETENTION_GRACE)
                 .filter(**{f"{source.deployment_field}__in": deployment_ids}).count())
        if count:
            overdue[source.category] = count
    total = sum(overdue.values())
    if total:
        return ProbeAnswer(False, _("%(count)d item(s) kept more than a day past their "
                                    "deletion date.") % {"count": total},
                           {"overdue": total, "by_category": overdue})
    return ProbeAnswer(True, _("Nothing is kept past its deletion date."), {"overdue": 0})


def filings_on_time(*, organisation_id: int, deployment_ids: list[int],
                    now: dt.datetime) -> ProbeAnswer:
    filings = Filing.objects.filter(deployment_id__in=deployment_ids)
    figures = filings.aggregate(
        total=Count("id"),
        late=Count("id", filter=Q(submitted_at__gt=F("due_at"))
                   | Q(submitted_at__isnull=True, due_at__lt=now)))
    if not figures["total"]:
        return ProbeAnswer(None, _("No filing has been due."), figures)
    if figures["late"]:
        return ProbeAnswer(False, _("%(late)d of %(total)d filing(s) late or overdue.")
                           % figures, figures)
    return ProbeAnswer(True, _("All %(total)d filing(s) on time.") % figures, figures)


def rights_requests_on_time(*, organisation_id: int, deployment_ids: list[int],
                            now: dt.datetime) -> ProbeAnswer:
    since = now - dt.timedelta(days=365)
    figures = RightsRequest.objects.filter(deployment_id__in=deployment_ids,
                                           received_at__gte=since).aggregate(
        total=Count("id"),
        late=Count("id", filter=Q(closed_at__gt=F("due_at"))
                   | Q(closed_at__isnull=True, due_at__lt=now)))
    if not figures["total"]:
        return ProbeAnswer(None, _("No rights request in the last 12 months."), figures)
    on_time = round(100 * (figures["total"] - figures["late"]) / figures["total"], 1)
    figures["on_time_percent"] = on_time
    return ProbeAnswer(figures["late"] == 0,
                       _("%(pct)s%% of %(total)d rights request(s) answered on time.")
                       % {"pct": on_time, "total": figures["total"]}, figures)


def thresholds_published(*, organisation_id: int, deployment_ids: list[int],
                         now: dt.datetime) -> ProbeAnswer:
    latest = (ThresholdChange.objects.filter(deployment=OuterRef("pk"))
              .order_by("-changed_at", "-id").values("threshold")[:1])
    running = _running(deployment_ids).annotate(published=Subquery(latest))
    unpublished = [d.name for d in running if d.published is None
                   or abs(d.published - d.threshold) > 1e-9]
    total = len(running)
    if not total:
        return ProbeAnswer(None, _("No running deployment to check."), {"checked": 0})
    if unpublished:
        return ProbeAnswer(False, _("The threshold in effect is not on the public record for: "
                                    "%(names)s") % {"names": ", ".join(unpublished[:5])},
                           {"checked": total, "unpublished": len(unpublished)})
    return ProbeAnswer(True, _("Every running deployment's threshold is on the public record."),
                       {"checked": total, "unpublished": 0})


PROBES = (
    Probe("consent_ledger_verifies", _l("Every consent chain verifies against its signed head"),
          chain_probe(CONSENT_LEDGER, nothing=_l("No consent has been recorded."),
                      verified=_l("Every consent chain verifies against its signed head.")),
          dt.timedelta(days=7)),
    Probe("deletion_certificates_verify", _l("Every deletion-certificate chain verifies"),
          chain_probe(DELETION_CERTIFICATE_LEDGER,
                      nothing=_l("No deletion has been certified yet."),
                      verified=_l("Every deletion-certificate chain verifies.")),
          dt.timedelta(days=7)),
    Probe("non_face_alternative_declared",
          _l("Every running deployment declares a non-face alternative"),
          _rule_probe("non_face_alternative")),
    Probe("impact_assessment_current", _l("Every running deployment has a current impact "
          "assessment"), _rule_probe("impact_assessment_current")),
    Probe("notice_published", _l("Every running deployment has a published notice"),
          _rule_probe("notice_published")),
    Probe("device_storage_default", _l("Face data stays on the device unless separately consented"),
          _rule_probe("central_storage_separate_consent")),
    Probe("public_place_signage", _l("Public places have prominent signs"),
          _rule_probe("public_place_signage")),
    Probe("public_place_public_security_only", _l("Public places only for public security"),
          _rule_probe("public_place_public_security_only")),
    Probe("no_private_spaces", _l("No recognition in private spaces"),
          _rule_probe("prohibited_place")),
    Probe("images_kept_only_when_justified", _l("Raw images kept only when justified"),
          _rule_probe("images_kept_only_when_justified")),
    Probe("retention_overdue_zero", _l("Nothing kept past its deletion date"),
          retention_overdue_zero, dt.timedelta(days=7)),
    Probe("filings_on_time", _l("Filings made on time"), filings_on_time),
    Probe("rights_requests_on_time", _l("Rights requests answered on time"),
          rights_requests_on_time),
    Probe("thresholds_published", _l("Every threshold in effect is published"),
          thresholds_published),
)


def register() -> None:
    for probe in PROBES:
        register_probe(probe)
