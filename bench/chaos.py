"""Faults at full size, in the production shape of `bench/e2e.py`: webhooks at a steady rate while a
dependency or a worker fails, then how long the service takes to catch up once it is back.

Scenarios (``--scenario``):

- ``redis``: Redis (the bench's own, no persistence) is stopped ``--fault-at`` seconds in and started
  again ``--outage`` seconds later (empty, as after a restart without persistence);
- ``worker``: one whole Celery worker (its main process and pool) is SIGKILLed ``--fault-at`` seconds in,
  as when its machine or container dies; the other worker goes on, and the killed one is started again
  ``--outage`` seconds later. With ``--freeze S`` the worker is first stopped (SIGSTOP) for S seconds, as a
  machine that hangs before it is lost: Redis then hands the pending ``BRPOP`` of its frozen consumer a
  message it never reads (kombu's race, which a plain kill hits only now and then); the fault and the
  recovery are counted from the freeze.

Webhooks start once every worker process beats its heartbeat (``worker.liveness``), so the fault never hits
a worker still loading its dictionaries, and go on at ``--rate`` for ``--seconds`` (each sent once, no sender
retries). Reported: webhook answers (202, or a clear 503: never a 500 or a hang), items written back / lost /
duplicated, and the recovery: from the return (Redis started again, or the killed worker) to the last block
written back of the items sent before it (those sent during the outage and those in flight when it began),
with the sweeper's interval (``CLIMATE_PLUGIN_SWEEP_INTERVAL``, default 60 s, as production) on; and, for the
``worker`` scenario, from the fault to the last block of the items sent before it (the work the killed
worker held, taken over by beat's ``take_over_dead_workers``). The target of issue 15: 0 lost, 0 duplicated,
recovery within 60 s of the dependency's return (of the fault, for a killed worker: nothing "returns").

    python bench/chaos.py --scenario redis|worker [--rate 20] [--seconds 90] [--fault-at 20]
                          [--outage 30] [--drain 480] [--freeze S] [--json OUT]

Exit codes: 0 done and correct (answers, nothing lost or duplicated), 1 a check failed, 2 no PostgreSQL.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import sys
import tempfile
import threading
import time
import uuid
from contextlib import ExitStack
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.e2e import (  # noqa: E402
    corpus_items,
    draft_at_rate,
    percentile,
    running_stack,
    services_reachable_postgres,
)
from bench.stack import corpus_dir, load_average  # noqa: E402
from climate_plugin.worker import liveness  # noqa: E402

#: recovery within this many seconds of the dependency's return (issue 15)
TARGET_RECOVERY_S = 60.0


def session_pids(leader: int) -> set[int]:
    """Every live process in the session ``leader`` leads (a worker: its main process and its pool)."""
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    if int(fh.read().rpartition(")")[2].split()[3]) == leader:
                        found.add(int(entry))
            except OSError:
                continue
    return found


def claims_of(app, pids: set[int]) -> int:
    """Deliveries and write-backs claimed right now by one of these processes (``claimed_by`` is
    ``host:pid:token``)."""
    from sqlalchemy import text

    from climate_plugin.db import db

    with app.app_context():
        rows = db.session.execute(
            text(
                "SELECT claimed_by FROM delivery WHERE status = 'processing' AND claimed_by IS NOT NULL"
                " UNION ALL "
                "SELECT claimed_by FROM write_back WHERE status = 'sending' AND claimed_by IS NOT NULL"
            )
        ).all()
        db.session.remove()
    return sum(1 for (holder,) in rows if int(holder.split(":")[-2]) in pids)


def wait_for_workers(redis_url: str, queue_name: str, processes: int, timeout: float = 180.0) -> float:
    """Wait until ``processes`` worker processes beat their heartbeat (each pool process beats once it has
    started, after the worker loaded its dictionaries); seconds waited."""
    start = time.monotonic()
    registry = liveness.Registry(redis_url, queue_name, 2.0)
    while len(registry.alive() or ()) < processes:
        if time.monotonic() - start > timeout:
            raise SystemExit(f"fewer than {processes} worker processes beat after {timeout:.0f} s")
        time.sleep(0.2)
    return time.monotonic() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenario", choices=("redis", "worker"), required=True)
    parser.add_argument("--rate", type=float, default=20.0, help="webhooks (new items) per second")
    parser.add_argument("--seconds", type=float, default=90.0, help="seconds of sending")
    parser.add_argument("--fault-at", type=float, default=20.0, help="seconds in when the fault starts")
    parser.add_argument(
        "--outage", type=float, default=30.0, help="seconds until Redis or the worker is back"
    )
    parser.add_argument("--drain", type=float, default=480.0, help="seconds to wait for the last blocks")
    parser.add_argument(
        "--sweep-interval", default="60", help="CLIMATE_PLUGIN_SWEEP_INTERVAL (production: 60)"
    )
    parser.add_argument(
        "--freeze", type=float, default=0.0, help="worker scenario: SIGSTOP this many seconds before the kill"
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--corpus", type=Path)
    parser.add_argument("--logs", type=Path, help="keep the processes' logs in this folder")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    if args.rate <= 0 or args.fault_at + args.outage > args.seconds or args.rate * args.seconds > 20_000:
        parser.error("positive rate, the fault and its end within --seconds, at most 20000 items")
    reason = services_reachable_postgres()
    if reason:
        print(f"skipped: {reason}", file=sys.stderr)
        return 2
    texts = corpus_items(corpus_dir(args.corpus))
    count = round(args.rate * args.seconds)
    tag = uuid.uuid4().hex[:6]
    batch = [{**texts[i % len(texts)], "id": f"chaos-{tag}-{i}"} for i in range(count)]
    events: dict[str, float] = {}
    with ExitStack() as stack_:
        tmp = args.logs or Path(stack_.enter_context(tempfile.TemporaryDirectory(prefix="climate-chaos-")))
        tmp.mkdir(parents=True, exist_ok=True)
        run = stack_.enter_context(
            running_stack(tmp, args.workers, args.concurrency, 5, 4, sweep_interval=args.sweep_interval)
        )
        host, stack, redis = run.host, run.stack, run.redis
        queue_name = stack.env["CLIMATE_PLUGIN_QUEUE_NAME"]
        processes = args.workers * args.concurrency
        events["workers_ready_after_s"] = wait_for_workers(redis.url, queue_name, processes)
        load_before = load_average()

        def fault() -> None:
            if args.scenario == "redis":
                events["fault"], events["fault_wall"] = time.monotonic(), time.time()
                redis.stop()
            else:
                # Killed while it holds work (at 20 items/s a worker is idle about half of the time, and a
                # kill then shows nothing): within 15 s of --fault-at, as soon as one of its processes holds a
                # claim. What it still held after the kill is what the take-over must hand on.
                pids = session_pids(stack.procs["worker-1"].pid)
                until = time.monotonic() + 15
                while not claims_of(run.app, pids) and time.monotonic() < until:
                    time.sleep(0.01)
                events["fault"] = time.monotonic()
                events["fault_wall"] = time.time()  # to find the take-over in the workers' logs
                if args.freeze:
                    os.killpg(stack.procs["worker-1"].pid, signal.SIGSTOP)
                    time.sleep(args.freeze)
                stack.kill("worker-1", signal.SIGKILL)
                events["claims_left"] = claims_of(run.app, pids)
            time.sleep(args.outage)
            if args.scenario == "redis":
                redis.start()
            else:
                stack.worker("worker-1", args.concurrency)
            events["back"] = time.monotonic()
            if args.scenario == "worker":
                # the killed worker's processes no longer beat: the same count again means the new ones do
                ready = wait_for_workers(redis.url, queue_name, processes)
                events["ready_again"] = events["back"] + ready
            # items whose webhook was sent and whose block has not arrived yet
            events["waiting"] = sum(1 for d in host.deliveries() if d.item_id not in host.first_block)

        timer = threading.Timer(args.fault_at, fault)
        start = time.monotonic()
        timer.start()
        sent_at = draft_at_rate(host, batch, args.rate)
        timer.join()
        deadline = time.monotonic() + args.drain
        while time.monotonic() < deadline and not all(i in host.first_block for i in sent_at):
            time.sleep(0.2)
        deliveries = [d for d in host.deliveries() if d.item_id in sent_at]
        answers: dict[str, int] = {}
        for d in deliveries:
            answers[str(d.status)] = answers.get(str(d.status), 0) + 1
        accepted = {d.item_id for d in deliveries if d.status == 202}
        blocks = {i: host.write_back_count(i) for i in sent_at}
        # Recovery: how long after the return the last item sent before it was written back (the items
        # sent during the outage, and those in flight when it began).
        back, fault_at = events["back"], events["fault"]
        arrived = [host.first_block[i] for i in sent_at if i in host.first_block and sent_at[i] <= back]
        # the items sent before the fault: those the killed worker held among them
        before_fault = [
            host.first_block[i] for i in sent_at if i in host.first_block and sent_at[i] <= fault_at
        ]
        after_back = sorted(
            host.first_block[i] - sent_at[i] for i in sent_at if i in host.first_block and sent_at[i] > back
        )
        result: dict[str, Any] = {
            "scenario": args.scenario,
            "rate": args.rate,
            "items": count,
            "fault_at_s": round(events["fault"] - start, 1),
            "back_at_s": round(events["back"] - start, 1),
            "webhook_answers": answers,
            "written_back": sum(1 for n in blocks.values() if n),
            "lost": sum(1 for i in accepted if blocks[i] == 0),
            "duplicated": sum(1 for n in blocks.values() if n > 1),
            "recovery_s": round(max(0.0, max(arrived) - back), 1) if arrived else None,
            "recovery_from_fault_s": (
                round(max(0.0, max(before_fault) - fault_at), 1) if before_fault else None
            ),
            "workers_ready_after_s": round(events["workers_ready_after_s"], 1),
            "worker_ready_again_after_return_s": (
                round(events["ready_again"] - back, 1) if "ready_again" in events else None
            ),
            "waiting_at_return": events["waiting"],
            "claims_left_by_the_killed_worker": events.get("claims_left"),
            "fault_at_utc": time.strftime("%H:%M:%S", time.gmtime(events.get("fault_wall", time.time()))),
            "p95_s_of_items_sent_after_return": round(percentile(after_back, 95), 2) if after_back else None,
            "load_before": load_before,
            "load_after": load_average(),
        }
    failures = []
    if set(answers) - {"202", "503"}:
        failures.append(f"webhook answers {answers}")
    if result["lost"] or result["duplicated"] or result["written_back"] != len(accepted):
        failures.append(
            f"{result['written_back']} written back of {len(accepted)} accepted, "
            f"{result['lost']} lost, {result['duplicated']} duplicated"
        )
    print(json.dumps(result, indent=2))
    recovery = result["recovery_s"]
    verdict = "met" if recovery is not None and recovery <= TARGET_RECOVERY_S else "MISSED"
    print(
        f"recovery: the last item sent before the return written back {result['recovery_s']} s after it "
        f"(target {TARGET_RECOVERY_S:.0f} s: {verdict})"
    )
    if args.scenario == "worker":
        recovery = result["recovery_from_fault_s"]
        verdict = "met" if recovery is not None and recovery <= TARGET_RECOVERY_S else "MISSED"
        print(
            f"recovery: the last item sent before the kill written back {result['recovery_from_fault_s']} s "
            f"after it (target {TARGET_RECOVERY_S:.0f} s: {verdict})"
        )
    if args.json:
        report = {
            "machine": {"platform": platform.platform()},
            "settings": vars(args)
            | {"json": str(args.json), "logs": str(args.logs) if args.logs else None, "corpus": None},
            "result": result,
            "failures": failures,
        }
        args.json.write_text(json.dumps(report, indent=2) + "\n")
    for failure in failures:
        print(f"FAIL: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
