"""Testing a connector the way the pipeline uses it: reach the host, then fetch one real item and show what
was read (title, body excerpt, language).

The item is the one the administrator names, else the connector's most recent stored item, else the first
one a poll of the last weeks lists. Every failure says which setting to change (``base_url``,
``item_path``, ``auth``, ``CLIMATE_PLUGIN_OUTBOUND_ALLOW`` …) in words, never an exception's class name.
The faces (admin, API, CLI) word a :class:`ConnectorTest` with :meth:`ConnectorTest.message`.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from marshmallow import Schema
from sqlalchemy import select

from climate_plugin.connectors.base import Connector, FetchedItem
from climate_plugin.connectors.registry import UnknownConnectorKind, get_connector_class
from climate_plugin.db import db
from climate_plugin.encryption import DecryptionError
from climate_plugin.hosts.connector import build_connector
from climate_plugin.i18n import t
from climate_plugin.models import AgendaItem
from climate_plugin.models import Connector as ConnectorRow
from climate_plugin.models._types import utcnow
from climate_plugin.outbound import OutboundRefused, PermanentError, TransientError
from climate_plugin.screening.language import detect

#: how far back a poll looks for a sample item when none is stored or named
SAMPLE_LOOKBACK = timedelta(days=60)
#: how many pages of a poll are read for one sample at most
SAMPLE_PAGES = 3
EXCERPT_CHARS = 300
DETAIL_CHARS = 300
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")
_CLASS_PREFIX = re.compile(r"^(?:[A-Za-z_][\w.]*(?:Error|Exception|Refused)): ")
#: "connection failed (ConnectionError)": the outbound client names the class where it cannot quote the URL
_CLASS_SUFFIX = re.compile(r" \([A-Za-z_]\w*(?:Error|Exception)\)")


@dataclass(frozen=True)
class Preview:
    external_id: str
    title: str
    excerpt: str
    language: str | None  #: as the host says it (None: not said)
    detected_language: str  #: as screening reads the text
    url: str | None
    meeting: str | None
    committee: str | None


@dataclass(frozen=True)
class ConnectorTest:
    ok: bool
    #: what went wrong: unknown_kind, secrets, refused_address, credentials, not_found, unreachable,
    #: bad_answer, no_sample (reachable, but no item to read: not a failure); None when all went well
    problem: str | None = None
    setting: str | None = None  #: the setting to change
    detail: str = ""  #: the host's own words (secrets blanked by the caller)
    external_id: str | None = None  #: the item tried
    sample_source: str | None = None  #: given, stored or polled
    preview: Preview | None = None

    def message(self, lang: str) -> str:
        """One paragraph for a person in ``lang``: what was read, or what to change."""
        if self.problem is None:
            return t("connector_test.ok", lang, id=self.external_id or "")
        problem = self.problem
        if problem == "not_found" and self.external_id:
            problem = "not_found_item"
        return t(
            f"connector_test.{problem}",
            lang,
            setting=self.setting or "",
            detail=self.detail,
            id=self.external_id or "",
        )

    def as_json(self) -> dict[str, Any]:
        found = self.preview
        return {
            "ok": self.ok,
            "problem": self.problem,
            "setting": self.setting,
            "message": self.message("en"),
            "detail": self.detail,
            "external_id": self.external_id,
            "sample_source": self.sample_source,
            "preview": None
            if found is None
            else {
                "external_id": found.external_id,
                "title": found.title,
                "excerpt": found.excerpt,
                "language": found.language,
                "detected_language": found.detected_language,
                "url": found.url,
                "meeting": found.meeting,
                "committee": found.committee,
            },
        }


def location_setting(cls: type[Connector]) -> str:
    """The setting that says where the host is: the kind's first required URL setting (base_url, …)."""
    schema: Schema = cls.config_schema()
    for name, field in schema.fields.items():
        key = field.data_key or name
        if field.required and key.endswith("url"):
            return key
    return "base_url"


def _words(exc: BaseException) -> str:
    text = _CLASS_SUFFIX.sub("", _CLASS_PREFIX.sub("", str(exc).strip())) or type(exc).__name__
    return text[:DETAIL_CHARS]


