"""Webhook → write-back latency in the production shape: drafted agenda items with real corpus texts, sent
as signed webhooks at steady rates, each item's climate block written back to the agenda host.

The stack, all on this machine: a scratch PostgreSQL database, a Redis of the bench's own on a free port
(no persistence), `climate-plugin serve` (gunicorn), ``--workers`` `climate-plugin worker` processes and one
`climate-plugin beat`. The agenda host is the demo's sample host (in this process): it serves the items
over the REST connector's API and records every write-back (when it arrived; blocks stored; requests,
idempotent replays included). Its items' titles and bodies are the real agenda texts of the screening
corpus (`/work/shared/data/screening-corpus/`, or `bench/corpus/`, the same files), fi, sv and en.

For each rate the host drafts ``rate × seconds`` new items at even intervals and sends each one's webhook
once (no sender retries, so every answer is seen); then it waits up to ``--drain`` seconds for the last
blocks. Per rate (median over ``--runs`` runs): p50/p95/p99 of webhook sent → first block stored at the
host; webhook answers by status (all must be 202); items written back, lost (accepted, never written
back) and duplicated (more than one block stored for an item, which has one content revision); CPU seconds
of each process during the run (gunicorn with its workers, each Celery worker with its pool, beat, Redis,
the PostgreSQL backends of the scratch database, this process: host and senders).

    python bench/e2e.py [--rates 5,20,50] [--seconds 30] [--runs 3] [--workers 2] [--concurrency 2]
                        [--json OUT]

The deployment's webhook rate limit is raised for the bench (CLIMATE_PLUGIN_WEBHOOK_RATE_LIMIT, default
600/minute per sender, would answer 20/s with 429s). Exit codes: 0 done and correct, 1 a correctness check
failed, 2 PostgreSQL or Redis not usable.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.ingest import PG_ADMIN_URL, percentile  # noqa: E402
from bench.stack import (  # noqa: E402
    HOST,
    OwnRedis,
    PostgresCpu,
    Stack,
    corpus_dir,
    free_port,
    load_average,
    machine_busy,
    process_cpu,
    scratch_database,
    service_env,
    setup_app,
)
from climate_plugin.demo.sample_host import SampleHost, rest_connector_config  # noqa: E402

#: issue 15's target: webhook → write-back p95 under 2 s at 20 items/s sustained
TARGET_P95_S, TARGET_RATE = 2.0, 20.0


def corpus_items(directory: Path) -> list[dict[str, Any]]:
    """Agenda items with a title and a body, from the corpus's fi, sv and en texts (labels not used)."""
    items = []
    for name in ("fi_text.jsonl", "sv.jsonl", "en.jsonl"):
        for line in (directory / name).read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            if record.get("title") and record.get("body"):
                items.append({k: record.get(k) for k in ("title", "body", "language")})
    return items


class RecordingHost(SampleHost):
    """The sample host, noting when each item's first block was stored and every write-back request."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.first_block: dict[str, float] = {}

    def _put_climate(self, item_id: str, raw: bytes, idempotency_key: str | None):
        answer = super()._put_climate(item_id, raw, idempotency_key)
        if answer[0] in (200, 201):
            now = time.monotonic()
            with self._lock:
                self.first_block.setdefault(item_id, now)
        return answer


def register(app, host: RecordingHost, public_url: str) -> None:
    from climate_plugin.db import db
    from climate_plugin.hosts.connector import create_connector
    from climate_plugin.models import Municipality

    with app.app_context():
        town = Municipality(slug="benchtown", name="Benchtown", language="fi")
        db.session.add(town)
        db.session.commit()
        row, secret = create_connector(town, "rest", "bench agenda", rest_connector_config(host.base_url))
        host.configure_webhook(f"{public_url}/webhooks/{row.id}", secret)


def wait_ready(url: str, proc, timeout: float = 60) -> None:
    import requests

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with {proc.returncode}")
        try:
            requests.get(url, timeout=2)
            return
        except requests.RequestException:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f} s")


def draft_at_rate(host: RecordingHost, batch: list[dict], rate: float) -> dict[str, float]:
    """Draft the items at even intervals from a pool of sender threads; return each id's send time."""
    sent_at: dict[str, float] = {}
    start = time.monotonic()
    with ThreadPoolExecutor(max_workers=32, thread_name_prefix="sender") as pool:
        for n, item in enumerate(batch):
            delay = start + n / rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            sent_at[item["id"]] = time.monotonic()
            pool.submit(host.draft, item)
    return sent_at


