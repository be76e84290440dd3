"""Webhook → write-back latency of the embedded default (one process: SQLite and the worker thread), or a
quick single run of the production shape; `bench/e2e.py` is the full production-shape bench (several runs,
CPU per process). `bench/recovery.py` builds on this one's host.

A sample agenda system (the demo's, in this process) drafts items whose texts come from `bench/corpus/`
(Finnish, Swedish and English agenda items), at ``--rate`` items per second for ``--seconds`` seconds, and
sends each one's webhook to a running service; it records when each item's climate block is written back.
The figure is the time from the webhook's send to the block's arrival: p50 / p95 / p99 per rate. The
correctness checks: every item written back, exactly once (one block per content revision; a second send
of the same block is a duplicate), no webhook answered other than 202.

Two shapes:

- ``--shape embedded`` (the default): `climate-plugin serve` with SQLite and the embedded worker thread,
  one process, as the single-machine install runs;
- ``--shape production``: PostgreSQL, Redis, `serve` (gunicorn), ``--workers`` Celery worker processes and
  `beat`, as production runs (needs PostgreSQL and Redis as for `bench/ingest.py`).

    python bench/e2e_embedded.py [--shape embedded|production] [--rates 5,20] [--seconds 30] [--workers 2]
                        [--json OUT]

CPU per process is not measured yet (`bench/ingest.py` shows how, from /proc). Exit codes: 0 done and
correct, 1 a correctness check failed, 2 PostgreSQL or Redis not reachable (production shape).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.ingest import (  # noqa: E402 - after the path set-up, like gunicorn's cwd
    HOST,
    SERVE_CMD,
    Target,
    free_port,
    scratch_database,
    scratch_queue,
    service_env,
    services_reachable,
    start_server,
    stop_server,
    wait_ready,
)
from climate_plugin.demo.sample_host import SampleHost  # noqa: E402

CORPUS = ROOT / "bench" / "corpus"


def corpus_items() -> list[dict[str, Any]]:
    """Agenda items with a title and a body, from every language of the corpus."""
    items = []
    for name in ("fi_text.jsonl", "sv.jsonl", "en.jsonl"):
        for line in (CORPUS / name).read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            if record.get("title") and record.get("body"):
                items.append(record)
    return items


class TimedHost(SampleHost):
    """The sample host, noting when each item's block arrives and how often each block is sent."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.arrived: dict[str, float] = {}
        self.sent_blocks: dict[tuple[str, str], int] = {}

    def _put_climate(self, item_id: str, raw: bytes, idempotency_key: str | None):
        answer = super()._put_climate(item_id, raw, idempotency_key)
        now = time.monotonic()
        with self._lock:
            self.arrived.setdefault(item_id, now)
            key = (item_id, idempotency_key or "")
            self.sent_blocks[key] = self.sent_blocks.get(key, 0) + 1
        return answer


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def run_rate(host: TimedHost, items: list[dict], rate: float, seconds: float, drain: float) -> dict[str, Any]:
    """Draft ``rate`` items a second for ``seconds``; wait up to ``drain`` s for the last blocks."""
    count = max(1, round(rate * seconds))
    batch = [{**items[i % len(items)], "id": f"e2e-{uuid.uuid4().hex[:10]}"} for i in range(count)]
    sent_at: dict[str, float] = {}
    start = time.monotonic()
    with ThreadPoolExecutor(max_workers=16) as pool:
        for n, item in enumerate(batch):
            due = start + n / rate
            time.sleep(max(0.0, due - time.monotonic()))
            sent_at[item["id"]] = time.monotonic()
            pool.submit(host.draft, {k: item.get(k) for k in ("id", "title", "body", "language")})
    deadline = time.monotonic() + drain
    while time.monotonic() < deadline and not all(i in host.arrived for i in sent_at):
        time.sleep(0.1)
    latencies = [host.arrived[i] - sent_at[i] for i in sent_at if i in host.arrived]
    answered = [d.status for d in host.deliveries() if d.item_id in sent_at]
    duplicates = sum(n - 1 for (item, _), n in host.sent_blocks.items() if item in sent_at and n > 1)
    result: dict[str, Any] = {
        "rate": rate,
        "items": count,
        "written_back": len(latencies),
        "missing": count - len(latencies),
        "duplicate_sends": duplicates,
        "webhook_answers": {str(s): answered.count(s) for s in set(answered)},
    }
    if latencies:
        result |= {
            "p50_s": percentile(latencies, 0.50),
            "p95_s": percentile(latencies, 0.95),
            "p99_s": percentile(latencies, 0.99),
            "mean_s": statistics.fmean(latencies),
        }
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shape", choices=("embedded", "production"), default="embedded")
    parser.add_argument("--rates", default="5,20", help="items per second, comma-separated")
    parser.add_argument("--seconds", type=float, default=30.0, help="seconds of drafting per rate")
    parser.add_argument("--drain", type=float, default=120.0, help="seconds to wait for the last blocks")
    parser.add_argument("--workers", type=int, default=2, help="Celery worker processes (production)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    rates = [float(r) for r in args.rates.split(",") if r.strip()]

    from cryptography.fernet import Fernet

    items = corpus_items()
    failures: list[str] = []
    results: list[dict[str, Any]] = []
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="climate-e2e-")))
        host = TimedHost(retry_delays=(0.5, 2.0)).start()
        stack.callback(host.stop)
        key = Fernet.generate_key().decode()
        if args.shape == "production":
            reason = services_reachable()
            if reason:
                print(f"skipped: {reason}", file=sys.stderr)
                return 2
            database_url = stack.enter_context(scratch_database())
            env = service_env(database_url, stack.enter_context(scratch_queue()), key)
        else:
            env = {k: v for k, v in os.environ.items() if not k.startswith("CLIMATE_PLUGIN_")}
            env |= {
                "CLIMATE_PLUGIN_DATABASE_URL": f"sqlite:///{tmp / 'e2e.sqlite3'}",
                "CLIMATE_PLUGIN_ENCRYPTION_KEYS": key,
                "CLIMATE_PLUGIN_SECRET_KEY": uuid.uuid4().hex,
                "CLIMATE_PLUGIN_OUTBOUND_ALLOW": "127.0.0.1",
            }
        service = Target("service", free_port())
        env["CLIMATE_PLUGIN_PUBLIC_URL"] = f"http://{HOST}:{service.port}"
        connector_id, secret = _register(env, tmp, host.base_url)
        host.configure_webhook(f"http://{HOST}:{service.port}/webhooks/{connector_id}", secret)

        serve = [SERVE_CMD, "serve", "--host", HOST, "--port", str(service.port)]
        service.proc = start_server(serve, env, tmp / "serve.log")
        stack.callback(stop_server, service.proc)
        if args.shape == "production":
            for n in range(args.workers):
                command = [SERVE_CMD, "worker", "--concurrency", "1"]
                worker = start_server(command, env, tmp / f"worker{n}.log")
                stack.callback(stop_server, worker)
            beat = start_server([SERVE_CMD, "beat"], env, tmp / "beat.log")
            stack.callback(stop_server, beat)
        wait_ready(service, "/webhooks/999999999")

        print(f"shape {args.shape}; {len(items)} corpus items; {args.seconds:.0f} s per rate")
        for rate in rates:
            result = run_rate(host, items, rate, args.seconds, args.drain)
            results.append(result)
            shown = " ".join(f"{k} {result[k]:.2f}" for k in ("p50_s", "p95_s", "p99_s") if k in result)
            print(
                f"  {rate:5.1f} items/s: {result['written_back']}/{result['items']} written back; {shown}; "
                f"duplicate sends {result['duplicate_sends']}; webhooks {result['webhook_answers']}"
            )
            if result["missing"]:
                failures.append(f"{rate} items/s: {result['missing']} items never written back")
            if result["duplicate_sends"]:
                failures.append(f"{rate} items/s: {result['duplicate_sends']} blocks sent twice")
            if set(result["webhook_answers"]) != {"202"}:
                failures.append(f"{rate} items/s: webhooks answered {result['webhook_answers']}")

    if args.json:
        args.json.write_text(json.dumps({"shape": args.shape, "results": results}, indent=2) + "\n")
    for failure in failures:
        print(f"FAIL: {failure}", file=sys.stderr)
    return 1 if failures else 0


