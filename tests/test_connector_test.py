"""`connector test` reads a real item and shows it (title, body excerpt, language), through the CLI, the API
and the admin pages alike (one service); a failure names the setting to change, in words."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from climate_plugin.cli import main
from climate_plugin.db import db
from climate_plugin.demo import DEMO_ITEMS, SampleHost
from climate_plugin.models import AuditEntry, Connector
from tests.factories import AgendaItemFactory, RestConnectorFactory
from tests.support.api import ApiClient

ITEM = DEMO_ITEMS[0]


@pytest.fixture
def host() -> Iterator[SampleHost]:
    with SampleHost(retry_delays=(0.01,)) as sample:
        for item in DEMO_ITEMS[:3]:
            sample.add(item)
        yield sample


def _connector(app, base_url: str, **config_changes) -> int:
    with app.app_context():
        row = RestConnectorFactory(base_url=base_url)
        if config_changes:
            row.config = {**row.config, **config_changes}
            db.session.commit()
        return row.id


def _test(api: ApiClient, token: str, connector_id: int, **body) -> dict:
    response = api.post(f"/api/v1/connectors/{connector_id}/test", token, json=body or None)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def test_a_given_item_is_read_and_previewed_through_the_api(app, client, auth, host):
    token = auth.token("municipality_admin")
    connector_id = _connector(app, host.base_url)
    result = _test(ApiClient(client), token, connector_id, external_id=ITEM["id"])
    assert result["ok"] is True and result["problem"] is None
    assert result["sample_source"] == "given"
    preview = result["preview"]
    assert preview["title"] == ITEM["title"]
    assert preview["excerpt"].startswith(ITEM["body"][:60]) and len(preview["excerpt"]) <= 302
    assert preview["language"] == "fi" and preview["detected_language"] == "fi"
    assert ITEM["id"] in result["message"]
    with app.app_context():
        entry = db.session.query(AuditEntry).filter_by(action="connector.test").one()
        assert entry.details["ok"] is True and entry.details["item"] == ITEM["id"]


def test_without_an_id_the_newest_stored_item_is_read(app, client, auth, host):
    token = auth.token("municipality_admin")
    connector_id = _connector(app, host.base_url)
    with app.app_context():
        AgendaItemFactory(connector=db.session.get(Connector, connector_id), external_id=DEMO_ITEMS[1]["id"])
    result = _test(ApiClient(client), token, connector_id)
    assert result["sample_source"] == "stored"
    assert result["preview"]["title"] == DEMO_ITEMS[1]["title"]


def test_a_typo_in_the_item_path_names_item_path(app, client, auth, runner, host):
    # the host answers at base_url, but /item/… (for /items/…) is a 404: the item path is wrong
    token = auth.token("municipality_admin")
    connector_id = _connector(app, host.base_url, item_path="/item/{id}")
    result = _test(ApiClient(client), token, connector_id, external_id=ITEM["id"])
    assert result["ok"] is False
    assert (result["problem"], result["setting"]) == ("not_found", "item_path")
    assert "check the setting item_path" in result["message"] and ITEM["id"] in result["message"]
    cli = runner.invoke(main, ["connector", "test", str(connector_id), "--item", ITEM["id"]])
    assert cli.exit_code == 1
    assert "cannot read an item" in cli.stderr and "check the setting item_path" in cli.stderr
    assert "Error:" not in cli.stderr.removeprefix("Error: ") and "Traceback" not in cli.output


def test_the_cli_prints_what_it_read(app, runner, host):
    connector_id = _connector(app, host.base_url)
    result = runner.invoke(main, ["connector", "test", str(connector_id), "--item", ITEM["id"]])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "ok"
    assert f"item:     {ITEM['id']} (given)" in lines
    assert f"title:    {ITEM['title']}" in lines
    assert "language: fi (the text reads as fi)" in lines


def test_wrong_credentials_name_auth(app, client, auth):
    with SampleHost(api_token="right-token") as guarded:
        guarded.add(ITEM)
        token = auth.token("municipality_admin")
        connector_id = _connector(app, guarded.base_url)  # no auth configured
        result = _test(ApiClient(client), token, connector_id, external_id=ITEM["id"])
    assert (result["ok"], result["problem"], result["setting"]) == (False, "credentials", "auth")
    assert "Check the setting auth" in result["message"]


def test_an_internal_address_names_the_outbound_allow_setting(app, client, auth):
    token = auth.token("municipality_admin")
    connector_id = _connector(app, "http://10.20.30.40")  # private: refused before any connection
    result = _test(ApiClient(client), token, connector_id)
    assert (result["ok"], result["problem"]) == (False, "refused_address")
    assert "CLIMATE_PLUGIN_OUTBOUND_ALLOW" in result["message"]
    assert "Refused" not in json.dumps(result) and "PermanentError" not in json.dumps(result)


def test_a_host_that_is_down_names_base_url(app, client, auth):
    token = auth.token("municipality_admin")
    connector_id = _connector(app, "http://127.0.0.1:9")  # nothing listens there
    result = _test(ApiClient(client), token, connector_id)
    assert (result["ok"], result["problem"], result["setting"]) == (False, "unreachable", "base_url")
    assert "Error" not in result["message"]


def test_an_id_that_is_too_long_is_a_clear_422(app, client, auth):
    token = auth.token("municipality_admin")
    connector_id = _connector(app, "http://127.0.0.1:9")
    response = ApiClient(client).post(
        f"/api/v1/connectors/{connector_id}/test", token, json={"external_id": "x" * 501}
    )
    assert response.status_code == 422


def test_an_ahjo_connector_previews_an_item_its_poll_lists(app, runner):
    from climate_plugin.connectors.ahjo import connector as ahjo
    from climate_plugin.connectors.ahjo.fake_host import AhjoServer
    from climate_plugin.hosts.connector import create_connector
    from tests.factories import MunicipalityFactory

    ahjo.forget_tokens()
    server = AhjoServer().start()
    try:
        with app.app_context():
            town = MunicipalityFactory(slug="helsinki")
            row, _ = create_connector(town, "ahjo", "Helsinki Ahjo", {"base_url": server.base_url})
            connector_id = row.id
        result = runner.invoke(main, ["connector", "test", str(connector_id)])
    finally:
        server.stop()
        ahjo.forget_tokens()
    assert result.exit_code == 0, result.output
    assert "(polled)" in result.stdout and "title:    " in result.stdout