def run_once(
    host: RecordingHost,
    stack: Stack,
    pg: PostgresCpu,
    redis: OwnRedis,
    items: list[dict],
    rate: float,
    seconds: float,
    drain: float,
) -> dict[str, Any]:
    count = max(1, round(rate * seconds))
    tag = uuid.uuid4().hex[:6]
    batch = [{**items[i % len(items)], "id": f"e2e-{tag}-{i}"} for i in range(count)]
    cpu0, pg0, redis0 = stack.cpu(), pg.sample(), process_cpu(redis.proc.pid)
    self0, busy0, wall0 = resource.getrusage(resource.RUSAGE_SELF), machine_busy()[0], time.monotonic()
    load_before = load_average()
    sent_at = draft_at_rate(host, batch, rate)
    sending_s = time.monotonic() - wall0
    deadline = time.monotonic() + drain
    while time.monotonic() < deadline and not all(i in host.first_block for i in sent_at):
        time.sleep(0.1)
    wall = time.monotonic() - wall0
    self1 = resource.getrusage(resource.RUSAGE_SELF)
    cpu1 = stack.cpu()
    cpu = {name: cpu1[name] - cpu0.get(name, 0.0) for name in cpu1}
    cpu["redis"] = process_cpu(redis.proc.pid) - redis0
    cpu["postgres backends"] = pg.sample() - pg0
    cpu["bench (host + senders)"] = (self1.ru_utime - self0.ru_utime) + (self1.ru_stime - self0.ru_stime)
    answers: dict[str, int] = {}
    for d in host.deliveries():
        if d.item_id in sent_at:
            answers[str(d.status)] = answers.get(str(d.status), 0) + 1
    accepted = {d.item_id for d in host.deliveries() if d.item_id in sent_at and d.status == 202}
    latencies = sorted(host.first_block[i] - sent_at[i] for i in sent_at if i in host.first_block)
    blocks = {i: host.write_back_count(i) for i in sent_at}
    requests_ = {i: host.write_back_requests(i) for i in sent_at}
    result: dict[str, Any] = {
        "rate": rate,
        "items": count,
        "sending_s": round(sending_s, 2),
        "wall_s": round(wall, 2),
        "webhook_answers": answers,
        "written_back": sum(1 for n in blocks.values() if n >= 1),
        "lost": sum(1 for i in accepted if blocks[i] == 0),
        "duplicated": sum(1 for n in blocks.values() if n > 1),
        "replayed_requests": sum(requests_.values()) - sum(blocks.values()),
        "cpu_s": {k: round(v, 2) for k, v in cpu.items()},
        "machine_busy_share": round((machine_busy()[0] - busy0) / (wall * (os_cpus())), 3),
        "load_before": load_before,
        "load_after": load_average(),
    }
    if latencies:
        result |= {f"p{q}_s": round(percentile(latencies, q), 3) for q in (50, 95, 99)}
        result["max_s"] = round(latencies[-1], 3)
    return result


def os_cpus() -> int:
    return os.cpu_count() or 1


def summarise(runs: list[dict[str, Any]]) -> dict[str, Any]:
    def med(key: str) -> float | None:
        values = [r[key] for r in runs if key in r]
        return round(statistics.median(values), 3) if values else None

    names = runs[0]["cpu_s"].keys()
    answers: dict[str, int] = {}
    for r in runs:
        for status, n in r["webhook_answers"].items():
            answers[status] = answers.get(status, 0) + n
    return {
        "rate": runs[0]["rate"],
        "runs": len(runs),
        "items": sum(r["items"] for r in runs),
        "p50_s": med("p50_s"),
        "p95_s": med("p95_s"),
        "p99_s": med("p99_s"),
        "max_s": max((r["max_s"] for r in runs if "max_s" in r), default=None),
        "webhook_answers": answers,
        "written_back": sum(r["written_back"] for r in runs),
        "lost": sum(r["lost"] for r in runs),
        "duplicated": sum(r["duplicated"] for r in runs),
        "replayed_requests": sum(r["replayed_requests"] for r in runs),
        "cpu_ms_per_item": {
            n: round(statistics.median(r["cpu_s"][n] / r["items"] for r in runs) * 1000, 1) for n in names
        },
        "machine_busy_share": med("machine_busy_share"),
        "load_before": [r["load_before"][0] for r in runs],
    }


