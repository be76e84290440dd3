"""Settings from CLIMATE_PLUGIN_* environment variables, checked once at start-up.

Every wrong value gets its own message, and all of them are reported together, so an operator
fixes a deployment in one go instead of one restart per mistake.
"""

from __future__ import annotations

import difflib
import math
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from climate_plugin.outbound import AllowList

PREFIX = "CLIMATE_PLUGIN_"
#: settings whose values are secrets: an error message names them but never shows the value
SECRET_SETTINGS = frozenset({"SECRET_KEY", "ENCRYPTION_KEYS"})
#: argon2 parameter sets for passwords, the default first (climate_plugin.auth.passwords has the parameters)
PASSWORD_HASHING = ("rfc9106-low-memory", "insecure-fast")
#: variables under the prefix that are not settings of the service: the test suite's own (tests/)
RESERVED_PREFIXES = (PREFIX + "TEST_",)


def is_redis_url(url: str | None) -> bool:
    """Whether ``url`` names a Redis server (``redis://`` or ``rediss://``): the broker and the abuse-limit
    store work differently there (heartbeats, the direct publish, the sweep's marker, shared counts)."""
    return bool(url) and str(url).startswith(("redis://", "rediss://"))


class ConfigError(Exception):
    """One or more settings are wrong; ``problems`` has one message per setting."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("invalid configuration:\n" + "\n".join(f"  - {p}" for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class Settings:
    database_url: str
    #: None runs the embedded in-process worker instead of Celery
    broker_url: str | None
    #: the Celery queue; separate names let several deployments share one Redis
    queue_name: str
    public_url: str
    secret_key: str | None
    #: Fernet keys, newest first; None uses a key file in the instance folder (development only)
    encryption_keys: tuple[str, ...] | None
    outbound_allow: AllowList
    outbound_timeout: float
    max_body_bytes: int
    #: a larger attachment is not downloaded further (and so not read)
    max_attachment_bytes: int
    #: attachments read per item; 0 switches reading attachments off
    max_attachments: int
    task_max_retries: int
    sweep_interval: float
    log_level: str
    #: seconds to wait for PostgreSQL to accept a connection (libpq connect_timeout; 2 at least)
    db_connect_timeout: int = 5
    #: seconds one SQL statement may run before PostgreSQL cancels it
    db_statement_timeout: float = 30.0
    #: seconds to wait for Redis (the broker and the abuse limits' counts) to connect or answer
    broker_timeout: float = 2.0
    #: smtp://user:pass@host:port or smtps://…; None writes mail to the development outbox instead
    smtp_url: str | None = None
    #: the sender address of reminders
    mail_from: str = "climate-plugin@localhost"
    #: commitments due within this many days get a reminder
    reminder_days: int = 14
    #: completed assessments the climate coordinator is offered for review each day
    review_sample_size: int = 5
    #: where the abuse limits count (redis://…); None: the broker when it is Redis, else this process's memory
    ratelimit_storage_url: str | None = None
    #: requests per connector and sending address to POST /webhooks/… (Flask-Limiter notation)
    webhook_rate_limit: str = "600/minute"
    #: sign-in attempts per address and, separately, per e-mail address
    login_rate_limit: str = "10/minute"
    #: how long an admin session lasts without signing in again
    session_hours: int = 8
    #: argon2 parameters for passwords (one of PASSWORD_HASHING); "insecure-fast" is for test suites only
    password_hashing: str = "rfc9106-low-memory"


def _positive_int(raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        value = 0  # int()'s own message ("invalid literal for int() with base 10") tells an operator little
    if value <= 0:
        raise ValueError("must be a positive whole number")
    return value


def _whole_number(raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        value = -1
    if value < 0:
        raise ValueError("must be a whole number, 0 or more")
    return value


def _positive_float(raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        value = 0.0
    # "inf" parses as a float, but a timer of infinite length overflows the worker's wait
    if not (value > 0 and math.isfinite(value)):
        raise ValueError("must be a positive number")
    return value


def _url(schemes: tuple[str, ...]) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        parts = urlsplit(raw)
        # Celery's in-memory broker is written "memory://", without a host
        if parts.scheme not in schemes or not (parts.netloc or parts.path or parts.scheme == "memory"):
            raise ValueError(f"must be a URL starting with {' or '.join(s + '://' for s in schemes)}")
        return raw

    return parse


def _database_url(raw: str) -> str:
    scheme, separator, rest = raw.partition("://")
    dialect, _, driver = scheme.partition("+")
    if not separator or dialect not in ("sqlite", "postgresql", "postgres"):
        raise ValueError("must be a sqlite:/// or postgresql:// URL")
    # psycopg 3 and the standard library's sqlite3 are the drivers we ship; any other one (a bare
    # postgresql:// means psycopg2 to SQLAlchemy) fails at start-up with an import error.
    if driver not in ("", "psycopg" if dialect != "sqlite" else "pysqlite"):
        raise ValueError(f"the database driver {driver!r} is not installed; leave it out of the URL")
    if dialect != "sqlite":
        return "postgresql+psycopg://" + rest
    return raw


def _keys(raw: str) -> tuple[str, ...]:
    from cryptography.fernet import Fernet

    keys = tuple(k.strip() for k in raw.split(",") if k.strip())
    if not keys:
        raise ValueError("must list at least one key")
    for index, key in enumerate(keys, 1):
        try:
            Fernet(key)
        except (ValueError, TypeError):
            raise ValueError(
                f"key {index} is not a Fernet key (32 url-safe base64 bytes; "
                "make one with `climate-plugin secrets new-key`)"
            ) from None
    return keys


def _queue_name(raw: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9_.:-]{1,100}", raw):
        raise ValueError("use letters, digits and . _ : - (at most 100)")
    return raw


def _log_level(raw: str) -> str:
    level = raw.upper()
    if level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        raise ValueError("must be DEBUG, INFO, WARNING or ERROR")
    return level


def _smtp_url(raw: str) -> str:
    parts = urlsplit(raw)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ValueError("must be smtp://user:password@host:port or smtps://… (the password URL-encoded)")
    try:
        parts.port  # noqa: B018  (urlsplit checks the port only when it is read)
    except ValueError:
        raise ValueError("the port must be a number from 1 to 65535") from None
    return raw


def _mail_address(raw: str) -> str:
    if not re.fullmatch(r"[^@\s<>]+@[^@\s<>]+", raw):
        raise ValueError("must be an e-mail address such as ilmasto@hollola.fi")
    return raw


def rate_limit(raw: str) -> str:
    """A rate in Flask-Limiter's notation ("600/minute", "10/minute;100/hour"); ValueError otherwise."""
    return _rate_limit(raw)


