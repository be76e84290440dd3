"""Requests and items of the CaseM, Dynasty, Tweb and Decidim connectors against their fake hosts (the real
samples): what one backfill over the samples reads, and what one regular poll (the last hour) costs.

    python bench/municipal_connectors.py [--json OUT]

Counts, not times: every number is a count of HTTP requests the fake host received or of items reported,
so it is the same on any machine. The robots.txt request is counted (it is read once an hour per host).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from climate_plugin.connectors.common import politeness  # noqa: E402
from climate_plugin.connectors.registry import load_connectors  # noqa: E402
from climate_plugin.outbound import AllowList, OutboundClient  # noqa: E402

#: kind → (fake host factory, extra config, the backfill window over its samples)
CASES = {
    "casem": (
        "climate_plugin.connectors.casem.fake_host:CaseMFakeHost",
        {},
        (datetime(2016, 1, 1, tzinfo=UTC), None),
    ),
    "casem (host knowing only the samples)": (
        "climate_plugin.connectors.casem.fake_host:CaseMFakeHost",
        {},
        (datetime(2016, 1, 1, tzinfo=UTC), None),
        {"strict": True},
    ),
    "dynasty": (
        "climate_plugin.connectors.dynasty.fake_host:DynastyFakeHost",
        {},
        (datetime(2016, 1, 1, tzinfo=UTC), None),
    ),
    "tweb": (
        "climate_plugin.connectors.tweb.fake_host:TwebFakeHost",
        {"bodies": ["690"]},
        (datetime(2017, 2, 1, tzinfo=UTC), datetime(2017, 4, 30, tzinfo=UTC)),
    ),
    "decidim": (
        "climate_plugin.connectors.decidim.fake_host:DecidimFakeHost",
        {},
        (datetime(2025, 6, 1, tzinfo=UTC), None),
    ),
}


def _load(path: str):
    module, name = path.split(":")
    return getattr(__import__(module, fromlist=[name]), name)


def _run(kind: str, host, config: dict, since: datetime, until: datetime) -> dict:
    cls = load_connectors()[kind.split(" ")[0]]
    http = OutboundClient(AllowList(["127.0.0.1"]))
    connector = cls({"base_url": host.base_url, "requests_per_second": 100, **config}, http)
    politeness.forget_robots()
    before = host.request_count()
    upserts: set[str] = set()
    deletes: set[str] = set()
    pages = 0
    start = since
    while start < until:  # windows as the poller cuts them, one instance for the run as a backfill has
        end = min(start + cls.poll_window, until)
        page = None
        while True:
            result = connector.poll(start, end, page)
            pages += 1
            for change in result.changes:
                (upserts if change.action == "upsert" else deletes).add(change.external_id)
            page = result.next_page
            if page is None:
                break
        start = end
    return {
        "requests": host.request_count() - before,
        "pages": pages,
        "items": len(upserts),
        "deleted": len(deletes),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    now = datetime.now(UTC).replace(microsecond=0)
    results = {}
    for label, case in CASES.items():
        factory, config, (since, until) = case[:3]
        options = case[3] if len(case) > 3 else {}
        kind = label.split(" ")[0]
        host = _load(factory)(**options)
        try:
            backfill = _run(kind, host, config, since, until or now)
            poll = _run(kind, host, config, now - timedelta(hours=1), now)
        finally:
            host.stop()
        results[label] = {"backfill": backfill, "regular poll (last hour)": poll}
        print(
            f"{label:40} backfill: {backfill['items']:3} items, {backfill['requests']:4} requests, "
            f"{backfill['pages']:4} pages | one poll now: {poll['requests']:3} requests, "
            f"{poll['items']} items"
        )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
