"""Backfill throughput: an agenda system's history of ``--items`` decisions (default 100,000) read through
`climate-plugin connector backfill`, the poll path every polling connector uses, in the production shape.

The host is a fake Helsinki Ahjo API (``GET /decisions?handledsince=…&handledbefore=…&size=…&start=…``,
served from this process) whose decisions carry real agenda texts of the screening corpus (fi, sv, en) and
are spread evenly over the last two years, so the backfill walks about 24 windows of 31 days, page by page
(``--page-size``, Ahjo allows up to 1000). Each listed decision is stored, screened and assessed by the
same path as a webhook. The stack is PostgreSQL (a scratch database), a Redis of the bench's own,
``--workers`` Celery workers and beat, as production runs; the backfill itself is one process, because a
connector's polls hold a lease on it (two processes never poll one connector at once).

``--kill-after S`` SIGKILLs the backfill process S seconds in, then runs the same command again, as an
operator would: it continues from the stored position. A killed process cannot give its lease back, and the
lease runs for 10 minutes; the bench reports whether the rerun was refused for it, and with
``--expire-lease`` (the default) ends the lease in the database, as its running out would, and reruns.
The checks: every decision stored exactly once (one item per decision, no more), each one screened.

    python bench/backfill.py [--items 100000] [--page-size 500] [--kill-after S] [--workers 2] [--json OUT]

Exit codes: 0 done and correct, 1 a correctness check failed, 2 PostgreSQL not usable.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from bisect import bisect_right
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.e2e import corpus_items, services_reachable_postgres  # noqa: E402
from bench.ingest import SERVE_CMD  # noqa: E402
from bench.stack import (  # noqa: E402
    HOST,
    OwnRedis,
    PostgresCpu,
    Stack,
    corpus_dir,
    load_average,
    machine_busy,
    scratch_database,
    service_env,
    setup_app,
)

HELSINKI = ZoneInfo("Europe/Helsinki")
#: the history covered: from ``SINCE_DAYS`` ago, the decisions spread over ``SPAN_DAYS`` of it
SINCE_DAYS, SPAN_DAYS = 730, 700


def _ahjo_time(moment: datetime) -> str:
    return moment.astimezone(HELSINKI).strftime("%Y-%m-%dT%H:%M:%S")


class AhjoHistory:
    """A fake Ahjo decision listing over ``count`` decisions, pages built from pre-serialised JSON."""

    def __init__(self, count: int, texts: list[dict[str, Any]], since: datetime) -> None:
        start = since + timedelta(days=1)
        step = SPAN_DAYS * 86400 / count
        self.times: list[str] = []  # local "handled" times, sorted (ISO strings sort as times)
        self.docs: list[bytes] = []
        for i in range(count):
            text = texts[i % len(texts)]
            handled = _ahjo_time(start + timedelta(seconds=(i + 0.5) * step))
            self.times.append(handled)
            self.docs.append(
                json.dumps(
                    {
                        "NativeId": f"{{BF-{i:07d}}}",
                        "Title": text["title"],
                        "Content": f"<p>{text['body']}</p>",
                        "Language": text.get("language") or "fi",
                        "Type": "päätös",
                        "DateDecision": handled,
                        "Modified": handled,
                        "Organization": {"Name": "Kaupunginhallitus"},
                    },
                    ensure_ascii=False,
                ).encode()
            )
        self.pages = 0
        self.server: ThreadingHTTPServer | None = None

    def listing(self, query: dict[str, list[str]]) -> bytes:
        since = query.get("handledsince", [""])[0]
        before = query.get("handledbefore", ["9999"])[0]
        size, start = int(query.get("size", ["100"])[0]), int(query.get("start", ["0"])[0])
        # (since, before]: the poll window's own bounds, so no decision is in two windows
        lo = bisect_right(self.times, since) if since else 0
        hi = bisect_right(self.times, before)
        chunk = self.docs[lo + start : min(hi, lo + start + size)]
        self.pages += 1
        return b'{"count": %d, "decisions": [%s]}' % (max(0, hi - lo), b", ".join(chunk))

    def start(self) -> str:
        history = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                url = urlsplit(self.path)
                if url.path.rstrip("/").endswith("/decisions"):
                    body, status = history.listing(parse_qs(url.query)), 200
                else:
                    body, status = b'{"error": "not here"}', 404
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer((HOST, 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, args=(0.1,), daemon=True).start()
        return f"http://{HOST}:{self.server.server_address[1]}/ahjorest/v1"

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()


def register(app, base_url: str, page_size: int) -> int:
    from climate_plugin.db import db
    from climate_plugin.hosts.connector import create_connector
    from climate_plugin.models import Municipality

    with app.app_context():
        town = Municipality(slug="helsinki", name="Helsinki", language="fi")
        db.session.add(town)
        db.session.commit()
        row, _ = create_connector(
            town, "ahjo", "Ahjo history", {"base_url": base_url, "page_size": page_size}
        )
        return row.id


def stored(app, connector_id: int) -> dict[str, int]:
    from sqlalchemy import text

    from climate_plugin.db import db

    with app.app_context():
        items, distinct, screened, assessments = db.session.execute(
            text(
                "SELECT count(*), count(DISTINCT i.external_id),"
                " count(*) FILTER (WHERE EXISTS (SELECT 1 FROM assessment a WHERE a.item_id = i.id)),"
                " (SELECT count(*) FROM assessment a JOIN agenda_item j ON a.item_id = j.id"
                "  WHERE j.connector_id = :c)"
                " FROM agenda_item i WHERE i.connector_id = :c"
            ),
            {"c": connector_id},
        ).one()
        db.session.remove()
    return {"items": items, "distinct": distinct, "screened": screened, "assessments": assessments}


def expire_lease(app, connector_id: int) -> None:
    from sqlalchemy import text

    from climate_plugin.db import db

    with app.app_context():
        db.session.execute(
            text("UPDATE connector SET poll_lease_until = NULL WHERE id = :c"), {"c": connector_id}
        )
        db.session.commit()
        db.session.remove()


def run_backfill(env: dict, logs: Path, connector_id: int, since: str, kill_after: float | None) -> dict:
    """One `connector backfill` process; killed with SIGKILL after ``kill_after`` seconds if given."""
    started = time.monotonic()
    with (logs / "backfill.log").open("ab") as log:
        proc = subprocess.Popen(
            [SERVE_CMD, "connector", "backfill", str(connector_id), "--since", since],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=log,
            start_new_session=True,
        )
    killed = False
    try:
        out, _ = proc.communicate(timeout=kill_after)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
        killed = True
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    result: dict[str, Any] = {
        "seconds": round(time.monotonic() - started, 2),
        "exit": proc.returncode,
        "killed": killed,
        "children_cpu_s_so_far": round(usage.ru_utime + usage.ru_stime, 2),
    }
    text = out.decode(errors="replace").strip()
    try:
        result["counts"] = json.loads(text)
    except ValueError:
        result["output"] = text[-500:]
    tail = (logs / "backfill.log").read_text(errors="replace").strip().splitlines()
    if proc.returncode and not killed and tail:
        result["error"] = tail[-1][-300:]
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=100_000, help="decisions in the host's history")
    parser.add_argument("--page-size", type=int, default=500, help="the connector's page size (1–1000)")
    parser.add_argument("--kill-after", type=float, help="SIGKILL the backfill this many seconds in")
    parser.add_argument(
        "--expire-lease",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="after a kill, end the dead process's poll lease in the database instead of waiting 10 min",
    )
    parser.add_argument("--workers", type=int, default=2, help="Celery worker processes (and beat) running")
    parser.add_argument("--corpus", type=Path, help="screening corpus folder (default: shared, else bench/)")
    parser.add_argument("--logs", type=Path, help="keep the processes' logs in this folder")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    if not 1 <= args.items <= 1_000_000 or not 1 <= args.page_size <= 1000 or args.workers < 0:
        parser.error("--items 1..1000000, --page-size 1..1000, --workers >= 0")
    reason = services_reachable_postgres()
    if reason:
        print(f"skipped: {reason}", file=sys.stderr)
        return 2

    since_day = (datetime.now(UTC) - timedelta(days=SINCE_DAYS)).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    history = AhjoHistory(args.items, corpus_items(corpus_dir(args.corpus)), since_day)
    failures: list[str] = []
    with ExitStack() as stack_:
        tmp = args.logs or Path(stack_.enter_context(tempfile.TemporaryDirectory(prefix="climate-backfill-")))
        tmp.mkdir(parents=True, exist_ok=True)
        redis = OwnRedis(tmp).start()
        stack_.callback(redis.stop)
        database_url = stack_.enter_context(scratch_database())
        base_url = history.start()
        stack_.callback(history.stop)
        env = service_env(
            database_url, redis.url, f"backfill-{uuid.uuid4().hex[:8]}", "http://127.0.0.1:5000"
        )
        app = setup_app(env, tmp)
        connector_id = register(app, base_url, args.page_size)
        stack = Stack(env, tmp)
        stack_.callback(stack.stop_all)
        for n in range(args.workers):
            stack.worker(f"worker-{n + 1}", 2)
        if args.workers:
            stack.start("beat", "beat")
        database = database_url.rsplit("/", 1)[1]
        print(
            f"{args.items} decisions over {SPAN_DAYS} days, pages of {args.page_size}; {args.workers} "
            f"Celery workers; load {load_average()}"
        )

        since = since_day.strftime("%Y-%m-%d")
        pg = stack_.enter_context(PostgresCpu(database))
        busy0, wall0, pg0, cpu0 = machine_busy()[0], time.monotonic(), pg.sample(), stack.cpu()
        load_before = load_average()
        attempts = [run_backfill(env, tmp, connector_id, since, args.kill_after)]
        lease_refused = None
        if attempts[0]["killed"]:
            at_kill = stored(app, connector_id)
            attempts[0]["stored_when_killed"] = at_kill["items"]
            print(f"killed after {attempts[0]['seconds']} s with {at_kill['items']} items stored")
            attempts.append(run_backfill(env, tmp, connector_id, since, None))
            lease_refused = attempts[-1]["exit"] != 0 and "being polled" in attempts[-1].get("error", "")
            if lease_refused:
                print(f"the rerun was refused: {attempts[-1]['error']}")
                if args.expire_lease:
                    expire_lease(app, connector_id)
                    print("lease ended in the database (as its 10 minutes running out would); rerunning")
                    attempts.append(run_backfill(env, tmp, connector_id, since, None))
        wall = time.monotonic() - wall0
        cpu1 = stack.cpu()
        final = stored(app, connector_id)
        result = {
            "items": args.items,
            "page_size": args.page_size,
            "wall_s": round(wall, 1),
            "items_per_s": round(final["items"] / wall, 1),
            "backfill_s": round(sum(a["seconds"] for a in attempts), 1),
            "attempts": attempts,
            "lease_refused_rerun": lease_refused,
            "stored": final,
            "host_pages_served": history.pages,
            "cpu_s": {
                "backfill processes": attempts[-1]["children_cpu_s_so_far"],
                **{n: round(cpu1[n] - cpu0.get(n, 0.0), 1) for n in cpu1},
                "postgres backends": round(pg.sample() - pg0, 1),
            },
            "machine_busy_share": round((machine_busy()[0] - busy0) / (wall * (os.cpu_count() or 1)), 3),
            "load_before": load_before,
            "load_after": load_average(),
        }
        if final["items"] != args.items or final["distinct"] != args.items:
            failures.append(f"{final['items']} items stored ({final['distinct']} distinct) of {args.items}")
        if final["screened"] != args.items or final["assessments"] != args.items:
            failures.append(f"{final['screened']} items screened, {final['assessments']} assessments")
        if attempts[-1]["exit"] != 0:
            failures.append(
                f"the last backfill run exited {attempts[-1]['exit']}: {attempts[-1].get('error')}"
            )
        print(json.dumps({k: v for k, v in result.items() if k != "attempts"}, indent=2))
        print(
            f"\n{final['items']} of {args.items} stored in {result['backfill_s']} s of backfill "
            f"({result['items_per_s']} items/s over {result['wall_s']} s wall); target: 100,000 in 600 s"
        )
        stack.stop_all()
        with app.app_context():
            from climate_plugin.db import db

            db.engine.dispose()
    report = {
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
        },
        "settings": vars(args) | {"json": str(args.json) if args.json else None},
        "result": result,
        "failures": failures,
    }
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")
    for failure in failures:
        print(f"FAIL: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
