"""One webhook's cost in-process: CPU ms per signed webhook through the WSGI app (Flask's test client), with
PostgreSQL and Redis as production has them, and what each webhook sends to them.

No gunicorn, no sockets to the client: this is the service's own CPU per webhook, the figure that the
request path's work decides. It complements ``bench/ingest.py`` (throughput under gunicorn against a bare
endpoint), which the client, the servers and the machine's other load also move.

    python bench/webhook_inprocess.py --requests 2000 --rounds 5 [--profile cprofile|pyinstrument]

Reports: median CPU and wall ms per webhook over the rounds; database statements and Redis commands per
webhook (counted through SQLAlchemy's and redis-py's own hooks); with ``--profile``, the profile of one more
round. Checks every answer is 202, every delivery stored once and queued once.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.ingest import (  # noqa: E402
    create_setup_app,
    queue_length,
    register_connector,
    scratch_database,
    scratch_queue,
    service_env,
    services_reachable,
    sign_requests,
)
from tests.support.round_trips import counting  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--profile", choices=("none", "cprofile", "pyinstrument"), default="none")
    parser.add_argument("--top", type=int, default=40, help="lines of the cProfile listing")
    parser.add_argument("--profile-out", type=Path, help="also write the cProfile data here")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)

    why = services_reachable()
    if why:
        print(why, file=sys.stderr)
        return 2
    from cryptography.fernet import Fernet

    from climate_plugin.db import db

    with (
        scratch_database() as database_url,
        scratch_queue() as queue_name,
        tempfile.TemporaryDirectory() as tmp,
    ):
        env = service_env(database_url, queue_name, Fernet.generate_key().decode())
        app = create_setup_app(env, Path(tmp))
        connector_id, secret = register_connector(app, "1000000/minute")
        client = app.test_client()
        sent = 0

        def run(requests: list) -> None:
            nonlocal sent
            for path, body, headers in requests:
                status = client.post(path, data=body, headers=headers).status_code
                if status != 202:
                    raise SystemExit(f"answer {status}, not 202")
            sent += len(requests)

        run(sign_requests(secret, connector_id, 200, "warm"))
        with app.app_context():
            engine = db.engine
        counted = sign_requests(secret, connector_id, 101, "count")
        run(counted[:1])  # a new connection, traced, and the connector read once
        with counting(engine) as trips:
            run(counted[1:])
        per_webhook = {"db": trips.postgresql / 100, "redis": trips.redis / 100}
        print("what a webhook sends to PostgreSQL:", *sorted(set(trips.statements)), sep="\n  ")
        cpu: list[float] = []
        wall: list[float] = []
        for r in range(args.rounds):
            requests = sign_requests(secret, connector_id, args.requests, f"r{r}")
            c0, t0 = time.process_time(), time.perf_counter()
            run(requests)
            wall.append((time.perf_counter() - t0) / args.requests * 1000)
            cpu.append((time.process_time() - c0) / args.requests * 1000)
        profile_text = ""
        if args.profile != "none":
            requests = sign_requests(secret, connector_id, args.requests, "profile")
            if args.profile == "cprofile":
                profiler = cProfile.Profile(time.process_time)  # CPU, not waits on a shared machine
                profiler.enable()
                run(requests)
                profiler.disable()
                out = io.StringIO()
                if args.profile_out:
                    profiler.dump_stats(args.profile_out)
                pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(args.top)
                profile_text = out.getvalue()
            else:
                from pyinstrument import Profiler

                profiler = Profiler(interval=0.0002)
                profiler.start()
                run(requests)
                profiler.stop()
                profile_text = profiler.output_text(unicode=False, color=False, show_all=False)
        with app.app_context():
            from sqlalchemy import func, select

            from climate_plugin.models import Delivery

            stored = db.session.execute(select(func.count()).select_from(Delivery)).scalar()
            queued = queue_length(queue_name)
        result = {
            "requests_per_round": args.requests,
            "rounds": args.rounds,
            "cpu_ms_per_webhook": statistics.median(cpu),
            "wall_ms_per_webhook": statistics.median(wall),
            "cpu_ms_rounds": cpu,
            "postgresql_round_trips_per_webhook": per_webhook["db"],
            "redis_round_trips_per_webhook": per_webhook["redis"],
            "sent": sent,
            "stored": stored,
            "queued": queued,
        }
        print(profile_text)
        print(json.dumps(result, indent=2))
        if args.json:
            args.json.write_text(json.dumps(result, indent=2))
        ok = stored == sent == queued
        if not ok:
            print(f"FAILED: sent {sent}, stored {stored}, queued {queued}", file=sys.stderr)
        return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
