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
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from governance.compliance.packs import pack_for
from governance.enforcement_history import enforcement_history
from governance.platform import signing
from governance.platform.ledger_proof import proof_verify
from governance.selectors.register import register_entry, register_get, register_list

RECEIPT_MAX_CHARS = 200_000

CATEGORY_LABELS = {"face_template": "Face templates", "face_image": "Face images",
                   "recognition_event": "Recognition logs", "consent_record": "Consent records",
                   "evaluation_set": "Evaluation sets"}


def _with_law(entry: dict) -> dict:
    """The entry with the name of its jurisdiction and the laws it runs under (for pages)."""
    pack = pack_for(entry["jurisdiction"])
    return entry | {"jurisdiction_name": pack.name, "laws": pack.receipt_laws,
                    "notice_footer": pack.notice_footer}


def register_index(request: HttpRequest) -> HttpResponse:
    entries = [_with_law(register_entry(d)) for d in register_list()]
    return render(request, "governance/register/index.html", {"entries": entries})


def _entry(deployment_id: int) -> dict:
    return _with_law(register_entry(register_get(deployment_id=deployment_id)))


def register_detail(request: HttpRequest, deployment_id: int) -> HttpResponse:
    entry = _entry(deployment_id)
    return render(request, "governance/register/detail.html",
                  {"entry": entry, "labels": CATEGORY_LABELS,
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
    """A small inline SVG step line of the threshold over its changes (no script, no CDN)."""
    values = [h["threshold"] for h in history] or [current]
    if history and history[0]["previous"] is not None:
        values.insert(0, history[0]["previous"])
    width, height, pad = 320, 90, 12
    step = (width - 2 * pad) / max(len(values) - 1, 1)
    low, high = min(values + [0.3]), max(values + [0.8])

    def y(value: float) -> float:
        return round(height - pad - (value - low) / (high - low) * (height - 2 * pad), 1)

    points = []
    for i, value in enumerate(values):
        x = round(pad + i * step, 1)
        if points:
            points.append(f"{x},{points[-1].split(',')[1]}")
        points.append(f"{x},{y(value)}")
    dots = "".join(f'<circle cx="{p.split(",")[0]}" cy="{p.split(",")[1]}" r="3"/>'
                   for p in points[::2])
    return mark_safe(  # noqa: S308 — built from numbers only
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label=_("Threshold history")>'
        f'<polyline fill="none" stroke="currentColor" stroke-width="2" '
        f'points="{" ".join(points)}"/><g fill="currentColor">{dots}</g></svg>')


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
