"""Citizen portal pages for consent (give, refuse, withdraw, renew, link a contact) and the
printable receipt. Pages call the same services and selectors as the API."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config.api.throttling import throttle_page
from governance.errors import DomainError, NotFound, NotPermitted
from governance.models import Storage
from governance.permissions import Persona
from governance.platform.requests import click_record
from governance.platform.uploads import sealed_file_response
from governance.receipts import consent_receipt
from governance.selectors.consent import (
    consent_evidence_get,
    consent_get_for_user,
    deployment_get_for_consent,
    deployments_open_to_citizens,
)
from governance.selectors.records import citizen_consents, citizen_links, citizen_refusals
from governance.selectors.retention import template_deletion_for_subject
from governance.services.consent import (
    consent_give,
    consent_renew,
    consent_withdraw,
    current_notice,
    refusal_record,
)
from governance.services.contacts import contact_proof_confirm, contact_proof_start
from governance.views.confirm import confirmation_needed
from governance.views.pages import persona_required


def run_service(request: HttpRequest, call: Callable[[], Any], success: str) -> bool:
    """Run a service for a page: success → a message; a domain refusal → its detail shown.
    NotFound and NotPermitted propagate: DomainErrorPagesMiddleware renders 404 and 403."""
    try:
        call()
    except (NotFound, NotPermitted):
        raise
    except DomainError as exc:
        messages.error(request, exc.detail)
        return False
    messages.success(request, success)
    return True


def deployment_for_page(request: HttpRequest, deployment_id: int) -> Any:
    return deployment_get_for_consent(user=request.user, deployment_id=deployment_id)


@persona_required(Persona.CITIZEN)
def citizen_deployments(request: HttpRequest) -> HttpResponse:
    links = citizen_links(citizen=request.user)
    linked_ids = {link.deployment_id for link in links}
    context = {"links": links,
               "available": [d for d in deployments_open_to_citizens() if d.id not in linked_ids]}
    return render(request, "governance/consent/citizen_deployments.html", context)


@persona_required(Persona.CITIZEN)
def citizen_consent_give(request: HttpRequest, deployment_id: int) -> HttpResponse:
    deployment = deployment_for_page(request, deployment_id)
    notice = current_notice(deployment)
    if request.method == "POST":
        holder: dict[str, Any] = {}

        def give() -> None:
            holder["consent"] = consent_give(
                deployment=deployment, actor=request.user,
                purposes=request.POST.getlist("purposes"),
                notice_version=int(request.POST.get("notice_version") or 0) or None,
                method="in_app_explicit", evidence=click_record(request),
                central_storage=request.POST.get("central_storage") == "on")

        if run_service(request, give, _("Your consent is recorded. This is your receipt.")):
            if holder["consent"].renewed:
                messages.info(request, _("You had already consented to these purposes: your "
                                         "consent is renewed, not given twice."))
            return redirect("consent-receipt-page", receipt_id=holder["consent"].receipt_id)
    context = {"deployment": deployment, "notice": notice,
               "central": deployment.storage == Storage.CENTRAL,
               "purposes": deployment.purposes.all()}
    return render(request, "governance/consent/citizen_consent_give.html", context)


@require_POST
@persona_required(Persona.CITIZEN)
def citizen_refuse(request: HttpRequest, deployment_id: int) -> HttpResponse:
    deployment = deployment_for_page(request, deployment_id)
    run_service(request, lambda: refusal_record(deployment=deployment, actor=request.user),
                f"Your refusal is recorded. Instead: {deployment.non_face_alternative}")
    return redirect("citizen-consents")


@persona_required(Persona.CITIZEN)
def citizen_consents_page(request: HttpRequest) -> HttpResponse:
    consents = list(citizen_consents(citizen=request.user))
    for consent in consents:  # a template destroyed (expired, withdrawn): say when, with proof
        consent.template_deletion = template_deletion_for_subject(
            deployment_id=consent.deployment_id, subject_ref=consent.subject_ref)
    context = {"consents": consents, "refusals": citizen_refusals(citizen=request.user)}
    return render(request, "governance/consent/citizen_consents.html", context)


def _consent_for_page(request: HttpRequest, receipt_id: str) -> Any:
    try:
        return consent_get_for_user(user=request.user, receipt_id=receipt_id)
    except NotFound:
        raise Http404 from None


@require_POST
@persona_required(Persona.CITIZEN)
def citizen_consent_withdraw(request: HttpRequest, receipt_id: str) -> HttpResponse:
    consent = _consent_for_page(request, receipt_id)
    confirm = confirmation_needed(
        request, title=_("Withdraw your consent to %(name)s?") % {
            "name": consent.deployment.name},
        consequence=_("%(name)s destroys your face template at once and gives you a deletion "
                      "certificate; to use face recognition there again you would have to "
                      "consent and enrol anew. The non-face alternative stays open to you.") % {
            "name": consent.deployment.name},
        confirm_label=_("Yes, withdraw my consent"), back_url=reverse("citizen-consents"))
    if confirm is not None:
        return confirm
    run_service(request, lambda: consent_withdraw(consent=consent, actor=request.user),
                _("Consent withdrawn. %(name)s is deleting your face data.") % {
                    "name": consent.deployment.name})
    return redirect("citizen-consents")


@require_POST
@persona_required(Persona.CITIZEN)
def citizen_consent_renew(request: HttpRequest, receipt_id: str) -> HttpResponse:
    consent = _consent_for_page(request, receipt_id)
    run_service(request, lambda: consent_renew(consent=consent, actor=request.user,
                                               evidence=click_record(request)),
                _("Consent renewed under the current notice."))
    return redirect("citizen-consents")


@login_required
def consent_receipt_page(request: HttpRequest, receipt_id: str) -> HttpResponse:
    consent = _consent_for_page(request, receipt_id)
    return render(request, "governance/consent/receipt.html",
                  {"consent": consent, "receipt": consent_receipt(consent)})


@login_required
def consent_evidence_download(request: HttpRequest, receipt_id: str) -> HttpResponse:
    """The signed form, only for whoever may see the consent (else 404, like no consent)."""
    consent = _consent_for_page(request, receipt_id)
    try:
        return sealed_file_response(consent_evidence_get(consent=consent))
    except NotFound:
        raise Http404 from None


@persona_required(Persona.CITIZEN)
@throttle_page("contact_proof")
def citizen_link_contact(request: HttpRequest) -> HttpResponse:
    """Two steps on one page: send a code to a contact, then enter the code."""
    proof_id = request.session.get("contact_proof_id")
    if request.method == "POST" and "contact" in request.POST:
        holder: dict[str, Any] = {}

        def start() -> None:
            holder["proof"] = contact_proof_start(citizen=request.user,
                                                  contact=request.POST["contact"])

        if run_service(request, start, _("We sent a code. Enter it below.")):
            request.session["contact_proof_id"] = holder["proof"].id
        return redirect("citizen-link")
    if request.method == "POST" and proof_id:
        holder = {}

        def confirm() -> None:
            holder["links"] = contact_proof_confirm(citizen=request.user, proof_id=proof_id,
                                                    code=request.POST.get("code", ""))

        if run_service(request, confirm, "Contact proved."):
            request.session.pop("contact_proof_id", None)
            messages.info(request, f"{len(holder['links'])} record(s) are now linked to you.")
            return redirect("citizen-deployments")
        return redirect("citizen-link")
    return render(request, "governance/consent/citizen_link.html", {"proof_id": proof_id})
