"""`climate-plugin demo` as a child process, for the tests that run it as a user would."""

from __future__ import annotations

import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

#: generous: the demo loads the screening's dictionaries and screens every item before it is ready
READY_WITHIN = 180


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Demo:
    """The demo as a child process, its output read line by line as it comes."""

    def __init__(self, tmp_path: Path, *args: str) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("CLIMATE_PLUGIN_")}
        env["TMPDIR"] = str(tmp_path)  # where tempfile puts the demo's folder, so a leftover would show
        self.process = subprocess.Popen(
            [sys.executable, "-m", "climate_plugin", "demo", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
            cwd=tmp_path,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def wait_for(self, fragment: str, timeout: float = READY_WITHIN) -> None:
        deadline = time.monotonic() + timeout
        while not any(fragment in line for line in self.seen):
            try:
                self.seen.append(self.lines.get(timeout=max(0.1, deadline - time.monotonic())))
            except queue.Empty:
                so_far = "\n".join(self.seen)
                raise AssertionError(f"{fragment!r} not printed; output so far:\n{so_far}") from None

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        return self.process.wait(timeout=60)