def print_table(summaries: list[dict[str, Any]]) -> None:
    print(
        f"\n{'rate/s':>6} {'items':>6} {'p50 s':>7} {'p95 s':>7} {'p99 s':>7} {'max s':>7} "
        f"{'written':>7} {'lost':>5} {'dup':>4} {'busy':>5}  answers"
    )
    for s in summaries:

        def f(v: float | None) -> str:
            return f"{v:7.2f}" if v is not None else "      –"

        print(
            f"{s['rate']:6.0f} {s['items']:6d} {f(s['p50_s'])} {f(s['p95_s'])} {f(s['p99_s'])} "
            f"{f(s['max_s'])} {s['written_back']:7d} {s['lost']:5d} {s['duplicated']:4d} "
            f"{(s['machine_busy_share'] or 0):5.0%}  {s['webhook_answers']}"
        )
    print("\nCPU ms per item (median of runs):")
    names = list(summaries[0]["cpu_ms_per_item"])
    print(f"{'rate/s':>6} " + " ".join(f"{n[:14]:>14}" for n in names))
    for s in summaries:
        print(f"{s['rate']:6.0f} " + " ".join(f"{s['cpu_ms_per_item'][n]:14.1f}" for n in names))


@dataclass
class Running:
    host: RecordingHost
    stack: Stack
    redis: OwnRedis
    pg: PostgresCpu
    app: Any
    public_url: str


