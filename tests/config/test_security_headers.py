"""Browser policies on every page (Content-Security-Policy without inline script or style,
Permissions-Policy), and the operators' endpoints behind their token."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from tests.conftest import REPO_ROOT

TEMPLATES = sorted((REPO_ROOT / "templates").rglob("*.html"))


def csp(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


@pytest.mark.parametrize("path", ["/", "/login/", "/signup/", "/register/", "/api/docs/",
                                  "/no-such-page/"])
def test_every_page_forbids_inline_script_and_style(db, client, path):
    policy = csp(client.get(path))
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]


def test_the_api_answers_carry_the_policies_too(db, client):
    response = client.get("/api/v1/register/")
    assert "Content-Security-Policy" in response
    assert "camera=()" in response["Permissions-Policy"]


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(REPO_ROOT)))
def test_no_template_writes_inline_script_style_or_handlers(template: Path):
    html = template.read_text()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline <script>"
    assert "<style" not in html, "inline <style>"
    assert not re.search(r"\son[a-z]+\s*=", html), "inline event handler"
    assert not re.search(r"\sstyle\s*=", html), "inline style attribute"
    assert "javascript:" not in html


def test_the_print_buttons_work_through_the_static_script(db, client):
    from django.contrib.staticfiles import finders

    assert 'src="/static/js/facegov.js"' in client.get("/").content.decode()
    assert "data-print" in Path(finders.find("js/facegov.js")).read_text()


def test_swagger_ui_starts_from_a_script_file_not_an_inline_one(db, client):
    html = client.get("/api/docs/").content.decode()
    assert "<style" not in html
    sources = re.findall(r'<script src="([^"]+)"', html)
    assert len(sources) == 3 and not re.search(r"<script>", html)
    start = client.get(sources[-1].replace("&amp;", "&"))
    assert start.status_code == 200
    assert start["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle" in start.content


def test_redoc_loads_no_font_from_the_internet(db, client):
    html = client.get("/api/redoc/").content.decode()
    assert "googleapis" not in html and "<script>" not in html


# --- Permissions-Policy -------------------------------------------------------------------

def test_powerful_features_are_off_on_every_page(db, client):
    policy = client.get("/")["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"):
        assert feature in policy


def test_the_try_it_page_may_use_the_camera_and_no_other_page_does(world, client):
    client.force_login(world.acme_admin)
    assert "camera=(self)" in client.get(reverse("recognition-try"))["Permissions-Policy"]
    assert "camera=()" in client.get(reverse("enterprise-home"))["Permissions-Policy"]


# --- the operators' endpoints ------------------------------------------------------------

def test_metrics_refuse_without_a_token_when_not_opened(db, client, settings):
    settings.FACEGOV_METRICS_OPEN = False
    settings.FACEGOV_METRICS_TOKEN = ""
    response = client.get("/metrics")
    assert response.status_code == 401
    assert b"facegov_retention" not in response.content


def test_metrics_want_the_right_token(db, client, settings):
    settings.FACEGOV_METRICS_OPEN = False
    settings.FACEGOV_METRICS_TOKEN = "scrape-me"
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-me").status_code == 200


def test_an_anonymous_deep_health_check_gets_the_shallow_one(db, client, settings):
    settings.FACEGOV_METRICS_OPEN = False
    settings.FACEGOV_METRICS_TOKEN = "scrape-me"
    body = client.get("/healthz?deep=1").json()
    assert set(body["checks"]) == {"database", "broker"}


def test_the_deep_health_check_runs_with_the_token(db, client, settings, monkeypatch):
    import config.health as health

    monkeypatch.setattr(health, "check_worker", lambda: None)  # no worker in this test
    settings.FACEGOV_METRICS_OPEN = False
    settings.FACEGOV_METRICS_TOKEN = "scrape-me"
    body = client.get("/healthz?deep=1", HTTP_AUTHORIZATION="Bearer scrape-me").json()
    assert body["checks"]["worker"] == "ok"


def test_production_settings_close_the_operators_endpoints():
    from tests.config.test_settings import PRODUCTION_ENV, run_manage

    code = ("from django.conf import settings; "
            "print(settings.FACEGOV_METRICS_OPEN, settings.FACEGOV_REQUIRE_2FA)")
    result = run_manage(PRODUCTION_ENV, "shell", "-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "False True"
