"""The public register pages and the printable on-site sign (in China PIPL Art. 26 asks for
it; each entry names the law it runs under, from its jurisdiction's pack). No login."""

import json
from typing import Any

import segno
from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from governance.compliance.packs import pack_for
from governance.enforcement_history import enforcement_history
from governance.models import (
    DataCategory,
    FilingKind,
    FilingStatus,
    Interest,
    LegalBasis,
    Mode,
    PlaceType,
    Purpose,
    RetentionTrigger,
    Scenario,
    Storage,
)
from governance.platform import signing
from governance.platform.charts import step_line_svg
from governance.platform.ledger_proof import proof_verify
from governance.selectors.register import (
    register_entry,
    register_get,
    register_list,
    register_search,
)

RECEIPT_MAX_CHARS = 200_000

APPROVAL_LABELS = {"approved": _("Approved by the regulator"),
                   "pending": _("Waiting for the regulator"),
                   "not_required": _("Not required (private interest)")}


def _label(choices: type, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _with_law(entry: dict) -> dict:
    """The entry with the name of its jurisdiction, the laws it runs under, and a person's
    words for every coded value (the API keeps the codes; pages show these)."""
    pack = pack_for(entry["jurisdiction"])
    names = dict(Purpose.objects.filter(code__in=entry["purposes"]).values_list("code", "name"))
    labels = {
        "scenario": _label(Scenario, entry["scenario"]), "mode": _label(Mode, entry["mode"]),
        "place_type": _label(PlaceType, entry["place_type"]),
        "interest": _label(Interest, entry["interest"]),
        "legal_basis": _label(LegalBasis, entry["legal_basis"]),
        "storage": _label(Storage, entry["storage"]),
        "purposes": [names.get(code, code) for code in entry["purposes"]],
        "approval": APPROVAL_LABELS.get(entry["approval"]["status"], ""),
    }
    retention = [r | {"category_label": _label(DataCategory, r["category"]),
                      "trigger_label": _label(RetentionTrigger, r["trigger"])}
                 for r in entry["retention"]]
    filings = [f | {"kind_label": _label(FilingKind, f["kind"]),
                    "status_label": (_("Overdue") if f["status"] == "overdue"
                                     else _label(FilingStatus, f["status"]))}
               for f in entry["filings"]]
    return entry | {"jurisdiction_name": pack.name, "laws": pack.receipt_laws,
                    "notice_footer": pack.notice_footer, "labels": labels,
                    "retention": retention, "filings": filings}


def register_index(request: HttpRequest) -> HttpResponse:
    """The register, searchable and filtered (the same filters as the API), suspended
    deployments listed apart."""
    found = register_search(request.GET)
    deployments = found.qs if found.is_valid() else register_list().none()
    entries = [_with_law(register_entry(d)) for d in deployments]
    return render(request, "governance/register/index.html", {
        "filter": found, "filtering": any(v for v in request.GET.values()),
        "active": [e for e in entries if not e["is_suspended"]],
        "suspended": [e for e in entries if e["is_suspended"]]})


def _entry(deployment_id: int) -> dict:
    return _with_law(register_entry(register_get(deployment_id=deployment_id)))


def register_detail(request: HttpRequest, deployment_id: int) -> HttpResponse:
    entry = _entry(deployment_id)
    return render(request, "governance/register/detail.html",
                  {"entry": entry,
                   "enforcement": enforcement_history(deployment_id=deployment_id),
                   "chart": threshold_chart(entry["threshold_history"], entry["threshold"])})


def register_signage(request: HttpRequest, deployment_id: int) -> HttpResponse:
    """A sign to print and post on site; its QR code opens the register entry."""
    entry = _entry(deployment_id)
    url = request.build_absolute_uri(reverse("register-detail", args=[deployment_id]))
    qr = segno.make(url, error="m").svg_inline(scale=6, title=gettext("Register entry"))
    # Bilingual on the sign itself, whatever the language of the person printing it.
    return render(request, "governance/register/signage.html",
                  {"entry": entry, "url": url, "qr": mark_safe(qr),  # noqa: S308
                   "sign_languages": [code for code, _name in reversed(settings.LANGUAGES)]})  # noqa: S308 — segno's own SVG


def threshold_chart(history: list[dict], current: float) -> str:
    """The threshold over its changes as an inline SVG step line with title, axes and legend
    (no script, nothing fetched)."""
    values = [h["threshold"] for h in history] or [current]
    labels = [date_format(timezone.localtime(h["changed_at"]), "SHORT_DATE_FORMAT")
              for h in history] or [str(_("now"))]
    if history and history[0]["previous"] is not None:
        values.insert(0, history[0]["previous"])
        labels.insert(0, str(_("before")))
    return mark_safe(step_line_svg(  # noqa: S308 — built from numbers and escaped labels
        values, title=str(_("Decision threshold over time")), x_labels=labels,
        y_label=str(_("Face distance")), legend=str(_("Threshold (lower is stricter)")),
        low=min(values + [0.3]), high=max(values + [0.8])))


class ReceiptForm(forms.Form):
    receipt = forms.CharField(label=_("Your receipt (JSON)"), max_length=RECEIPT_MAX_CHARS,
                              widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "false"}),
                              help_text=_("Paste a consent receipt or a deletion certificate as "
                                          "you downloaded it."))

    def clean_receipt(self) -> dict[str, Any]:
        try:
            data = json.loads(self.cleaned_data["receipt"])
        except (ValueError, RecursionError) as exc:
            raise forms.ValidationError(_("This is not a receipt: paste the JSON exactly as "
                                          "you downloaded it.")) from exc
        if not isinstance(data, dict):
            raise forms.ValidationError(_("This is not a receipt: a receipt is a JSON object."))
        return data


def register_verify_receipt(request: HttpRequest) -> HttpResponse:
    """Anyone checks a receipt: was it recorded, under a head this platform signed? The same
    check as POST /api/v1/register/verify-receipt/."""
    form = ReceiptForm(request.POST if request.method == "POST" else None)
    verdict = proof_verify(form.cleaned_data["receipt"]) if form.is_bound and form.is_valid() \
        else None
    return render(request, "governance/register/verify_receipt.html",
                  {"form": form, "verdict": verdict, "public_key": signing.public_key_b64(),
                   "key_id": signing.key_id()})