def _failure(exc: Exception, cls: type[Connector], item_id: str | None, source: str | None) -> ConnectorTest:
    where = location_setting(cls)
    if isinstance(exc, OutboundRefused):
        problem, setting = "refused_address", "CLIMATE_PLUGIN_OUTBOUND_ALLOW"
    elif isinstance(exc, PermanentError) and exc.status in (401, 403):
        problem, setting = "credentials", "auth"
    elif isinstance(exc, PermanentError) and exc.status in (404, 410):
        problem = "not_found"
        setting = (getattr(cls, "item_setting", None) or where) if item_id else where
    elif isinstance(exc, TransientError):
        problem, setting = "unreachable", where
    elif isinstance(exc, DecryptionError):
        problem, setting = "secrets", "CLIMATE_PLUGIN_ENCRYPTION_KEYS"
    else:
        problem, setting = "bad_answer", (getattr(cls, "item_setting", None) or where) if item_id else where
    return ConnectorTest(False, problem, setting, _words(exc), item_id, source)


def _plain(text: str) -> str:
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", text or ""))).strip()


def preview_of(item: FetchedItem) -> Preview:
    body = _plain(item.body)
    excerpt = body if len(body) <= EXCERPT_CHARS else body[:EXCERPT_CHARS].rsplit(" ", 1)[0] + " …"
    return Preview(
        external_id=item.external_id,
        title=_plain(item.title),
        excerpt=excerpt,
        language=item.language,
        detected_language=detect(f"{item.title}\n{body}"),
        url=item.url,
        meeting=item.meeting,
        committee=item.committee,
    )


def _stored_sample(row: ConnectorRow) -> str | None:
    stmt = (
        select(AgendaItem.external_id)
        .where(AgendaItem.connector_id == row.id, AgendaItem.deleted_at.is_(None))
        .order_by(AgendaItem.fetched_at.desc(), AgendaItem.id.desc())
        .limit(1)
    )
    return db.session.scalar(stmt)


def _polled_sample(connector: Connector) -> tuple[str | None, FetchedItem | None]:
    """The first item a poll lists (with its content when the listing carries it): of the last weeks
    first, else from the beginning; a few pages at most, so a test stays a test."""
    until = utcnow()
    for since in (until - SAMPLE_LOOKBACK, None):
        page: str | None = None
        for _ in range(SAMPLE_PAGES):
            found = connector.poll(since, until, page)
            for change in found.changes:
                if change.action == "upsert":
                    return change.external_id, change.item
            page = found.next_page
            if page is None:
                break
    return None, None


def run(row: ConnectorRow, external_id: str | None = None) -> ConnectorTest:
    """Test ``row``'s connector with its stored config; fetch ``external_id`` or a sample item."""
    try:
        cls = get_connector_class(row.kind)
    except UnknownConnectorKind as exc:
        return ConnectorTest(False, "unknown_kind", "kind", str(exc))
    try:
        connector = build_connector(row)
    except DecryptionError as exc:
        return ConnectorTest(False, "secrets", "CLIMATE_PLUGIN_ENCRYPTION_KEYS", _words(exc))
    except Exception as exc:  # a config stored before a schema change: the settings to look at
        return ConnectorTest(False, "bad_answer", location_setting(cls), _words(exc))
    try:
        connector.test_connection()
    except Exception as exc:
        return _failure(exc, cls, None, None)

    item_id = (external_id or "").strip() or None
    source = "given" if item_id else None
    listed: FetchedItem | None = None
    if item_id is None:
        item_id = _stored_sample(row)
        source = "stored" if item_id else None
    if item_id is None and cls.capabilities.poll:
        try:
            item_id, listed = _polled_sample(connector)
        except Exception as exc:
            return _failure(exc, cls, None, "polled")
        source = "polled" if item_id else None
    if item_id is None:
        return ConnectorTest(True, "no_sample", "external_id")
    try:
        item = listed or connector.fetch_item(item_id)
    except Exception as exc:
        return _failure(exc, cls, item_id, source)
    if item is None:
        setting = getattr(cls, "item_setting", None) or location_setting(cls)
        return ConnectorTest(False, "not_found", setting, "", item_id, source)
    return ConnectorTest(True, None, None, "", item_id, source, preview_of(item))
