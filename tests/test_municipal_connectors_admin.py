"""The admin's connector form offers the CaseM, Dynasty, Tweb and Decidim kinds with their settings, and a
CaseM connector made there with only its base_url reaches the fake host through the page's test button,
which says in plain words when robots.txt forbids reading."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from climate_plugin.connectors.casem.fake_host import CaseMFakeHost
from climate_plugin.connectors.common import politeness
from climate_plugin.db import db
from climate_plugin.hosts.connector import full_config
from climate_plugin.models import Connector
from tests.support.admin import page, text

KINDS = ("casem", "dynasty", "tweb", "decidim")


@pytest.mark.parametrize("kind", KINDS)
def test_the_new_connector_form_offers_the_kind_and_its_settings(client, app, towns, auth, kind):
    hollola, _ = towns
    auth.login_as(hollola.users["municipality_admin"])
    html, _token = page(client, f"/admin/m/hollola/connectors/new?kind={kind}&lang=fi")
    for other in KINDS:
        assert f'value="{other}"' in html, f"{other} is not offered"
    # the starting config holds the one required setting; the others are listed with their defaults
    assert "&#34;base_url&#34;: &#34;&#34;" in html or '"base_url": ""' in html
    for setting in ("requests_per_second", "obey_robots"):
        assert setting in html
    if kind == "decidim":
        assert 'name="secret:write_back.api_secret"' in html and 'type="password"' in html


def test_a_casem_connector_made_in_the_form_with_only_base_url_is_tested_there(client, app, towns, auth):
    hollola, _ = towns
    host = CaseMFakeHost()
    try:
        auth.login_as(hollola.users["municipality_admin"])
        _html, token = page(client, "/admin/m/hollola/connectors/new?kind=casem")
        response = client.post(
            "/admin/m/hollola/connectors",
            data={"csrf_token": token, "kind": "casem", "name": "CaseM",
                  "config": json.dumps({"base_url": host.base_url + "/fi-FI"})},
        )
        assert response.status_code == 201, response.get_data(as_text=True)[:500]
        with app.app_context():
            row = db.session.scalar(select(Connector).where(Connector.name == "CaseM"))
            config = full_config(row)
            assert config["base_url"] == host.base_url and config["requests_per_second"] == 4.0
            row.config = {**row.config, "requests_per_second": 100}  # the test need not wait
            db.session.commit()
            connector_id = row.id
        detail, token = page(client, f"/admin/m/hollola/connectors/{connector_id}?lang=en")
        tested = client.post(f"/admin/m/hollola/connectors/{connector_id}/test?lang=en",
                             data={"csrf_token": token}).get_data(as_text=True)
        assert text("admin.connector.test_ok", "en") in tested
        politeness.forget_robots()
        host.robots_txt = "User-agent: *\nDisallow: /api/\n"
        tested = client.post(f"/admin/m/hollola/connectors/{connector_id}/test?lang=en",
                             data={"csrf_token": token}).get_data(as_text=True)
        assert "forbids reading /api/opennc/v1/Nodes" in tested
    finally:
        host.stop()
        politeness.forget_robots()
