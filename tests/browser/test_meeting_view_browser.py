"""The meeting view in a real browser: it renders, its badge images are named, the language switch works,
and an origin the municipality allows can show it in a frame while any other origin cannot."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from climate_plugin.db import db
from climate_plugin.i18n import t
from climate_plugin.meetings.links import meeting_url
from climate_plugin.models import AgendaItem, Assessment, Connector

MEETING = "Ympäristölautakunta 2/2026"
ANSWERS = {
    "ratings": {"transport": {"rating": "-", "justification": "Pysäköintipaikkoja lisätään 40."}},
    "questions": {"X1": "Pyöräpysäköintiä verrattiin autopaikkoihin."},
}


@pytest.fixture
def meeting(live) -> str:
    """A meeting with one assessed item in the live app; returns the meeting view's absolute URL."""
    with live.app.app_context():
        connector = db.session.get(Connector, live.connector_id)
        item = AgendaItem(
            connector=connector,
            external_id="2026-20",
            title="Torin pysäköintiratkaisu",
            body="",
            language="fi",
            meeting=MEETING,
            content_hash="h",
            updated_at=datetime.now(UTC),
        )
        db.session.add(item)
        db.session.add(
            Assessment(
                item=item,
                revision=1,
                relevance="high",
                categories=["transport"],
                evidence=[],
                answers=ANSWERS,
                screening_version="s1",
                content_hash="h",
                source="preparer",
                state="submitted",
            )
        )
        db.session.commit()
        return meeting_url(connector.id, MEETING, live.base_url)


class _Embedder:
    """Another origin (another port) whose page shows a URL in an iframe, as a host system would."""

    def __init__(self) -> None:
        owner = self
        self.target = ""

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                body = (
                    "<!doctype html><html lang='fi'><head><meta charset='utf-8'><title>Host</title></head>"
                    f"<body><iframe id='view' title='Meeting' src='{owner.target}'></iframe></body></html>"
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def embedder() -> Iterator[_Embedder]:
    host = _Embedder()
    yield host
    host.server.shutdown()


def test_meeting_view_renders_with_named_badge_images(page, meeting):
    page.goto(meeting)
    assert page.locator("html").get_attribute("lang") == "fi"
    assert page.get_by_role("heading", level=1).inner_text() == MEETING
    assert page.get_by_role("heading", name="Torin pysäköintiratkaisu").is_visible()
    badge = page.get_by_role("img", name="Ilmastovaikutukset arvioitu")
    badge.wait_for()
    # The SVG really loaded (an image that failed to load keeps its alt text but has no size).
    assert badge.evaluate("img => img.complete && img.naturalWidth > 0")
    assert page.get_by_role("img", name="Vaihtoehdot punnittu").is_visible()
    # The checklist link and the commitment form's fields are reachable by their names.
    assert page.get_by_role("link", name=t("meeting.open_assessment", "fi")).count() == 1
    assert "Pysäköintipaikkoja lisätään 40." in page.locator(".verdict").inner_text()
    page.get_by_text("Kirjaa ilmastositoumus").click()  # opens the <details>, no script needed
    assert page.get_by_label(t("commitment.field.indicator", "fi")).is_visible()


def test_language_switch_changes_texts_and_badge_titles(page, meeting):
    page.goto(meeting)
    page.get_by_role("link", name="svenska").click()
    page.wait_for_url("**lang=sv")
    assert page.locator("html").get_attribute("lang") == "sv"
    assert page.get_by_text("Klimatkonsekvenser på föredragningslistan").first.is_visible()
    badge = page.get_by_role("img", name="Klimatkonsekvenserna bedömda")
    badge.wait_for()
    assert badge.evaluate("img => img.complete && img.naturalWidth > 0")
    assert page.get_by_role("link", name="svenska").get_attribute("aria-current") == "page"


def test_an_allowed_origin_can_frame_the_view_and_another_cannot(live, page, meeting, embedder):
    embedder.target = meeting
    page.goto(embedder.origin + "/")
    blocked = page.frame_locator("#view").get_by_role("heading", level=1)
    # Not allowed yet: Chromium refuses to render the view inside the other origin's page.
    page.wait_for_load_state("load")
    assert blocked.count() == 0
    assert [frame.url for frame in page.frames[1:]] == ["chrome-error://chromewebdata/"]

    with live.app.app_context():
        connector = db.session.get(Connector, live.connector_id)
        connector.municipality.settings = {"frame_ancestors": [embedder.origin]}
        db.session.commit()
    page.goto(embedder.origin + "/")
    framed = page.frame_locator("#view").get_by_role("heading", level=1)
    framed.wait_for()
    assert framed.inner_text() == MEETING
