"""The API's human texts follow Accept-Language; its codes stay English and stable."""

import pytest
from django.utils import translation

from governance.labels import refusal_label
from governance.services.policy import RefusalCode

pytestmark = pytest.mark.django_db

CHINESE = {"HTTP_ACCEPT_LANGUAGE": "zh-CN,zh;q=0.9"}
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


def test_a_domain_error_keeps_its_code_and_speaks_the_callers_language(api):
    english = api.get("/api/v1/register/999999/", **ENGLISH)
    chinese = api.get("/api/v1/register/999999/", **CHINESE)
    assert english.status_code == chinese.status_code == 404
    assert english.json()["code"] == chinese.json()["code"] == "not_found"
    assert english.json()["detail"] == "No such deployment on the public register."
    assert chinese.json()["detail"] == "公示登记中没有这个部署。"


def test_an_unknown_api_path_answers_in_the_callers_language(api):
    response = api.get("/api/v1/no-such-thing/", **CHINESE)
    assert response.status_code == 404
    assert response.json() == {"code": "not_found",
                               "detail": "/api/v1/no-such-thing/ 处没有 API 端点。"}


def test_a_validation_error_names_each_field_by_its_label(api):
    english = api.post("/api/v1/auth/token/", {}, format="json", **ENGLISH).json()
    chinese = api.post("/api/v1/auth/token/", {}, format="json", **CHINESE).json()
    assert english["code"] == chinese["code"] == "validation_error"
    # Field keys stay machine names; the detail a person reads uses labels, never `username:`.
    assert set(english["errors"]) == set(chinese["errors"]) == {"username", "password"}
    assert english["detail"].startswith("The request is invalid: Username: ")
    assert "username:" not in english["detail"]
    assert chinese["detail"].startswith("请求无效：")
    assert "用户名" in chinese["detail"] and "该字段是必填项" in chinese["detail"]


def test_refusal_codes_stay_machine_codes_and_pages_show_their_labels():
    assert RefusalCode.NO_CONSENT == "no_consent"
    with translation.override("zh-hans"):
        assert refusal_label("no_consent") == "未同意"
    with translation.override("en"):
        assert refusal_label("no_consent") == "no consent"
