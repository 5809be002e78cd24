"""Pages anyone may use without an account: report a problem, a tip's status, and checking
an evidence package for court."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from complaints.models import Category
from complaints.receipts import receipt_display
from complaints.selectors.cases import messages_for
from complaints.selectors.tips import client_of, tip_get_by_receipt
from complaints.services.intake import CaseInput, complaint_submit, complaint_target_get, tip_submit
from complaints.services.messages import tip_reply
from complaints.services.packages import package_verify
from complaints.throttles import page_allowed
from complaints.views.common import no_store, refused
from complaints.views.forms import MessageForm, PackageVerifyForm, ReceiptForm, ReportForm
from governance.errors import DomainError, NotFound
from governance.permissions import is_citizen
from governance.platform.uploads import ARCHIVE_POLICY


def _target(request: HttpRequest):
    raw = request.GET.get("deployment") or request.POST.get("deployment_id")
    if not raw or not str(raw).isdigit():
        return None
    try:
        return complaint_target_get(deployment_id=int(raw))
    except NotFound:
        return None


@never_cache
@require_http_methods(["GET", "POST"])
def report_problem(request: HttpRequest) -> HttpResponse:
    """One form for a tip (anyone) or a complaint (a signed-in citizen who gives their name)."""
    deployment = _target(request)
    citizen = is_citizen(request.user)
    initial = {"deployment_id": deployment.id if deployment else None,
               "category": Category.OTHER if deployment else Category.UNREGISTERED}
    form = ReportForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        anonymous = data["anonymous"] or not citizen
        scope = "tip_submit" if anonymous else "complaint_submit"
        if not page_allowed(request, scope):
            messages.error(request, _("Too many reports from here just now; please try again "
                                      "later."))
            return render(request, "complaints/report.html", {
                "form": form, "deployment": deployment, "citizen": citizen}, status=429)
        case = CaseInput(category=data["category"], description=data["description"],
                         deployment_id=deployment.id if deployment else None,
                         operator_name=data["operator_name"], place=data["place"],
                         minors_involved=data["minors_involved"])
        files = request.FILES.getlist("files")
        try:
            if anonymous:
                tip, receipt = tip_submit(data=case, files=files)
                return no_store(render(request, "complaints/tip_receipt.html", {
                    "receipt": receipt_display(receipt), "tip": tip}))
            complaint = complaint_submit(citizen=request.user, data=case, files=files,
                                         attach_own_records=data["attach_own_records"])
        except DomainError as exc:
            refused(request, exc)
            status = getattr(exc, "status_code", 400)
            return render(request, "complaints/report.html", {
                "form": form, "deployment": deployment, "citizen": citizen}, status=status)
        messages.success(request, _("Your complaint was received. It will be triaged within "
                                    "24 hours."))
        return redirect("complaint-mine-detail", complaint_id=complaint.id)
    return render(request, "complaints/report.html",
                  {"form": form, "deployment": deployment, "citizen": citizen})


@never_cache
@require_http_methods(["GET", "POST"])
def tip_status(request: HttpRequest) -> HttpResponse:
    """The receipt comes in the form body, never the URL. Replies post back here with it."""
    form = ReceiptForm(request.POST or None)
    if request.method == "GET" or not form.is_valid():
        return no_store(render(request, "complaints/tip_status.html", {"form": form}))
    if not page_allowed(request, "tip_receipt"):
        messages.error(request, _("Too many attempts from here; please try again later."))
        return no_store(render(request, "complaints/tip_status.html", {"form": form},
                               status=429))
    try:
        tip = tip_get_by_receipt(receipt=form.cleaned_data["receipt"], client=client_of(request))
    except NotFound as exc:
        messages.error(request, exc.detail)
        return no_store(render(request, "complaints/tip_status.html", {"form": form},
                               status=404))
    reply = MessageForm(request.POST if "reply" in request.POST else None)
    if "reply" in request.POST and reply.is_valid():
        try:
            tip_reply(tip=tip, body=reply.cleaned_data["body"],
                      files=request.FILES.getlist("files"))
        except DomainError as exc:
            refused(request, exc)
        else:
            messages.success(request, _("Your answer was sent."))
            reply = MessageForm()
        tip.refresh_from_db()
    return no_store(render(request, "complaints/tip_status.html", {
        "form": form, "tip": tip, "reply": reply,
        "messages_list": messages_for(complaint=tip, role="tipster")}))


@never_cache
@require_http_methods(["GET", "POST"])
def package_verify_page(request: HttpRequest) -> HttpResponse:
    """Anyone (a court, a lawyer) uploads a package: it is valid, or the first altered or
    missing file is named. Nothing uploaded here is stored."""
    form = PackageVerifyForm(request.POST or None, request.FILES or None)
    if request.method == "GET" or not form.is_valid():
        return render(request, "complaints/package_verify.html", {"form": form})
    upload = form.cleaned_data["file"]
    if upload.size > ARCHIVE_POLICY.max_bytes:
        messages.error(request, _("The file is too large."))
        return render(request, "complaints/package_verify.html", {"form": form}, status=413)
    verdict = package_verify(upload.read())
    return render(request, "complaints/package_verify.html",
                  {"form": PackageVerifyForm(), "verdict": verdict, "checked_name": upload.name})