def _rate_limit(raw: str) -> str:
    from limits import parse_many

    try:
        parse_many(raw)
    except ValueError:
        raise ValueError('must be a rate such as "600/minute" or "10/minute;100/hour"') from None
    return raw


def _password_hashing(raw: str) -> str:
    if raw not in PASSWORD_HASHING:
        raise ValueError(f"must be one of {', '.join(PASSWORD_HASHING)}")
    return raw


def _shown(name: str, raw: str) -> str:
    """The wrong value as an error message may show it: secrets hidden, URL passwords masked."""
    if name in SECRET_SETTINGS:
        return "(value hidden)"
    if name.endswith("_URL"):
        try:
            parts = urlsplit(raw)
            if parts.password:
                return repr(raw.replace(f":{parts.password}@", ":***@", 1))
        except ValueError:
            return "(value hidden)"
    return repr(raw)


def setting_names() -> tuple[str, ...]:
    """Every CLIMATE_PLUGIN_* variable the service reads."""
    return tuple(PREFIX + name for name in _NAMES)


def unknown_variables(environ: Mapping[str, str] | None = None) -> list[str]:
    """One message per CLIMATE_PLUGIN_* variable that is not a setting, with a "did you mean" where one is
    close: a misspelled name would otherwise be ignored without a word (see docs/operators.md).

    Reported, not refused: a variable left from another release, or set for tooling that shares the
    environment, must not stop a service from starting; the typos that matter most are caught anyway (a
    misspelled DATABASE_URL leaves the default database, which `serve` refuses as not migrated; a
    misspelled ENCRYPTION_KEYS leaves a key that cannot read the stored secrets, which is named).
    """
    env = os.environ if environ is None else environ
    known = setting_names()
    messages = []
    for name in sorted(env):
        if not name.startswith(PREFIX) or name in known or name.startswith(RESERVED_PREFIXES):
            continue
        # compared without the prefix, which every name shares and which would make all of them "close"
        close = difflib.get_close_matches(name.removeprefix(PREFIX), _NAMES, n=1, cutoff=0.75)
        hint = f" (did you mean {PREFIX}{close[0]}?)" if close else ""
        messages.append(f"{name} is not a setting of climate-plugin and is ignored{hint}")
    return messages


