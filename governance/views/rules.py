"""The public coverage page: every rule of every jurisdiction pack, and the law's terms."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from governance.selectors.rules import coverage_summary, pack_list


def rules_index(request: HttpRequest) -> HttpResponse:
    return render(request, "governance/rules/index.html", {"packs": pack_list(),
                                                           "coverage": coverage_summary()})
