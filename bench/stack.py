"""The production shape on one machine, for the end-to-end and backfill benches: a Redis of the bench's own
on a free port, a scratch PostgreSQL database, `climate-plugin serve` (gunicorn), Celery workers and beat,
each in a session of its own so its CPU time can be read from /proc and it can be killed alone.

Only the bench's own processes are ever signalled (by the process group each was started in).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bench.ingest import CLK_TCK, HOST, ROOT, SERVE_CMD, free_port, machine_busy, scratch_database

__all__ = ["HOST", "OwnRedis", "Stack", "machine_busy", "scratch_database", "load_average"]

#: the shared corpus of real agenda texts, and the copy kept in the repository (the same files)
CORPUS_DIRS = (ROOT.parent / "shared" / "data" / "screening-corpus", ROOT / "bench" / "corpus")


def corpus_dir(explicit: Path | None = None) -> Path:
    for candidate in (explicit,) if explicit else CORPUS_DIRS:
        if candidate and (candidate / "fi_text.jsonl").is_file():
            return candidate
    raise SystemExit(f"no screening corpus found (looked in {', '.join(map(str, CORPUS_DIRS))})")


def load_average() -> tuple[float, float, float]:
    one, five, fifteen = os.getloadavg()
    return round(one, 2), round(five, 2), round(fifteen, 2)


class OwnRedis:
    """A redis-server of our own on a free port, without persistence (as the issue's probe ran it), which
    can be stopped and started again on the same port (its data is gone then, as after a real restart)."""

    def __init__(self, workdir: Path) -> None:
        if shutil.which("redis-server") is None:
            raise SystemExit("redis-server is not installed (apt-get install redis-server)")
        self.port = free_port()
        self.workdir = workdir
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://{HOST}:{self.port}/0"

    def start(self) -> OwnRedis:
        log = (self.workdir / f"redis-{self.port}.log").open("ab")
        self.proc = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                HOST,
                "--save",
                "",
                "--appendonly",
                "no",
                "--maxmemory-policy",
                "noeviction",
                "--dir",
                str(self.workdir),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        import redis

        client = redis.Redis.from_url(self.url, socket_connect_timeout=1)
        deadline = time.monotonic() + 30
        while True:
            try:
                client.ping()
                return self
            except redis.RedisError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"redis-server on port {self.port} did not start") from None
                time.sleep(0.05)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=30)
        self.proc = None


@dataclass
class Stack:
    """The service's processes, started with one environment."""

    env: dict[str, str]
    logs: Path
    procs: dict[str, subprocess.Popen] = field(default_factory=dict)

    def start(self, name: str, *argv: str) -> subprocess.Popen:
        with (self.logs / f"{name}.log").open("ab") as out:
            proc = subprocess.Popen(
                [SERVE_CMD, *argv],
                env=self.env,
                cwd=ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.procs[name] = proc
        return proc

    def serve(self, port: int, workers: int, threads: int) -> subprocess.Popen:
        return self.start(
            "serve",
            "serve",
            "--host",
            HOST,
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--threads",
            str(threads),
        )

    def worker(self, name: str, concurrency: int) -> subprocess.Popen:
        return self.start(
            name,
            "worker",
            "--concurrency",
            str(concurrency),
            "--without-gossip",
            "--without-mingle",
            "--hostname",
            f"{name}-{uuid.uuid4().hex[:6]}@%h",
        )

    def kill(self, name: str, sig: int = signal.SIGTERM) -> None:
        proc = self.procs.get(name)
        if proc is None or proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, sig)
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        except ProcessLookupError:
            pass

    def stop_all(self) -> None:
        for name in list(self.procs):
            self.kill(name)

    def cpu(self) -> dict[str, float]:
        """CPU seconds so far of each started process with everything in its session (gunicorn's and
        Celery's children included; children already reaped count through their parent)."""
        sessions = {proc.pid: name for name, proc in self.procs.items()}
        totals = dict.fromkeys(self.procs, 0.0)
        for sid, cpu in _session_cpu():
            if sid in sessions:
                totals[sessions[sid]] += cpu
        return totals


def _session_cpu() -> Iterator[tuple[int, float]]:
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                tail = fh.read().rpartition(")")[2].split()
        except OSError:
            continue
        # after the name: state ppid pgrp session ... utime(11) stime(12) cutime(13) cstime(14)
        yield int(tail[3]), sum(int(v) for v in tail[11:15]) / CLK_TCK


def _postgres_backends(database: str) -> dict[int, float]:
    """CPU seconds of each PostgreSQL backend connected to ``database`` (its command line names it)."""
    found: dict[int, float] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as fh:
                cmd = fh.read()
            if not cmd.startswith(b"postgres:") or f" {database} ".encode() not in cmd:
                continue
            with open(f"/proc/{entry}/stat") as fh:
                tail = fh.read().rpartition(")")[2].split()
        except OSError:
            continue
        found[int(entry)] = (int(tail[11]) + int(tail[12])) / CLK_TCK
    return found


class PostgresCpu:
    """CPU seconds of the scratch database's PostgreSQL backends, sampled every half second so that the
    backends of short-lived processes (a CLI command) count too, up to their last sample."""

    def __init__(self, database: str) -> None:
        self.database = database
        self.seen: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.5):
            self.sample()

    def sample(self) -> float:
        self.seen.update(_postgres_backends(self.database))
        return sum(self.seen.values())

    def __enter__(self) -> PostgresCpu:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def process_cpu(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            tail = fh.read().rpartition(")")[2].split()
    except OSError:
        return 0.0
    return (int(tail[11]) + int(tail[12])) / CLK_TCK


def service_env(
    database_url: str, redis_url: str, queue_name: str, public_url: str, **settings: str
) -> dict[str, str]:
    """The environment of every process of the stack; ``settings`` are further CLIMATE_PLUGIN_* values."""
    from cryptography.fernet import Fernet

    env = {k: v for k, v in os.environ.items() if not k.startswith("CLIMATE_PLUGIN_")}
    env.update(
        CLIMATE_PLUGIN_DATABASE_URL=database_url,
        CLIMATE_PLUGIN_BROKER_URL=redis_url,
        CLIMATE_PLUGIN_QUEUE_NAME=queue_name,
        CLIMATE_PLUGIN_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        CLIMATE_PLUGIN_SECRET_KEY=uuid.uuid4().hex,
        CLIMATE_PLUGIN_OUTBOUND_ALLOW="127.0.0.1",
        CLIMATE_PLUGIN_PUBLIC_URL=public_url,
        PYTHONPATH=os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p),
    )
    env.update({f"CLIMATE_PLUGIN_{k.upper()}": v for k, v in settings.items()})
    return env


def setup_app(env: dict[str, str], instance: Path):
    """An in-process app on the stack's settings, its database migrated to the newest revision."""
    from flask_migrate import upgrade

    from climate_plugin.app import MIGRATIONS_DIR, create_app
    from climate_plugin.config import load_settings

    app = create_app(load_settings(instance, env))
    with app.app_context():
        upgrade(directory=MIGRATIONS_DIR)
    return app
