"""A newcomer who mistypes an address or meets a bug sees a friendly page, not Django's debug
pages: make run runs with DEBUG off unless DJANGO_DEBUG asks for it; static files still load."""

import pytest
from django.test import RequestFactory
from django.views.defaults import server_error


def test_make_run_settings_have_debug_off_unless_asked(monkeypatch):
    import importlib

    import config.settings.local as local

    monkeypatch.delenv("DJANGO_DEBUG", raising=False)
    assert importlib.reload(local).DEBUG is False
    assert local.WHITENOISE_USE_FINDERS is True  # static files without DEBUG or collectstatic
    monkeypatch.setenv("DJANGO_DEBUG", "1")
    assert importlib.reload(local).DEBUG is True
    monkeypatch.delenv("DJANGO_DEBUG")
    importlib.reload(local)


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "text"), [("en", "There is nothing at this address."),
                                                ("zh-CN", "此地址没有内容。")])
def test_an_unknown_address_shows_the_friendly_page(client, language, text):
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 404
    page = response.content.decode()
    assert text in page
    assert "urlpatterns" not in page and "api/v1/" not in page  # no list of URL patterns
    assert 'rel="icon"' in page


def test_a_server_error_shows_the_friendly_page():
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


@pytest.mark.django_db
def test_the_favicon_is_a_static_file(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("favicon.svg")
