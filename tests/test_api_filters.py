"""The API's filters accept exactly the values the service stores (relevance high / minor / none, the
delivery and write-back statuses of the models), and the OpenAPI document shows them with examples."""

from __future__ import annotations

import pytest

from climate_plugin.api import schemas
from climate_plugin.models import delivery as delivery_model
from climate_plugin.models import write_back as write_back_model
from climate_plugin.screening.model import RELEVANCE_LEVELS
from tests.factories import AssessedItemFactory, RestConnectorFactory
from tests.support.api import ApiClient


@pytest.fixture
def levels(app, auth):
    """One item per relevance level, of one municipality, and a viewer's token there."""
    with app.app_context():
        connector = RestConnectorFactory(municipality__slug="hollola")
        ids = {
            level: AssessedItemFactory(
                connector=connector, assessment__relevance=level, assessment__categories=[]
            ).id
            for level in RELEVANCE_LEVELS
        }
    return ids, auth.token("viewer", "hollola")


@pytest.mark.parametrize("level", RELEVANCE_LEVELS)
def test_items_filter_by_each_relevance_level_of_the_service(client, levels, level):
    ids, token = levels
    found = ApiClient(client).get(f"/api/v1/items?relevance={level}", token)
    assert found.status_code == 200
    assert [item["id"] for item in found.get_json()] == [ids[level]]


@pytest.mark.parametrize("value", ["medium", "low", "HIGH", ""])
def test_a_relevance_the_service_does_not_have_is_refused_naming_the_field(client, levels, value):
    _, token = levels
    refused = ApiClient(client).get(f"/api/v1/items?relevance={value}", token)
    assert refused.status_code == 422
    assert "relevance" in refused.get_json()["errors"]["query"]


def _choices(schema, field: str) -> set[str]:
    (one_of,) = [v for v in schema().fields[field].validators if hasattr(v, "choices")]
    return set(one_of.choices)


def test_every_choice_filter_is_the_services_own_values():
    levels = {"high", "minor", "none"}
    assert _choices(schemas.ItemQuerySchema, "relevance") == set(RELEVANCE_LEVELS) == levels
    stored = {getattr(delivery_model, n) for n in ("RECEIVED", "PROCESSING", "DONE", "FAILED")}
    assert _choices(schemas.DeliveryQuerySchema, "status") == stored
    stored = {getattr(write_back_model, n) for n in ("PENDING", "SENDING", "SENT", "FAILED", "SUPERSEDED")}
    assert _choices(schemas.WriteBackQuerySchema, "status") == stored


def test_the_openapi_document_lists_the_levels_and_has_examples(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    parameters = spec["paths"]["/api/v1/items"]["get"]["parameters"]
    (relevance,) = [p for p in parameters if p["name"] == "relevance"]
    assert relevance["schema"]["enum"] == list(RELEVANCE_LEVELS)
    components = spec["components"]["schemas"]
    main = ("Item", "Assessment", "Connector", "SyncHealth", "Delivery", "WriteBack", "Municipality", "User")
    for name in main:
        properties = components[name]["properties"]
        with_example = [field for field, prop in properties.items() if "example" in prop]
        assert len(with_example) >= len(properties) - 1, (name, set(properties) - set(with_example))
    assert components["Assessment"]["properties"]["relevance"]["enum"] == list(RELEVANCE_LEVELS)


def test_a_user_of_another_municipality_does_not_see_these_items(client, levels, auth):
    token = auth.token("viewer", "lahti")
    assert ApiClient(client).get("/api/v1/items?relevance=high", token).get_json() == []
