"""The Tweb connector's contract fixture: a fake Tweb serving Oulu's real 2017 pages (see
``connectors/tweb/fake_host.py``). The window below holds two meetings with items (27.3.2017 and
20.2.2017) among several without: one meeting a page."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, ClassVar

from climate_plugin.connectors.contract import ContractFixture, FakeHost, InvalidConfig


class TwebContract(ContractFixture):
    kind = "tweb"
    poll_since: ClassVar[datetime | None] = datetime(2017, 2, 15, tzinfo=UTC)
    poll_until: ClassVar[datetime | None] = datetime(2017, 4, 1, tzinfo=UTC)

    def valid_configs(self) -> Sequence[Mapping[str, Any]]:
        return (
            {"base_url": "http://asiakirjat.ouka.fi"},
            {"base_url": "https://sauvo.ktweb.fi/", "path": "/ktwebscr/", "documents": "agendas"},
            {
                "base_url": "http://127.0.0.1:8080",
                "bodies": ["690", "Kaupunginhallitus"],
                "language": "sv",
                "revisit_days": 0,
                "ahead_days": 0,
                "requests_per_second": 0.2,
                "obey_robots": False,
            },
        )

    def invalid_configs(self) -> Sequence[InvalidConfig]:
        return (
            InvalidConfig({}, "base_url", "base_url is required"),
            InvalidConfig({"base_url": "http://a.fi", "path": "ktwebscr"}, "path", "not absolute"),
            InvalidConfig({"base_url": "http://a.fi", "path": "/x/../admin"}, "path", "climbs out"),
            InvalidConfig({"base_url": "http://a.fi", "documents": "all"}, "documents", "unknown kind"),
            InvalidConfig({"base_url": "http://user:pw@a.fi"}, "base_url", "credentials in the URL"),
        )

    def start_host(self) -> FakeHost:
        from climate_plugin.connectors.tweb.fake_host import TwebFakeHost

        return TwebFakeHost()

    def config_for(self, host: FakeHost) -> Mapping[str, Any]:
        return {"base_url": host.base_url, "bodies": ["Kaupunginhallitus"], "requests_per_second": 50}

    def items(self, host: FakeHost) -> Mapping[str, str]:
        from climate_plugin.connectors.tweb.fake_host import sampled_rows

        found = {f"12626/{docid}": title for docid, title in sampled_rows(host, "12626").items()}
        found.update({f"12867/{docid}": title for docid, title in sampled_rows(host, "12867").items()})
        return found
