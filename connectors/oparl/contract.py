"""The OParl connector's contract fixture (see ``connectors/contract/__init__.py``).

Its fake host is the OParl server beside it (``connectors/oparl/fake_host.py``), which serves the OParl 1.1
spec's example objects and a fixture set around them from ``connectors/oparl/samples/``; both are part of
the installed package. Its items are the agenda items of the Finnish fixture meeting, keyed by their OParl
URLs as the connector keys them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, ClassVar

from climate_plugin.connectors.contract import ContractFixture, FakeHost, InvalidConfig

#: the fixture meeting's agenda items (path on the fake host → title); the first is the one deleted
ITEMS = {
    "/agendaitem/3001": "Kirkonkylän koulun lämmitysjärjestelmän muutos maalämpöön",
    "/agendaitem/3002": "Pöytäkirjan tarkastajien valinta",
    "/agendaitem/3004": "Katuvalaistuksen uusiminen",
}


class OParlFakeHost(FakeHost):
    def __init__(self) -> None:
        from climate_plugin.connectors.oparl.fake_host import OParlServer  # imported when a host starts


        # two meetings a page: the window below holds three, so it comes in two pages
        self.server = OParlServer(page_size=2).start()

    @property
    def base_url(self) -> str:
        return self.server.base_url

    def fail_next(self, status: int, times: int = 1) -> None:
        self.server.fail_status = status
        self.server.fail_next = times

    def delete(self, external_id: str) -> None:
        # deleted: true with a fresh modified, in its meeting too, as an OParl server keeps deletions
        path = external_id.removeprefix(self.server.base_url)
        self.server.delete(path, datetime.now(UTC).isoformat(timespec="seconds"))

    def request_count(self) -> int:
        return len(self.server.requests)

    def stop(self) -> None:
        self.server.stop()


class OParlContract(ContractFixture):
    kind = "oparl"
    poll_since: ClassVar[datetime | None] = datetime(2026, 1, 1, tzinfo=UTC)
    poll_until: ClassVar[datetime | None] = datetime(2026, 2, 1, tzinfo=UTC)

    def valid_configs(self) -> Sequence[Mapping[str, Any]]:
        return (
            {"system_url": "https://ris.example.de/oparl/v1"},
            {"system_url": "https://ris.example.de/oparl/v1", "body": "https://ris.example.de/oparl/v1/bodies/1"},
            {"system_url": "http://127.0.0.1:8080/oparl", "body": None},
        )

    def invalid_configs(self) -> Sequence[InvalidConfig]:
        return (
            InvalidConfig({}, "system_url", "system_url is required"),
            InvalidConfig({"system_url": "ftp://ris.example.de/oparl"}, "system_url", "not http(s)"),
            InvalidConfig(
                {"system_url": "https://ris.example.de/oparl", "body": "https://other.example/bodies/1"},
                "body",
                "the Body on another host than the System",
            ),
            InvalidConfig(
                {"system_url": "https://ris.example.de/oparl", "auth": "x"}, "auth", "OParl is anonymous"
            ),
        )

    def start_host(self) -> FakeHost:
        return OParlFakeHost()

    def config_for(self, host: FakeHost) -> Mapping[str, Any]:
        return {"system_url": host.base_url + "/oparl/v1", "body": host.base_url + "/bodies/1"}

    def items(self, host: FakeHost) -> Mapping[str, str]:
        return {host.base_url + path: title for path, title in ITEMS.items()}
