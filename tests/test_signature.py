"""Standard Webhooks verification, cross-checked against the standardwebhooks package's own signing."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from standardwebhooks.webhooks import Webhook

from climate_plugin.connectors.base import WebhookAuthError
from climate_plugin.connectors.common.signature import (
    new_webhook_secret,
    sign_standard_webhook,
    verify_standard_webhook,
)

OLD = "whsec_" + base64.b64encode(b"o" * 32).decode()
NEW = "whsec_" + base64.b64encode(b"n" * 32).decode()
BODY = json.dumps({"type": "agenda_item.updated", "data": {"id": "42"}}, separators=(",", ":")).encode()


def _package_headers(secret: str, body: bytes, when: datetime | None = None, msg_id: str = "msg_1") -> dict:
    when = when or datetime.now(UTC)
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(when.timestamp())),
        "webhook-signature": Webhook(secret).sign(msg_id, when, body.decode()),
    }


def test_second_of_two_secrets_verifies_package_signature() -> None:
    verify_standard_webhook(BODY, _package_headers(NEW, BODY), [OLD, NEW])


def test_header_names_are_case_insensitive() -> None:
    headers = {k.title(): v for k, v in _package_headers(NEW, BODY).items()}
    assert "Webhook-Signature" in headers
    verify_standard_webhook(BODY, headers, [NEW])


def test_wrong_secret_refused() -> None:
    with pytest.raises(WebhookAuthError, match="does not match"):
        verify_standard_webhook(BODY, _package_headers(OLD, BODY), [NEW])


def test_tampered_body_refused() -> None:
    headers = _package_headers(NEW, BODY)
    with pytest.raises(WebhookAuthError, match="does not match"):
        verify_standard_webhook(BODY.replace(b"42", b"43"), headers, [NEW])


def test_reserialised_body_refused() -> None:
    # The classic bug: verifying json.dumps(json.loads(body)) instead of the raw bytes.
    headers = _package_headers(NEW, BODY)
    with pytest.raises(WebhookAuthError):
        verify_standard_webhook(json.dumps(json.loads(BODY)).encode(), headers, [NEW])


@pytest.mark.parametrize("missing", ["webhook-id", "webhook-timestamp", "webhook-signature"])
def test_missing_header_named(missing: str) -> None:
    headers = _package_headers(NEW, BODY)
    del headers[missing]
    with pytest.raises(WebhookAuthError, match=missing):
        verify_standard_webhook(BODY, headers, [NEW])


@pytest.mark.parametrize("offset", [timedelta(minutes=-6), timedelta(minutes=6)])
def test_timestamp_outside_tolerance_refused(offset: timedelta) -> None:
    headers = _package_headers(NEW, BODY, when=datetime.now(UTC) + offset)
    with pytest.raises(WebhookAuthError, match="five minutes"):
        verify_standard_webhook(BODY, headers, [NEW])


def test_timestamp_within_tolerance_accepted() -> None:
    headers = _package_headers(NEW, BODY, when=datetime.now(UTC) - timedelta(minutes=4))
    verify_standard_webhook(BODY, headers, [NEW])


@pytest.mark.parametrize("value", ["yesterday", "nan", "inf", "1e400"])
def test_unparseable_timestamp_refused(value: str) -> None:
    headers = _package_headers(NEW, BODY) | {"webhook-timestamp": value}
    with pytest.raises(WebhookAuthError, match="timestamp"):
        verify_standard_webhook(BODY, headers, [NEW])


def test_signed_non_json_body_passes() -> None:
    body = b"this is not json {"
    verify_standard_webhook(body, _package_headers(NEW, body), [NEW])


def test_non_utf8_body_refused_without_crashing() -> None:
    headers = _package_headers(NEW, BODY)
    with pytest.raises(WebhookAuthError, match="UTF-8"):
        verify_standard_webhook(b"\xff\xfe", headers, [NEW])


@pytest.mark.parametrize("signature", ["garbage", "v1", "v1,", "v1,!!!notbase64", "v2,abc="])
def test_malformed_signature_header_is_auth_error(signature: str) -> None:
    headers = _package_headers(NEW, BODY) | {"webhook-signature": signature}
    with pytest.raises(WebhookAuthError):
        verify_standard_webhook(BODY, headers, [NEW])


def test_one_good_signature_among_several_passes() -> None:
    good = _package_headers(NEW, BODY)
    bad = _package_headers(OLD, BODY)["webhook-signature"]
    headers = good | {"webhook-signature": f"{bad} v2,xyz {good['webhook-signature']}"}
    verify_standard_webhook(BODY, headers, [NEW])


def test_no_usable_secret() -> None:
    with pytest.raises(WebhookAuthError, match="no usable webhook secret"):
        verify_standard_webhook(BODY, _package_headers(NEW, BODY), ["", "whsec_"])


def test_new_secret_format() -> None:
    secret = new_webhook_secret()
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"), validate=True)) == 32
    assert secret != new_webhook_secret()
    verify_standard_webhook(BODY, _package_headers(secret, BODY), [secret])


def test_sign_helper_matches_package_and_verifies() -> None:
    when = datetime.now(UTC).replace(microsecond=0)
    headers = sign_standard_webhook(NEW, "msg_7", when, BODY)
    assert headers == _package_headers(NEW, BODY, when=when, msg_id="msg_7")
    verify_standard_webhook(BODY, headers, [OLD, NEW])
    # and the package's own verify accepts what the helper made
    assert Webhook(NEW).verify(BODY, headers) == json.loads(BODY)


def test_sign_helper_converts_aware_times_to_utc() -> None:
    helsinki = timezone(timedelta(hours=2))
    when = datetime.now(helsinki).replace(microsecond=0)
    headers = sign_standard_webhook(NEW, "msg_8", when, BODY)
    assert int(headers["webhook-timestamp"]) == int(when.timestamp())
    verify_standard_webhook(BODY, headers, [NEW])
