"""The public checklist page and the badge endpoints, on a minimal app with an in-memory database."""

from pathlib import Path

import pytest
from flask import Flask

import climate_plugin
from climate_plugin.assessments import web as public
from climate_plugin.assessments.links import checklist_token
from climate_plugin.badges import web as badge_routes
from climate_plugin.checklist import build_stage0_answers
from climate_plugin.db import db
from climate_plugin.models import AgendaItem, Municipality
from climate_plugin.web import render, security
from tests.factories import AgendaItemFactory, AssessedItemFactory, MunicipalityFactory

TEMPLATES = Path(next(iter(climate_plugin.__path__))) / "templates"


@pytest.fixture()
def app():
    app = Flask(__name__, template_folder=str(TEMPLATES))
    app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///:memory:"
    app.config["SECRET_KEY"] = "test-secret"  # signs the checklist links (and the form's CSRF token)
    db.init_app(app)
    app.register_blueprint(public.bp)
    app.register_blueprint(badge_routes.bp)  # the badge images moved out of public.py
    security.init_app(app)  # the headers every answer gets (the app's web frame)
    render.init_app(app)  # translations for the templates (Flask-Babel over the catalogues)
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.drop_all()


@pytest.fixture()
def client(app):
    return app.test_client()


def add_item(title="Koulun peruskorjaus ja maalämpö", language="fi", relevance="high", categories=None,
             evidence=None, with_assessment=True):
    """An item of a municipality of its own, screened unless ``with_assessment`` is false."""
    municipality = MunicipalityFactory(slug=f"m{db.session.query(Municipality).count()}", name="Lahti")
    fields = dict(connector__municipality=municipality, external_id="ext-1", title=title, language=language,
                  meeting="Tekninen lautakunta 3/2026")
    if not with_assessment:
        return AgendaItemFactory(**fields)
    categories = ["energy"] if categories is None else categories
    evidence = evidence if evidence is not None else [
        {"category": "energy", "term": "maalämpö", "snippet": "lämmitys muutetaan maalämpöön",
         "location": "body"},
    ]
    answers = build_stage0_answers(relevance, categories, evidence)
    return AssessedItemFactory(
        **fields, assessment__relevance=relevance, assessment__categories=categories,
        assessment__evidence=evidence, assessment__answers=answers, assessment__screening_version="s1",
    )


def test_page_in_item_language_by_default(client):
    item = add_item()
    response = client.get(f"/checklist/{checklist_token(item)}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<html lang="fi">' in html
    assert "Ilmastovaikutusten tarkistuslista" in html
    assert "Tekninen lautakunta 3/2026" in html
    assert "Todennäköisesti merkittäviä ilmastovaikutuksia" in html
    assert "lämmitys muutetaan <mark>maalämpö</mark>ön" in html
    assert "Arvioitavat aihepiirit" in html and "Muut aihepiirit" in html
    assert "Vaihe 1b: Läpileikkaavat kysymykset" in html
    created = db.session.get(AgendaItem, item.id).current_assessment.created_at
    assert f"Esiarvioitu {created.day}.{created.month}.{created.year} (versio 1)" in html
    assert "<script" not in html


def test_page_language_override_and_switch(client):
    item = add_item()
    html = client.get(f"/checklist/{checklist_token(item)}?lang=sv").get_data(as_text=True)
    assert '<html lang="sv">' in html
    assert "Checklista för klimatkonsekvenser" in html
    assert "Områden att bedöma" in html and "Energi" in html
    assert f'formaction="/checklist/{checklist_token(item)}?lang=fi"' in html
    assert 'hreflang="sv" lang="sv" aria-current="page"' in html
    # an unsupported override falls back to the item's language
    fallback = client.get(f"/checklist/{checklist_token(item)}?lang=de").get_data(as_text=True)
    assert '<html lang="fi">' in fallback


def test_host_text_is_escaped(client):
    hostile = "<script>alert(1)</script>"
    item = add_item(title=hostile, evidence=[
        {"category": "energy", "term": "<b>", "snippet": 'x <b> y & "z"', "location": "<i>"},
    ])
    html = client.get(f"/checklist/{checklist_token(item)}").get_data(as_text=True)
    assert hostile not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "x <mark>&lt;b&gt;</mark> y &amp; &#34;z&#34;" in html
    assert "<b>" not in html and "<i>" not in html
    assert "script-src" not in html  # and the CSP forbids scripts anyway:
    csp = client.get(f"/checklist/{checklist_token(item)}").headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp


def test_none_item_page(client):
    item = add_item(title="Pöytäkirjan tarkastus", relevance="none", categories=[], evidence=[])
    html = client.get(f"/checklist/{checklist_token(item)}").get_data(as_text=True)
    assert "Ei arvioitavia ilmastovaikutuksia" in html
    assert "Ilmastovaikutukset arvioitava" not in html  # no marker badge
    assert "Tunnistettu esiarvioinnissa" not in html


def test_pending_item(client):
    item = add_item(with_assessment=False)
    response = client.get(f"/checklist/{checklist_token(item)}")
    assert response.status_code == 200
    assert "esiarviointi on vielä kesken" in response.get_data(as_text=True)


def test_unknown_item_is_404_page(client):
    response = client.get("/checklist/doesnotexist")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "Sivua ei löytynyt" in html and "Traceback" not in html
    response = client.get("/checklist/doesnotexist", headers={"Accept-Language": "sv-FI,sv;q=0.9"})
    assert "Sidan hittades inte" in response.get_data(as_text=True)


def test_badge_svg_caching(client):
    response = client.get("/badges/climate_assessed.svg?lang=sv")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert response.headers["Cache-Control"] in ("public, max-age=86400", "max-age=86400, public")
    assert "<title id=\"badge-title\">Klimatkonsekvenserna bedömda</title>" in response.get_data(as_text=True)
    etag = response.headers["ETag"]
    again = client.get("/badges/climate_assessed.svg?lang=sv", headers={"If-None-Match": etag})
    assert again.status_code == 304
    other = client.get("/badges/climate_assessed.svg?lang=fi", headers={"If-None-Match": etag})
    assert other.status_code == 200  # another language is another image


def test_badge_json_and_unknown(client):
    response = client.get("/badges/indicator_set.json")
    assert response.status_code == 200
    data = response.get_json()
    assert data["code"] == "indicator_set" and data["scope"] == "item"
    assert data["name"]["fi"] == "Seurantamittari asetettu" and set(data["rule"]) == {"fi", "sv", "en"}
    assert client.get("/badges/nope.json").status_code == 404
    assert client.get("/badges/nope.svg").status_code == 404
