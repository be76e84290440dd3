"""The CaseM connector's contract fixture: the fake host serves Mikkeli's real OData answers (June 2017).

The window below holds five meetings of Kaupunginhallitus (four of them with no contents in the samples,
answered as empty lists), and meeting 5.6.2017 has 46 items, read 20 to a page: so the window comes in
several pages. CaseM's listings do not show deletions (the connector says so); a deleted content is gone
from its meeting, and fetching it gives None.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, ClassVar

from climate_plugin.connectors.contract import ContractFixture, FakeHost, InvalidConfig

BODY, MEETING = 11217, 12381


def sample_titles() -> dict[int, str]:
    """ContentId → item title (the ``Name`` property) of every item of the sample meeting."""
    from climate_plugin.connectors.casem.fake_host import MIKKELI

    titles: dict[int, str] = {}
    for path in sorted(MIKKELI.glob("GET_Contents(*)_ExtendedProperties.json")):
        props = {p["Name"]: p["Text"] for p in json.loads(path.read_text(encoding="utf-8"))["value"]}
        if props.get("Name"):
            titles[int(path.name.split("(")[1].split(")")[0])] = props["Name"]
    return titles


class CaseMContract(ContractFixture):
    kind = "casem"
    poll_since: ClassVar[datetime | None] = datetime(2017, 5, 1, tzinfo=UTC)
    poll_until: ClassVar[datetime | None] = datetime(2017, 7, 1, tzinfo=UTC)

    def valid_configs(self) -> Sequence[Mapping[str, Any]]:
        return (
            {"base_url": "https://hollola.cloudnc.fi"},
            {
                "base_url": "https://mikkeli.cloudnc.fi/fi-FI/",
                "source": "api",
                "bodies": ["Kaupunginhallitus"],
            },
            {
                "base_url": "http://127.0.0.1:8080",
                "source": "pages",
                "language": "sv",
                "revisit_days": 0,
                "ahead_days": 30,
                "requests_per_second": 1,
                "obey_robots": False,
            },
        )

    def invalid_configs(self) -> Sequence[InvalidConfig]:
        return (
            InvalidConfig({}, "base_url", "base_url is required"),
            InvalidConfig({"base_url": "ftp://hollola.cloudnc.fi"}, "base_url", "not http(s)"),
            InvalidConfig({"base_url": "https://x.cloudnc.fi/?a=1"}, "base_url", "a query string"),
            InvalidConfig({"base_url": "https://x.cloudnc.fi", "source": "rss"}, "source", "no such source"),
            InvalidConfig(
                {"base_url": "https://x.cloudnc.fi", "requests_per_second": 0},
                "requests_per_second",
                "no requests at all",
            ),
            InvalidConfig({"base_url": "https://x.cloudnc.fi", "token": "x"}, "token", "CaseM is anonymous"),
        )

    def start_host(self) -> FakeHost:
        from climate_plugin.connectors.casem.fake_host import CaseMFakeHost

        return CaseMFakeHost()

    def config_for(self, host: FakeHost) -> Mapping[str, Any]:
        # fast: the suite makes a few hundred requests
        return {"base_url": host.base_url, "requests_per_second": 100}

    def items(self, host: FakeHost) -> Mapping[str, str]:
        return {f"{BODY}/{MEETING}/{cid}": title for cid, title in sample_titles().items()}
