"""The Decidim connector's contract fixture: a fake instance with a real GraphQL server (see
``connectors/decidim/fake_host.py``), read two nodes a page; write-back through its API user."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, ClassVar

from climate_plugin.connectors.contract import ContractFixture, FakeHost, InvalidConfig

#: the items updated in the window below; the first is the one deleted and written back to
ITEMS = {
    "proposals/ilmastoteot-2026/3/35": "Pyöräparkki rautatieasemalle",
    "proposals/ilmastoteot-2026/3/36": "Lisää puita Keskuspuistoon",
    "proposals/ilmastoteot-2026/3/38": "Koulujen ruokalistoille lisää kasvisruokaa",
    "proposals/ilmastoteot-2026/3/39": "Liikennevalojen ajoitus Kauppakadulla",
    "meetings/ilmastoteot-2026/2/10": "Asukasilta: kaukolämpö ja aurinkopaneelit",
    "meetings/ilmastoteot-2026/2/11": "Kävelykatu kokeiluun",
}


class DecidimContract(ContractFixture):
    kind = "decidim"
    poll_since: ClassVar[datetime | None] = datetime(2026, 1, 1, tzinfo=UTC)
    poll_until: ClassVar[datetime | None] = datetime(2026, 3, 1, tzinfo=UTC)

    def valid_configs(self) -> Sequence[Mapping[str, Any]]:
        return (
            {"base_url": "https://omastadi.hel.fi"},
            {
                "base_url": "https://decidim.example.fi/api",
                "processes": ["ilmastoteot-2026", "7"],
                "components": ["proposals"],
                "locale": "sv",
                "page_size": 100,
            },
            {
                "base_url": "http://127.0.0.1:8080",
                "write_back": {"api_key": "k", "api_secret": "s3cret-value"},
                "requests_per_second": 2,
                "obey_robots": False,
            },
        )

    def invalid_configs(self) -> Sequence[InvalidConfig]:
        return (
            InvalidConfig({}, "base_url", "base_url is required"),
            InvalidConfig(
                {"base_url": "https://d.fi", "components": ["debates"]}, "components.0", "not read"
            ),
            InvalidConfig({"base_url": "https://d.fi", "components": []}, "components", "nothing to read"),
            InvalidConfig(
                {"base_url": "https://d.fi", "write_back": {"api_key": "k"}},
                "write_back.api_secret",
                "a key without its secret",
            ),
            InvalidConfig({"base_url": "https://d.fi", "locale": "de"}, "locale", "no German"),
        )

    def start_host(self) -> FakeHost:
        from climate_plugin.connectors.decidim.fake_host import DecidimFakeHost

        return DecidimFakeHost()

    def config_for(self, host: FakeHost) -> Mapping[str, Any]:
        from climate_plugin.connectors.decidim.fake_host import API_KEY, API_SECRET

        return {
            "base_url": host.base_url,
            "processes": ["ilmastoteot-2026"],
            "page_size": 2,
            "requests_per_second": 50,
            "write_back": {"api_key": API_KEY, "api_secret": API_SECRET},
        }

    def items(self, host: FakeHost) -> Mapping[str, str]:
        return ITEMS
