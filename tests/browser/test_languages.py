"""Every persona reads FaceGov in English and in 简体中文: the switch on every page changes the
language (and keeps it while they move on), Accept-Language picks it on the first visit, and
<html lang> says which it is."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

# persona → (username, landing path, English heading, Chinese heading, a second page's path
#            and the Chinese text it shows)
PERSONAS = {
    "citizen": ("alice", "/citizen/", "Your face data", "您的人脸数据",
                "/citizen/consents/", "我的同意"),
    "enterprise": ("acme_admin", "/enterprise/", "Enterprise dashboard", "企业工作台",
                   "/enterprise/deployments/", "登记部署"),
    "regulator": ("reg_inspector", "/regulator/", "Regulator dashboard", "监管工作台",
                  "/regulator/filings/", "您管辖范围内的备案"),
    "industry auditor": ("assoc_auditor", "/industry/", "Industry self-regulation", "行业自律",
                         "/notifications/", "通知"),
}


def _switch_to(page, language_name: str) -> None:
    page.get_by_test_id("language-switch").get_by_role("button", name=language_name).click()
    page.wait_for_load_state()


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_persona_switches_between_english_and_chinese(page, demo, persona):
    username, landing, heading_en, heading_zh, second, second_zh = PERSONAS[persona]
    sign_in(page, username)
    page.wait_for_url(f"**{landing}")
    expect(page.get_by_role("heading", level=1, name=heading_en)).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")

    _switch_to(page, "简体中文")
    expect(page).to_have_url(f"{page.url.split(landing)[0]}{landing}")  # back where they were
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.get_by_role("heading", level=1, name=heading_zh)).to_be_visible()
    expect(page.get_by_role("button", name="退出登录")).to_be_visible()

    page.goto(second)  # the choice is kept (language cookie) on the next page
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.get_by_text(second_zh).first).to_be_visible()

    _switch_to(page, "English")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_the_public_reads_chinese_when_the_browser_asks_for_it(browser, live_server, demo):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto("/about/")
        expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
        expect(page.get_by_role("heading", level=1, name="受治理的人脸识别。")).to_be_visible()
        page.goto("/guidance/")
        expect(page.get_by_text("人脸识别绝不能是唯一的通行方式")).to_be_visible()
        _switch_to(page, "English")
        expect(page.get_by_text("Face recognition is never the only way in")).to_be_visible()
        expect(page.locator("html")).to_have_attribute("lang", "en")
    finally:
        context.close()


def test_the_public_reads_english_by_default_and_switches_to_chinese(page, demo):
    page.goto("/about/")
    expect(page.get_by_role("heading", level=1, name="Face recognition, governed.")).to_be_visible()
    _switch_to(page, "简体中文")
    expect(page.get_by_role("heading", level=1, name="受治理的人脸识别。")).to_be_visible()
    expect(page.get_by_role("link", name="登录")).to_be_visible()


def test_a_sign_is_bilingual_whatever_the_language_of_the_page(page, demo):
    from governance.models import Deployment

    gate = Deployment.objects.get(name="Residential gate — Block A")
    page.goto(f"/register/{gate.id}/signage/")
    sign = page.get_by_test_id("signage")
    expect(sign.get_by_role("heading", name="正在使用人脸识别")).to_be_visible()
    expect(sign.get_by_role("heading", name="Face recognition in use")).to_be_visible()
    expect(sign).to_contain_text("门禁通行")  # the purpose, by name, in Chinese
    expect(sign).to_contain_text("Access control")
