"""The demo's sample agenda system: its JSON API, idempotent write-back, and signed webhooks."""

from __future__ import annotations

import json
import re
import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from climate_plugin.demo import DEMO_ITEMS, SampleHost, generate_secret

TOKEN = "demo-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
BLOCK = {"level": "high", "categories": ["energy", "buildings"], "summary": "Öljystä maalämpöön"}


class Receiver:
    """A webhook endpoint on loopback that records raw bodies and headers and answers scripted statuses."""

    def __init__(self, statuses: list[int] | None = None) -> None:
        self.received: list[tuple[bytes, dict[str, str]]] = []
        self.statuses = list(statuses or [])
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((body, {k.lower(): v for k, v in self.headers.items()}))
                self.send_response(receiver.statuses.pop(0) if receiver.statuses else 202)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/webhooks/rest"
        # A short poll interval makes shutdown() quick between tests.
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def host() -> Iterator[SampleHost]:
    with SampleHost(api_token=TOKEN, retry_delays=(0.01, 0.01)) as sample:
        for item in DEMO_ITEMS:
            sample.add(item)
        yield sample


@pytest.fixture
def http() -> Iterator[requests.Session]:
    with requests.Session() as session:
        session.trust_env = False  # never route loopback calls through a proxy from the environment
        yield session


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


def _climate_url(host: SampleHost, item_id: str) -> str:
    return f"{host.base_url}/items/{item_id}/climate"


# --- the JSON API ------------------------------------------------------------------------------------------
def test_fetch_item(host: SampleHost, http: requests.Session) -> None:
    assert host.base_url.startswith("http://127.0.0.1:")
    answer = http.get(f"{host.base_url}/items/2026-104", headers=AUTH)
    assert answer.status_code == 200
    item = answer.json()
    assert set(item) == {
        "id",
        "title",
        "body",
        "language",
        "meeting",
        "committee",
        "updated_at",
    }  # no "expected" label
    assert item["id"] == "2026-104" and item["language"] == "sv"
    assert item["title"] == "Dagvattenprogram för Borgå stad 2026–2035"
    updated = datetime.fromisoformat(item["updated_at"])
    assert updated.utcoffset().total_seconds() == 0
    assert abs((datetime.now(UTC) - updated).total_seconds()) < 60


def test_list_items(host: SampleHost, http: requests.Session) -> None:
    answer = http.get(f"{host.base_url}/items", headers=AUTH)
    assert answer.status_code == 200
    assert [item["id"] for item in answer.json()] == [item["id"] for item in DEMO_ITEMS]


def test_unknown_item_is_404(host: SampleHost, http: requests.Session) -> None:
    assert http.get(f"{host.base_url}/items/2099-1", headers=AUTH).status_code == 404
    answer = http.post(_climate_url(host, "2099-1"), json=BLOCK, headers=AUTH)
    assert answer.status_code == 404
    assert "error" in answer.json()
    assert host.climate_blocks() == {}


def test_same_idempotency_key_is_stored_once(host: SampleHost, http: requests.Session) -> None:
    headers = {**AUTH, "Idempotency-Key": "wb-1"}
    first = http.post(_climate_url(host, "2026-101"), json=BLOCK, headers=headers)
    second = http.post(_climate_url(host, "2026-101"), json=BLOCK, headers=headers)
    assert first.status_code == 201
    assert second.status_code == 201  # the stored answer, replayed
    assert second.content == first.content
    assert second.headers.get("Idempotent-Replayed") == "true"
    assert host.write_back_count("2026-101") == 1
    assert host.write_back_requests("2026-101") == 2
    assert host.climate_blocks() == {"2026-101": BLOCK}
    assert http.get(_climate_url(host, "2026-101"), headers=AUTH).json() == BLOCK


