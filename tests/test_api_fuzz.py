"""The API fuzzed against its own OpenAPI document (schemathesis, in-process over WSGI): every operation, with
valid and with invalid input generated from the document, under the built-in checks (no 5xx; status codes,
content types, headers and bodies as documented; invalid input refused). A few examples per operation keep it
quick.

One check is left out: positive_data_acceptance, which expects every schema-valid request to succeed. The
service refuses some of those on purpose with a 4xx the document cannot express: a NUL character or a lone
surrogate anywhere (climate_plugin.web.edge), a platform administrator creating something without naming
its municipality, a connector config its kind's own schema refuses."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.config._auth import OpenAPIAuthConfig
from schemathesis.specs.openapi.checks import positive_data_acceptance

from climate_plugin.accounts.tokens import create_token
from climate_plugin.db import db
from tests.factories import AssessedItemFactory, DeliveryFactory, WriteBackFactory
from tests.support.app import build_app
from tests.support.services import scratch_database

pytestmark = pytest.mark.slow  # about 45 s: started first (tests/conftest.py)

#: examples per operation and generation mode (valid, invalid)
EXAMPLES = 12


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    """One seeded app on PostgreSQL (whose integer columns and text refuse what SQLite lets through): a
    municipality with a connector, an item, a delivery and a write-back (so ids 1 reach real records), and a
    platform administrator's token (so every operation is reachable)."""
    with scratch_database() as url:
        app = build_app(tmp_path_factory.mktemp("fuzz"), database_url=url)
        with app.app_context():
            item = AssessedItemFactory()
            DeliveryFactory(connector=item.connector)
            WriteBackFactory(item=item)
            _, token = create_token(None, "platform_admin", "fuzz")
            db.session.commit()
        yield app, token
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def test_the_api_answers_as_documented_and_never_5xx(api):
    app, token = api
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    # The token through the document's own security scheme, so that schemathesis knows the Authorization
    # header is sent (a negative case that drops the header is then not answered 200 by our adding it back).
    schema.config.auth.openapi = OpenAPIAuthConfig(schemes={"bearerAuth": {"bearer": token}})
    failures: dict[str, str] = {}
    succeeded: set[str] = set()  #: operations that answered 2xx at least once
    unauthorised: set[str] = set()  #: operations that answered a valid request 401: no token reached them
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 25
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                suppress_health_check=list(HealthCheck),
                derandomize=True,  # the same cases every run: a failure is reproducible, never flaky
                database=None,
            )
            def check(case) -> None:
                response = case.call_and_validate(excluded_checks=[positive_data_acceptance])
                if 200 <= response.status_code < 300:
                    succeeded.add(case.operation.label)
                if response.status_code == 401 and case.meta and case.meta.generation.mode.is_positive:
                    unauthorised.add(case.operation.label)

            try:
                check()
            except BaseException as exc:  # noqa: BLE001 - every operation's failure is collected and shown
                if isinstance(exc, KeyboardInterrupt):
                    raise
                failures[f"{operation.label} ({mode})"] = str(exc)[:1500]
    assert not failures, "\n\n".join(f"{label}: {message}" for label, message in failures.items())
    # The token reached the operations (random ids mostly find nothing, so many answer 404 or 422).
    assert not unauthorised, sorted(unauthorised)
    assert len(succeeded) >= 10, sorted(succeeded)
