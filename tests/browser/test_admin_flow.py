"""The admin pages' "done when", in headless Chromium: an administrator signs in, creates a connector to an
agenda system that is down, sees the delivery it sent fail, and once the system is back, redelivers it.

The agenda system is a small http.server on 127.0.0.1 that answers 500 until it is made healthy; the
embedded worker gives up after one retry (CLIMATE_PLUGIN_TASK_MAX_RETRIES=1), so the failure shows quickly.
"""

from __future__ import annotations

import json
import threading
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy import select

from climate_plugin.accounts.users import create_user
from climate_plugin.db import db
from climate_plugin.i18n import t
from climate_plugin.models import Connector, Delivery, Municipality
from tests.support.app import build_app
from tests.support.screenshots import keep_screenshot
from tests.support.waiting import wait_for
from tests.support.webhooks import event_body, signed_headers

EMAIL = "anna.admin@hollola.fi"
PASSWORD = "a long enough password for tests"
ITEM = {
    "title": "Kirkonkylän koulun lämmitys maalämpöön",
    "body": "<p>Öljylämmitys korvataan maalämmöllä.</p>",
    "language": "fi",
    "updated_at": datetime(2026, 1, 12, 9, 0, tzinfo=UTC).isoformat(),
}


class AgendaHost:
    """An agenda system with one item that answers 500 until ``healthy`` is set."""

    def __init__(self) -> None:
        self.healthy = False
        self.requests: list[str] = []
        host = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                host.requests.append(self.path)
                if not host.healthy:
                    self.send_response(500)
                    self.end_headers()
                    return
                body = json.dumps(ITEM).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def app(tmp_path: Path):
    # One retry, then the delivery is recorded as failed (the default retries for minutes).
    app = build_app(tmp_path, task_max_retries="1")
    yield app
    app.extensions["climate_plugin.queue"].stop()


@pytest.fixture
def agenda_host() -> Iterator[AgendaHost]:
    host = AgendaHost()
    yield host
    host.stop()


def _delivery(app, connector_id: int) -> Delivery | None:
    with app.app_context():
        row = db.session.scalar(select(Delivery).where(Delivery.connector_id == connector_id))
        if row is not None:
            db.session.expunge(row)
        return row


def test_admin_creates_a_connector_sees_a_failed_delivery_and_redelivers_it(live, page, agenda_host):
    app = live.app
    with app.app_context():
        hollola = db.session.scalar(select(Municipality).where(Municipality.slug == "hollola"))
        create_user(hollola, EMAIL, "Anna Admin", "municipality_admin", PASSWORD)
        db.session.commit()

    # --- sign in ---
    page.goto(f"{live.base_url}/admin/m/hollola/connectors")
    assert "/admin/login" in page.url  # not signed in yet: sent to the login page
    page.get_by_label(t("auth.login.email", "fi")).fill(EMAIL)
    page.get_by_label(t("auth.login.password", "fi")).fill(PASSWORD)
    page.get_by_role("button", name=t("auth.login.submit", "fi")).click()
    page.get_by_role("heading", level=1, name=t("admin.connectors.heading", "fi")).wait_for()
    assert page.locator("html").get_attribute("lang") == "fi"

    # --- create a REST connector to the (failing) agenda system ---
    page.get_by_role("link", name=t("admin.connectors.new", "fi")).click()
    # the kind shows its own settings at once (the page's script presses "choose kind" on change)
    page.get_by_label(t("admin.connector.kind_label", "fi")).select_option("oparl")
    page.locator("#cfg-system-url").wait_for()
    assert page.locator("#cfg-fields-title").count() == 0
    page.get_by_label(t("admin.connector.kind_label", "fi")).select_option("rest")
    page.locator("#cfg-fields-title").wait_for()
    page.get_by_label(t("admin.connector.name_label", "fi")).fill("Kokousjärjestelmä")
    page.locator("#cfg-base-url").fill(agenda_host.base_url)
    page.locator("#cfg-fields-title").fill("title")  # not a JSON Pointer: said next to the field
    page.get_by_role("button", name=t("admin.connector.create", "fi")).click()
    page.locator("#cfg-fields-title-error").filter(has_text=t("validation.pointer", "fi")).wait_for()
    keep_screenshot(page, "2-admin-connector-form-error")
    page.locator("#cfg-fields-title").fill("/title")
    page.get_by_role("button", name=t("admin.connector.create", "fi")).click()
    page.get_by_role("heading", level=1, name=t("admin.connector.created_heading", "fi")).wait_for()
    secret = page.locator("#webhook-secret").inner_text().strip()
    webhook_url = page.locator("#webhook-url").inner_text().strip()
    assert secret.startswith("whsec_")
    with app.app_context():
        connector_id = db.session.scalar(select(Connector.id).where(Connector.name == "Kokousjärjestelmä"))
    assert webhook_url == f"{live.base_url}/webhooks/{connector_id}"

    # --- the agenda system sends a signed webhook; fetching the item fails with 500 ---
    body = event_body("2026-5")
    request = urllib.request.Request(
        webhook_url, data=body, headers=signed_headers(secret, body), method="POST"
    )
    with urllib.request.urlopen(request, timeout=60) as answer:
        assert answer.status in (200, 202)
    wait_for(lambda: (d := _delivery(app, connector_id)) is not None and d.status == "failed")
    assert agenda_host.requests  # it did ask, and got 500

    # --- the failed delivery on the deliveries page ---
    page.get_by_role("link", name=t("admin.nav.deliveries", "fi")).click()
    delivery = _delivery(app, connector_id)
    row = page.locator(f"#delivery-{delivery.id}")
    assert row.locator("td.status").inner_text() == t("admin.status.failed", "fi")
    assert "500" in row.locator("td.error-text").inner_text()
    keep_screenshot(page, "3-admin-failed-delivery")

    # --- the host is fixed; redeliver ---
    agenda_host.healthy = True
    row.get_by_role("button", name=t("admin.deliveries.redeliver", "fi")).click()
    page.get_by_role("status").filter(has_text=t("admin.deliveries.redelivered", "fi")).wait_for()
    keep_screenshot(page, "4-admin-redelivered")
    wait_for(lambda: _delivery(app, connector_id).status == "done")
    page.reload()
    row = page.locator(f"#delivery-{delivery.id}")
    assert row.locator("td.status").inner_text() == t("admin.status.done", "fi")
    assert row.get_by_role("button").count() == 0  # nothing left to redeliver

    # --- and the audit log says who did it ---
    page.get_by_role("link", name=t("admin.nav.audit", "fi")).click()
    log = page.locator("#audit").inner_text()
    assert "delivery.redeliver" in log and "connector.create" in log
    assert "Anna Admin" in log
    assert secret not in page.content()
