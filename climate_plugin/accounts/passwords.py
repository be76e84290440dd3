"""Password hashing with argon2id (argon2-cffi's PasswordHasher, RFC 9106 parameters).

Why argon2id rather than werkzeug's scrypt: it won the Password Hashing Competition, is memory-hard
against GPU guessing, and argon2-cffi records its parameters in each hash and tells us when they are
outdated (``needs_rehash``), so stronger settings reach old hashes at the next sign-in.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
#: verified against when the e-mail is unknown, so a wrong address takes as long as a wrong password
_DUMMY_HASH = _hasher.hash("not a real password; only here to spend the same time")

MIN_LENGTH = 12
MAX_LENGTH = 1000  # argon2 accepts any length, but a megabyte "password" is a cheap denial of service


class PasswordError(ValueError):
    """A new password that is not acceptable; the message says why."""


def check_new_password(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise PasswordError(f"a password needs at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise PasswordError(f"a password may have at most {MAX_LENGTH} characters")


def hash_password(password: str) -> str:
    check_new_password(password)
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches; a missing hash (a single sign-on account) never matches."""
    if len(password) > MAX_LENGTH:
        return False
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    try:
        return _hasher.check_needs_rehash(password_hash)
    except InvalidHashError:
        return True
