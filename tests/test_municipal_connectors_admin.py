"""The admin's connector form offers the CaseM, Dynasty, Tweb and Decidim kinds with their settings, and a
CaseM connector made there with only its base_url reaches the fake host through the page's test button,
which says in plain words when robots.txt forbids reading."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from climate_plugin.connectors.casem.fake_host import CaseMFakeHost
from climate_plugin.connectors.common import politeness
from climate_plugin.db import db
from climate_plugin.hosts.connector import full_config
from climate_plugin.models import Connector
from tests.support.admin import form_values, page, text

KINDS = ("casem", "dynasty", "tweb", "decidim")


@pytest.mark.parametrize("kind", KINDS)
def test_the_new_connector_form_offers_the_kind_and_its_settings(client, app, towns, auth, kind):
    hollola, _ = towns
    auth.login_as(hollola.users["municipality_admin"])
    html, _token = page(client, f"/admin/m/hollola/connectors/new?kind={kind}&lang=fi")
    for other in KINDS:
        assert f'value="{other}"' in html, f"{other} is not offered"
    # every setting is an input holding its default; the one required setting is empty
    values = form_values(html, "/connectors?")
    assert values["cfg.base_url"] == ""
    assert float(values["cfg.requests_per_second"]) > 0 and values["cfg.obey_robots"] == "1"
    assert 'type="url" id="cfg-base-url"' in html
    if kind == "decidim":
        assert 'name="secret:write_back.api_secret"' in html and 'type="password"' in html


def test_a_casem_connector_made_in_the_form_with_only_base_url_is_tested_there(client, app, towns, auth):
    hollola, _ = towns
    host = CaseMFakeHost()
    try:
        auth.login_as(hollola.users["municipality_admin"])
        html, _token = page(client, "/admin/m/hollola/connectors/new?kind=casem")
        data = {**form_values(html, "/connectors?"), "name": "CaseM"}
        data["cfg.base_url"] = host.base_url + "/fi-FI"
        response = client.post("/admin/m/hollola/connectors", data=data)
        assert response.status_code == 201, response.get_data(as_text=True)[:500]
        with app.app_context():
            row = db.session.scalar(select(Connector).where(Connector.name == "CaseM"))
            config = full_config(row)
            assert config["base_url"] == host.base_url and config["requests_per_second"] == 4.0
            row.config = {**row.config, "requests_per_second": 100}  # the test need not wait
            db.session.commit()
            connector_id = row.id
        detail, token = page(client, f"/admin/m/hollola/connectors/{connector_id}?lang=en")
        # its host's recent meetings list nothing (the samples are from 2017): the test says to give an id
        tested = client.post(f"/admin/m/hollola/connectors/{connector_id}/test?lang=en",
                             data={"csrf_token": token}).get_data(as_text=True)
        assert text("admin.connector.test_ok", "en") in tested
        assert text("connector_test.no_sample", "en") in tested
        # the administrator gives one: it is read and shown
        given = {"csrf_token": token, "external_id": "11217/12381/4031"}
        tested = client.post(f"/admin/m/hollola/connectors/{connector_id}/test?lang=en", data=given)
        tested = tested.get_data(as_text=True)
        assert re.search(r'id="preview-title">Tarkastuslautakunnan[^<]*<', tested)
        assert re.search(r'id="preview-body">[^<]{40,}<', tested)
        assert text("admin.connector.preview.source_given", "en") in tested
        missing = client.post(f"/admin/m/hollola/connectors/{connector_id}/test?lang=en",
                              data={"csrf_token": token, "external_id": "11217/12381/9999"})
        assert text("connector_test.not_found_item", "en", id="11217/12381/9999", setting="base_url") in (
            missing.get_data(as_text=True).replace("&#39;", "'")
        )
        politeness.forget_robots()
        host.robots_txt = "User-agent: *\nDisallow: /api/\n"
        tested = client.post(f"/admin/m/hollola/connectors/{connector_id}/test?lang=en",
                             data={"csrf_token": token}).get_data(as_text=True)
        assert "forbids reading /api/opennc/v1/Nodes" in tested
    finally:
        host.stop()
        politeness.forget_robots()