def load_settings(instance_path: str | Path, environ: Mapping[str, str] | None = None) -> Settings:
    """Read and check every setting; raise :class:`ConfigError` listing all wrong values."""
    env = os.environ if environ is None else environ
    problems: list[str] = []

    def get(name: str, parse: Callable[[str], Any], default: Any) -> Any:
        raw = env.get(PREFIX + name)
        if raw is None or raw.strip() == "":
            return default
        try:
            return parse(raw.strip())
        except ValueError as exc:
            problems.append(f"{PREFIX}{name}={_shown(name, raw)}: {exc}")
            return default

    default_db = f"sqlite:///{Path(instance_path) / 'climate_plugin.sqlite3'}"
    settings = Settings(
        database_url=get("DATABASE_URL", _database_url, default_db),
        broker_url=get("BROKER_URL", _url(("redis", "rediss", "amqp", "memory")), None),
        queue_name=get("QUEUE_NAME", _queue_name, "climate-plugin"),
        public_url=get("PUBLIC_URL", _url(("http", "https")), "http://127.0.0.1:5000").rstrip("/"),
        secret_key=get("SECRET_KEY", str, None),
        encryption_keys=get("ENCRYPTION_KEYS", _keys, None),
        outbound_allow=get("OUTBOUND_ALLOW", AllowList.parse, AllowList(())),
        outbound_timeout=get("OUTBOUND_TIMEOUT", _positive_float, 10.0),
        max_body_bytes=get("MAX_BODY_BYTES", _positive_int, 1024 * 1024),
        max_attachment_bytes=get("MAX_ATTACHMENT_BYTES", _positive_int, 10 * 1024 * 1024),
        max_attachments=get("MAX_ATTACHMENTS", _whole_number, 5),
        task_max_retries=get("TASK_MAX_RETRIES", _positive_int, 8),
        sweep_interval=get("SWEEP_INTERVAL", _positive_float, 60.0),
        log_level=get("LOG_LEVEL", _log_level, "INFO"),
        db_connect_timeout=max(2, get("DB_CONNECT_TIMEOUT", _positive_int, 5)),
        db_statement_timeout=get("DB_STATEMENT_TIMEOUT", _positive_float, 30.0),
        broker_timeout=get("BROKER_TIMEOUT", _positive_float, 2.0),
        smtp_url=get("SMTP_URL", _smtp_url, None),
        mail_from=get("MAIL_FROM", _mail_address, "climate-plugin@localhost"),
        reminder_days=get("REMINDER_DAYS", _positive_int, 14),
        review_sample_size=get("REVIEW_SAMPLE_SIZE", _whole_number, 5),
        ratelimit_storage_url=get("RATELIMIT_STORAGE_URL", _url(("redis", "rediss", "memory")), None),
        webhook_rate_limit=get("WEBHOOK_RATE_LIMIT", _rate_limit, "600/minute"),
        login_rate_limit=get("LOGIN_RATE_LIMIT", _rate_limit, "10/minute"),
        session_hours=get("SESSION_HOURS", _positive_int, 8),
        password_hashing=get("PASSWORD_HASHING", _password_hashing, "rfc9106-low-memory"),
    )
    if problems:
        raise ConfigError(problems)
    return settings


#: the names load_settings reads (after the prefix), in the README's order
_NAMES = (
    "DATABASE_URL",
    "BROKER_URL",
    "QUEUE_NAME",
    "PUBLIC_URL",
    "ENCRYPTION_KEYS",
    "SECRET_KEY",
    "OUTBOUND_ALLOW",
    "OUTBOUND_TIMEOUT",
    "MAX_BODY_BYTES",
    "MAX_ATTACHMENT_BYTES",
    "MAX_ATTACHMENTS",
    "TASK_MAX_RETRIES",
    "SWEEP_INTERVAL",
    "LOG_LEVEL",
    "DB_CONNECT_TIMEOUT",
    "DB_STATEMENT_TIMEOUT",
    "BROKER_TIMEOUT",
    "SMTP_URL",
    "MAIL_FROM",
    "REMINDER_DAYS",
    "REVIEW_SAMPLE_SIZE",
    "RATELIMIT_STORAGE_URL",
    "WEBHOOK_RATE_LIMIT",
    "LOGIN_RATE_LIMIT",
    "SESSION_HOURS",
    "PASSWORD_HASHING",
)
