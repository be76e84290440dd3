"""Real `climate-plugin worker` and `beat` processes for the integration tests, each in a session of its
own, and finding which of their processes holds a given TCP connection (to kill exactly that one)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from tests.support.app import TEST_KEY


def service_env(postgres_url: str, broker_url: str, public_url: str, queue_name: str, **settings: str):
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLIMATE_PLUGIN_")}
    env.update(
        {
            "CLIMATE_PLUGIN_DATABASE_URL": postgres_url,
            "CLIMATE_PLUGIN_BROKER_URL": broker_url,
            "CLIMATE_PLUGIN_QUEUE_NAME": queue_name,
            "CLIMATE_PLUGIN_ENCRYPTION_KEYS": TEST_KEY,
            "CLIMATE_PLUGIN_OUTBOUND_ALLOW": "127.0.0.1",
            "CLIMATE_PLUGIN_PUBLIC_URL": public_url,
            "CLIMATE_PLUGIN_LOG_LEVEL": "INFO",
        }
    )
    env.update({f"CLIMATE_PLUGIN_{k.upper()}": v for k, v in settings.items()})
    return env


def start(env: dict[str, str], log_path: Path, *command: str) -> subprocess.Popen:
    with log_path.open("ab") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "climate_plugin", *command],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            cwd=log_path.parent,
        )


def start_worker(env: dict[str, str], log_path: Path) -> subprocess.Popen:
    return start(env, log_path, "worker", "--concurrency", "2", "--without-gossip", "--without-mingle")


def stop(process: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    if process.poll() is None:
        os.killpg(process.pid, sig)
        process.wait(30)


def session_pids(leaders: list[subprocess.Popen]) -> set[int]:
    """Every live process in the sessions these processes lead (a worker and its pool children)."""
    sessions = {p.pid for p in leaders}
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    fields = fh.read().rpartition(")")[2].split()
            except OSError:
                continue
            if int(fields[3]) in sessions:
                found.add(int(entry))
    return found


def session_of(pid: int) -> int | None:
    """The session a process belongs to (for a worker's pool child: its worker's main process)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return int(fh.read().rpartition(")")[2].split()[3])
    except OSError:
        return None


def holder_of_connection(local_port: int, candidates: set[int]) -> int | None:
    """The process among ``candidates`` whose socket has the TCP local port ``local_port`` (IPv4)."""
    inodes = set()
    with open("/proc/net/tcp") as fh:
        for line in fh.readlines()[1:]:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == local_port:
                inodes.add(fields[9])
    for pid in candidates:
        try:
            links = [os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")]
        except OSError:
            continue
        if any(link.startswith("socket:[") and link[8:-1] in inodes for link in links):
            return pid
    return None
