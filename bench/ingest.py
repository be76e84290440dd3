"""Webhook acceptance throughput: the real endpoint (verify, persist, enqueue) against a bare 202 endpoint.

Both run under gunicorn with the same workers and threads, in the same run, with PostgreSQL and Redis as in
production (`climate-plugin serve` with CLIMATE_PLUGIN_BROKER_URL set). No Celery worker is started, so
nothing is processed; the bench checks that every delivery was stored and enqueued exactly once, then
removes its scratch database and queue. Run from the repository root:

    python bench/ingest.py [--requests N] [--rounds R] [--concurrency C] [--workers W] [--threads T]
                           [--client-procs P] [--profile N] [--webhook-rate-limit RATE] [--json OUT]

The bench connector gets its own webhook rate (default 1000000/minute) through the hosts service, as an
operator gives a host replaying a backlog: the deployment's default (600/minute per sender) would answer
most of this load 429. Every answer must be 202 and every delivery stored and queued exactly once.

Exit codes: 0 done and correct, 1 a correctness check failed, 2 PostgreSQL or Redis not reachable.
"""

from __future__ import annotations

import argparse
import cProfile
import http.client
import json
import multiprocessing as mp
import os
import platform
import pstats
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN_URL = os.environ.get("CLIMATE_PLUGIN_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("CLIMATE_PLUGIN_BENCH_REDIS", "redis://127.0.0.1:6379/11")
HOST = "127.0.0.1"
CLK_TCK = os.sysconf("SC_CLK_TCK")
#: the installed console script, next to this interpreter in the venv
SERVE_CMD = str(Path(sys.executable).with_name("climate-plugin"))

#: one request: path, body, headers
Request = tuple[str, bytes, dict[str, str]]


# --- setup: scratch database, connector, secret ----------------------------------------------------------
@dataclass
class Target:
    name: str
    port: int
    proc: subprocess.Popen | None = None


def services_reachable() -> str | None:
    """Why PostgreSQL or Redis cannot be used, or None when both answer."""
    import psycopg
    import redis

    try:
        with psycopg.connect(PG_ADMIN_URL, connect_timeout=3):
            pass
    except psycopg.Error as exc:
        return f"PostgreSQL not reachable at {PG_ADMIN_URL}: {exc}".strip()
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        return f"Redis not reachable at {REDIS_URL}: {exc}"
    return None


@contextmanager
def scratch_database() -> Iterator[str]:
    """A fresh PostgreSQL database (its URL), dropped afterwards even if servers still hold connections."""
    import psycopg

    name = f"climate_plugin_bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}"
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def scratch_queue() -> Iterator[str]:
    """A queue name of our own; every Redis key kombu made for it is deleted afterwards."""
    import redis

    name = f"climate-plugin-bench-{uuid.uuid4().hex[:12]}"
    try:
        yield name
    finally:
        client = redis.Redis.from_url(REDIS_URL)
        # The list itself, plus kombu's binding set and priority sub-queues, all contain the unique name.
        keys = list(client.scan_iter(match=f"*{name}*", count=1000))
        if keys:
            client.delete(*keys)


def service_env(database_url: str, queue_name: str, encryption_key: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLIMATE_PLUGIN_")}
    env.update(
        CLIMATE_PLUGIN_DATABASE_URL=database_url,
        CLIMATE_PLUGIN_BROKER_URL=REDIS_URL,
        CLIMATE_PLUGIN_QUEUE_NAME=queue_name,
        CLIMATE_PLUGIN_ENCRYPTION_KEYS=encryption_key,
        CLIMATE_PLUGIN_SECRET_KEY=uuid.uuid4().hex,
        CLIMATE_PLUGIN_OUTBOUND_ALLOW="127.0.0.1",
        CLIMATE_PLUGIN_PUBLIC_URL="http://127.0.0.1:5000",
    )
    return env


def create_setup_app(env: dict[str, str], instance: Path):
    """An in-process app on the same settings as the server: for migrations, registration and the profile."""
    from climate_plugin.app import create_app
    from climate_plugin.config import load_settings

    return create_app(load_settings(instance, env))


def register_connector(app, rate_limit: str) -> tuple[int, str]:
    """Migrate, create a municipality and a REST connector with its own webhook rate (through the hosts
    service, as an operator would: the deployment's default of 600/minute per sender answers this load 429);
    return (connector id, webhook secret)."""
    from flask_migrate import upgrade

    from climate_plugin.app import MIGRATIONS_DIR
    from climate_plugin.db import db
    from climate_plugin.demo.sample_host import rest_connector_config
    from climate_plugin.hosts.connector import create_connector
    from climate_plugin.hosts.service import set_webhook_rate_limit
    from climate_plugin.models import Municipality

    # Port 9 (discard): the worker is not started, so nothing is fetched; the config only has to validate.
    config = rest_connector_config("http://127.0.0.1:9")
    with app.app_context():
        upgrade(directory=MIGRATIONS_DIR)
        town = Municipality(slug="benchtown", name="Benchtown", language="fi")
        db.session.add(town)
        db.session.commit()
        row, secret = create_connector(town, "rest", "bench agenda", config)
        set_webhook_rate_limit(row, rate_limit)
        return row.id, secret


# --- servers ---------------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def start_server(argv: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    # Its own session, so stopping it takes the gunicorn master and all its workers, and nothing else.
    with log.open("ab") as out:
        return subprocess.Popen(
            argv, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def stop_server(proc: subprocess.Popen | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)
    except ProcessLookupError:
        pass


def wait_ready(target: Target, path: str, timeout: float = 30) -> None:
    """Wait until the server answers ``path`` (any status), failing early if it exited."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if target.proc is not None and target.proc.poll() is not None:
            raise RuntimeError(f"{target.name} server exited with code {target.proc.returncode}")
        try:
            conn = http.client.HTTPConnection(HOST, target.port, timeout=2)
            conn.request("POST", path, body=b"{}", headers={"content-type": "application/json"})
            conn.getresponse().read()
            conn.close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{target.name} server did not answer within {timeout:.0f}s")


#: processes of the backing services, by command name, whose CPU is counted as "db+redis"
BACKING_SERVICES = ("postgres", "redis-server")


def _processes() -> Iterator[tuple[int, int, str, float]]:
    """(pid, ppid, command name, CPU seconds) of every process we can see."""
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                raw = fh.read()
        except OSError:
            continue  # a process that ended while we looked
        # The command name may contain spaces and parentheses; everything after the last ")" is positional.
        head, _, tail = raw.rpartition(")")
        fields = tail.split()
        yield (
            int(entry),
            int(fields[1]),
            head.partition("(")[2],
            (int(fields[11]) + int(fields[12])) / CLK_TCK,
        )


def cpu_snapshot(server_pid: int | None) -> tuple[float, float]:
    """CPU seconds so far of (the server: gunicorn master and workers, PostgreSQL and Redis processes)."""
    server = backing = 0.0
    for pid, ppid, name, cpu in _processes():
        if server_pid is not None and server_pid in (pid, ppid):
            server += cpu
        elif name in BACKING_SERVICES:
            backing += cpu
    return server, backing


def machine_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, from /proc/stat."""
    with open("/proc/stat") as fh:
        values = [int(v) for v in fh.readline().split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return (sum(values) - idle) / CLK_TCK, sum(values) / CLK_TCK


# --- load generator --------------------------------------------------------------------------------------
def sign_requests(secret: str, connector_id: int, count: int, tag: str) -> list[Request]:
    """``count`` distinct webhooks, signed now so their timestamps are fresh when sent."""
    from standardwebhooks.webhooks import Webhook

    signer = Webhook(secret)
    now = datetime.now(UTC)
    stamp = str(int(now.timestamp()))
    path = f"/webhooks/{connector_id}"
    out: list[Request] = []
    for i in range(count):
        msg_id = f"msg_bench_{tag}_{i}_{uuid.uuid4().hex[:8]}"
        body = json.dumps(
            {"type": "agenda_item.drafted", "timestamp": now.isoformat(), "data": {"id": f"item-{tag}-{i}"}}
        ).encode()
        headers = {
            "content-type": "application/json",
            "webhook-id": msg_id,
            "webhook-timestamp": stamp,
            "webhook-signature": signer.sign(msg_id, now, body.decode()),
        }
        out.append((path, body, headers))
    return out


def _client_process(port: int, slices: list[list[Request]], barrier: Any, results: Any, index: int) -> None:
    """One client process: a thread per connection, each sending its slice back to back (closed loop)."""
    per_thread: list[tuple[list[float], Counter]] = [([], Counter()) for _ in slices]

    def run(requests: list[Request], latencies: list[float], statuses: Counter) -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        for path, body, headers in requests:
            started = time.perf_counter()
            try:
                conn.request("POST", path, body=body, headers=headers)
                resp = conn.getresponse()
                resp.read()
                statuses[resp.status] += 1
            except (OSError, http.client.HTTPException) as exc:
                # Not retried: a POST the server may have stored would come back as a 200 duplicate.
                statuses[f"error:{type(exc).__name__}"] += 1
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=30)
            latencies.append(time.perf_counter() - started)
        conn.close()

    threads = [
        threading.Thread(target=run, args=(s, lat, st))
        for s, (lat, st) in zip(slices, per_thread, strict=True)
    ]
    barrier.wait()  # all processes start together; forking and imports are outside the measurement
    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    start = time.perf_counter()  # CLOCK_MONOTONIC: comparable across processes
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    end = time.perf_counter()
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
    latencies = [x for lat, _ in per_thread for x in lat]
    statuses: Counter = sum((st for _, st in per_thread), Counter())
    results.put((index, start, end, cpu, latencies, dict(statuses)))


@dataclass
class RoundResult:
    target: str
    requests: int
    seconds: float
    throughput: float
    p50_ms: float
    p99_ms: float
    statuses: dict[str, int]
    client_cpu_s: float
    server_cpu_s: float
    #: CPU seconds of the PostgreSQL and Redis processes during the round
    backing_cpu_s: float
    machine_busy_s: float
    #: CPU seconds of everything else during the round: the kernel, and anything else running on the machine
    other_cpu_s: float = field(init=False)

    def __post_init__(self) -> None:
        self.other_cpu_s = max(
            0.0, self.machine_busy_s - self.client_cpu_s - self.server_cpu_s - self.backing_cpu_s
        )


def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile of already sorted values."""
    rank = max(1, min(len(sorted_values), round(q / 100 * len(sorted_values) + 0.5)))
    return sorted_values[rank - 1]


def run_round(target: Target, requests: list[Request], concurrency: int, client_procs: int) -> RoundResult:
    """Send ``requests`` over ``concurrency`` keep-alive connections from ``client_procs`` processes."""
    ctx = mp.get_context("fork")  # children inherit the pre-signed requests instead of pickling them
    procs_n = min(client_procs, concurrency)
    connections = [requests[i::concurrency] for i in range(concurrency)]
    groups = [connections[i::procs_n] for i in range(procs_n)]
    barrier = ctx.Barrier(procs_n + 1)
    results = ctx.Queue()
    procs = [
        ctx.Process(target=_client_process, args=(target.port, g, barrier, results, i))
        for i, g in enumerate(groups)
    ]
    for p in procs:
        p.start()
    server_cpu0, backing0 = cpu_snapshot(target.proc.pid if target.proc else None)
    busy0, _ = machine_busy()
    barrier.wait(timeout=60)
    collected = [results.get(timeout=600) for _ in procs]
    busy1, _ = machine_busy()
    server_cpu1, backing1 = cpu_snapshot(target.proc.pid if target.proc else None)
    for p in procs:
        p.join(timeout=30)

    start = min(r[1] for r in collected)
    end = max(r[2] for r in collected)
    latencies = sorted(x for r in collected for x in r[4])
    statuses: Counter = Counter()
    for r in collected:
        statuses.update({str(k): v for k, v in r[5].items()})
    seconds = end - start
    return RoundResult(
        target=target.name,
        requests=len(latencies),
        seconds=seconds,
        throughput=len(latencies) / seconds,
        p50_ms=percentile(latencies, 50) * 1000,
        p99_ms=percentile(latencies, 99) * 1000,
        statuses=dict(statuses),
        client_cpu_s=sum(r[3] for r in collected),
        server_cpu_s=server_cpu1 - server_cpu0,
        backing_cpu_s=backing1 - backing0,
        machine_busy_s=busy1 - busy0,
    )


# --- in-process profile ----------------------------------------------------------------------------------
def profile_service(app, secret: str, connector_id: int, count: int) -> dict[str, Any]:
    """Profile ``count`` requests through the WSGI app in this process; time per callee of the view.

    cProfile inflates pure-Python code more than C and I/O waits, so read the shares, not the absolute ms.
    """
    requests = sign_requests(secret, connector_id, count + 20, "profile")
    client = app.test_client()
    for path, body, headers in requests[:20]:  # warm: imports, connection pools, Celery's producer
        assert client.post(path, data=body, headers=headers).status_code == 202
    measured = requests[20:]

    cpu0, t0 = time.process_time(), time.perf_counter()
    for path, body, headers in measured:
        client.post(path, data=body, headers=headers)
    wall_plain = (time.perf_counter() - t0) / count
    cpu_plain = (time.process_time() - cpu0) / count

    measured = sign_requests(secret, connector_id, count, "profile2")
    profiler = cProfile.Profile()
    profiler.enable()
    for path, body, headers in measured:
        status = client.post(path, data=body, headers=headers).status_code
        assert status == 202, status
    profiler.disable()
    stats = pstats.Stats(profiler)

    view_key = next(
        k for k in stats.stats if k[2] == "receive" and k[0].endswith(os.path.join("webhooks", "endpoint.py"))
    )
    view_total = stats.stats[view_key][3]
    # Every function the view calls directly, with its cumulative time when called from the view.
    phases: list[tuple[str, float]] = []
    for key, (_cc, _nc, _tt, _ct, callers) in stats.stats.items():
        if view_key in callers:
            filename, line, name = key
            where = "/".join(Path(filename).parts[-2:]) if filename != "~" else "builtin"
            phases.append((f"{name} ({where}:{line})", callers[view_key][3]))
    phases.sort(key=lambda p: p[1], reverse=True)
    total = stats.total_tt
    return {
        "requests": count,
        "unprofiled_wall_ms_per_request": wall_plain * 1000,
        "unprofiled_cpu_ms_per_request": cpu_plain * 1000,
        "profiled_total_ms_per_request": total / count * 1000,
        "view_ms_per_request": view_total / count * 1000,
        "view_callees_ms_per_request": [(name, ct / count * 1000) for name, ct in phases],
    }


def _timed(count: int, step: Any) -> tuple[float, float]:
    """(wall ms, CPU ms) per call of ``step(i)``, averaged over ``count`` calls, without a profiler."""
    cpu0, t0 = time.process_time(), time.perf_counter()
    for i in range(count):
        step(i)
    return (time.perf_counter() - t0) / count * 1000, (time.process_time() - cpu0) / count * 1000


def component_costs(app, secret: str, connector_id: int, count: int) -> dict[str, tuple[float, float]]:
    """Each step of the view on its own, in this process, next to the floor a leaner tool would have.

    Every ORM step runs in its own app context, as a request does: pool check-out (with pre-ping) and the
    session teardown are part of what a request pays.
    """
    import psycopg
    import redis

    from climate_plugin import queue
    from climate_plugin.db import db
    from climate_plugin.hosts.connector import build_connector, webhook_secrets
    from climate_plugin.models import Connector, Delivery
    from climate_plugin.models._types import utcnow

    body = json.dumps({"type": "agenda_item.drafted", "data": {"id": "item"}}).encode()
    signed = sign_requests(secret, connector_id, count, "parts")
    out: dict[str, tuple[float, float]] = {}

    def in_ctx(fn: Any) -> Any:
        return lambda i: _with_ctx(app, lambda: fn(i))

    def delivery(i: int, tag: str) -> Delivery:
        now = utcnow()
        return Delivery(connector_id=connector_id, delivery_id=f"{tag}-{i}-{uuid.uuid4().hex[:6]}",
                        event_type="agenda_item.drafted", action="upsert", external_id=f"item-{i}",
                        occurred_at=now, body=body, headers={"content-type": "application/json"},
                        received_at=now, enqueued_at=now)  # fmt: skip

    out["connector lookup: session.get (checkout, pre-ping, SELECT, teardown)"] = _timed(
        count, in_ctx(lambda i: db.session.get(Connector, connector_id))
    )
    with app.app_context():
        row = db.session.get(Connector, connector_id)
        out["webhook_secrets (Fernet decrypt)"] = _timed(count, lambda i: webhook_secrets(row))
        out["build_connector (marshmallow config load)"] = _timed(count, lambda i: build_connector(row))
        connector = build_connector(row)
        secrets = webhook_secrets(row)

        def verify_parse(i: int) -> None:
            _path, raw, headers = signed[i]
            connector.verify_webhook(raw, headers, secrets)
            connector.parse_webhook(raw, headers)

        out["verify_webhook + parse_webhook"] = _timed(count, verify_parse)
        db.session.remove()

    def insert_commit(i: int) -> None:
        db.session.add(delivery(i, "commit"))
        db.session.commit()

    out["Delivery insert + commit (ORM)"] = _timed(count, in_ctx(insert_commit))

    def insert_commit_reload(i: int) -> None:
        d = delivery(i, "reload")
        db.session.add(d)
        db.session.commit()
        _ = d.id  # expire_on_commit: the view's delivery.id reloads the whole row with a SELECT

    out["... + delivery.id after commit (expired: SELECT)"] = _timed(count, in_ctx(insert_commit_reload))
    out["queue.enqueue (Celery apply_async to Redis)"] = _timed(
        count, in_ctx(lambda i: queue.enqueue("process_delivery", 1))
    )

    # Floors: the same work with the drivers alone.
    pg_url = app.config["SQLALCHEMY_DATABASE_URI"].replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(pg_url) as conn:

        def raw_insert(i: int) -> None:
            conn.execute(
                "INSERT INTO delivery (connector_id, delivery_id, event_type, action, external_id, body,"
                " headers, status, attempts, received_at, enqueued_at)"
                " VALUES (%s, %s, 'agenda_item.drafted', 'upsert', %s, %s, '{}', 'received', 0, now(), now())"
                " RETURNING id",
                (connector_id, f"raw-{i}-{uuid.uuid4().hex[:6]}", f"item-{i}", body),
            ).fetchone()
            conn.commit()

        out["floor: psycopg INSERT ... RETURNING + commit"] = _timed(count, raw_insert)
    client = redis.Redis.from_url(REDIS_URL)
    scratch = f"climate-plugin-bench-floor-{uuid.uuid4().hex[:8]}"
    message = b"x" * 1000  # a Celery task message for one id is about 1 kB
    out["floor: redis LPUSH of a 1 kB message"] = _timed(count, lambda i: client.lpush(scratch, message))
    client.delete(scratch)
    return out


def _with_ctx(app, fn: Any) -> Any:
    with app.app_context():
        return fn()


def count_stored(app) -> int:
    from climate_plugin.db import db
    from climate_plugin.models import Delivery

    with app.app_context():
        n = db.session.query(Delivery).count()
        db.session.remove()
        return n


def queue_length(queue_name: str) -> int:
    import redis

    return int(redis.Redis.from_url(REDIS_URL).llen(queue_name))


# --- main ------------------------------------------------------------------------------------------------
def summarise(results: list[RoundResult]) -> dict[str, float]:
    med = statistics.median
    return {
        "throughput_rps": med(r.throughput for r in results),
        "p50_ms": med(r.p50_ms for r in results),
        "p99_ms": med(r.p99_ms for r in results),
        "server_cpu_ms_per_request": med(r.server_cpu_s / r.requests * 1000 for r in results),
        "client_cpu_ms_per_request": med(r.client_cpu_s / r.requests * 1000 for r in results),
        "backing_cpu_ms_per_request": med(r.backing_cpu_s / r.requests * 1000 for r in results),
        "other_cpu_ms_per_request": med(r.other_cpu_s / r.requests * 1000 for r in results),
        "machine_busy_share": med(r.machine_busy_s / (r.seconds * (os.cpu_count() or 1)) for r in results),
    }


def print_table(summary: dict[str, dict[str, float]], ratio: float) -> None:
    cols = [
        ("throughput_rps", "req/s", "{:8.0f}"),
        ("p50_ms", "p50 ms", "{:8.2f}"),
        ("p99_ms", "p99 ms", "{:8.2f}"),
        ("server_cpu_ms_per_request", "server", "{:6.3f}"),
        ("backing_cpu_ms_per_request", "pg+redis", "{:8.3f}"),
        ("client_cpu_ms_per_request", "client", "{:6.3f}"),
        ("other_cpu_ms_per_request", "other", "{:6.3f}"),
        ("machine_busy_share", "busy", "{:5.0%}"),
    ]
    header = f"{'target':8} " + " ".join(f"{title:>{len(fmt.format(0))}}" for _, title, fmt in cols)
    print(" " * 36 + "CPU ms per request (median of rounds)")
    print(header)
    print("-" * len(header))
    for name, row in summary.items():
        print(f"{name:8} " + " ".join(fmt.format(row[key]) for key, _, fmt in cols))
    verdict = "holds" if ratio >= 0.5 else "MISSED"
    print(f"\nservice/bare throughput ratio: {ratio:.2f} (target >= 0.50: {verdict})")


def main(argv: list[str] | None = None) -> int:
    cpus = os.cpu_count() or 1
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000, help="requests per measured round and target")
    parser.add_argument("--rounds", type=int, default=5, help="measured rounds per target (alternating)")
    parser.add_argument("--warmup", type=int, default=400, help="warm-up requests per target")
    parser.add_argument("--concurrency", type=int, default=16, help="concurrent keep-alive connections")
    parser.add_argument(
        "--client-procs", type=int, default=2, help="client processes sharing the connections"
    )
    parser.add_argument(
        "--workers", type=int, default=2 * cpus + 1, help="gunicorn workers (serve's default)"
    )
    parser.add_argument(
        "--threads", type=int, default=4, help="gunicorn threads per worker (serve's default)"
    )
    parser.add_argument("--profile", type=int, default=300, help="requests to profile in-process (0: skip)")
    parser.add_argument(
        "--webhook-rate-limit",
        default="1000000/minute",
        help="the bench connector's own webhook rate (climate-plugin connector rate-limit)",
    )
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    if min(args.requests, args.rounds, args.concurrency, args.client_procs, args.workers, args.threads) < 1:
        parser.error("counts must be positive")
    if args.requests * args.rounds > 200_000:
        parser.error("at most 200000 measured requests per target")

    sys.path.insert(0, str(ROOT))  # so the in-process imports resolve like they do in gunicorn's cwd
    reason = services_reachable()
    if reason:
        print(f"skipped: {reason}", file=sys.stderr)
        return 2

    from cryptography.fernet import Fernet

    key = Fernet.generate_key().decode()
    failures: list[str] = []
    report: dict[str, Any] = {}
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="climate-bench-")))
        database_url = stack.enter_context(scratch_database())
        queue_name = stack.enter_context(scratch_queue())
        env = service_env(database_url, queue_name, key)
        app = create_setup_app(env, tmp)
        connector_id, secret = register_connector(app, args.webhook_rate_limit)

        gunicorn_args = ["--workers", str(args.workers), "--threads", str(args.threads)]
        service = Target("service", free_port())
        bare = Target("bare", free_port())
        service.proc = start_server(
            [SERVE_CMD, "serve", "--host", HOST, "--port", str(service.port), *gunicorn_args],
            env,
            tmp / "service.log",
        )
        stack.callback(stop_server, service.proc)
        # Same gunicorn settings as `serve` sets: bind, workers, threads, access log to stdout.
        bare.proc = start_server(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-b",
                f"{HOST}:{bare.port}",
                *gunicorn_args,
                "--access-logfile",
                "-",
                "bench.bare_app:app",
            ],
            {k: v for k, v in os.environ.items() if not k.startswith("CLIMATE_PLUGIN_")},
            tmp / "bare.log",
        )
        stack.callback(stop_server, bare.proc)
        wait_ready(service, "/webhooks/999999999")  # unknown connector: a 404 that stores nothing
        wait_ready(bare, "/webhooks/0")

        sent_to_service = 0
        print(
            f"gunicorn {args.workers} workers x {args.threads} threads; {args.concurrency} connections from "
            f"{args.client_procs} client processes; {args.rounds} rounds x {args.requests} requests; "
            f"{cpus} CPUs"
        )
        for target in (bare, service):
            warm = run_round(
                target,
                sign_requests(secret, connector_id, args.warmup, f"warm{target.name}"),
                args.concurrency,
                args.client_procs,
            )
            if target is service:
                sent_to_service += warm.requests
                if set(warm.statuses) != {"202"}:
                    failures.append(f"warm-up: service answered {warm.statuses}")

        results: dict[str, list[RoundResult]] = {"bare": [], "service": []}
        for i in range(args.rounds):
            # Alternate which goes first so drift (thermal, autovacuum, page cache) hits both alike.
            for target in (bare, service) if i % 2 == 0 else (service, bare):
                batch = sign_requests(secret, connector_id, args.requests, f"r{i}{target.name}")
                r = run_round(target, batch, args.concurrency, args.client_procs)
                results[target.name].append(r)
                print(
                    f"  round {i + 1} {r.target:8} {r.throughput:8.0f} req/s  p50 {r.p50_ms:7.2f} ms  "
                    f"p99 {r.p99_ms:7.2f} ms  {r.statuses}"
                )
                if target is service:
                    sent_to_service += r.requests
                    if set(r.statuses) != {"202"}:
                        failures.append(f"round {i + 1}: service answered {r.statuses}")
                elif set(r.statuses) != {"202"}:
                    failures.append(f"round {i + 1}: bare answered {r.statuses}")

        stored = count_stored(app)
        queued = queue_length(queue_name)
        if stored != sent_to_service:
            failures.append(f"{stored} deliveries stored, {sent_to_service} sent")
        if queued != sent_to_service:
            failures.append(f"{queued} tasks in the Redis queue, {sent_to_service} sent")

        summary = {name: summarise(rs) for name, rs in results.items()}
        ratio = summary["service"]["throughput_rps"] / summary["bare"]["throughput_rps"]
        print()
        print_table(summary, ratio)
        print(f"correctness: {sent_to_service} sent, {stored} stored, {queued} queued")

        stop_server(service.proc)
        stop_server(bare.proc)
        profile = None
        if args.profile:
            # After the servers stopped, so the profile has the machine to itself.
            profile = profile_service(app, secret, connector_id, args.profile)
            print(f"\nin-process profile of {profile['requests']} service requests (Flask test client):")
            print(
                f"  unprofiled: {profile['unprofiled_wall_ms_per_request']:.3f} ms wall, "
                f"{profile['unprofiled_cpu_ms_per_request']:.3f} ms CPU per request"
            )
            print(
                f"  profiled:   {profile['profiled_total_ms_per_request']:.3f} ms per request, "
                f"of which the view {profile['view_ms_per_request']:.3f} ms:"
            )
            for name, ms in profile["view_callees_ms_per_request"][:12]:
                print(f"    {ms:7.3f} ms  {name}")
            components = component_costs(app, secret, connector_id, args.profile)
            profile["components_ms_wall_cpu"] = components
            print(f"\neach step alone, {args.profile} calls, ms per call (no profiler):")
            print(f"  {'wall':>7} {'CPU':>7}")
            for name, (wall, cpu) in components.items():
                print(f"  {wall:7.3f} {cpu:7.3f}  {name}")

        report = {
            "machine": {"cpus": cpus, "platform": platform.platform(), "python": platform.python_version()},
            "settings": vars(args) | {"json": str(args.json) if args.json else None},
            "rounds": {name: [asdict(r) for r in rs] for name, rs in results.items()},
            "summary": summary,
            "ratio_service_over_bare": ratio,
            "target_ratio": 0.5,
            "correctness": {
                "sent": sent_to_service,
                "stored": stored,
                "queued": queued,
                "failures": failures,
            },
            "profile": profile,
        }
        with app.app_context():
            from climate_plugin.db import db

            db.engine.dispose()  # let the DROP DATABASE go through without forcing our own connections

    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")
    for failure in failures:
        print(f"FAIL: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
