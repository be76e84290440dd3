"""The front page at /, and errors as pages: every status a person can meet (404, 405, 410, 413, 429, 500,
503, and a database not set up yet) answers with a page in their language that says what happened and
links to the front page; machines (webhooks, /api) get JSON."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import abort
from sqlalchemy.exc import OperationalError

from climate_plugin.app import create_app
from climate_plugin.config import load_settings
from climate_plugin.i18n import LANGUAGES, t
from climate_plugin.web.signed_links import make_token
from tests.support.app import TEST_KEY

HTML = {"Accept": "text/html,application/xhtml+xml"}


def _text(response) -> str:
    return response.get_data(as_text=True).replace("&#39;", "'")


def _is_page(response, status: int, lang: str, key: str) -> str:
    """The answer is the error page: the status, the language, the sentence, the way back."""
    assert response.status_code == status
    assert response.mimetype == "text/html"
    html = _text(response)
    assert f'<html lang="{lang}">' in html
    assert t("error.page.title", lang, status=status) in html  # "Virhe 404": the status is on the page
    assert t(key, lang) in html
    assert f'href="/?lang={lang}"' in html and t("error.page.home", lang) in html
    assert "Traceback" not in html
    return html


# --- the front page ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_front_page_says_what_the_service_is_and_where_to_go(client, lang):
    response = client.get(f"/?lang={lang}")
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = _text(response)
    assert f'<html lang="{lang}">' in html and t("home.title", lang) in html and t("home.intro", lang) in html
    assert 'href="/admin/"' in html and f'href="/api/v1/docs?lang={lang}"' in html
    assert 'href="/api/v1/openapi.json"' in html
    for other in LANGUAGES:
        assert f'href="/?lang={other}"' in html  # the language switch


def test_the_front_page_follows_the_browsers_language(client):
    html = _text(client.get("/", headers={"Accept-Language": "sv-FI,sv;q=0.9"}))
    assert t("home.title", "sv") in html


# --- statuses ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", LANGUAGES)
def test_not_found_is_a_page_in_the_readers_language_with_a_language_switch(client, lang):
    response = client.get(f"/no/such/page?x=1&lang={lang}", headers=HTML)
    html = _is_page(response, 404, lang, "error.page.404")
    assert 'href="/no/such/page?x=1&amp;lang=sv"' in html  # the same address in another language


def test_a_wrong_method_is_a_page_that_keeps_its_allow_header(client):
    response = client.put("/?lang=en", headers=HTML)
    _is_page(response, 405, "en", "error.page.405")
    assert "GET" in response.headers["Allow"]


@pytest.mark.parametrize("path", ["/api/v1/audit", "/api/v1/openapi.json", "/webhooks/1"])
def test_a_wrong_method_on_the_api_keeps_its_allow_header_too(client, path):
    # schemathesis: an API client's TRACE got a JSON 405 without the Allow header RFC 9110 requires
    response = client.open(path, method="TRACE")
    assert response.status_code == 405 and response.is_json
    assert response.headers["Allow"]
    assert "TRACE" not in response.headers["Allow"]


def test_a_patch_where_the_api_takes_none_is_a_405_even_without_a_body(client):
    # schemathesis: an empty PATCH of /api/v1/audit was answered "a PATCH needs a JSON object" (400)
    response = client.patch("/api/v1/audit")
    assert response.status_code == 405 and "GET" in response.headers["Allow"]


def test_a_body_too_large_for_a_page_is_a_page(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 100
    response = client.post("/admin/login?lang=sv", data={"email": "x" * 500}, headers=HTML)
    _is_page(response, 413, "sv", "error.page.413")


def test_an_expired_coordinator_link_is_a_page_not_plain_text(app, client):
    with app.app_context():
        token = make_token("coordinator", "hollola", datetime.now(UTC) - timedelta(days=1))
    response = client.get(f"/coordinator/{token}?lang=fi", headers=HTML)
    assert response.status_code == 410 and response.mimetype == "text/html"
    assert t("coordinator.error.link_expired", "fi") in _text(response)
    unknown = client.get("/coordinator/nonsense?lang=en", headers=HTML)
    assert unknown.status_code == 404 and t("coordinator.error.not_found", "en") in _text(unknown)


def test_too_many_requests_to_a_page_is_a_page_with_retry_after(app):
    app.add_url_rule("/busy", "busy", lambda: abort(429))
    response = app.test_client().get("/busy?lang=en", headers=HTML)
    _is_page(response, 429, "en", "error.page.429")
    assert int(response.headers["Retry-After"]) > 0


def test_an_unexpected_error_is_a_page_and_logged(app, caplog):
    def broken():
        raise RuntimeError("a bug")

    app.add_url_rule("/broken", "broken", broken)
    response = app.test_client().get("/broken?lang=sv", headers=HTML)
    html = _is_page(response, 500, "sv", "error.page.500")
    assert "a bug" not in html
    assert "unhandled error on GET /broken" in caplog.text


def test_the_database_down_is_a_page_to_come_back_to(app):
    def down():
        raise OperationalError("SELECT 1", {}, Exception("could not connect to server"))

    app.add_url_rule("/down", "down", down)
    response = app.test_client().get("/down?lang=fi", headers=HTML)
    _is_page(response, 503, "fi", "error.page.503")
    assert response.headers["Retry-After"] == "30"


@pytest.mark.parametrize("path", ["/api/v1/no-such-thing", "/webhooks/1/x-y"])
def test_machines_still_get_json(client, path):
    response = client.get(path, headers=HTML)
    assert response.is_json and ({"error", "message"} & set(response.get_json()))


# --- a database not set up yet (the service started before `climate-plugin db upgrade`) --------------------
def _unmigrated(tmp_path: Path, database_url: str | None = None):
    environ = {
        "CLIMATE_PLUGIN_DATABASE_URL": database_url or f"sqlite:///{tmp_path / 'empty.sqlite3'}",
        "CLIMATE_PLUGIN_ENCRYPTION_KEYS": TEST_KEY,
        "CLIMATE_PLUGIN_SECRET_KEY": "x",
        "CLIMATE_PLUGIN_LOG_LEVEL": "WARNING",
    }
    return create_app(load_settings(tmp_path, environ))


def _not_ready_everywhere(app) -> None:
    client = app.test_client()
    with app.app_context():  # genuine links, so that the pages go on to the database
        later = datetime.now(UTC) + timedelta(days=1)
        checklist, meeting = make_token("checklist", "abc", later), make_token("meeting", "1:Board", later)
    for path in ("/admin/login", f"/checklist/{checklist}", f"/meetings/{meeting}"):
        response = client.get(path + "?lang=sv", headers=HTML)
        _is_page(response, 503, "sv", "error.page.not_ready")
        assert "climate-plugin db upgrade" in _text(response)
        assert response.headers["Retry-After"] == "60"
    # the front page needs no database
    assert client.get("/?lang=sv").status_code == 200
    # a host's webhook is told to come back (503), and why, instead of a bare 500
    hook = client.post("/webhooks/1", data=b"{}", headers={"Content-Type": "application/json"})
    assert hook.status_code == 503 and "climate-plugin db upgrade" in hook.get_json()["error"]


def test_pages_on_an_unmigrated_sqlite_database_say_it_is_not_ready(tmp_path):
    _not_ready_everywhere(_unmigrated(tmp_path))


@pytest.mark.services
def test_pages_on_an_unmigrated_postgresql_database_say_it_is_not_ready(tmp_path, postgres_url):
    # PostgreSQL reports a missing table as a ProgrammingError (SQLSTATE 42P01), not as SQLite does
    _not_ready_everywhere(_unmigrated(tmp_path, postgres_url))
