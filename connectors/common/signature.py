"""Standard Webhooks signatures (https://www.standardwebhooks.com/) over the raw request body.

We do not call ``Webhook.verify`` from the ``standardwebhooks`` package because it

* parses the body as JSON after checking it, so a correctly signed body that is not JSON would look
  like a bad signature (it must be a 400 from the connector instead, not a 401);
* raises ValueError / binascii.Error, not its own error, on a malformed ``webhook-signature`` header;
* takes one secret, while a rotation needs the old and the new one tried.

Instead we compute the expected signature with the package's ``Webhook.sign`` and compare it in constant
time ourselves; the timestamp tolerance is the same five minutes the package uses.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hmac
import math
import secrets as _secrets
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta

from standardwebhooks.webhooks import Webhook

TOLERANCE = timedelta(minutes=5)


class WebhookAuthError(Exception):
    """The webhook's signature, key or timestamp did not verify (answered 401).

    Defined here, where signatures are checked, and part of the connector interface
    (``climate_plugin.connectors.base`` exports it).
    """


def new_webhook_secret() -> str:
    """A fresh secret in the scheme's format: ``whsec_`` + base64 of 32 random bytes."""
    return "whsec_" + base64.b64encode(_secrets.token_bytes(32)).decode("ascii")


def _utc(moment: datetime) -> datetime:
    # The package's sign() does replace(tzinfo=utc), which shifts an aware non-UTC time; convert first.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def sign_standard_webhook(secret: str, msg_id: str, timestamp: datetime, body: bytes) -> dict[str, str]:
    """The three headers a sender attaches to ``body`` (for the demo host and for tests)."""
    moment = _utc(timestamp)
    signature = Webhook(secret).sign(msg_id=msg_id, timestamp=moment, data=body.decode("utf-8"))
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(math.floor(moment.timestamp())),
        "webhook-signature": signature,
    }


def _parse_timestamp(value: str, now: datetime) -> datetime:
    try:
        seconds = float(value)
        if not math.isfinite(seconds):
            raise ValueError(value)
        moment = datetime.fromtimestamp(seconds, tz=UTC)
    except (ValueError, OverflowError, OSError):
        raise WebhookAuthError("the webhook-timestamp header is not a Unix timestamp") from None
    if abs(now - moment) > TOLERANCE:
        raise WebhookAuthError("the webhook timestamp is outside the allowed five minutes")
    return moment


def _offered_signatures(header: str) -> list[bytes]:
    """The v1 signatures in the header; entries of other versions or malformed ones are skipped."""
    offered = []
    for entry in header.split():
        version, _, value = entry.partition(",")
        if version != "v1" or not value:
            continue
        try:
            offered.append(base64.b64decode(value, validate=True))
        except binascii.Error:
            continue
    return offered


def _expected_signature(secret: str, msg_id: str, moment: datetime, text: str) -> bytes | None:
    try:
        signed = _signer(secret).sign(msg_id=msg_id, timestamp=moment, data=text)
    except Exception:  # an unusable configured secret (bad base64, empty) must not become a 500
        return None
    return base64.b64decode(signed.partition(",")[2])


@functools.lru_cache(maxsize=256)
def _signer(secret: str) -> Webhook:
    # Kept per secret: making one decodes the secret, on every webhook otherwise. Holding decrypted
    # secrets in memory is what the connector cache (hosts.connector.inbound_connector) does already.
    return Webhook(secret)


def header(headers: Mapping[str, str], name: str) -> str:
    """The header ``name`` (lower case) whatever its case in ``headers``, or "".

    Werkzeug's headers find any case by themselves; asking them first spares decoding every header of the
    request (the webhook path asks for three or four on every webhook); a plain dict is searched."""
    value = headers.get(name)
    if value is None:
        value = next((v for k, v in headers.items() if k.lower() == name), "")
    return value


def verify_standard_webhook(body: bytes, headers: Mapping[str, str], secrets: Sequence[str]) -> None:
    """Raise :class:`WebhookAuthError` unless one of ``secrets`` signed ``body`` recently enough."""
    msg_id = header(headers, "webhook-id").strip()
    timestamp = header(headers, "webhook-timestamp").strip()
    signature = header(headers, "webhook-signature").strip()
    missing = [name for name, value in (("webhook-id", msg_id), ("webhook-timestamp", timestamp),
                                        ("webhook-signature", signature)) if not value]
    if missing:
        raise WebhookAuthError(f"missing webhook header(s): {', '.join(missing)}")

    moment = _parse_timestamp(timestamp, datetime.now(UTC))
    try:
        # Decoding and re-encoding valid UTF-8 gives back the exact bytes, so signing the text is signing
        # the raw body. A sender signs text too, so it cannot have signed bytes that are not UTF-8.
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise WebhookAuthError("the webhook body is not UTF-8 text, so its signature cannot match") from None

    offered = _offered_signatures(signature)
    usable = False
    for secret in secrets:
        if not secret:
            continue
        expected = _expected_signature(secret, msg_id, moment, text)
        if expected is None:
            continue
        usable = True
        # compare_digest: the time taken must not reveal how many leading bytes were right.
        if any(hmac.compare_digest(expected, candidate) for candidate in offered):
            return
    if not usable:
        raise WebhookAuthError("no usable webhook secret is configured for this connector")
    raise WebhookAuthError("the webhook signature does not match")
