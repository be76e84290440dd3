"""The Dynasty connector's contract fixture: a fake Dynasty 10 publication serving real item pages (see
``connectors/dynasty/fake_host.py``). The window below holds three items of its feed, read one to a page."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, ClassVar

from climate_plugin.connectors.contract import ContractFixture, FakeHost, InvalidConfig

IN_WINDOW = ("2023277-5", "2023337-4", "2024427-4")


class DynastyContract(ContractFixture):
    kind = "dynasty"
    poll_since: ClassVar[datetime | None] = datetime(2023, 11, 1, tzinfo=UTC)
    poll_until: ClassVar[datetime | None] = datetime(2024, 6, 1, tzinfo=UTC)

    def valid_configs(self) -> Sequence[Mapping[str, Any]]:
        return (
            {"base_url": "https://jamsa10.oncloudos.com"},
            {
                "base_url": "https://dynastyjulkaisu.pohjoiskarjala.net/lieksa/cgi/DREQUEST.PHP",
                "feed_size": 1000,
            },
            {
                "base_url": "http://127.0.0.1:8080",
                "language": "sv",
                "bodies": ["Kommunstyrelsen"],
                "revisit_days": 0,
                "ahead_days": 0,
                "page_size": 1,
                "requests_per_second": 0.5,
                "obey_robots": False,
            },
        )

    def invalid_configs(self) -> Sequence[InvalidConfig]:
        return (
            InvalidConfig({}, "base_url", "base_url is required"),
            InvalidConfig({"base_url": "javascript:alert(1)"}, "base_url", "not http(s)"),
            InvalidConfig(
                {"base_url": "https://x.oncloudos.com", "feed_size": 0}, "feed_size", "an empty feed"
            ),
            InvalidConfig({"base_url": "https://x.oncloudos.com", "language": "de"}, "language", "no German"),
            InvalidConfig({"base_url": "https://x.oncloudos.com", "password": "x"}, "password", "anonymous"),
        )

    def start_host(self) -> FakeHost:
        from climate_plugin.connectors.dynasty.fake_host import DynastyFakeHost

        return DynastyFakeHost()

    def config_for(self, host: FakeHost) -> Mapping[str, Any]:
        return {"base_url": host.base_url, "page_size": 1, "requests_per_second": 50}

    def items(self, host: FakeHost) -> Mapping[str, str]:
        from climate_plugin.connectors.dynasty.fake_host import ITEMS

        return {item_id: ITEMS[item_id][2] for item_id in (*IN_WINDOW, "202041-2", "2017406946-3")}

    def polled_ids(self, host: FakeHost) -> Sequence[str]:
        return IN_WINDOW
