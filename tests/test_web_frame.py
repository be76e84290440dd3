"""The web frame (climate_plugin/web/): one set of security headers for every answer, errors as a page in
the reader's language for people and as JSON for machines."""

from __future__ import annotations

import pytest

from climate_plugin.i18n import t
from climate_plugin.web.security import CSP, DOCS_CSP


@pytest.mark.parametrize(
    "path, policy",
    [
        ("/", CSP),
        ("/admin/login", CSP),
        ("/api/v1/docs", DOCS_CSP),  # Swagger UI's scripts, from this service only
        ("/api/v1/docs/swagger-ui/swagger-ui.css", DOCS_CSP),
        ("/api/v1/openapi.json", CSP),
        ("/no/such/page", CSP),
    ],
)
def test_every_answer_has_the_security_headers(client, path, policy):
    response = client.get(path)
    assert response.headers["Content-Security-Policy"].startswith(policy)
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "X-Frame-Options" not in response.headers


def test_the_sign_in_page_is_never_kept_and_its_refusals_carry_the_headers(client):
    assert client.get("/admin/login").headers["Cache-Control"] == "no-store"  # it carries a form token
    for _ in range(12):  # past the sign-in limit: the 429 page is a page like any other
        response = client.post("/admin/login", data={"email": "a@example.org", "password": "x"})
    assert response.status_code == 429
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_a_person_gets_an_error_page_in_their_language(client, lang):
    response = client.get(f"/no/such/page?lang={lang}", headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert f'<html lang="{lang}">' in html
    assert t("error.page.404", lang).replace("'", "&#39;") in html


def test_the_browser_language_chooses_the_error_page_language(client):
    response = client.get("/no/such/page", headers={"Accept": "text/html", "Accept-Language": "sv-FI,sv"})
    assert t("error.page.404", "sv") in response.get_data(as_text=True)


def test_a_wrong_method_keeps_its_allow_header_on_the_page(client):
    response = client.delete("/admin/login", headers={"Accept": "text/html"})
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]
    assert t("error.page.405", "fi") in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/api/v1/no-such-thing", "/webhooks/0/x-y"])
def test_machines_get_json_errors(client, path):
    response = client.get(path)
    assert response.status_code in (404, 405)
    # the API answers in its documented error shape (code, status, message), webhooks with {"error"}
    assert response.is_json and ({"error", "message"} & set(response.get_json()))


def test_json_is_what_a_client_that_asks_for_json_gets(client):
    response = client.get("/no/such/page", headers={"Accept": "application/json"})
    assert response.status_code == 404 and response.is_json
