"""What every service shares: what it refuses (the same for every face: pages, the API's 409 / 404, the
CLI's one line) and the check of a display name."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError

#: Connector.name, User.name and ApiToken.name are VARCHAR(200)
NAME_MAX = 200


class NotPossible(Exception):
    """The action does not fit the record's current state (e.g. retrying a write-back that was sent)."""


class NotAllowed(PermissionError):
    """The principal may not act on this municipality."""


def check_name(name: Any) -> str:
    if not isinstance(name, str) or not name.strip():
        raise ValidationError({"name": ["must not be empty"]})
    if len(name.strip()) > NAME_MAX:
        raise ValidationError({"name": [f"at most {NAME_MAX} characters"]})
    return name.strip()
