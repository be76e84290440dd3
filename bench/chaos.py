"""Faults at full size, in the production shape of `bench/e2e.py`: webhooks at a steady rate while a
dependency or a worker fails, then how long the service takes to catch up once it is back.

Scenarios (``--scenario``):

- ``redis``: Redis (the bench's own, no persistence) is stopped ``--fault-at`` seconds in and started
  again ``--outage`` seconds later (empty, as after a restart without persistence);
- ``worker``: one whole Celery worker (its main process and pool) is SIGKILLed ``--fault-at`` seconds in,
  as when its machine or container dies; the other worker goes on, and the killed one is started again
  ``--outage`` seconds later.

Webhooks go on at ``--rate`` for ``--seconds`` (each sent once, no sender retries). Reported: webhook answers
(202, or a clear 503: never a 500 or a hang), items written back / lost / duplicated, and the recovery: from
the return (Redis started again, or the killed worker) to the last block written back of the items sent
before it (those sent during the outage and those in flight when it began), with the
sweeper's interval (``CLIMATE_PLUGIN_SWEEP_INTERVAL``, default 60 s, as production) on. The target of
issue 15: 0 lost, 0 duplicated, recovery within 60 s of the dependency's return.

    python bench/chaos.py --scenario redis|worker [--rate 20] [--seconds 90] [--fault-at 20]
                          [--outage 30] [--drain 480] [--json OUT]

Exit codes: 0 done and correct (answers, nothing lost or duplicated), 1 a check failed, 2 no PostgreSQL.
"""

from __future__ import annotations

import argparse
import json
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

#: recovery within this many seconds of the dependency's return (issue 15)
TARGET_RECOVERY_S = 60.0


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
        load_before = load_average()

        def fault() -> None:
            events["fault"] = time.monotonic()
            if args.scenario == "redis":
                redis.stop()
            else:
                stack.kill("worker-1", signal.SIGKILL)
            time.sleep(args.outage)
            if args.scenario == "redis":
                redis.start()
            else:
                stack.worker("worker-1", args.concurrency)
            events["back"] = time.monotonic()
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
        back = events["back"]
        arrived = [host.first_block[i] for i in sent_at if i in host.first_block and sent_at[i] <= back]
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
            "waiting_at_return": events["waiting"],
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
    verdict = "met" if (result["recovery_s"] or 1e9) <= TARGET_RECOVERY_S else "MISSED"
    print(
        f"recovery: the last item sent before the return written back {result['recovery_s']} s after it "
        f"(target {TARGET_RECOVERY_S:.0f} s: {verdict})"
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
