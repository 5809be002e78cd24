"""Pages speak the reader's language and show words, never machine values.

Every key page of every persona is read in English and in 简体中文: its text must not hold a
stored choice value (`transport_hub`, `pending_approval`, `on_device`...), a purpose code or
rule-style code, nor an ISO timestamp; in Chinese it says <html lang="zh-Hans"> and is Chinese.
"""

import re
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse

from governance.models import ConsentState, Deployment
from governance.purposes import PURPOSE_TAXONOMY

ISO_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
CHINESE = re.compile(r"[\u4e00-\u9fff]")


class _Text(HTMLParser):
    """The text a person reads: data outside script/style (attributes are not read)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "code"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style", "code") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.parts)


def machine_values() -> set[str]:
    """Every stored choice value that reads like code (has an underscore), and the purpose
    codes: none of them may reach a person."""
    values = {code for code, _name, _description in PURPOSE_TAXONOMY}
    for model in apps.get_models():
        for field in model._meta.get_fields():
            for value, _label in getattr(field, "flatchoices", None) or []:
                if isinstance(value, str) and "_" in value:
                    values.add(value)
    return values


@pytest.fixture
def seeded(db):
    call_command("seed_demo", verbosity=0)


def _pages(persona: str) -> list[str]:
    gate = Deployment.objects.get(name="Residential gate — Block A")
    receipt = gate.consents.filter(state=ConsentState.ACTIVE).first()
    pages = {
        # The register's index and detail are tested apart (below).
        "register": [reverse("register"), reverse("register-detail", args=[gate.id])],
        "public": [reverse("home-public"),
                   reverse("register-signage", args=[gate.id]), reverse("guidance"),
                   reverse("report-problem"), reverse("tip-status"), reverse("rules"),
                   "/no-such-page/"],
        "alice": [reverse("citizen-home"), reverse("citizen-consents"),
                  reverse("citizen-deployments"), reverse("citizen-requests"),
                  reverse("citizen-certificates"), reverse("recognition-my-events"),
                  reverse("complaint-mine")],
        "acme_admin": [reverse("enterprise-home"), reverse("deployment-list"),
                       reverse("deployment-status", args=[gate.id]),
                       reverse("enterprise-consents"), reverse("enterprise-requests"),
                       reverse("recognition-activity"), reverse("retention-dashboard"),
                       reverse("recognition-deployment", args=[gate.id])],
        "reg_inspector": [reverse("regulator-home"), reverse("regulator-filings"),
                          reverse("complaint-inbox"), reverse("investigation-list")],
        "assoc_auditor": [reverse("industry-home"), reverse("notifications")],
    }[persona]
    if receipt and persona in ("alice", "acme_admin"):
        pages.append(reverse("consent-receipt-page", args=[receipt.receipt_id]))
    return pages


PERSONAS = ["public", "alice", "acme_admin", "reg_inspector", "assoc_auditor"]


@pytest.mark.parametrize("language", ["en", "zh-CN"])
@pytest.mark.parametrize("persona", PERSONAS)
def test_key_pages_show_words_not_machine_values(client, seeded, persona, language):
    _check_pages(client, persona, language)


@pytest.mark.parametrize("language", ["en", "zh-CN"])
def test_the_register_shows_words_not_machine_values(client, seeded, language):
    _check_pages(client, "register", language)


def _check_pages(client, persona: str, language: str) -> None:
    from governance.models import User

    if persona not in ("public", "register"):
        client.force_login(User.objects.get(username=persona))
    raw_values = machine_values()
    problems = []
    for path in _pages(persona):
        response = client.get(path, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code in (200, 404), (path, response.status_code)
        html = response.content.decode()
        text = visible_text(html)
        shown = sorted(v for v in raw_values if re.search(rf"(?<![\w/.-]){re.escape(v)}(?![\w/-])",
                                                          text))
        if shown:
            problems.append(f"{path}: machine values {shown}")
        if ISO_TIMESTAMP.search(text):
            problems.append(f"{path}: ISO timestamp {ISO_TIMESTAMP.search(text).group()}")
        if language.startswith("zh"):
            if '<html lang="zh-Hans">' not in html:
                problems.append(f"{path}: <html lang> is not zh-Hans")
            if len(CHINESE.findall(text)) < 10:
                problems.append(f"{path}: hardly any Chinese")
    assert not problems, "\n".join(problems)
