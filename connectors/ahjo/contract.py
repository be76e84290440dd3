"""The Helsinki Ahjo connector's contract fixture (see ``connectors/contract/__init__.py``).

Its fake host is the test suite's Ahjo server (``connectors/ahjo/fake_host.py``), which serves the public Ahjo
records kept in ``connectors/ahjo/samples/``; so this fixture runs from the source tree, where the contract
suite runs. The server asks for an API key in the ``Authorization`` header, so the suite also exercises the
connector's credentials (OpenID Connect refresh is Ahjo-specific and tested in
``tests/test_ahjo_connector.py``).

Ahjo's decision listing never reports deletions, and the connector says so
(``AhjoConnector.poll_reports_deletions = False``): a deleted item answers 404 and drops out of the listing,
and the deletion itself reaches the service as a "Removed" push, which :meth:`AhjoContract.webhooks` gives.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, ClassVar

from climate_plugin.connectors.contract import ContractFixture, FakeHost, InvalidConfig, SampleWebhook

API_KEY = "contract-ahjo-key-7c1e"

#: Ahjo ids of the real records the fake server serves (mirrors connectors/ahjo/fake_host.py, which is
#: imported only
#: when a host starts)
COUNCIL_DECISION = "decisions/{4CFC9573-4F15-C369-B43B-9A7803F00002}"
RECORD_DECISION = "decisions/{AABBCC44-XX69-YYF6-ZZ69-FF61D9EFDDDB}"
PROXY_DECISION = "decisions/{8E100ECE-7BE1-46A7-8D53-C49F02B762D3}"
MEETING = "meetings/0040020254"
CASE = "cases/HEL-2025-001216"

#: Two decisions made up for the contract, handled in the same month as the real decision record: the real
#: records are months or years apart, and paging inside one poll window needs more decisions than a page.
MADE_UP_DECISIONS = (
    {
        "NativeId": "{C0A7AC70-0000-4000-8000-000000000001}",
        "Title": "Kirkkotien koulun lämmitystapamuutos",
        "Content": "<html><body><p>Öljylämmitys korvataan maalämmöllä.</p></body></html>",
        "Motion": None,
        "Language": "fi",
        "Section": "12 §",
        "DateDecision": "2025-01-13T02:00:00.000",
        "Organization": {"Name": "Kaupunginhallitus", "ID": "00400"},
        "Attachments": [],
    },
    {
        "NativeId": "{C0A7AC70-0000-4000-8000-000000000002}",
        "Title": "Cykelparkering vid Centralstationen",
        "Content": "<html><body><p>Staden bygger 500 nya cykelplatser.</p></body></html>",
        "Motion": None,
        "Language": "sv",
        "Section": "19 §",
        "DateDecision": "2025-01-20T02:00:00.000",
        "Organization": {"Name": "Stadsstyrelsen", "ID": "00400"},
        "Attachments": [],
    },
)

#: ``{external_id: title}``; the first is the one the suite deletes
ITEMS = {
    COUNCIL_DECISION: "Kaupunginvaltuuston kokousajat vuonna 2026",
    RECORD_DECISION: "Valtuutettu Putte Possun aloite syrjinnän vastaisen verkoston perustamisesta",
    PROXY_DECISION: (
        "Kaupunkiympäristölautakunnan esitys kaupunginhallitukselle Elielinaukion kehittämisen "
        "aiesopimuksen hyväksymiseksi"
    ),
    **{f"decisions/{d['NativeId']}": d["Title"] for d in MADE_UP_DECISIONS},
    MEETING: "Kaupunginvaltuusto 2025-01-27",
    CASE: "Valtuustoaloite, Haltialan kotieläintilasta eläinsuojelukeskus",
}

BASE = "https://ahjo.hel.fi:9802/ahjorest/v1"
OIDC = {
    "type": "oidc",
    "token_url": "https://login.example.fi/oauth2/token",
    "client_id": "climate-plugin",
    "client_secret": "cl1ent-s3cret",
    "refresh_token": "r3fresh-t0ken",
}


class AhjoFakeHost(FakeHost):
    def __init__(self) -> None:
        # its fake server, imported only when a host starts
        from climate_plugin.connectors.ahjo.fake_host import (
            AhjoServer,
        )

        self.server = AhjoServer(auth="api_key", api_key=API_KEY)
        for decision in MADE_UP_DECISIONS:
            self.server.add_decision(dict(decision))
        self.server.start()

    @property
    def base_url(self) -> str:
        return self.server.base_url

    def fail_next(self, status: int, times: int = 1) -> None:
        self.server.fail_next(status, times)

    def delete(self, external_id: str) -> None:
        # As Ahjo deletes: 404 from now on, gone from the listing; no deletion marker anywhere.
        resource, _, ahjo_id = external_id.partition("/")
        self.server.delete(resource, ahjo_id)

    def request_count(self) -> int:
        return self.server.requests

    def stop(self) -> None:
        self.server.stop()


def _push(
    secret: str | None,
    resource: str | None,
    payload: Any,
    *,
    raw: bytes | None = None,
    authorization: str | None = None,
    headers: Mapping[str, str] | None = None,
    description: str = "",
    **expected: Any,
) -> SampleWebhook:
    """An Ahjo push: the JSON body, the key in the Authorization header, posted to ``…/<resource>``."""
    body = raw if raw is not None else json.dumps(payload).encode()
    sent = {"Content-Type": "application/json"}
    if authorization is not None:
        sent["Authorization"] = authorization
    elif secret is not None:
        sent["Authorization"] = f"Bearer {secret}"
    sent.update(headers or {})
    return SampleWebhook(body, sent, resource, description=description, **expected)


def _callbacks() -> list[tuple[str, dict[str, Any]]]:
    """Ahjo's own pushes, ``(resource, body)``, from its subscriber callback queue (real records)."""
    from climate_plugin.connectors.ahjo.fake_host import CALLBACKS

    return [(c["data"]["id"], c["data"]["content"]) for c in CALLBACKS]


