"""Sign-up for citizens; login and logout are Django's own views with our templates."""

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy

from config.api.throttling import throttle_page
from governance.errors import DomainError
from governance.services.accounts import SIGNUP_ANSWER, citizen_signup


class SignupForm(forms.Form):
    username = forms.RegexField(r"^[\w.@+-]{3,150}$", max_length=150,
                                label=gettext_lazy("Username"),
                                help_text=gettext_lazy("3–150 letters, digits and @/./+/-/_ only."))
    display_name = forms.CharField(max_length=150, required=False, label=gettext_lazy("Your name"))
    email = forms.EmailField(required=False, label=gettext_lazy("Email"))
    password = forms.CharField(widget=forms.PasswordInput, strip=False,
                               label=gettext_lazy("Password"))


@throttle_page("signup")
def signup(request: HttpRequest) -> HttpResponse:
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            citizen_signup(**form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.detail)
        else:
            messages.info(request, SIGNUP_ANSWER)
            return redirect("login")
    return render(request, "governance/signup.html", {"form": form})
