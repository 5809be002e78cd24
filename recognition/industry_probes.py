"""Recognition's probes for industry audits (governance.conventions.probes): the recognition
log verifies against its signed heads, and public 1:N identification checks liveness."""

import datetime as dt

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from governance.conventions.probes import Probe, ProbeAnswer, chain_probe, register_probe
from governance.models import Deployment, Mode
from recognition.models import Operation, RecognitionEvent
from recognition.services.events import RECOGNITION_LEDGER

ONE_TO_MANY = (Mode.IDENTIFICATION_REALTIME, Mode.IDENTIFICATION_POST)
LOOKBACK = dt.timedelta(days=90)


def liveness_on_public_identification(*, organisation_id: int, deployment_ids: list[int],
                                      now: dt.datetime) -> ProbeAnswer:
    public = list(Deployment.objects.filter(pk__in=deployment_ids, is_public_place=True,
                                            mode__in=ONE_TO_MANY).values_list("pk", flat=True))
    if not public:
        return ProbeAnswer(None, _("No public 1:N deployment."), {"deployments": 0})
    figures = RecognitionEvent.objects.filter(
        deployment_id__in=public, operation=Operation.IDENTIFY,
        recorded_at__gte=now - LOOKBACK).aggregate(
        total=Count("id"), without=Count("id", filter=Q(liveness="")))
    figures["deployments"] = len(public)
    if figures["without"]:
        return ProbeAnswer(False, _("%(without)d of %(total)d public 1:N identification(s) in "
                                    "90 days ran without a liveness check.") % figures, figures)
    return ProbeAnswer(True, _("Every public 1:N identification in 90 days checked liveness "
                               "(%(total)d).") % figures, figures)


PROBES = (
    Probe("recognition_log_verifies", _l("Every recognition log verifies against its signed head"),
          chain_probe(RECOGNITION_LEDGER, nothing=_l("No recognition has been logged."),
                      verified=_l("Every recognition log verifies against its signed head.")),
          dt.timedelta(days=7), source="recognition"),
    Probe("liveness_on_public_identification", _l("Liveness checked on public 1:N identification"),
          liveness_on_public_identification, source="recognition"),
)


def register() -> None:
    for probe in PROBES:
        register_probe(probe)
