"""Recovery after a broker outage: how soon after Redis is back is the work accepted meanwhile written back?

Production shape on this machine: a scratch PostgreSQL database, a Redis of the bench's own on a free port
(no persistence, so whatever it held is gone, as after a restart without it), `serve`, two Celery workers
and `beat` with the default sweep interval. The demo's sample agenda system (in this process) drafts
``--items`` items while that Redis is stopped: each webhook must still be answered 202 (the delivery is
stored; its hand-over fails and marks it for the next sweep). Then Redis starts again, and the bench waits
for every block. It prints the time from Redis's return to the last block written back, and checks that
every item was written back exactly once.

    python bench/recovery.py [--items 40] [--rate 10] [--drain 300] [--json OUT]

Exit codes: 0 done and correct, 1 a correctness check failed, 2 PostgreSQL, Redis or redis-server missing.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import ExitStack
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.e2e_embedded import TimedHost, _register, corpus_items  # noqa: E402 - after the path set-up
from bench.ingest import (  # noqa: E402
    HOST,
    SERVE_CMD,
    Target,
    free_port,
    scratch_database,
    service_env,
    services_reachable,
    start_server,
    stop_server,
    wait_ready,
)


def start_redis(port: int, log: Path) -> subprocess.Popen:
    command = [shutil.which("redis-server") or "redis-server", "--port", str(port), "--bind", HOST]
    command += ["--save", "", "--appendonly", "no"]  # nothing survives a restart
    proc = start_server(command, {}, log)
    deadline = time.monotonic() + 20
    import redis

    while time.monotonic() < deadline:
        try:
            redis.Redis(host=HOST, port=port, socket_connect_timeout=1).ping()
            return proc
        except redis.RedisError:
            time.sleep(0.1)
    raise RuntimeError(f"redis-server on port {port} did not start; see {log}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=40, help="items drafted while Redis is down")
    parser.add_argument("--rate", type=float, default=10.0, help="items per second while Redis is down")
    parser.add_argument("--drain", type=float, default=300.0, help="seconds to wait for the last block")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    reason = services_reachable() or (None if shutil.which("redis-server") else "redis-server not installed")
    if reason:
        print(f"skipped: {reason}", file=sys.stderr)
        return 2

    from cryptography.fernet import Fernet

    items = corpus_items()
    failures: list[str] = []
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="climate-recovery-")))
        redis_port = free_port()
        redis_proc = start_redis(redis_port, tmp / "redis.log")
        stack.callback(lambda: stop_server(redis_proc))
        host = TimedHost(retry_delays=(1.0, 5.0)).start()
        stack.callback(host.stop)
        env = service_env(stack.enter_context(scratch_database()), "recovery", Fernet.generate_key().decode())
        env["CLIMATE_PLUGIN_BROKER_URL"] = f"redis://{HOST}:{redis_port}/0"
        service = Target("service", free_port())
        env["CLIMATE_PLUGIN_PUBLIC_URL"] = f"http://{HOST}:{service.port}"
        connector_id, secret = _register(env, tmp, host.base_url)
        host.configure_webhook(f"http://{HOST}:{service.port}/webhooks/{connector_id}", secret)
        serve = [SERVE_CMD, "serve", "--host", HOST, "--port", str(service.port)]
        procs = [start_server(serve, env, tmp / "serve.log")]
        procs += [start_server([SERVE_CMD, "worker", "-c", "1"], env, tmp / f"w{n}.log") for n in range(2)]
        procs.append(start_server([SERVE_CMD, "beat"], env, tmp / "beat.log"))
        for proc in procs:
            stack.callback(stop_server, proc)
        wait_ready(service, "/webhooks/999999999")

        stop_server(redis_proc)  # the outage
        drafted = [{**items[i % len(items)], "id": f"rec-{uuid.uuid4().hex[:10]}"} for i in range(args.items)]
        outage_start = time.monotonic()
        for n, item in enumerate(drafted):
            time.sleep(max(0.0, outage_start + n / args.rate - time.monotonic()))
            host.draft({k: item.get(k) for k in ("id", "title", "body", "language")})
        answered = [d.status for d in host.deliveries()]
        outage = time.monotonic() - outage_start
        redis_proc = start_redis(redis_port, tmp / "redis2.log")  # back, empty
        back = time.monotonic()
        wanted = {item["id"] for item in drafted}
        while time.monotonic() < back + args.drain and not wanted <= set(host.arrived):
            time.sleep(0.2)
        arrived = {i: host.arrived[i] - back for i in wanted if i in host.arrived}
        duplicates = sum(n - 1 for (i, _), n in host.sent_blocks.items() if i in wanted and n > 1)
        result: dict[str, Any] = {
            "items": len(wanted),
            "outage_s": round(outage, 1),
            "webhook_answers": {str(s): answered.count(s) for s in set(answered)},
            "written_back": len(arrived),
            "duplicate_sends": duplicates,
            "first_block_after_return_s": round(min(arrived.values()), 1) if arrived else None,
            "last_block_after_return_s": round(max(arrived.values()), 1) if arrived else None,
        }
        print(json.dumps(result, indent=2))
        if len(arrived) < len(wanted):
            failures.append(f"{len(wanted) - len(arrived)} items never written back")
        if duplicates:
            failures.append(f"{duplicates} blocks sent twice")
        if set(result["webhook_answers"]) != {"202"}:
            failures.append(f"webhooks answered {result['webhook_answers']} during the outage")
        if args.json:
            args.json.write_text(json.dumps(result, indent=2) + "\n")
    for failure in failures:
        print(f"FAIL: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
