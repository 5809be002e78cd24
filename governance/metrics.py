"""GET /metrics — the retention engine in Prometheus text format (exposition format 0.0.4).

Counters are read from the database (certificates, sweeps), so they survive restarts and agree
across workers. Only counts and durations: nothing about any person. When
FACEGOV_METRICS_TOKEN is set, scrapers send it as `Authorization: Bearer <token>`.
"""

import hmac
from collections.abc import Callable

from django.conf import settings
from django.db.models import Count, Sum
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from governance.models import DeletionCertificate, LegalHold, RetentionSweep
from governance.services.retention import overdue_by_category

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

# Other apps add their metrics in AppConfig.ready(): a function returning exposition text.
_EXTRA: list[Callable[[], str]] = []


def register_metrics(func: Callable[[], str]) -> None:
    if func not in _EXTRA:
        _EXTRA.append(func)


def _metric(lines: list[str], name: str, kind: str, help_text: str,
            samples: list[tuple[dict[str, str], float]]) -> None:
    lines += [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}"]
    for labels, value in samples:
        label_text = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
        lines.append(f"{name}{{{label_text}}} {value:g}" if label_text else f"{name} {value:g}")


def retention_metrics_text() -> str:
    lines: list[str] = []
    overdue = overdue_by_category()
    _metric(lines, "facegov_retention_overdue_items", "gauge",
            "Items past delete_after that no legal hold covers (0 after a sweep).",
            [({"category": c}, n) for c, n in sorted(overdue.items())])
    destroyed = dict(DeletionCertificate.objects.values_list("category")
                     .annotate(n=Sum("count")).values_list("category", "n"))
    certificates = dict(DeletionCertificate.objects.values_list("category")
                        .annotate(n=Count("id")).values_list("category", "n"))
    _metric(lines, "facegov_retention_destroyed_items_total", "counter",
            "Items destroyed under a deletion certificate.",
            [({"category": c}, destroyed.get(c, 0)) for c in sorted(overdue)])
    _metric(lines, "facegov_retention_certificates_total", "counter",
            "Deletion certificates written.",
            [({"category": c}, certificates.get(c, 0)) for c in sorted(overdue)])
    last = RetentionSweep.objects.filter(finished_at__isnull=False).first()
    _metric(lines, "facegov_retention_sweeps_total", "counter", "Retention sweeps completed.",
            [({}, RetentionSweep.objects.filter(finished_at__isnull=False).count())])
    _metric(lines, "facegov_retention_last_sweep_duration_seconds", "gauge",
            "Duration of the last completed sweep.", [({}, last.duration_seconds if last else 0)])
    _metric(lines, "facegov_retention_last_sweep_destroyed_items", "gauge",
            "Items the last completed sweep destroyed.", [({}, last.destroyed if last else 0)])
    _metric(lines, "facegov_retention_last_sweep_timestamp_seconds", "gauge",
            "When the last sweep finished (Unix time).",
            [({}, last.finished_at.timestamp() if last else 0)])
    _metric(lines, "facegov_retention_legal_holds_active", "gauge", "Legal holds in force.",
            [({}, LegalHold.objects.filter(released_at__isnull=True,
                                           expires_at__gt=timezone.now()).count())])
    _metric(lines, "facegov_retention_last_sweep_deferred_items", "gauge",
            "Due items the last sweep left in place because a legal hold covers them.",
            [({}, last.deferred if last else 0)])
    return "\n".join(lines) + "\n"


@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    token = settings.FACEGOV_METRICS_TOKEN
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if token and not hmac.compare_digest(given, token):
        return HttpResponse("metrics token required\n", status=401, content_type=CONTENT_TYPE)
    text = retention_metrics_text() + "".join(func() for func in _EXTRA)
    return HttpResponse(text, content_type=CONTENT_TYPE)
