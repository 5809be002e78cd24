"""A server-side confirmation step for irreversible actions (works without script).

A page's form posts as usual; the view calls `confirmation_needed(...)` first. Unless the
POST carries `confirmed=yes`, it answers with a page that spells out the consequence and
posts the same fields back with `confirmed=yes` (or lets the person go back). Nothing is
changed until the confirmed POST arrives.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

CONFIRM_FIELD = "confirmed"
_NOT_REPOSTED = {"csrfmiddlewaretoken", CONFIRM_FIELD}


def is_confirmed(request: HttpRequest) -> bool:
    return request.POST.get(CONFIRM_FIELD) == "yes"


def confirmation_needed(request: HttpRequest, *, title: str, consequence: str,
                        confirm_label: str, back_url: str,
                        irreversible: bool = True) -> HttpResponse | None:
    """None when the POST is confirmed; else the confirmation page to answer with."""
    if is_confirmed(request):
        return None
    fields = [(name, value) for name in request.POST if name not in _NOT_REPOSTED
              for value in request.POST.getlist(name)]
    return render(request, "governance/confirm.html", {
        "title": title, "consequence": consequence, "confirm_label": confirm_label,
        "back_url": back_url, "irreversible": irreversible, "fields": fields,
        "action": request.get_full_path()})