def test_racing_twins_with_one_key_store_once(host: SampleHost, http: requests.Session) -> None:
    headers = {**AUTH, "Idempotency-Key": "wb-race"}
    statuses: list[int] = []

    def send() -> None:
        with requests.Session() as own:  # one session per thread: Session is not thread-safe
            own.trust_env = False
            statuses.append(own.put(_climate_url(host, "2026-102"), json=BLOCK, headers=headers).status_code)

    threads = [threading.Thread(target=send) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [201] * 8
    assert host.write_back_count("2026-102") == 1
    assert host.write_back_requests("2026-102") == 8


def test_different_keys_are_stored_twice(host: SampleHost, http: requests.Session) -> None:
    changed = {**BLOCK, "level": "minor"}
    url = _climate_url(host, "2026-101")
    first = http.post(url, json=BLOCK, headers={**AUTH, "Idempotency-Key": "a"})
    second = http.patch(url, json=changed, headers={**AUTH, "Idempotency-Key": "b"})
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json()["write_back"] == 2
    assert host.write_back_count("2026-101") == 2
    assert host.climate_blocks()["2026-101"] == changed


def test_key_reused_with_another_body_is_refused(host: SampleHost, http: requests.Session) -> None:
    headers = {**AUTH, "Idempotency-Key": "k"}
    http.post(_climate_url(host, "2026-101"), json=BLOCK, headers=headers)
    answer = http.post(_climate_url(host, "2026-101"), json={"level": "none"}, headers=headers)
    assert answer.status_code == 422
    assert host.write_back_count("2026-101") == 1
    assert host.climate_blocks()["2026-101"] == BLOCK


def test_keys_are_per_item(host: SampleHost, http: requests.Session) -> None:
    headers = {**AUTH, "Idempotency-Key": "same"}
    http.post(_climate_url(host, "2026-101"), json=BLOCK, headers=headers)
    http.post(_climate_url(host, "2026-102"), json=BLOCK, headers=headers)
    assert set(host.climate_blocks()) == {"2026-101", "2026-102"}


@pytest.mark.parametrize("body", [b"{not json", b"", b"[1, 2]", b'"text"', "ä".encode("latin-1")])
def test_bad_json_is_400(host: SampleHost, http: requests.Session, body: bytes) -> None:
    headers = {**AUTH, "Content-Type": "application/json", "Idempotency-Key": "x"}
    answer = http.post(_climate_url(host, "2026-101"), data=body, headers=headers)
    assert answer.status_code == 400
    assert host.write_back_count("2026-101") == 0
    assert host.climate_blocks() == {}


@pytest.mark.parametrize("auth", [None, "Bearer wrong", f"Basic {TOKEN}", f"Bearer {TOKEN}x"])
def test_bearer_token_is_required(host: SampleHost, http: requests.Session, auth: str | None) -> None:
    headers = {"Authorization": auth} if auth else {}
    answer = http.get(f"{host.base_url}/items/2026-101", headers=headers)
    assert answer.status_code == 401
    assert answer.headers["WWW-Authenticate"] == "Bearer"
    assert http.post(_climate_url(host, "2026-101"), json=BLOCK, headers=headers).status_code == 401
    assert http.get(f"{host.base_url}/items", headers=headers).status_code == 401
    assert http.get(f"{host.base_url}/items?token={TOKEN}", headers=headers).status_code == 401  # page only
    assert host.climate_blocks() == {}
    assert host.write_back_requests("2026-101") == 0


def test_no_token_configured_means_open_api(http: requests.Session) -> None:
    with SampleHost() as open_host:
        open_host.add(DEMO_ITEMS[0])
        assert http.get(f"{open_host.base_url}/items/{DEMO_ITEMS[0]['id']}").status_code == 200


def test_overview_page_escapes_everything(host: SampleHost, http: requests.Session) -> None:
    host.add({"id": "evil", "title": "<script>alert(1)</script>", "meeting": "&", "language": "fi"})
    http.post(_climate_url(host, "evil"), json={"note": "</pre><b>x</b>"}, headers=AUTH)
    assert http.get(f"{host.base_url}/").status_code == 401  # connectors test credentials against "/"
    assert http.get(f"{host.base_url}/?token=wrong").status_code == 401
    page = http.get(host.page_url)  # a browser sends the token in the query
    assert page.status_code == 200
    assert http.get(f"{host.base_url}/", headers=AUTH).status_code == 200
    assert page.headers["Content-Type"].startswith("text/html")
    assert "<script>" not in page.text and "<b>x</b>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert "Dagvattenprogram för Borgå stad" in page.text


# --- webhooks ----------------------------------------------------------------------------------------------
def test_draft_sends_a_verifiable_webhook(
    host: SampleHost, http: requests.Session, receiver: Receiver
) -> None:
    secret = generate_secret()
    host.configure_webhook(receiver.url, secret)
    item = {**DEMO_ITEMS[0], "id": "2026-201", "title": "Uusi asia"}
    webhook_id = host.draft(item)

    assert len(receiver.received) == 1
    body, headers = receiver.received[0]
    payload = Webhook(secret).verify(body, headers)
    assert payload["type"] == "agenda_item.drafted"
    assert payload["data"] == {"id": "2026-201"}
    assert datetime.fromisoformat(payload["timestamp"]).tzinfo is not None
    assert headers["webhook-id"] == webhook_id and webhook_id.startswith("msg_")
    assert headers["content-type"] == "application/json"
    assert abs(int(headers["webhook-timestamp"]) - datetime.now(UTC).timestamp()) < 60
    with pytest.raises(WebhookVerificationError):
        Webhook(generate_secret()).verify(body, headers)

    delivery = host.delivery(webhook_id)
    assert (delivery.status, delivery.attempts, delivery.ok) == (202, 1, True)
    assert http.get(f"{host.base_url}/items/2026-201", headers=AUTH).json()["title"] == "Uusi asia"


def test_redeliver_sends_identical_bytes(host: SampleHost, receiver: Receiver) -> None:
    host.configure_webhook(receiver.url, generate_secret())
    webhook_id = host.draft(DEMO_ITEMS[1])
    assert host.redeliver(webhook_id) == 202
    (body1, headers1), (body2, headers2) = receiver.received
    assert body2 == body1
    assert headers2["webhook-id"] == headers1["webhook-id"] == webhook_id
    assert headers2["webhook-signature"] == headers1["webhook-signature"]
    assert headers2["webhook-timestamp"] == headers1["webhook-timestamp"]
    assert host.delivery(webhook_id).attempts == 2


def test_5xx_is_retried_with_the_same_message(host: SampleHost) -> None:
    flaky = Receiver(statuses=[503, 500])
    try:
        host.configure_webhook(flaky.url, generate_secret())
        webhook_id = host.draft(DEMO_ITEMS[2])
    finally:
        flaky.close()
    assert len(flaky.received) == 3
    assert len({body for body, _ in flaky.received}) == 1
    assert {headers["webhook-id"] for _, headers in flaky.received} == {webhook_id}
    delivery = host.delivery(webhook_id)
    assert (delivery.status, delivery.attempts, delivery.error) == (202, 3, None)


def test_4xx_is_not_retried(host: SampleHost) -> None:
    refusing = Receiver(statuses=[400])
    try:
        host.configure_webhook(refusing.url, generate_secret())
        webhook_id = host.draft(DEMO_ITEMS[2])
    finally:
        refusing.close()
    delivery = host.delivery(webhook_id)
    assert (len(refusing.received), delivery.attempts, delivery.status) == (1, 1, 400)
    assert delivery.error == "HTTP 400" and not delivery.ok


def test_unreachable_receiver_is_retried_then_recorded(host: SampleHost) -> None:
    with socket.socket() as s:  # a loopback port that nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    host.configure_webhook(f"http://127.0.0.1:{port}/webhooks", generate_secret())
    webhook_id = host.draft(DEMO_ITEMS[3])
    delivery = host.delivery(webhook_id)
    assert delivery.status is None and delivery.attempts == 3
    assert "ConnectionError" in (delivery.error or "")
    assert host.items()[3]["id"] == DEMO_ITEMS[3]["id"]  # the item is stored even though nobody heard


def test_update_and_delete_send_their_events(
    host: SampleHost, http: requests.Session, receiver: Receiver
) -> None:
    secret = generate_secret()
    host.configure_webhook(receiver.url, secret)
    before = http.get(f"{host.base_url}/items/2026-105", headers=AUTH).json()
    host.update("2026-105", title="Linjan 4 reittimuutos")
    after = http.get(f"{host.base_url}/items/2026-105", headers=AUTH).json()
    assert after["title"] == "Linjan 4 reittimuutos"
    assert datetime.fromisoformat(after["updated_at"]) > datetime.fromisoformat(before["updated_at"])

    http.post(_climate_url(host, "2026-105"), json=BLOCK, headers=AUTH)
    host.delete("2026-105")
    assert http.get(f"{host.base_url}/items/2026-105", headers=AUTH).status_code == 404
    assert "2026-105" not in host.climate_blocks()

    events = [Webhook(secret).verify(body, headers) for body, headers in receiver.received]
    assert [(e["type"], e["data"]["id"]) for e in events] == [
        ("agenda_item.updated", "2026-105"),
        ("agenda_item.deleted", "2026-105"),
    ]
    with pytest.raises(ValueError):
        host.update("2026-101", expected="high")
    with pytest.raises(KeyError):
        host.delete("2099-1")


def test_draft_without_a_webhook_is_an_error(host: SampleHost) -> None:
    with pytest.raises(RuntimeError, match="configure_webhook"):
        host.draft(DEMO_ITEMS[0])


def test_stop_frees_the_port(http: requests.Session) -> None:
    sample = SampleHost().start()
    url = sample.base_url
    sample.stop()
    with pytest.raises(requests.ConnectionError):
        http.get(f"{url}/items", timeout=2)
    with pytest.raises(RuntimeError):
        _ = sample.base_url


# --- the demo items ----------------------------------------------------------------------------------------
def test_demo_items_are_a_useful_mix() -> None:
    assert len(DEMO_ITEMS) >= 8
    assert len({item["id"] for item in DEMO_ITEMS}) == len(DEMO_ITEMS)
    for item in DEMO_ITEMS:
        fields = set(item) - {"screening_differs"}  # why the screening gives another level, where it does
        assert fields == {
            "id", "title", "body", "language", "meeting", "committee", "expected", "municipality"
        }, item["id"]
        assert item["language"] in {"fi", "sv"}
        assert item["expected"] in {"high", "minor", "none"}
        assert item["title"].strip() and item["meeting"].strip()
        sentences = re.findall(r"[.!?](?:\s|<|$)", item["body"])
        assert 2 <= len(sentences) <= 8, item["id"]  # a few sentences, not a one-liner
    assert sum(item["language"] == "sv" for item in DEMO_ITEMS) >= 2
    for level in ("high", "minor", "none"):
        assert sum(item["expected"] == level for item in DEMO_ITEMS) >= 2, level
    assert sum(item["body"].startswith("<p>") for item in DEMO_ITEMS) >= 2


def test_each_demo_item_is_in_the_municipality_its_text_names() -> None:
    from climate_plugin.demo.items import MUNICIPALITIES

    # the committee's name starts with the town's (Hollolan, Lahden, Borgå, Sibbo, Lovisa …)
    stems = {"hollola": ("Hollola",), "lahti": ("Lahde",), "orimattila": ("Orimattila",),
             "porvoo": ("Porvoo", "Borgå"), "sipoo": ("Sipoo", "Sibbo"), "loviisa": ("Loviisa", "Lovisa")}
    for item in DEMO_ITEMS:
        assert item["municipality"] in MUNICIPALITIES, item["id"]
        assert item["committee"].startswith(stems[item["municipality"]]), item["id"]
    assert len({item["municipality"] for item in DEMO_ITEMS}) >= 5


def test_demo_items_survive_a_round_trip_through_json() -> None:
    assert json.loads(json.dumps(DEMO_ITEMS)) == DEMO_ITEMS
