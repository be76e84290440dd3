"""Signed, expiring links: determinism, expiry, forgery, and the checklist link of an item."""

from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask

from climate_plugin.web.signed_links import (
    LINK_LIFETIME,
    LinkExpired,
    link_expiry,
    make_token,
    read_token,
    token_expiry,
)

NOW = datetime(2026, 11, 29, 12, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def app_context():
    app = Flask(__name__)
    app.config["SECRET_KEY"] = "test-secret"
    with app.app_context():
        yield app


def test_round_trip_and_determinism():
    expires = NOW + timedelta(days=1)
    token = make_token("checklist", "abc", expires)
    assert make_token("checklist", "abc", expires) == token
    assert read_token("checklist", token, now=NOW) == "abc"
    assert token_expiry("checklist", token) == expires.replace(microsecond=0)


def test_expired_link_raises_and_forged_is_none():
    token = make_token("checklist", "abc", NOW)
    with pytest.raises(LinkExpired):
        read_token("checklist", token, now=NOW + timedelta(seconds=1))
    assert read_token("checklist", token[:-2] + ("AA" if token[-2:] != "AA" else "BB"), now=NOW) is None
    assert read_token("checklist", "not-a-token", now=NOW) is None
    # a token for another purpose (the meeting view) does not open a checklist
    assert read_token("checklist", make_token("meeting", "abc", NOW + LINK_LIFETIME), now=NOW) is None


def test_another_secret_does_not_verify(app_context):
    token = make_token("checklist", "abc", NOW + timedelta(days=1))
    app_context.config["SECRET_KEY"] = "another"
    assert read_token("checklist", token, now=NOW) is None


def test_link_expiry_is_rounded_up_to_midnight():
    assert link_expiry(NOW) == datetime(2027, 3, 30, tzinfo=UTC)  # 120 days later, the next midnight
    midnight = datetime(2026, 11, 29, tzinfo=UTC)
    assert link_expiry(midnight) == midnight + LINK_LIFETIME  # already on a midnight: unchanged
    # every moment of one day gives the same expiry, so the block that carries the link does not change
    assert link_expiry(NOW + timedelta(hours=11)) == link_expiry(NOW)
    with pytest.raises(ValueError):
        link_expiry(datetime(2026, 11, 29))
