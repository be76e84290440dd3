"""Password hashing with argon2id (argon2-cffi's PasswordHasher, RFC 9106 parameters).

Why argon2id rather than werkzeug's scrypt: it won the Password Hashing Competition, is memory-hard
against GPU guessing, and argon2-cffi records its parameters in each hash and tells us when they are
outdated (``needs_rehash``), so stronger settings reach old hashes at the next sign-in.
"""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context

#: the argon2 parameters of each CLIMATE_PLUGIN_PASSWORD_HASHING value (config.PASSWORD_HASHING).
#: "insecure-fast" (argon2-cffi's cheapest) protects nothing and exists for test suites, which make hundreds
#: of users; a hash records its parameters, so one made with it is replaced at the next sign-in.
PROFILES = {"rfc9106-low-memory": profiles.RFC_9106_LOW_MEMORY, "insecure-fast": profiles.CHEAPEST}
DEFAULT_PROFILE = "rfc9106-low-memory"

MIN_LENGTH = 12
MAX_LENGTH = 1000  # argon2 accepts any length, but a megabyte "password" is a cheap denial of service


class PasswordError(ValueError):
    """A new password that is not acceptable; the message says why."""


def check_new_password(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise PasswordError(f"a password needs at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise PasswordError(f"a password may have at most {MAX_LENGTH} characters")


@cache
def _hasher_and_dummy(profile: str) -> tuple[PasswordHasher, str]:
    hasher = PasswordHasher.from_parameters(PROFILES[profile])
    # verified against when the e-mail is unknown, so a wrong address takes as long as a wrong password
    return hasher, hasher.hash("not a real password; only here to spend the same time")


def _current() -> tuple[PasswordHasher, str]:
    """The app's configured parameters (the default outside an app)."""
    settings = current_app.extensions.get("climate_plugin.settings") if has_app_context() else None
    return _hasher_and_dummy(settings.password_hashing if settings else DEFAULT_PROFILE)


def hash_password(password: str) -> str:
    check_new_password(password)
    return _current()[0].hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches; a missing hash (a single sign-on account) never matches."""
    if len(password) > MAX_LENGTH:
        return False
    hasher, dummy = _current()
    try:
        return hasher.verify(password_hash or dummy, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    try:
        return _current()[0].check_needs_rehash(password_hash)
    except InvalidHashError:
        return True
