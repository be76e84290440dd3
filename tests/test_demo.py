"""`climate-plugin demo` in a real process, as the README tells a new user to run it: --keep-running --port
serves a front page at / that links to /admin (with a demo login that works), each meeting view and each
item's checklist, every item in its own municipality; the rows that disagree with "expected" say why; Ctrl-C
stops it and removes its temporary folder."""

from __future__ import annotations

import html
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

from climate_plugin.demo.items import DEMO_ITEMS, MUNICIPALITIES

pytestmark = pytest.mark.slow

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


def _links(page: str) -> list[str]:
    return [html.unescape(link) for link in re.findall(r'href="([^"]+)"', page)]


def test_the_demo_serves_a_front_page_linking_to_every_face_and_cleans_up(tmp_path):
    port = free_port()
    demo = Demo(tmp_path, "--keep-running", "--port", str(port))
    try:
        demo.wait_for("Ctrl-C")
        base = f"http://127.0.0.1:{port}"
        output = "\n".join(demo.seen)
        assert f"climate-plugin on {base}" in output
        # the table: every item with its municipality; a row that disagrees with "expected" says why
        for item in DEMO_ITEMS:
            assert re.search(rf"^{item['id']}\s+{item['municipality']}\s", output, re.M), item["id"]
        assert "why not" in output
        password = re.search(r"with the password (\S+)", output).group(1)

        http = requests.Session()
        http.trust_env = False
        front = http.get(base + "/?lang=en", timeout=30)
        assert front.status_code == 200 and front.headers["Content-Type"].startswith("text/html")
        links = _links(front.text)
        assert "/admin/" in links
        assert sum("/meetings/" in link for link in links) == len({i["meeting"] for i in DEMO_ITEMS})
        assert sum("/checklist/" in link for link in links) == len(DEMO_ITEMS)
        assert sum("/coordinator/" in link for link in links) == len(MUNICIPALITIES)
        for town in MUNICIPALITIES.values():
            assert html.escape(town["name"]) in front.text
        assert "Why the screening differs" in front.text and password in front.text
        for link in links:
            answer = http.get(link if link.startswith("http") else base + link, timeout=30)
            assert answer.status_code == 200, link

        # the demo login shown on the page signs in
        login = http.get(base + "/admin/login", timeout=30)
        token = re.search(r'name="csrf_token" value="([^"]+)"', login.text).group(1)
        signed_in = http.post(
            base + "/admin/login",
            data={"email": "admin@demo.invalid", "password": password, "csrf_token": token},
            timeout=30,
        )
        assert signed_in.status_code == 200 and "/admin/login" not in signed_in.url
    finally:
        code = demo.stop()
    assert code == 0
    assert list(tmp_path.glob("climate-plugin-demo-*")) == []  # removed on Ctrl-C


def test_a_port_in_use_is_one_clear_line(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        demo = Demo(tmp_path, "--port", str(port))
        assert demo.process.wait(timeout=120) != 0
        demo.wait_for("choose another --port", timeout=30)
    assert len(demo.seen) == 1 and demo.seen[0].startswith("Error: cannot serve on 127.0.0.1:")
    assert list(tmp_path.glob("climate-plugin-demo-*")) == []
