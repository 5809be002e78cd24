"""Two-factor sign-in pages: settings, set-up with a QR code, the verify step after the
password, backup codes. The rules are in governance/services/two_factor.py."""

import base64

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from config.api.throttling import throttle_page
from governance.errors import DomainError
from governance.selectors.two_factor import two_factor_enabled, two_factor_required
from governance.services.two_factor import (
    backup_codes_regenerate,
    otp_match,
    totp_enrolment_confirm,
    totp_enrolment_start,
    two_factor_disable,
)


class CodeForm(forms.Form):
    otp_token = forms.CharField(
        label=gettext_lazy("Code"), max_length=16, strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        help_text=gettext_lazy("The 6 digits your authenticator app shows, or a backup code."))


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure())
    return target if safe else "/"


@login_required
def two_factor_settings(request: HttpRequest) -> HttpResponse:
    return render(request, "governance/two_factor/settings.html", {
        "enabled": two_factor_enabled(request.user),
        "required": two_factor_required(request.user),
        "form": CodeForm(),
    })


@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """GET shows the pending authenticator's QR code (made once, kept until confirmed);
    POST confirms it with a code and shows the backup codes, once."""
    device = (TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
              or totp_enrolment_start(user=request.user))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = totp_enrolment_confirm(user=request.user, device_id=device.id,
                                           token=form.cleaned_data["otp_token"])
        except DomainError as exc:
            form.add_error("otp_token", exc.detail)
        else:
            otp_login(request, TOTPDevice.objects.get(pk=device.pk))
            return render(request, "governance/two_factor/backup_codes.html",
                          {"codes": codes, "next": _next(request)})
    qr = segno.make(device.config_url, error="m").svg_inline(
        scale=4, title=_("Scan with your authenticator app"))
    return render(request, "governance/two_factor/setup.html", {
        "form": form, "qr": mark_safe(qr),  # noqa: S308 — segno's own SVG of our own URL
        "secret": base64.b32encode(device.bin_key).decode(),
        "required": two_factor_required(request.user), "next": _next(request),
    })


@login_required
@throttle_page("login")
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """The step after the password. Wrong codes count as failed sign-ins (django-axes): at
    the limit the session ends and the account is locked out like a wrong password."""
    if not two_factor_enabled(request.user):
        return redirect(_next(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = otp_match(user=request.user, token=form.cleaned_data["otp_token"])
        if device is not None:
            otp_login(request, device)
            return redirect(_next(request))
        user_login_failed.send(sender=__name__, request=request,
                               credentials={"username": request.user.get_username()})
        if getattr(request, "axes_locked_out", False):
            logout(request)
            return redirect("login")
        form.add_error("otp_token", _("That code is not valid."))
    return render(request, "governance/two_factor/verify.html",
                  {"form": form, "next": _next(request)})


@login_required
@require_POST
def two_factor_backup_codes(request: HttpRequest) -> HttpResponse:
    try:
        codes = backup_codes_regenerate(user=request.user)
    except DomainError as exc:
        messages.error(request, exc.detail)
        return redirect("two-factor")
    return render(request, "governance/two_factor/backup_codes.html",
                  {"codes": codes, "next": ""})


@login_required
@require_POST
def two_factor_turn_off(request: HttpRequest) -> HttpResponse:
    form = CodeForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError(_("Enter a current code to turn two-factor sign-in off."))
        two_factor_disable(user=request.user, token=form.cleaned_data["otp_token"])
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, _("Two-factor sign-in is off."))
    return redirect("two-factor")