def _register(env: dict[str, str], instance: Path, base_url: str) -> tuple[int, str]:
    """Migrate and register a municipality and a REST connector on the host, writing back; its id and
    webhook secret. In a thread of its own: the app must not leave a context in this process's main thread."""
    from flask_migrate import upgrade

    from climate_plugin.app import MIGRATIONS_DIR, create_app
    from climate_plugin.config import load_settings
    from climate_plugin.db import db
    from climate_plugin.demo.sample_host import rest_connector_config
    from climate_plugin.hosts.connector import create_connector
    from climate_plugin.hosts.service import set_webhook_rate_limit
    from climate_plugin.models import Municipality

    found: list[tuple[int, str]] = []

    def register() -> None:
        app = create_app(load_settings(instance, env))
        with app.app_context():
            upgrade(directory=MIGRATIONS_DIR)
            town = Municipality(slug="e2etown", name="E2E", language="fi")
            db.session.add(town)
            db.session.commit()
            row, secret = create_connector(town, "rest", "e2e agenda", rest_connector_config(base_url))
            set_webhook_rate_limit(row, "100000/minute")  # the load comes from one address
            found.append((row.id, secret))
            db.engine.dispose()

    thread = threading.Thread(target=register)
    thread.start()
    thread.join()
    return found[0]


if __name__ == "__main__":
    sys.exit(main())
