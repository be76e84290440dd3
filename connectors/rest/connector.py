"""A generic connector for hosts with a JSON REST API that push Standard Webhooks.

The administrator describes the host in the config: base URL, auth, where an item lives, where its
fields sit (JSON Pointers, RFC 6901), optionally where the item's files are listed, and optionally where
the climate block is written back.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

from marshmallow import Schema, ValidationError, fields, post_load, pre_load, validates_schema
from marshmallow.validate import Length, OneOf

from climate_plugin.connectors.base import (
    Attachment,
    Capabilities,
    Connector,
    FetchedItem,
    PayloadError,
    WebhookEvent,
)
from climate_plugin.connectors.common.decisions import make_decision, parse_day
from climate_plugin.connectors.common.schema import validate_base_url, validate_header
from climate_plugin.connectors.common.signature import header
from climate_plugin.connectors.common.values import normalise_language
from climate_plugin.outbound import OutboundClient, OutboundRefused, PermanentError

EVENT_ACTIONS = {
    "agenda_item.drafted": "upsert",
    "agenda_item.updated": "upsert",
    "agenda_item.deleted": "delete",
}
_POINTER = re.compile(r"^(/([^~/]|~[01])*)+$")
_AUTH_FIELDS = {
    "none": (set(), set()),  # (required, optional)
    "bearer": ({"token"}, set()),
    "api_key": ({"key"}, {"header", "query_param"}),
    "basic": ({"username", "password"}, set()),
}


# --- config ------------------------------------------------------------------------------------


def _validate_path(value: str) -> None:
    if not value.startswith("/"):
        raise ValidationError("Must start with '/'.")
    if "{id}" not in value:
        raise ValidationError("Must contain {id}, where the item's id goes.")


def _validate_pointer(value: str) -> None:
    if not _POINTER.match(value):
        raise ValidationError("Not a JSON Pointer: it must start with '/'; '~' may only appear as ~0 or ~1.")




class AuthSchema(Schema):
    type = fields.String(required=True, validate=OneOf(tuple(_AUTH_FIELDS)))
    token = fields.String(validate=Length(min=1))
    header = fields.String(validate=validate_header)
    key = fields.String(validate=Length(min=1))
    query_param = fields.String(validate=Length(min=1))
    username = fields.String(validate=Length(min=1))
    password = fields.String()

    @validates_schema
    def _fields_for_type(self, data: dict[str, Any], **kwargs: Any) -> None:
        kind = data["type"]
        required, optional = _AUTH_FIELDS[kind]
        errors: dict[str, list[str]] = {}
        for name in sorted(required - data.keys()):
            errors[name] = [f"Required when auth type is {kind}."]
        for name in sorted(data.keys() - required - optional - {"type"}):
            errors[name] = [f"Not used with auth type {kind}."]
        if "header" in data and "query_param" in data:
            errors["query_param"] = ["Give either header or query_param, not both."]
        if errors:
            raise ValidationError(errors)

    @post_load
    def _default_header(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        if data["type"] == "api_key" and "query_param" not in data:
            data.setdefault("header", "X-API-Key")
        return data


class FieldsSchema(Schema):
    title = fields.String(required=True, validate=_validate_pointer)
    # null means "the host has no such field"
    body = fields.String(load_default="/body", allow_none=True, validate=_validate_pointer)
    language = fields.String(load_default="/language", allow_none=True, validate=_validate_pointer)
    updated_at = fields.String(load_default="/updated_at", allow_none=True, validate=_validate_pointer)
    meeting = fields.String(load_default=None, allow_none=True, validate=_validate_pointer)
    url = fields.String(load_default=None, allow_none=True, validate=_validate_pointer)
    #: the board or committee deciding the item, e.g. "/meeting/organ/name"; no default, so that configs
    #: stored before committees existed load to exactly what they were
    committee = fields.String(allow_none=True, validate=_validate_pointer)
    #: where the item's files are listed: a list of objects or of URL strings (a single one is taken too)
    attachments = fields.String(load_default=None, allow_none=True, validate=_validate_pointer)
    #: the meeting's day, and the decision once the host has one: its status word ("approved",
    #: "hyväksytty", "palautettu", …: connectors.common.decisions), its wording and its day. No defaults,
    #: so that configs stored before decisions existed load to exactly what they were.
    meeting_date = fields.String(allow_none=True, validate=_validate_pointer)
    decision_status = fields.String(allow_none=True, validate=_validate_pointer)
    decision_text = fields.String(allow_none=True, validate=_validate_pointer)
    decision_date = fields.String(allow_none=True, validate=_validate_pointer)


class AttachmentFieldsSchema(Schema):
    """Pointers relative to one element of the attachment list (OParl's File, Ahjo's PDF, …)."""

    url = fields.String(load_default="/url", validate=_validate_pointer)
    name = fields.String(load_default="/name", allow_none=True, validate=_validate_pointer)
    mime_type = fields.String(load_default="/mime_type", allow_none=True, validate=_validate_pointer)


class WriteBackSchema(Schema):
    method = fields.String(load_default="POST", validate=OneOf(("POST", "PUT", "PATCH")))
    path = fields.String(required=True, validate=_validate_path)

    @pre_load
    def _upper_method(self, data: Any, **kwargs: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("method"), str):
            data = {**data, "method": data["method"].upper()}
        return data


class RestConfigSchema(Schema):
    base_url = fields.String(required=True, validate=validate_base_url)
    auth = fields.Nested(AuthSchema, load_default=lambda: {"type": "none"})
    item_path = fields.String(load_default="/items/{id}", validate=_validate_path)
    fields_ = fields.Nested(FieldsSchema, required=True, data_key="fields")
    # None until fields.attachments is set; the defaults are filled in then (see _normalise), so a config
    # without attachments stays as short as before
    attachment_fields = fields.Nested(AttachmentFieldsSchema, load_default=None, allow_none=True)
    write_back = fields.Nested(WriteBackSchema, load_default=None, allow_none=True)

    @validates_schema
    def _attachment_fields_need_a_list(self, data: dict[str, Any], **kwargs: Any) -> None:
        # Mapping fields of a list that is never read is a mistake the administrator should hear about.
        listed = data.get("fields_", {}).get("attachments") is not None
        if data.get("attachment_fields") is not None and not listed:
            raise ValidationError("Only used together with fields.attachments.", "attachment_fields")

    @post_load
    def _normalise(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        data["fields"] = data.pop("fields_")
        # item paths start with "/", so a trailing "/" here would double it
        data["base_url"] = data["base_url"].rstrip("/")
        if data["fields"]["attachments"] is not None and data["attachment_fields"] is None:
            data["attachment_fields"] = AttachmentFieldsSchema().load({})
        return data


# --- helpers -----------------------------------------------------------------------------------
def resolve_pointer(document: Any, pointer: str) -> Any:
    """The value at a JSON Pointer (RFC 6901), or None where the document has nothing there."""
    node = document
    if pointer == "":
        return node
    for token in pointer[1:].split("/"):
        token = token.replace("~1", "/").replace("~0", "~")  # this order, as the RFC says
        if isinstance(node, dict):
            node = node.get(token)
        elif isinstance(node, list) and re.fullmatch(r"0|[1-9][0-9]*", token) and int(token) < len(node):
            node = node[int(token)]
        else:
            return None
    return node


def parse_timestamp(value: str) -> datetime:
    """ISO-8601 to an aware datetime; a time without an offset is taken as UTC."""
    moment = datetime.fromisoformat(value)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment




def _text(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def _mime_type(value: Any) -> str | None:
    """ "Application/PDF; name=x.pdf" → "application/pdf"; None for anything that is not a type/subtype."""
    if not isinstance(value, str):
        return None
    essence = value.split(";", 1)[0].strip().lower()
    return essence if re.fullmatch(r"[a-z0-9!#$&^_.+-]+/[a-z0-9!#$&^_.+-]+", essence) else None


# --- the connector -----------------------------------------------------------------------------
class RestConnector(Connector):
    kind = "rest"
    capabilities = Capabilities(push=True, poll=False, write_back=True, files=True)
    config_schema = RestConfigSchema
    secret_fields = ("auth.token", "auth.key", "auth.password")
    item_setting = "item_path"

    def __init__(self, config: Mapping[str, Any], http: OutboundClient) -> None:
        super().__init__(config, http)
        # Re-load through the schema so defaults apply even to configs stored by an older version.
        self.settings: dict[str, Any] = RestConfigSchema().load(dict(config))
        # The class says write-back and files are possible; this instance only has them when configured.
        self.capabilities = Capabilities(  # type: ignore[misc]
            push=True,
            poll=False,
            write_back=self.settings["write_back"] is not None,
            files=self.settings["fields"]["attachments"] is not None,
        )

    # --- inbound ---------------------------------------------------------------------------------
    def parse_webhook(
        self, body: bytes, headers: Mapping[str, str], resource: str | None = None
    ) -> WebhookEvent:
        if resource is not None:
            raise PayloadError("this connector takes webhooks at its webhook URL itself, not below it")
        try:
            payload = json.loads(body)
        except (ValueError, RecursionError):  # RecursionError: nesting deeper than the parser's stack
            raise PayloadError("the webhook body is not JSON") from None
        if not isinstance(payload, dict):
            raise PayloadError("the webhook body must be a JSON object")
        event_type = payload.get("type")
        if not isinstance(event_type, str) or event_type not in EVENT_ACTIONS:
            shown = repr(event_type)[:80]
            raise PayloadError(f"unknown event type {shown}; expected one of {', '.join(EVENT_ACTIONS)}")
        data = payload.get("data")
        if not isinstance(data, dict) or "id" not in data:
            raise PayloadError("the webhook has no data.id")
        external_id = data["id"]
        # bool is an int in Python, but true is no item id
        if isinstance(external_id, bool) or not isinstance(external_id, str | int):
            raise PayloadError("data.id must be a string or an integer")
        external_id = str(external_id).strip()
        if not external_id or external_id in (".", "..") or len(external_id) > 256:
            raise PayloadError("data.id must be a non-empty id of at most 256 characters")
        occurred_at = None
        if payload.get("timestamp") is not None:
            try:
                occurred_at = parse_timestamp(payload["timestamp"])
            except (TypeError, ValueError):
                raise PayloadError("timestamp must be an ISO-8601 date and time") from None
        delivery_id = header(headers, "webhook-id").strip()
        if not delivery_id:
            raise PayloadError("the webhook-id header is missing")
        return WebhookEvent(
            delivery_id=delivery_id,
            action=EVENT_ACTIONS[event_type],  # type: ignore[arg-type]
            external_id=external_id,
            event_type=event_type,
            occurred_at=occurred_at,
        )

    # --- outbound --------------------------------------------------------------------------------
    def _url(self, path_template: str, external_id: str) -> str:
        if external_id in ("", ".", ".."):
            # dot segments would be normalised away and address a different resource
            raise PermanentError(f"{external_id!r} is not a usable item id")
        return self.settings["base_url"] + path_template.replace("{id}", quote(external_id, safe=""))

    def _request_kwargs(self) -> dict[str, Any]:
        auth = self.settings["auth"]
        headers = {"Accept": "application/json"}
        kwargs: dict[str, Any] = {"headers": headers}
        if auth["type"] == "bearer":
            headers["Authorization"] = f"Bearer {auth['token']}"
        elif auth["type"] == "api_key" and "query_param" in auth:
            kwargs["params"] = {auth["query_param"]: auth["key"]}
        elif auth["type"] == "api_key":
            headers[auth["header"]] = auth["key"]
        elif auth["type"] == "basic":
            kwargs["auth"] = (auth["username"], auth["password"])
        return kwargs

    def fetch_item(self, external_id: str) -> FetchedItem | None:
        url = self._url(self.settings["item_path"], external_id)
        try:
            response = self.http.request("GET", url, **self._request_kwargs())
        except PermanentError as e:
            if e.status in (404, 410):
                return None
            raise
        try:
            document = response.json()
        except ValueError:
            raise PermanentError(f"item {external_id}: the host's answer is not JSON") from None
        if not isinstance(document, dict):
            raise PermanentError(f"item {external_id}: the host's answer is not a JSON object")
        return self._to_item(external_id, document)

    def _to_item(self, external_id: str, document: dict[str, Any]) -> FetchedItem:
        pointers = self.settings["fields"]

        def get(name: str) -> Any:
            pointer = pointers.get(name)
            return None if pointer is None else resolve_pointer(document, pointer)

        title = _text(get("title"))
        if title is None or not title.strip():
            raise PermanentError(f"item {external_id}: no title at {pointers['title']} in the host's answer")
        updated_at = None
        raw_updated = get("updated_at")
        if isinstance(raw_updated, str):
            try:
                updated_at = parse_timestamp(raw_updated)
            except ValueError:
                updated_at = None  # a bad date must not lose the item; ordering falls back to arrival
        return FetchedItem(
            external_id=external_id,
            title=title.strip(),
            body=_text(get("body")) or "",
            language=normalise_language(get("language")),
            meeting=_text(get("meeting")),
            updated_at=updated_at,
            url=_text(get("url")),
            attachments=self._attachments(get("attachments")),
            committee=(_text(get("committee")) or "").strip()[:500] or None,
            meeting_date=parse_day(get("meeting_date")),
            decision=self._decision(get),
        )

    def _decision(self, get: Any) -> Any:
        text = _text(get("decision_text"))
        if self.settings["fields"].get("decision_status") is None:
            # a host that only publishes the decision's wording: the wording is the decision
            return make_decision("decided" if text and text.strip() else None, text, get("decision_date"))
        return make_decision(_text(get("decision_status")), text, get("decision_date"))

    def _attachments(self, listed: Any) -> tuple[Attachment, ...]:
        """The files at fields.attachments, with URLs made absolute against base_url.

        Entries without a usable URL are left out rather than failing the item: the item's own text is
        what matters, and its files are read on a best-effort basis anyway.
        """
        if listed is None:
            return ()
        # Some hosts give one file as an object (Ahjo's PDF) where others give a list (OParl's auxiliaryFile).
        elements = listed if isinstance(listed, list) else [listed]
        pointers = self.settings["attachment_fields"]
        # base_url is kept without a trailing "/"; with one, "files/a.pdf" lands under it instead of replacing
        # its last segment, while "/files/a.pdf" still resolves against the host's root, as RFC 3986 says.
        base = self.settings["base_url"] + "/"

        def pick(element: dict[str, Any], name: str) -> Any:
            pointer = pointers[name]
            return None if pointer is None else resolve_pointer(element, pointer)

        found: list[Attachment] = []
        for element in elements:
            if isinstance(element, str):
                raw_url, name, mime_type = element, None, None
            elif isinstance(element, dict):
                raw_url = pick(element, "url")
                name = _text(pick(element, "name"))
                mime_type = _mime_type(pick(element, "mime_type"))
            else:
                continue
            if not isinstance(raw_url, str) or not raw_url.strip():
                continue
            try:
                url = urljoin(base, raw_url.strip())
                scheme = urlsplit(url).scheme.lower()
            except ValueError:  # e.g. an unbalanced "[" in the host part
                continue
            # mailto:, data:, file: and the like are no file this service could download
            if scheme not in ("http", "https"):
                continue
            found.append(Attachment(url=url, name=(name or "").strip() or None, mime_type=mime_type))
        return tuple(found)

    def write_back(self, external_id: str, block: Mapping[str, Any], idempotency_key: str) -> None:
        target = self.settings["write_back"]
        if target is None:
            raise NotImplementedError("this rest connector has no write_back target configured")
        kwargs = self._request_kwargs()
        kwargs["headers"]["Idempotency-Key"] = idempotency_key
        url = self._url(target["path"], external_id)
        self.http.request(target["method"], url, json=dict(block), **kwargs)

    def test_connection(self) -> None:
        # base_url need not be a page of its own (hosts often answer 404 there): that the host answers at
        # all, and takes the credentials, is what is checked; reading an item is the real test (a
        # connector test fetches one through item_path)
        try:
            self.http.request("GET", self.settings["base_url"], **self._request_kwargs())
        except PermanentError as e:
            if e.status in (401, 403):
                raise PermanentError(
                    f"the host refused the configured credentials (HTTP {e.status})", e.status
                ) from None
            if e.status is None or isinstance(e, OutboundRefused):
                raise
