"""`climate-plugin demo` in a real process, as the README tells a new user to run it: --keep-running --port
serves a front page at / that links to /admin (with a demo login that works), each meeting view and each
item's checklist, every item in its own municipality; the rows that disagree with "expected" say why; Ctrl-C
stops it and removes its temporary folder."""

from __future__ import annotations

import html
import re
import socket

import pytest
import requests

from climate_plugin.demo.items import DEMO_ITEMS, MUNICIPALITIES
from tests.support.demo import Demo, free_port

pytestmark = pytest.mark.slow

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