class AhjoContract(ContractFixture):
    kind = "ahjo"
    poll_since: ClassVar[datetime | None] = datetime(2025, 1, 1, tzinfo=UTC)
    poll_until: ClassVar[datetime | None] = datetime(2025, 2, 1, tzinfo=UTC)

    # --- config --------------------------------------------------------------------------------
    def valid_configs(self) -> Sequence[Mapping[str, Any]]:
        return (
            {"base_url": BASE},
            {"base_url": BASE + "/", "auth": {"type": "none"}, "language": "sv"},
            {"base_url": BASE, "auth": {"type": "api_key", "key": "k3y"}},
            {
                "base_url": BASE,
                "auth": {"type": "api_key", "key": "k3y", "header": "X-Api-Key"},
                "page_size": 1000,
            },
            {"base_url": BASE, "auth": OIDC},
            {"base_url": BASE, "auth": {**OIDC, "scope": "ahjo.read"}, "language": "fi", "page_size": 1},
        )

    def invalid_configs(self) -> Sequence[InvalidConfig]:
        no_refresh = {k: v for k, v in OIDC.items() if k != "refresh_token"}
        return (
            InvalidConfig({}, "base_url", "base_url is required"),
            InvalidConfig({"base_url": "ftp://ahjo.hel.fi/ahjorest/v1"}, "base_url", "not http(s)"),
            InvalidConfig(
                {"base_url": "https://user:pw@ahjo.hel.fi/ahjorest/v1"}, "base_url", "credentials in the URL"
            ),
            InvalidConfig({"base_url": BASE, "auth": {"type": "api_key"}}, "auth.key", "api_key without key"),
            InvalidConfig({"base_url": BASE, "auth": no_refresh}, "auth.refresh_token", "oidc without token"),
            InvalidConfig(
                {"base_url": BASE, "auth": {**OIDC, "client_secret": ""}},
                "auth.client_secret",
                "empty secret",
            ),
            InvalidConfig(
                {"base_url": BASE, "auth": {"type": "api_key", "key": "k", "client_id": "x"}},
                "auth.client_id",
                "an oidc field with api_key auth",
            ),
            InvalidConfig({"base_url": BASE, "auth": {"type": "saml"}}, "auth.type", "unknown auth type"),
            InvalidConfig({"base_url": BASE, "language": "en"}, "language", "Ahjo speaks fi and sv"),
            InvalidConfig({"base_url": BASE, "page_size": 1001}, "page_size", "Ahjo pages at most 1000"),
            InvalidConfig({"base_url": BASE, "page_size": 0}, "page_size", "empty pages"),
            InvalidConfig({"base_url": BASE, "surprise": 1}, "surprise", "unknown field"),
        )

    # --- the fake host -------------------------------------------------------------------------
    def start_host(self) -> FakeHost:
        return AhjoFakeHost()

    def config_for(self, host: FakeHost) -> Mapping[str, Any]:
        # Two decisions a page: the poll window holds three, so it comes in two pages.
        return {"base_url": host.base_url, "auth": {"type": "api_key", "key": API_KEY}, "page_size": 2}

    def items(self, host: FakeHost) -> Mapping[str, str]:
        return dict(ITEMS)

    # --- push ----------------------------------------------------------------------------------
    def webhooks(self, host: FakeHost, secret: str) -> Sequence[SampleWebhook]:
        council_id = COUNCIL_DECISION.partition("/")[2]
        samples = [
            _push(
                secret,
                resource,
                content,
                description=f"Ahjo's own {resource} push",
                action="upsert",
                external_id=f"{resource}/{content['id']}",
            )
            for resource, content in _callbacks()
            if resource in ("decisions", "meetings")
        ]
        return [
            *samples,
            _push(
                secret,
                "decisions",
                {"updatetype": "Added", "id": council_id},
                action="upsert",
                external_id=COUNCIL_DECISION,
            ),
            # the key also comes bare, without "Bearer"
            _push(
                secret,
                "cases",
                {"updatetype": "Updated", "id": "HEL-2025-001216"},
                authorization=secret,
                action="upsert",
                external_id=CASE,
            ),
            # the deletion of the item the suite deletes: Ahjo tells it by push, not in the listing
            _push(
                secret,
                "decisions",
                {"updatetype": "Removed", "id": council_id},
                action="delete",
                external_id=COUNCIL_DECISION,
            ),
            # integer ids are kept as strings
            _push(
                secret,
                "meetings",
                {"updatetype": "Removed", "id": 40020222},
                action="delete",
                external_id="meetings/40020222",
            ),
        ]

    def malformed_webhooks(self, host: FakeHost, secret: str) -> Sequence[SampleWebhook]:
        good = {"updatetype": "Updated", "id": "0040020222"}
        real_test_push = [
            _push(secret, resource, content, description="Ahjo's own push to its 'test' resource")
            for resource, content in _callbacks()
            if resource == "test"
        ]
        return [
            *real_test_push,
            _push(secret, None, good, description="posted to the bare webhook URL, no resource segment"),
            _push(secret, "trustees", good, description="unknown resource"),
            _push(secret, "meetings", None, raw=b"updatetype=Updated&id=1", description="not JSON"),
            _push(secret, "meetings", [good], description="a list, not an object"),
            _push(secret, "meetings", {"updatetype": "Deleted", "id": "1"}, description="unknown updatetype"),
            _push(secret, "meetings", {"id": "0040020222"}, description="no updatetype"),
            _push(secret, "meetings", {"updatetype": "Updated"}, description="no id"),
            _push(secret, "meetings", {"updatetype": "Updated", "id": True}, description="boolean id"),
            _push(secret, "meetings", {"updatetype": "Updated", "id": ""}, description="empty id"),
            _push(secret, "meetings", {"updatetype": "Updated", "id": ".."}, description="id '..'"),
            _push(secret, "decisions", {"updatetype": "Added", "id": "a/b"}, description="id with '/'"),
            _push(secret, "decisions", {"updatetype": "Added", "id": "x" * 201}, description="id too long"),
        ]

    def forged_webhooks(self, host: FakeHost, secret: str) -> Sequence[SampleWebhook]:
        body = {"updatetype": "Updated", "id": "0040020222"}
        basic = base64.b64encode(f"ahjo:{secret}".encode()).decode()
        return [
            _push(None, "meetings", body, authorization=f"Bearer {secret}x", description="key with a suffix"),
            _push(None, "meetings", body, authorization=f"Bearer {secret[:-1]}", description="key cut short"),
            _push(None, "meetings", body, authorization=f"Basic {basic}", description="key in Basic auth"),
            _push(None, "meetings", body, authorization="Bearer ", description="Bearer without a key"),
            _push(None, "meetings", body, headers={"X-Api-Key": secret}, description="key in another header"),
        ]

    # --- poll ----------------------------------------------------------------------------------
    def polled_ids(self, host: FakeHost) -> Sequence[str]:
        # the decisions handled in January 2025; meetings and cases are not in Ahjo's decision listing
        return [RECORD_DECISION, *(f"decisions/{d['NativeId']}" for d in MADE_UP_DECISIONS)]
