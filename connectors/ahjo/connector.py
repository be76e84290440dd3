"""Helsinki's Ahjo decision system (``…/ahjorest/v1``): push by subscription, poll by handling date.

Ahjo subscribes one URL per resource type and POSTs ``{"updatetype": "Added"|"Updated"|"Removed", "id": …}``
to ``<webhook_url>/<resource>`` with a shared key in the Authorization header. The push carries no content,
so every push is a trigger to re-fetch ``<base_url>/<resource>/<id>?apireqlang=<language>``.

Item ids are ``"<resource>/<Ahjo id>"`` (``decisions/{69F2…}``, ``meetings/0040020222``,
``cases/HEL-2025-001216``), so ids of different resource types never collide.

What becomes an item:

* a decision: its ``Title``; body the ``Content`` and ``Motion`` HTML; committee the deciding organisation;
  the decision's ``Attachments`` (and its ``PDF`` when there is no HTML to read) as files;
* an agenda item (``agendaitems/<id>``, or one element of a meeting's ``Agenda[]``): ``AgendaItem`` and its
  ``HTML``;
* a meeting: the meeting itself, titled with its ``Name`` and date, its body the list of its agenda
  items. Ahjo announces a changed meeting about 20 times an hour; the items a meeting decides reach this
  service as decisions (pushed and polled), so the meeting item only gives an overview;
* a case: its ``Title`` and classification, its records' PDFs as files.

Polling asks for decisions handled in a window (``handledsince``/``handledbefore``, ``size`` per page, the
next page by the answer's ``next`` link or, lacking one, ``start``). Ahjo reports no deletions in
listings: a deletion arrives as a "Removed" push, or as a 404 on the next fetch.

Auth is an OpenID Connect refresh token, an API key, or nothing. Refresh tokens are single-use: the token
endpoint answers a refresh with a new refresh token and forgets the old one, so two refreshes racing with
the same token leave one of them locked out for good. Refreshing therefore happens under a process lock
and, when the service gives the connector a :class:`SecretStore`, under a lock every process honours, and
the new refresh token is stored (encrypted) before the lock is let go.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import json
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar, Protocol
from urllib.parse import parse_qsl, quote, urlencode, urljoin, urlsplit
from zoneinfo import ZoneInfo

from marshmallow import Schema, ValidationError, fields, post_load, validates_schema
from marshmallow.validate import Length, OneOf, Range

from climate_plugin.connectors.base import (
    Attachment,
    Capabilities,
    Change,
    Connector,
    Decision,
    FetchedItem,
    PayloadError,
    PollPage,
    WebhookAuthError,
    WebhookEvent,
)
from climate_plugin.connectors.common.decisions import decision_state, parse_day
from climate_plugin.connectors.common.schema import validate_base_url, validate_header
from climate_plugin.connectors.common.values import normalise_language, parse_time
from climate_plugin.outbound import OutboundClient, PermanentError, TransientError

#: Ahjo's resource types this connector takes pushes for and fetches
RESOURCES = ("decisions", "meetings", "cases", "agendaitems", "records")
UPDATE_ACTIONS = {"added": "upsert", "updated": "upsert", "removed": "delete"}
#: Ahjo's times carry no offset; they are Helsinki wall-clock times
HELSINKI = ZoneInfo("Europe/Helsinki")
_AUTH_FIELDS = {
    "none": (set(), set()),  # (required, optional)
    "api_key": ({"key"}, {"header"}),
    "oidc": ({"token_url", "client_id", "client_secret", "refresh_token"}, {"scope"}),
}
_MAX_ID = 200
#: an access token this close to its expiry is refreshed first rather than used and refused
_EXPIRY_MARGIN = timedelta(seconds=60)


# --- config ------------------------------------------------------------------------------------
class AuthSchema(Schema):
    type = fields.String(required=True, validate=OneOf(tuple(_AUTH_FIELDS)))
    header = fields.String(validate=validate_header)
    key = fields.String(validate=Length(min=1))
    token_url = fields.String(validate=validate_base_url)
    client_id = fields.String(validate=Length(min=1, max=500))
    client_secret = fields.String(validate=Length(min=1))
    refresh_token = fields.String(validate=Length(min=1))
    scope = fields.String(validate=Length(min=1, max=500))

    @validates_schema
    def _fields_for_type(self, data: dict[str, Any], **kwargs: Any) -> None:
        kind = data["type"]
        required, optional = _AUTH_FIELDS[kind]
        errors: dict[str, list[str]] = {}
        for name in sorted(required - data.keys()):
            errors[name] = [f"Required when auth type is {kind}."]
        for name in sorted(data.keys() - required - optional - {"type"}):
            errors[name] = [f"Not used when auth type is {kind}."]
        if errors:
            raise ValidationError(errors)

    @post_load
    def _default_header(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        if data["type"] == "api_key":
            data.setdefault("header", "Authorization")
        return data


class AhjoConfigSchema(Schema):
    base_url = fields.String(required=True, validate=validate_base_url)
    auth = fields.Nested(AuthSchema, load_default=lambda: {"type": "none"})
    language = fields.String(load_default="fi", validate=OneOf(("fi", "sv")))
    #: decisions asked for per page when polling (Ahjo allows up to 1000)
    page_size = fields.Integer(load_default=100, validate=Range(min=1, max=1000))

    @post_load
    def _normalise(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        data["base_url"] = data["base_url"].rstrip("/")  # resource paths are appended with "/"
        return data


# --- the hook the service gives for rotating secrets ---------------------------------------------
class SecretTransaction(Protocol):
    def get(self, path: str) -> Any: ...

    def set(self, path: str, value: Any) -> None: ...


class SecretStore(Protocol):
    """Where a connector's secrets live, for a connector that must change one of them itself.

    ``locked()`` holds a lock every process sharing the store honours, yields the secrets as stored right
    now (not as they were when the connector was built), and keeps what was ``set`` when the block ends
    without an exception. ``key`` names the connector, for per-connector caches.
    """

    key: str

    def locked(self) -> AbstractContextManager[SecretTransaction]: ...


class _MemorySecrets:
    """The store outside the service (tests, scripts): this process's memory, seeded from the config."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.values = values

    def get(self, path: str) -> Any:
        return self.values.get(path)

    def set(self, path: str, value: Any) -> None:
        self.values[path] = value