@contextmanager
def running_stack(
    tmp: Path, workers: int, concurrency: int, web_workers: int, web_threads: int, **settings: str
) -> Iterator[Running]:
    """The production shape, ready: own Redis, scratch database, the host registered, gunicorn answering,
    the Celery workers and beat started. ``settings`` are further CLIMATE_PLUGIN_* values."""
    with ExitStack() as stack_:
        redis = OwnRedis(tmp).start()
        stack_.callback(redis.stop)
        database_url = stack_.enter_context(scratch_database())
        host = RecordingHost(retry_delays=()).start()
        stack_.callback(host.stop)
        port = free_port()
        public_url = f"http://{HOST}:{port}"
        env = service_env(
            database_url,
            redis.url,
            f"e2e-{uuid.uuid4().hex[:8]}",
            public_url,
            **({"webhook_rate_limit": "100000/minute"} | settings),
        )
        app = setup_app(env, tmp)
        register(app, host, public_url)
        with app.app_context():
            from climate_plugin.db import db

            db.engine.dispose()
        stack = Stack(env, tmp)
        stack_.callback(stack.stop_all)
        serve = stack.serve(port, web_workers, web_threads)
        for n in range(workers):
            stack.worker(f"worker-{n + 1}", concurrency)
        stack.start("beat", "beat")
        wait_ready(f"{public_url}/webhooks/999999999", serve)
        pg = stack_.enter_context(PostgresCpu(database_url.rsplit("/", 1)[1]))
        # stack.stop_all runs before the database is dropped (callbacks run last in, first out)
        yield Running(host, stack, redis, pg, app, public_url)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rates", default="5,20,50", help="items per second, comma-separated")
    parser.add_argument("--seconds", type=float, default=30.0, help="seconds of drafting per rate and run")
    parser.add_argument("--runs", type=int, default=3, help="runs per rate (the table shows medians)")
    parser.add_argument("--drain", type=float, default=300.0, help="seconds to wait for the last blocks")
    parser.add_argument("--warmup", type=int, default=20, help="items drafted (5/s) before measuring")
    parser.add_argument("--workers", type=int, default=2, help="Celery worker processes")
    parser.add_argument("--concurrency", type=int, default=2, help="pool processes per Celery worker")
    parser.add_argument("--web-workers", type=int, default=5, help="gunicorn workers (serve's default)")
    parser.add_argument("--web-threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--corpus", type=Path, help="screening corpus folder (default: shared, else bench/)")
    parser.add_argument("--logs", type=Path, help="keep the processes' logs in this folder")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    rates = [float(r) for r in args.rates.split(",") if r.strip()]
    if not rates or min(rates) <= 0 or args.seconds <= 0 or min(args.runs, args.workers) < 1:
        parser.error("rates, seconds, runs and workers must be positive")
    if max(rates) * args.seconds * args.runs > 50_000:
        parser.error("at most 50000 items per rate")

    reason = services_reachable_postgres()
    if reason:
        print(f"skipped: {reason}", file=sys.stderr)
        return 2
    items = corpus_items(corpus_dir(args.corpus))
    failures: list[str] = []
    summaries: list[dict[str, Any]] = []
    all_runs: list[dict[str, Any]] = []
    with ExitStack() as stack_:
        tmp = args.logs or Path(stack_.enter_context(tempfile.TemporaryDirectory(prefix="climate-e2e-")))
        tmp.mkdir(parents=True, exist_ok=True)
        run = stack_.enter_context(
            running_stack(tmp, args.workers, args.concurrency, args.web_workers, args.web_threads)
        )
        host, stack, pg, redis = run.host, run.stack, run.pg, run.redis
        print(
            f"stack: gunicorn {args.web_workers}x{args.web_threads}, {args.workers} Celery workers x "
            f"{args.concurrency}, beat; Redis :{redis.port}; {len(items)} corpus items; load {load_average()}"
        )
        if args.warmup:
            warm = run_once(host, stack, pg, redis, items, 5.0, args.warmup / 5.0, args.drain)
            print(f"warm-up: {warm['written_back']}/{warm['items']} written back, p50 {warm.get('p50_s')} s")
        for rate in rates:
            runs = []
            for n in range(args.runs):
                r = run_once(host, stack, pg, redis, items, rate, args.seconds, args.drain)
                runs.append(r)
                print(
                    f"  {rate:5.0f}/s run {n + 1}: p50 {r.get('p50_s')} p95 {r.get('p95_s')} "
                    f"p99 {r.get('p99_s')} s; {r['written_back']}/{r['items']} written back, lost "
                    f"{r['lost']}, dup {r['duplicated']}; answers {r['webhook_answers']}; "
                    f"load {r['load_before']}"
                )
                if set(r["webhook_answers"]) != {"202"}:
                    failures.append(f"{rate}/s run {n + 1}: webhook answers {r['webhook_answers']}")
                if r["lost"] or r["duplicated"] or r["written_back"] != r["items"]:
                    failures.append(
                        f"{rate}/s run {n + 1}: {r['written_back']}/{r['items']} written back, "
                        f"{r['lost']} lost, {r['duplicated']} duplicated"
                    )
            all_runs += runs
            summaries.append(summarise(runs))
        print_table(summaries)
        at_target = next((s for s in summaries if s["rate"] == TARGET_RATE), None)
        if at_target and at_target["p95_s"] is not None:
            verdict = "met" if at_target["p95_s"] < TARGET_P95_S else "MISSED"
            print(
                f"\ntarget p95 < {TARGET_P95_S} s at {TARGET_RATE:.0f}/s: {verdict} "
                f"(p95 {at_target['p95_s']} s)"
            )
        report = {
            "machine": {
                "cpus": os_cpus(),
                "platform": platform.platform(),
                "python": platform.python_version(),
            },
            "settings": vars(args)
            | {"json": str(args.json) if args.json else None, "corpus": str(corpus_dir(args.corpus))},
            "summary": summaries,
            "runs": all_runs,
            "failures": failures,
        }
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")
    for failure in failures:
        print(f"FAIL: {failure}", file=sys.stderr)
    return 1 if failures else 0


def services_reachable_postgres() -> str | None:
    """Why PostgreSQL cannot be used (Redis is our own), or None."""
    import psycopg

    try:
        with psycopg.connect(PG_ADMIN_URL, connect_timeout=3):
            return None
    except psycopg.Error as exc:
        return f"PostgreSQL not reachable at {PG_ADMIN_URL}: {exc}".strip()


if __name__ == "__main__":
    sys.exit(main())
