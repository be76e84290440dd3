"""The admin pages: roles (viewers see, cannot change), municipality scoping (another's records are 404),
CSRF refusal, write-only secrets never rendered, host text escaped, and every action through the service
functions (audited)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from climate_plugin.db import db
from climate_plugin.hosts.connector import full_config
from climate_plugin.models import (
    AgendaItem,
    Assessment,
    AuditEntry,
    ChecklistTemplate,
    Connector,
    Delivery,
    Municipality,
    User,
    WriteBack,
)
from tests.factories import PASSWORD
from tests.support.admin import form_values, page, text, token_of

API_TOKEN = "tok-very-secret-value-123456"
HOSTILE = '<script>alert("x")</script>'


# --- access: sign-in, roles, scoping ----------------------------------------------------------------
def test_anonymous_is_sent_to_the_login_page(client, towns):
    response = client.get("/admin/m/hollola/connectors")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/login")


def test_signing_in_through_the_login_form_opens_the_admin_pages(client, towns):
    html = client.get("/admin/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    response = client.post(
        "/admin/login", data={"email": "viewer@hollola.fi", "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code in (302, 303)
    home = client.get("/admin/", follow_redirects=True)
    assert home.status_code == 200
    assert "hollola agenda" in client.get("/admin/m/hollola/connectors").get_data(as_text=True)


def test_a_municipality_user_lands_on_their_own_municipality(client, app, towns, auth):
    hollola, _ = towns
    auth.login_as(hollola.users["viewer"])
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/m/hollola/" in response.headers["Location"]


def test_viewer_sees_connectors_but_has_no_forms_and_cannot_change(client, app, towns, auth):
    hollola, _ = towns
    auth.login_as(hollola.users["viewer"])
    html = client.get("/admin/m/hollola/connectors?lang=en").get_data(as_text=True)
    assert "hollola agenda" in html
    assert f"http://plugin.test/webhooks/{hollola.connector_id}" in html
    assert text("admin.read_only", "en") in html
    assert "/connectors/new" not in html
    deliveries = client.get("/admin/m/hollola/deliveries").get_data(as_text=True)
    assert "/redeliver" not in deliveries
    # the role is checked before anything else: even a form token does not let a viewer change anything
    token = "not-checked-before-the-role"
    for url in (
        f"/admin/m/hollola/deliveries/{hollola.failed_delivery_id}/redeliver",
        f"/admin/m/hollola/connectors/{hollola.connector_id}/enabled",
        f"/admin/m/hollola/connectors/{hollola.connector_id}/rotate",
        "/admin/m/hollola/checklist",
        "/admin/m/hollola/users",
    ):
        assert client.post(url, data={"csrf_token": token}).status_code == 403, url
    assert client.get("/admin/m/hollola/connectors/new").status_code == 403
    with app.app_context():
        assert db.session.get(Delivery, hollola.failed_delivery_id).status == "failed"
        assert db.session.get(Connector, hollola.connector_id).enabled is True


def test_coordinator_cannot_redeliver(client, app, towns, auth):
    hollola, _ = towns
    auth.login_as(hollola.users["coordinator"])
    token = "not-checked-before-the-role"
    url = f"/admin/m/hollola/deliveries/{hollola.failed_delivery_id}/redeliver"
    assert client.post(url, data={"csrf_token": token}).status_code == 403


def test_another_municipality_does_not_exist(client, app, towns, auth):
    hollola, lahti = towns
    auth.login_as(hollola.users["municipality_admin"])
    token = token_of(client.get("/admin/m/hollola/deliveries").get_data(as_text=True))
    for url in (
        "/admin/m/lahti/",
        "/admin/m/lahti/connectors",
        "/admin/m/lahti/deliveries",
        "/admin/m/lahti/checklist",
        "/admin/m/lahti/users",
        "/admin/m/lahti/audit",
        f"/admin/m/lahti/connectors/{lahti.connector_id}",
        # lahti's connector under hollola's address is not found either
        f"/admin/m/hollola/connectors/{lahti.connector_id}",
    ):
        assert client.get(url).status_code == 404, url
    for url in (
        f"/admin/m/hollola/deliveries/{lahti.failed_delivery_id}/redeliver",
        f"/admin/m/lahti/deliveries/{lahti.failed_delivery_id}/redeliver",
        f"/admin/m/hollola/connectors/{lahti.connector_id}/rotate",
        f"/admin/m/hollola/users/{lahti.users['viewer']}/role",
    ):
        assert client.post(url, data={"csrf_token": token, "role": "viewer"}).status_code == 404, url
    with app.app_context():
        assert db.session.get(Delivery, lahti.failed_delivery_id).status == "failed"
        assert db.session.get(User, lahti.users["viewer"]).role == "viewer"


def test_platform_admin_picks_any_municipality(client, app, towns, auth):
    hollola, lahti = towns
    auth.login_as(hollola.users["platform_admin"])
    html = client.get("/admin/").get_data(as_text=True)
    assert "/admin/m/hollola/" in html and "/admin/m/lahti/" in html
    assert client.get(f"/admin/m/lahti/connectors/{lahti.connector_id}").status_code == 200
    assert client.get(f"/admin/m/hollola/connectors/{lahti.connector_id}").status_code == 404


# --- CSRF ---------------------------------------------------------------------------------------------
def test_a_post_without_or_with_a_foreign_form_token_is_refused(client, app, towns, auth):
    hollola, lahti = towns
    url = f"/admin/m/hollola/deliveries/{hollola.failed_delivery_id}/redeliver"
    # a genuine token, but rendered for another person in another session
    other = app.test_client()
    auth.for_client(other).login_as(lahti.users["municipality_admin"])
    foreign = token_of(other.get("/admin/m/lahti/deliveries").get_data(as_text=True))
    # and one of this person's own, but from an earlier session (signed in again since)
    auth.login_as(hollola.users["municipality_admin"])
    old = token_of(client.get("/admin/m/hollola/deliveries").get_data(as_text=True))
    auth.login_as(hollola.users["municipality_admin"])
    tokens = ("", "forged", foreign, old)
    for data in ({}, *({"csrf_token": token} for token in tokens)):
        response = client.post(url + "?lang=en", data=data)
        assert response.status_code == 400
        assert text("admin.error.csrf", "en") in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Delivery, hollola.failed_delivery_id).status == "failed"


# --- connectors and their secrets ---------------------------------------------------------------------
def _rest_form(html: str, base_url: str = "http://127.0.0.1:9", action: str = "/connectors?") -> dict:
    """The new-connector (or settings) form of a rest connector as a browser sends it, filled in."""
    values = form_values(html, action)
    values.update({"cfg.base_url": base_url, "cfg.auth.type": "bearer", "cfg.fields.title": "/title"})
    return values


def test_create_connector_shows_the_webhook_secret_once_and_never_the_config_secrets(
    client, app, towns, auth
):
    hollola, _ = towns
    auth.login_as(hollola.users["municipality_admin"])
    html, token = page(client, "/admin/m/hollola/connectors/new?kind=rest&lang=en")
    assert 'name="secret:auth.token"' in html and 'type="password"' in html
    response = client.post(
        "/admin/m/hollola/connectors?lang=en",
        data={**_rest_form(html), "name": "Dynasty", "secret:auth.token": API_TOKEN, "action": "create"},
    )
    assert response.status_code == 201
    created = response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
    secret = re.search(r'id="webhook-secret">([^<]+)<', created).group(1)
    assert secret.startswith("whsec_")
    assert API_TOKEN not in created
    with app.app_context():
        row = db.session.scalar(select(Connector).where(Connector.name == "Dynasty"))
        assert full_config(row)["auth"]["token"] == API_TOKEN
        # the form's defaults are the schema's: what a JSON config without them would have stored
        assert row.config["item_path"] == "/items/{id}" and row.config["fields"]["body"] == "/body"
        assert row.config["write_back"] is None
        connector_id = row.id
        audit = db.session.scalars(select(AuditEntry).where(AuditEntry.target == f"connector:{row.id}")).all()
        assert [a.action for a in audit] == ["connector.create"]
    # the detail, list and audit pages say a secret is stored, and show neither secret
    for url in (
        f"/admin/m/hollola/connectors/{connector_id}?lang=en",
        "/admin/m/hollola/connectors",
        "/admin/m/hollola/audit",
    ):
        html = client.get(url).get_data(as_text=True)
        assert API_TOKEN not in html and secret not in html, url
    detail = client.get(f"/admin/m/hollola/connectors/{connector_id}?lang=en").get_data(as_text=True)
    assert text("admin.connector.secret_is_set", "en") in detail
    assert not re.search(r'type="password"[^>]*value=', detail)
    # the settings form shows the stored values in their inputs
    settings = form_values(detail, f"/connectors/{connector_id}?")
    assert settings["cfg.base_url"] == "http://127.0.0.1:9" and settings["cfg.auth.type"] == "bearer"
    assert settings["secret:auth.token"] == ""

    # saving with the secret field left empty keeps the stored token
    response = client.post(
        f"/admin/m/hollola/connectors/{connector_id}",
        data={**settings, "name": "Dynasty 2", "cfg.base_url": "http://127.0.0.1:8"},
    )
    assert response.status_code == 303
    with app.app_context():
        row = db.session.get(Connector, connector_id)
        assert row.name == "Dynasty 2"
        assert full_config(row)["auth"]["token"] == API_TOKEN
        assert full_config(row)["base_url"] == "http://127.0.0.1:8"

    # switching to no authentication needs the stored token removed: the form's box does it
    detail = client.get(f"/admin/m/hollola/connectors/{connector_id}?lang=fi").get_data(as_text=True)
    settings = {**form_values(detail, f"/connectors/{connector_id}?"), "cfg.auth.type": "none"}
    kept = client.post(f"/admin/m/hollola/connectors/{connector_id}?lang=fi", data=settings)
    assert kept.status_code == 422
    assert text("validation.auth_unused", "fi", kind="none") in kept.get_data(as_text=True)
    cleared = client.post(
        f"/admin/m/hollola/connectors/{connector_id}", data={**settings, "clear:auth.token": "1"}
    )
    assert cleared.status_code == 303
    with app.app_context():
        assert "token" not in full_config(db.session.get(Connector, connector_id))["auth"]


def test_changing_the_kind_shows_that_kinds_form_and_creates_nothing(client, app, towns, auth):
    hollola, _ = towns
    auth.login_as(hollola.users["municipality_admin"])
    html, _ = page(client, "/admin/m/hollola/connectors/new?kind=rest&lang=en")
    assert 'name="cfg.fields.title"' in html and 'name="cfg.system_url"' not in html
    # the select changed to oparl, the form sent with rest's settings (no JavaScript, "create" pressed):
    # oparl's form comes back, nothing is made with the old kind
    data = {**_rest_form(html), "name": "Ratsinfo", "kind": "oparl", "action": "create"}
    response = client.post("/admin/m/hollola/connectors?lang=en", data=data)
    assert response.status_code == 200
    switched = response.get_data(as_text=True)
    assert 'name="cfg.system_url"' in switched and 'name="cfg.fields.title"' not in switched
    assert 'name="shown_kind" value="oparl"' in switched and 'value="Ratsinfo"' in switched
    assert text("admin.connector.kind_switched", "en", kind="oparl") in switched
    with app.app_context():
        assert db.session.scalar(select(Connector).where(Connector.name == "Ratsinfo")) is None
    # the switch button does the same; the form then creates an oparl connector
    switch = {**form_values(switched, "/connectors?"), "action": "switch"}
    again = client.post("/admin/m/hollola/connectors?lang=en", data=switch)
    assert 'name="cfg.system_url"' in again.get_data(as_text=True)
    values = form_values(switched, "/connectors?")
    values["cfg.system_url"] = "https://ratsinfo.example/oparl/v1/system"
    assert client.post("/admin/m/hollola/connectors", data=values).status_code == 201
    with app.app_context():
        row = db.session.scalar(select(Connector).where(Connector.name == "Ratsinfo"))
        assert row.kind == "oparl" and row.config["system_url"].startswith("https://ratsinfo.example")


def test_rotating_shows_the_new_secret_once(client, app, towns, auth):
    hollola, _ = towns
    auth.login_as(hollola.users["municipality_admin"])
    url = f"/admin/m/hollola/connectors/{hollola.connector_id}"
    _, token = page(client, url)
    response = client.post(url + "/rotate", data={"csrf_token": token})
    assert response.status_code == 200
    secret = re.search(r'id="webhook-secret">([^<]+)<', response.get_data(as_text=True)).group(1)
    assert secret not in client.get(url).get_data(as_text=True)
    assert secret not in client.get("/admin/m/hollola/audit").get_data(as_text=True)
    with app.app_context():
        actions = db.session.scalars(select(AuditEntry.action)).all()
        assert "connector.rotate_secret" in actions


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_config_errors_are_translated_next_to_their_fields_without_echoing_a_secret(
    client, app, towns, auth, lang
):
    hollola, _ = towns
    auth.login_as(hollola.users["municipality_admin"])
    html, _ = page(client, f"/admin/m/hollola/connectors/new?kind=rest&lang={lang}")
    data = {
        **_rest_form(html, base_url=""),
        "name": "x",
        "cfg.item_path": "/items",
        "cfg.fields.title": "title",
        "secret:auth.token": API_TOKEN,
    }
    response = client.post(f"/admin/m/hollola/connectors?lang={lang}", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    for path, msgid in (
        ("base-url", "validation.required"),
        ("item-path", "validation.item_path"),
        ("fields-title", "validation.pointer"),
    ):
        error = re.search(rf'id="cfg-{path}-error">([^<]*)<', html)
        assert error and error.group(1) == text(msgid, lang), (path, error and error.group(1))
        assert re.search(rf'id="cfg-{path}"[^>]*aria-invalid="true"', html), path
    assert "Missing data" not in html and "Not a JSON Pointer" not in html  # marshmallow's English
    assert API_TOKEN not in html  # a typed secret is never sent back
    assert 'value="/items"' in html  # what was typed stays, to be corrected
    no_name = client.post(
        f"/admin/m/hollola/connectors?lang={lang}", data={**_rest_form(html), "name": " "}
    )
    assert no_name.status_code == 422
    assert 'id="f-name-error"' in no_name.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Connector).where(Connector.name == "x")) is None


def test_enable_disable_and_test(client, app, towns, auth):
    hollola, _ = towns
    auth.login_as(hollola.users["municipality_admin"])
    url = f"/admin/m/hollola/connectors/{hollola.connector_id}"
    _, token = page(client, url)
    assert client.post(url + "/enabled", data={"csrf_token": token, "enabled": "0"}).status_code == 303
    with app.app_context():
        assert db.session.get(Connector, hollola.connector_id).enabled is False
    # nothing listens on 127.0.0.1:9: the test fails, and says so on the page
    response = client.post(url + "/test?lang=en", data={"csrf_token": token})
    assert response.status_code == 200
    tested = response.get_data(as_text=True)
    assert text("admin.connector.test_failed_heading", "en") in tested
    assert "The host cannot be reached. Check the setting base_url" in tested
    result = re.search(r'<section class="test-result.*?</section>', tested, re.S).group(0)
    assert "Error" not in result  # in words, never an exception's class name
    # a push-only connector cannot be polled: a clear 409, not a 500
    assert client.post(url + "/sync", data={"csrf_token": token}).status_code == 409


def test_host_text_is_escaped(client, app, towns, auth):
    hollola, _ = towns
    with app.app_context():
        row = db.session.get(Connector, hollola.connector_id)
        row.name = HOSTILE
        delivery = db.session.get(Delivery, hollola.failed_delivery_id)
        delivery.last_error = HOSTILE
        delivery.external_id = HOSTILE
        db.session.commit()
    auth.login_as(hollola.users["municipality_admin"])
    for url in (
        "/admin/m/hollola/connectors",
        f"/admin/m/hollola/connectors/{hollola.connector_id}",
        "/admin/m/hollola/deliveries",
    ):
        html = client.get(url).get_data(as_text=True)
        assert HOSTILE not in html, url
        assert "&lt;script&gt;" in html, url


# --- deliveries and write-backs -----------------------------------------------------------------------
def test_failed_delivery_is_listed_and_redelivered(client, app, towns, auth):
    hollola, _ = towns
    auth.login_as(hollola.users["municipality_admin"])
    html, token = page(client, "/admin/m/hollola/deliveries?status=failed&lang=en")
    assert f'id="delivery-{hollola.failed_delivery_id}"' in html
    assert "TransientError" in html
    assert text("admin.deliveries.redeliver", "en") in html
    response = client.post(
        f"/admin/m/hollola/deliveries/{hollola.failed_delivery_id}/redeliver?lang=en",
        data={"csrf_token": token},
    )
    assert response.status_code == 303
    followed = client.get(response.headers["Location"]).get_data(as_text=True)
    assert text("admin.deliveries.redelivered", "en") in followed
    with app.app_context():
        delivery = db.session.get(Delivery, hollola.failed_delivery_id)
        assert delivery.status == "received"
        assert app.extensions["climate_plugin.queue"].pending() == 1
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "delivery.redeliver"))
        assert entry.actor.startswith(f"user:{hollola.users['municipality_admin']}")
    # no longer failed: the failed filter no longer lists it
    html = client.get("/admin/m/hollola/deliveries?status=failed").get_data(as_text=True)
    assert f'id="delivery-{hollola.failed_delivery_id}"' not in html


def test_failed_write_back_is_retried(client, app, towns, auth):
    hollola, _ = towns
    with app.app_context():
        item = AgendaItem(
            connector_id=hollola.connector_id, external_id="2026-7", title="Koulu", content_hash="h"
        )
        db.session.add(item)
        db.session.flush()
        assessment = Assessment(
            item_id=item.id, revision=1, relevance="high", screening_version="1", content_hash="h"
        )
        db.session.add(assessment)
        db.session.flush()
        write_back = WriteBack(
            item_id=item.id,
            assessment_id=assessment.id,
            body={},
            body_hash="h",
            idempotency_key="k-1",
            status="failed",
            attempts=8,
            last_error="gave up",
        )
        db.session.add(write_back)
        db.session.commit()
        write_back_id = write_back.id
    auth.login_as(hollola.users["municipality_admin"])
    html, token = page(client, "/admin/m/hollola/deliveries")
    assert f'id="write-back-{write_back_id}"' in html
    url = f"/admin/m/hollola/write-backs/{write_back_id}/retry"
    assert client.post(url, data={"csrf_token": token}).status_code == 303
    with app.app_context():
        assert db.session.get(WriteBack, write_back_id).status == "pending"
    # a second retry of a write-back no longer failed is refused plainly
    assert client.post(url, data={"csrf_token": token}).status_code == 409


# --- checklist template editor ------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_checklist_wording_is_edited_as_a_form_and_saved_as_new_versions(client, app, towns, auth, lang):
    hollola, _ = towns
    auth.login_as(hollola.users["municipality_admin"])
    html, _ = page(client, f"/admin/m/hollola/checklist?lang={lang}")
    assert "default-1" in html and "JSON" not in html
    form = form_values(html, "/checklist?")
    # every question's wording in fi, sv and en, filled in with the default
    assert form["q.R1.fi"] and form["q.R1.sv"] and form["q.R1.en"] and form["q.X1.sv"]
    assert form["c.energy.name.fi"] and "c.energy.off" not in form

    # a blank Swedish wording and a taken id are refused, next to their inputs, in the page's language
    bad = {**form, "q.R1.sv": " ", "x.0.id": "R2", "x.0.fi": "Uusi", "x.0.sv": "Ny", "x.0.en": "New"}
    response = client.post(f"/admin/m/hollola/checklist?lang={lang}", data=bad)
    assert response.status_code == 422
    refused = response.get_data(as_text=True)
    assert re.search(r'id="q-R1-sv-error">' + re.escape(text("validation.required", lang)), refused)
    assert re.search(r'id="x-0-id-error">' + re.escape(text("validation.id_taken", lang, id="R2")), refused)
    assert 'value="R2"' in refused  # what was typed stays

    # a new wording, a category switched off, a question of its own: one new version with just those
    good = {
        **form,
        "q.R1.fi": "Onko asialla ilmastovaikutuksia Hollolassa?",
        "c.land_use.off": "1",
        "x.0.id": "H1", "x.0.stage": "prescreen", "x.0.categories": ["transport"],
        "x.0.fi": "Koskeeko asia kyläteitä?", "x.0.sv": "Gäller ärendet byvägar?", "x.0.en": "Village roads?",
        "e.negative_count": "3",
    }
    response = client.post("/admin/m/hollola/checklist", data=good)
    assert response.status_code == 303
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "hollola-1+default-1" in html
    with app.app_context():
        stored = db.session.scalars(select(ChecklistTemplate)).one()
        assert stored.overrides == {
            "questions": {"R1": {"fi": "Onko asialla ilmastovaikutuksia Hollolassa?",
                                 "sv": form["q.R1.sv"], "en": form["q.R1.en"]}},
            "disabled_categories": ["land_use"],
            "extra_questions": [{"id": "H1", "stage": "prescreen", "categories": ["transport"],
                                 "text": {"fi": "Koskeeko asia kyläteitä?", "sv": "Gäller ärendet byvägar?",
                                          "en": "Village roads?"}}],
            "escalation": {"negative_count": 3},
        }
    # the form shows the saved version; saved again unchanged, it stores the same overrides
    again = form_values(html, "/checklist?")
    assert again["q.R1.fi"] == "Onko asialla ilmastovaikutuksia Hollolassa?"
    assert again["c.land_use.off"] == "1"
    assert again["x.0.id"] == "H1" and again["e.negative_count"] == "3"
    assert client.post("/admin/m/hollola/checklist", data=again).status_code == 303
    with app.app_context():
        rows = db.session.scalars(select(ChecklistTemplate).order_by(ChecklistTemplate.id)).all()
        assert [r.version for r in rows] == [1, 2] and rows[1].overrides == rows[0].overrides


def test_a_region_members_checklist_form_starts_from_the_regions_wording_and_rules(client, app, towns, auth):
    from climate_plugin.checklist.store import save_region_template
    from climate_plugin.regions import service as regions

    hollola, _ = towns
    region_r1 = {"fi": "Onko asia maakunnan ohjelman mukainen?", "sv": "Följer det?", "en": "Aligned?"}
    with app.app_context():
        region = regions.create_region("paijat-hame", "Päijät-Hämeen liitto")
        regions.set_region(db.session.get(Municipality, hollola.id), region)
        save_region_template(
            region,
            {
                "questions": {"R1": region_r1},
                "escalation": {"negative_count": 3},
                "disabled_categories": ["consumption"],
            },
        )
        db.session.commit()
    auth.login_as(hollola.users["municipality_admin"])
    html, _ = page(client, "/admin/m/hollola/checklist?lang=fi")
    form = form_values(html, "/checklist?")
    # what is in use is shown: the region's wording, rule and switched-off category
    assert form["q.R1.fi"] == region_r1["fi"] and form["e.negative_count"] == "3"
    assert form["c.consumption.off"] == "1"
    # saved unchanged, the municipality stores nothing of its own: the region's later changes still reach it
    assert client.post("/admin/m/hollola/checklist", data=form).status_code == 303
    with app.app_context():
        assert db.session.scalars(select(ChecklistTemplate)).one().overrides == {}
    # and it can go back to the default where the region differs: that difference is what it stores
    back = {k: v for k, v in form.items() if k != "c.consumption.off"}
    back["e.negative_count"] = "2"
    assert client.post("/admin/m/hollola/checklist", data=back).status_code == 303
    with app.app_context():
        latest = db.session.scalars(select(ChecklistTemplate).order_by(ChecklistTemplate.id.desc())).first()
        assert latest.overrides == {"disabled_categories": [], "escalation": {"negative_count": 2}}


# --- users and roles ----------------------------------------------------------------------------------
def test_users_are_added_given_roles_and_deactivated(client, app, towns, auth):
    hollola, _ = towns
    auth.login_as(hollola.users["municipality_admin"])
    html, token = page(client, "/admin/m/hollola/users?lang=en")
    assert "viewer@hollola.fi" in html and "lahti" not in html
    assert text("admin.users.password_note", "en") in html
    response = client.post(
        "/admin/m/hollola/users",
        data={"csrf_token": token, "email": "New@Hollola.fi", "name": "Uusi", "role": "coordinator"},
    )
    assert response.status_code == 303
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "new@hollola.fi"))
        assert (user.role, user.municipality_id, user.password_hash) == ("coordinator", hollola.id, None)
        user_id = user.id
    taken = client.post(
        "/admin/m/hollola/users?lang=en",
        data={"csrf_token": token, "email": "new@hollola.fi", "name": "Again", "role": "viewer"},
    )
    assert taken.status_code == 422
    assert text("admin.error.email_taken", "en") in taken.get_data(as_text=True)
    # platform_admin cannot be handed out on a municipality's page
    escalate = client.post(
        "/admin/m/hollola/users?lang=en",
        data={"csrf_token": token, "email": "boss@hollola.fi", "name": "Boss", "role": "platform_admin"},
    )
    assert escalate.status_code == 422
    url = f"/admin/m/hollola/users/{user_id}"
    assert client.post(url + "/role", data={"csrf_token": token, "role": "viewer"}).status_code == 303
    assert client.post(url + "/active", data={"csrf_token": token, "active": "0"}).status_code == 303
    with app.app_context():
        user = db.session.get(User, user_id)
        assert (user.role, user.active) == ("viewer", False)
        assert db.session.scalar(select(User).where(User.email == "boss@hollola.fi")) is None
    # deactivating oneself is refused
    own = f"/admin/m/hollola/users/{hollola.users['municipality_admin']}/active"
    assert client.post(own, data={"csrf_token": token, "active": "0"}).status_code == 409


# --- languages ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_pages_in_every_language(client, app, towns, lang, auth):
    hollola, _ = towns
    auth.login_as(hollola.users["municipality_admin"])
    for path, heading in (
        ("", "admin.dashboard.heading"),
        ("connectors", "admin.connectors.heading"),
        (f"connectors/{hollola.connector_id}", "admin.col.health"),
        ("connectors/new", "admin.connectors.new"),
        ("deliveries", "admin.deliveries.heading"),
        ("checklist", "admin.checklist.heading"),
        ("users", "admin.users.heading"),
        ("audit", "admin.audit.heading"),
    ):
        response = client.get(f"/admin/m/hollola/{path}?lang={lang}")
        assert response.status_code == 200, path
        html = response.get_data(as_text=True)
        assert f'<html lang="{lang}">' in html
        assert text(heading, lang) in html, path
        assert 'hreflang="sv"' in html  # the language switch