# Per process: access tokens, and the newest refresh token when no store is given, keyed by connector.
# Connector instances are short-lived (one per task), so these cannot live on the instance.
_tokens: dict[tuple[str, ...], tuple[str, datetime]] = {}
_memory: dict[tuple[str, ...], _MemorySecrets] = {}
_locks: dict[tuple[str, ...], threading.Lock] = {}
_locks_guard = threading.Lock()


def _lock_for(key: tuple[str, ...]) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault(key, threading.Lock())


def forget_tokens() -> None:
    """Drop every cached access token of this process (tests; after an administrator re-authorises)."""
    _tokens.clear()


# --- helpers -----------------------------------------------------------------------------------
def parse_ahjo_time(value: Any) -> datetime | None:
    """Ahjo's "2025-01-31T02:00:00.000" (Helsinki time) as an aware datetime; None for "" or junk."""
    return parse_time(value, HELSINKI)


def format_ahjo_time(moment: datetime) -> str:
    return moment.astimezone(HELSINKI).strftime("%Y-%m-%dT%H:%M:%S")


def _text(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


def _pdf_type(url: str) -> str | None:
    # Ahjo serves its PDFs from ahjojulkaisu.hel.fi as "<id>.pdf"; anything else: the bytes decide.
    return "application/pdf" if urlsplit(url).path.lower().endswith(".pdf") else None


def _file(element: Any, base: str) -> Attachment | None:
    """An Attachment from an Ahjo record or attachment object (``FileURI``, ``Title``), if it has a URL."""
    if not isinstance(element, Mapping):
        return None
    raw = _text(element.get("FileURI"))
    if raw is None:
        return None  # a non-public attachment: Ahjo lists it without a file
    try:
        url = urljoin(base + "/", raw)
    except ValueError:
        return None
    if urlsplit(url).scheme.lower() not in ("http", "https"):
        return None
    return Attachment(url=url, name=_text(element.get("Title")), mime_type=_pdf_type(url))


def _single(document: Any, resource: str) -> Any:
    """The object itself, also when Ahjo wraps it in a one-element list (``{"decisions": [{…}]}``)."""
    if isinstance(document, Mapping):
        for key in (resource, "records", "decisions", "meetings", "cases"):
            listed = document.get(key)
            if isinstance(listed, list) and len(document) <= 3:  # the list, maybe "count" and "links"
                return listed[0] if listed else None
    return document


def _joined_html(*parts: Any) -> str:
    return "\n".join(p for p in (_text(x) for x in parts) if p)


# --- the connector -----------------------------------------------------------------------------
class AhjoConnector(Connector):
    kind = "ahjo"
    capabilities = Capabilities(push=True, poll=True, write_back=False, files=True)
    config_schema = AhjoConfigSchema
    secret_fields = ("auth.key", "auth.client_secret", "auth.refresh_token")
    #: a month per request: a window is paged by size anyway, and a backfill over years stays few requests
    poll_window: ClassVar[timedelta] = timedelta(days=31)
    #: Ahjo's decision listing never reports deletions: they arrive as "Removed" pushes, or as a 404 on the
    #: next fetch
    poll_reports_deletions: ClassVar[bool] = False
    #: how long identical pushes count as one (Ahjo repeats an "Updated" many times an hour); a later
    #: identical push is a new delivery, so an update after the first fetch is not lost
    push_dedupe_window: ClassVar[timedelta] = timedelta(minutes=10)
    #: set by the service after construction (see climate_plugin.hosts.connector); None: memory only
    secret_store: SecretStore | None = None
    #: the clock, replaceable in tests
    now: ClassVar[Callable[[], datetime]] = staticmethod(lambda: datetime.now(UTC))

    def __init__(self, config: Mapping[str, Any], http: OutboundClient) -> None:
        super().__init__(config, http)
        # Re-load through the schema so defaults apply even to configs stored by an older version.
        self.settings: dict[str, Any] = AhjoConfigSchema().load(dict(config))

    # --- inbound ---------------------------------------------------------------------------------
    def verify_webhook(self, body: bytes, headers: Mapping[str, str], secrets: Sequence[str]) -> None:
        """Ahjo sends the shared key in the Authorization header, as ``Bearer <key>`` or bare."""
        given = None
        for name, value in headers.items():
            if name.lower() == "authorization":
                given = value.strip()
                break
        if not given:
            raise WebhookAuthError("the Authorization header with the connector's webhook secret is missing")
        scheme, _, rest = given.partition(" ")
        candidate = rest.strip() if scheme.lower() == "bearer" and rest.strip() else given
        # Compare against every secret, so the time taken says nothing about which one nearly matched.
        matched = False
        for secret in secrets:
            matched |= hmac.compare_digest(candidate.encode(), secret.encode())
        if not matched:
            raise WebhookAuthError("the Authorization header does not hold a valid webhook secret")

    def parse_webhook(
        self, body: bytes, headers: Mapping[str, str], resource: str | None = None
    ) -> WebhookEvent:
        if resource is None:
            raise PayloadError(
                "Ahjo posts to the webhook URL followed by the resource type, e.g. <webhook_url>/decisions"
            )
        if resource not in RESOURCES:
            known = ", ".join(RESOURCES)
            raise PayloadError(f"unknown Ahjo resource {resource[:40]!r}; expected one of {known}")
        try:
            payload = json.loads(body)
        except (ValueError, RecursionError):
            raise PayloadError("the webhook body is not JSON") from None
        if not isinstance(payload, dict):
            raise PayloadError(
                'the webhook body must be a JSON object like {"updatetype": "Updated", "id": …}'
            )
        update_type = payload.get("updatetype")
        action = UPDATE_ACTIONS.get(update_type.lower()) if isinstance(update_type, str) else None
        if action is None:
            raise PayloadError(
                f"unknown updatetype {str(update_type)[:40]!r}; expected Added, Updated or Removed"
            )
        ahjo_id = payload.get("id")
        if isinstance(ahjo_id, bool) or not isinstance(ahjo_id, str | int):
            raise PayloadError("id must be a string or an integer")
        ahjo_id = str(ahjo_id).strip()
        if not ahjo_id or ahjo_id in (".", "..") or len(ahjo_id) > _MAX_ID or "/" in ahjo_id:
            raise PayloadError(f"id must be a non-empty Ahjo id of at most {_MAX_ID} characters, without '/'")
        # Ahjo gives no delivery id. The same push repeated within the window is one delivery; the
        # bucket is part of the key, so the same "Updated" an hour later is fetched again.
        bucket = int(self.now().timestamp() // self.push_dedupe_window.total_seconds())
        canonical = json.dumps([resource, update_type, ahjo_id, bucket], ensure_ascii=False)
        return WebhookEvent(
            delivery_id="ahjo-" + hashlib.sha256(canonical.encode()).hexdigest()[:40],
            action=action,  # type: ignore[arg-type]
            external_id=f"{resource}/{ahjo_id}",
            event_type=f"{resource}.{update_type}",
        )

    # --- auth ------------------------------------------------------------------------------------
    def _cache_key(self) -> tuple[str, ...]:
        auth = self.settings["auth"]
        store = self.secret_store.key if self.secret_store is not None else ""
        return (auth["token_url"], auth["client_id"], store)

    @contextmanager
    def _secrets(self) -> Iterator[SecretTransaction]:
        if self.secret_store is not None:
            with self.secret_store.locked() as secrets:
                yield secrets
            return
        memory = _memory.setdefault(
            self._cache_key(), _MemorySecrets({"auth.refresh_token": self.settings["auth"]["refresh_token"]})
        )
        yield memory

    def _access_token(self, refused: str | None = None) -> str:
        """A valid access token; ``refused``: one the API just refused, so it is not handed out again."""
        key = self._cache_key()
        cached = _tokens.get(key)
        if cached and cached[0] != refused and cached[1] - _EXPIRY_MARGIN > self.now():
            return cached[0]
        with _lock_for(key):
            # Another thread may have refreshed while this one waited: use its token, do not refresh again.
            cached = _tokens.get(key)
            if cached and cached[0] != refused and cached[1] - _EXPIRY_MARGIN > self.now():
                return cached[0]
            with self._secrets() as secrets:
                token, expires_at = self._refresh(secrets)
            _tokens[key] = (token, expires_at)
            return token

    def _refresh(self, secrets: SecretTransaction) -> tuple[str, datetime]:
        auth = self.settings["auth"]
        # The stored token, not the one in this instance's config: another process may have used that.
        refresh_token = secrets.get("auth.refresh_token") or auth["refresh_token"]
        form = {
            "grant_type": "refresh_token",
            "refresh_token": refresh_token,
            "client_id": auth["client_id"],
            "client_secret": auth["client_secret"],
        }
        if auth.get("scope"):
            form["scope"] = auth["scope"]
        try:
            response = self.http.request(
                "POST", auth["token_url"], data=form, headers={"Accept": "application/json"}
            )
        except PermanentError as e:
            if e.status in (400, 401):
                raise PermanentError(
                    f"the Ahjo token endpoint refused the refresh token (HTTP {e.status}): it has been used "
                    "already or has expired; sign in to Ahjo again and store the new refresh token in the "
                    "connector's auth.refresh_token",
                    e.status,
                ) from None
            raise
        try:
            answer = response.json()
        except ValueError:
            raise TransientError("the Ahjo token endpoint's answer is not JSON") from None
        access = answer.get("access_token") if isinstance(answer, dict) else None
        if not isinstance(access, str) or not access:
            raise PermanentError("the Ahjo token endpoint's answer has no access_token")
        new_refresh = answer.get("refresh_token")
        if isinstance(new_refresh, str) and new_refresh and new_refresh != refresh_token:
            # Stored before the lock is let go: the old token is already dead at the identity provider.
            secrets.set("auth.refresh_token", new_refresh)
        lifetime = answer.get("expires_in")
        seconds = lifetime if isinstance(lifetime, int | float) and lifetime > 0 else 300
        return access, self.now() + timedelta(seconds=seconds)

    def _get(self, url: str, params: Mapping[str, Any] | None = None) -> Any:
        """GET JSON with the configured auth; an access token the API refuses is refreshed once."""
        auth = self.settings["auth"]
        headers = {"Accept": "application/json"}
        token = None
        if auth["type"] == "api_key":
            headers[auth["header"]] = auth["key"]
        elif auth["type"] == "oidc":
            token = self._access_token()
            headers["Authorization"] = f"Bearer {token}"
        try:
            response = self.http.request("GET", url, params=params, headers=headers)
        except PermanentError as e:
            if e.status != 401 or token is None:
                raise
            # Revoked or expired early at the provider: one fresh token, then the answer stands.
            headers["Authorization"] = f"Bearer {self._access_token(refused=token)}"
            response = self.http.request("GET", url, params=params, headers=headers)
        try:
            return response.json()
        except ValueError:
            raise PermanentError(f"Ahjo's answer from {urlsplit(url).path} is not JSON") from None

    # --- outbound --------------------------------------------------------------------------------
    def _split(self, external_id: str) -> tuple[str, str]:
        resource, _, ahjo_id = external_id.partition("/")
        if resource not in RESOURCES or ahjo_id in ("", ".", "..") or "/" in ahjo_id:
            raise PermanentError(f"{external_id[:80]!r} is not an Ahjo item id like decisions/<id>")
        return resource, ahjo_id

    def fetch_item(self, external_id: str) -> FetchedItem | None:
        resource, ahjo_id = self._split(external_id)
        url = f"{self.settings['base_url']}/{resource}/{quote(ahjo_id, safe='')}"
        try:
            document = self._get(url, {"apireqlang": self.settings["language"]})
        except PermanentError as e:
            if e.status in (404, 410):
                return None
            raise
        document = _single(document, resource)
        if not isinstance(document, dict):
            raise PermanentError(f"{external_id}: Ahjo's answer is not a JSON object")
        return self.to_item(resource, ahjo_id, document)

    def to_item(self, resource: str, ahjo_id: str, document: Mapping[str, Any]) -> FetchedItem:
        """One Ahjo object as an item (public: the poll and tests map listed objects with it)."""
        mapper = {
            "meetings": self._meeting,
            "cases": self._case,
            "agendaitems": self._agenda_item,
        }.get(resource, self._decision)  # decisions and records share their fields
        return mapper(f"{resource}/{ahjo_id}", document)

    def _language(self, document: Mapping[str, Any]) -> str:
        return normalise_language(document.get("Language")) or self.settings["language"]

    def _latest(self, document: Mapping[str, Any], *names: str) -> datetime | None:
        moments = [m for m in (parse_ahjo_time(document.get(n)) for n in names) if m is not None]
        return max(moments) if moments else None

    def _decision(self, external_id: str, d: Mapping[str, Any]) -> FetchedItem:
        base = self.settings["base_url"]
        title = _text(d.get("Title")) or _text(d.get("AgendaItem"))
        if title is None:
            raise PermanentError(f"{external_id}: the Ahjo record has no Title")
        body = _joined_html(d.get("Content"), d.get("Motion"), d.get("HTML"))
        files = [a for a in (_file(x, base) for x in d.get("Attachments") or ()) if a]
        # The decision's own PDF repeats its HTML; read it only when there is no HTML (a bare record).
        if not body:
            files.extend(a for a in (_file(d.get("PDF"), base), _file(d, base)) if a)
        organisation = d.get("Organization") if isinstance(d.get("Organization"), Mapping) else {}
        section = _text(d.get("Section"))
        meeting = _text(d.get("MeetingID"))
        held = parse_ahjo_time(d.get("DateMeeting")) or parse_ahjo_time(d.get("DateDecision"))
        if meeting and held:
            meeting = f"{meeting} ({held.date().isoformat()})"
        unique: dict[str, Attachment] = {}
        for a in files:
            unique.setdefault(a.url, a)
        return FetchedItem(
            external_id=external_id,
            title=title[:1000],
            body=body,
            language=self._language(d),
            meeting=meeting,
            updated_at=self._latest(d, "Modified", "Created", "Issued", "DateDecision"),
            attachments=tuple(unique.values()),
            committee=_text(organisation.get("Name")),
            meeting_date=parse_day(parse_ahjo_time(d.get("DateMeeting"))),
            decision=_ahjo_decision(external_id, d),
            extra={
                k: v
                for k, v in {
                    "section": section,
                    "case": _text(d.get("CaseIDLabel")) or _text(d.get("CaseID")),
                    "type": _text(d.get("Type")),
                    "unavailable_attachments": [
                        _text(x.get("Title")) or "?"
                        for x in d.get("Attachments") or ()
                        if isinstance(x, Mapping) and not _text(x.get("FileURI"))
                    ],
                }.items()
                if v
            },
        )

    def _agenda_item(self, external_id: str, d: Mapping[str, Any]) -> FetchedItem:
        return self._decision(external_id, d)

    def _meeting(self, external_id: str, d: Mapping[str, Any]) -> FetchedItem:
        held = parse_ahjo_time(d.get("DateMeeting"))
        name = _text(d.get("Name")) or _text(d.get("MeetingID")) or external_id
        title = f"{name} {held.date().isoformat()}" if held else name
        lines = []
        for point in d.get("Agenda") or ():
            if isinstance(point, Mapping) and _text(point.get("AgendaItem")):
                number = _text(point.get("Section")) or _text(point.get("AgendaPoint")) or ""
                lines.append(f"<li>{html.escape(number)} {html.escape(point['AgendaItem'])}</li>")
        maker = d.get("DecisionMaker")
        committee = _text(maker.get("Name")) if isinstance(maker, Mapping) else _text(maker)
        return FetchedItem(
            external_id=external_id,
            title=title,
            body=f"<ul>{''.join(lines)}</ul>" if lines else "",
            language=self._language(d),
            meeting=title,
            updated_at=self._latest(d, "Modified", "AgendaPublished", "DateMeeting"),
            committee=committee or name,
            extra={"status": _text(d.get("Status"))} if _text(d.get("Status")) else {},
        )

    def _case(self, external_id: str, d: Mapping[str, Any]) -> FetchedItem:
        title = _text(d.get("Title"))
        if title is None:
            raise PermanentError(f"{external_id}: the Ahjo case has no Title")
        base = self.settings["base_url"]
        classification = " ".join(
            x for x in (_text(d.get("ClassificationCode")), _text(d.get("ClassificationTitle"))) if x
        )
        records = [a for a in (_file(r, base) for r in d.get("Records") or ()) if a]
        return FetchedItem(
            external_id=external_id,
            title=title,
            body="\n".join(x for x in (title, classification) if x),
            language=self._language(d),
            updated_at=self._latest(d, "Modified", "Created"),
            attachments=tuple(records),
            extra={"case": _text(d.get("CaseIDLabel")) or external_id.split("/", 1)[1]},
        )

    def poll(self, since: datetime | None, until: datetime, page: str | None = None) -> PollPage:
        size = self.settings["page_size"]
        if page is not None:
            url, params = self._page_url(page), None
        else:
            url = f"{self.settings['base_url']}/decisions"
            params = {"handledbefore": format_ahjo_time(until), "size": size, "start": 0,
                      "apireqlang": self.settings["language"]}
            if since is not None:
                params["handledsince"] = format_ahjo_time(since)
        answer = self._get(url, params)
        listed = answer.get("decisions") if isinstance(answer, dict) else answer
        if not isinstance(listed, list):
            raise PermanentError("Ahjo's decision listing has no decisions list")
        changes = []
        for d in listed:
            ahjo_id = _text(d.get("NativeId")) if isinstance(d, dict) else None
            if ahjo_id is None or "/" in ahjo_id:
                continue  # nothing to fetch it by again; the rest of the page still counts
            item = self.to_item("decisions", ahjo_id, d) if _text(d.get("Title")) else None
            changes.append(
                Change(
                    external_id=f"decisions/{ahjo_id}",
                    action="upsert",
                    changed_at=self._latest(d, "Modified", "DateDecision", "Created", "Issued"),
                    item=item,
                )
            )
        return PollPage(changes=tuple(changes), next_page=self._next_page(answer, url, params, len(listed)))

    def _next_page(self, answer: Any, url: str, params: Mapping[str, Any] | None, count: int) -> str | None:
        links = answer.get("links") if isinstance(answer, dict) else None
        for link in links if isinstance(links, list) else ():
            if isinstance(link, dict) and link.get("rel") == "next" and _text(link.get("href")):
                return link["href"].strip()
        # No link: the next offset, while the total ("count") or, lacking one, a full page says there is more.
        size = self.settings["page_size"]
        current = dict(params) if params is not None else dict(parse_qsl(urlsplit(url).query))
        try:
            start = int(current.get("start") or 0)
        except ValueError:
            start = 0
        total = answer.get("count") if isinstance(answer, dict) else None
        if isinstance(total, int) and not isinstance(total, bool):
            more = start + count < total
        else:
            more = count >= size
        if not more or count == 0:
            return None
        return f"{url.split('?', 1)[0]}?{urlencode({**current, 'start': start + count})}"

    def _page_url(self, page: str) -> str:
        """A next-page URL, only on Ahjo's own host: the page token came from the host's answer."""
        base, target = urlsplit(self.settings["base_url"]), urlsplit(page)
        if (target.scheme, target.netloc) != (base.scheme, base.netloc):
            raise PermanentError("Ahjo's next-page link points to another host; refused")
        return page

    def test_connection(self) -> None:
        try:
            self._get(
                f"{self.settings['base_url']}/decisions", {"size": 1, "apireqlang": self.settings["language"]}
            )
        except PermanentError as e:
            if e.status in (401, 403):
                raise PermanentError(
                    f"Ahjo refused the configured credentials (HTTP {e.status}); check auth", e.status
                ) from None
            raise


#: Ahjo's record types that are a decision; "esitys" (a proposal) and the like are not
_DECISION_TYPES = ("päätös", "beslut", "decision")


def _ahjo_decision(external_id: str, d: Mapping[str, Any]) -> Decision | None:
    """A decision record (``decisions/…``, ``records/…``) is the decision itself: its ``Content`` is the
    wording and ``DateDecision`` its day. Agenda items and proposals ("esitys") are not decided yet."""
    if not external_id.startswith(("decisions/", "records/")):
        return None
    kind = (_text(d.get("Type")) or "").strip().lower()
    decided = parse_ahjo_time(d.get("DateDecision"))
    if kind and kind not in _DECISION_TYPES:
        return None
    if not kind and decided is None:
        return None
    # A status such as "palautettu" or "pöydälle" says more than the record type; otherwise it was decided.
    state = decision_state(_text(d.get("Status"))) or "decided"
    text = _text(d.get("Content")) or _text(d.get("HTML"))
    return Decision(state=state, text=text, decided_on=parse_day(decided or parse_ahjo_time(d.get("Issued"))))
