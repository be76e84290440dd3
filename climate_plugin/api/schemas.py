"""Request and response schemas of the REST API (they are also what the OpenAPI document shows).

Response schemas list their fields explicitly: a column added to a model later (a secret, say) is not
shown until someone adds it here on purpose.
"""

from __future__ import annotations

import json

from marshmallow import EXCLUDE, Schema, fields, validate

from climate_plugin.accounts import ROLES
from climate_plugin.i18n import LANGUAGES
from climate_plugin.municipalities.service import SLUG


def _name() -> fields.String:
    return fields.String(required=True, validate=validate.Length(min=1, max=200))


class _In(Schema):
    class Meta:
        # an unknown field is refused with a message naming it, so a typo is not silently ignored
        ordered = True


class _Out(Schema):
    class Meta:
        ordered = True
        unknown = EXCLUDE


# --- municipalities -------------------------------------------------------------------------------
class MunicipalitySchema(_Out):
    id = fields.Integer()
    slug = fields.String()
    name = fields.String()
    language = fields.String()
    settings = fields.Dict()
    created_at = fields.DateTime()


class MunicipalityCreateSchema(_In):
    slug = fields.String(required=True, validate=validate.Regexp(SLUG, error="lowercase letters, digits, -"))
    name = _name()
    language = fields.String(load_default="fi", validate=validate.OneOf(LANGUAGES))


class MunicipalityUpdateSchema(_In):
    name = fields.String(validate=validate.Length(min=1, max=200))
    language = fields.String(validate=validate.OneOf(LANGUAGES))


# --- connectors -----------------------------------------------------------------------------------
class SyncHealthSchema(_Out):
    last_success = fields.String(allow_none=True)
    last_error = fields.String(allow_none=True)
    last_error_at = fields.String(allow_none=True)
    lag_seconds = fields.Integer(allow_none=True)
    items_waiting = fields.Integer()


class ConnectorSchema(_Out):
    id = fields.Integer()
    municipality_id = fields.Integer()
    kind = fields.String()
    name = fields.String()
    enabled = fields.Boolean()
    config = fields.Dict(metadata={"description": "The config without secret values (write-only)."})
    secrets_set = fields.List(fields.String(), metadata={"description": "Secret fields that have a value."})
    webhook_url = fields.String()
    created_at = fields.DateTime()
    sync = fields.Nested(SyncHealthSchema)


class ConnectorCreateSchema(_In):
    municipality_id = fields.Integer(metadata={"description": "Default: the token's municipality."})
    kind = fields.String(required=True)
    name = _name()
    config = fields.Dict(required=True, metadata={"description": "The kind's config, secrets included."})


class ConnectorCreatedSchema(ConnectorSchema):
    webhook_secret = fields.String(metadata={"description": "Shown only in this answer."})


class ConnectorUpdateSchema(_In):
    name = fields.String(validate=validate.Length(min=1, max=200))
    config = fields.Dict(
        metadata={
            "description": "The whole new config; a secret left out (or null, or \"***\") keeps its value."
        }
    )


class TestResultSchema(_Out):
    ok = fields.Boolean()
    message = fields.String()


class RotatedSchema(_Out):
    webhook_secret = fields.String(metadata={"description": "Shown only in this answer."})
    previous_valid_until = fields.DateTime()


class QueuedSchema(_Out):
    queued = fields.Boolean()


# --- deliveries -----------------------------------------------------------------------------------
DELIVERY_STATUSES = ("received", "processing", "done", "failed")
#: the stored headers shown; the signature is left out (it is not the secret, but nobody needs it here)
SHOWN_HEADERS = ("content-type", "webhook-id", "webhook-timestamp")


class DeliveryQuerySchema(_In):
    status = fields.String(validate=validate.OneOf(DELIVERY_STATUSES))
    connector_id = fields.Integer()


class DeliverySchema(_Out):
    id = fields.Integer()
    connector_id = fields.Integer()
    delivery_id = fields.String()
    event_type = fields.String()
    action = fields.String()
    external_id = fields.String()
    occurred_at = fields.DateTime(allow_none=True)
    status = fields.String()
    attempts = fields.Integer()
    last_error = fields.String(allow_none=True)
    received_at = fields.DateTime()
    processed_at = fields.DateTime(allow_none=True)


def _body(delivery) -> object:
    text = bytes(delivery.body or b"").decode("utf-8", errors="replace")
    try:
        return json.loads(text)
    except ValueError:
        return text


class DeliveryDetailSchema(DeliverySchema):
    headers = fields.Function(
        lambda d: {k: v for k, v in (d.headers or {}).items() if str(k).lower() in SHOWN_HEADERS}
    )
    body = fields.Function(_body, metadata={"description": "The host's payload as received."})


# --- items ----------------------------------------------------------------------------------------
class ItemQuerySchema(_In):
    connector_id = fields.Integer()
    committee = fields.String()
    relevance = fields.String(validate=validate.OneOf(("high", "medium", "low", "none")))
    q = fields.String(metadata={"description": "Text in the title."})
    deleted = fields.Boolean(load_default=False)


class ItemSchema(_Out):
    id = fields.Integer()
    connector_id = fields.Integer()
    external_id = fields.String()
    public_id = fields.String()
    title = fields.String()
    language = fields.String(allow_none=True)
    meeting = fields.String(allow_none=True)
    committee = fields.String(allow_none=True)
    url = fields.String(allow_none=True)
    updated_at = fields.DateTime(allow_none=True)
    deleted_at = fields.DateTime(allow_none=True)
    fetched_at = fields.DateTime()
    #: the meeting's day and the decision, where the host reports them (docs/connectors.md)
    meeting_date = fields.Date(allow_none=True)
    decision_state = fields.String(allow_none=True)
    decision_text = fields.String(allow_none=True)
    decided_on = fields.Date(allow_none=True)


class AssessmentSchema(_Out):
    id = fields.Integer()
    revision = fields.Integer()
    source = fields.String()
    state = fields.String()
    relevance = fields.String()
    categories = fields.List(fields.Raw())
    evidence = fields.List(fields.Raw())
    answers = fields.Dict()
    needs_review = fields.Boolean()
    escalation = fields.List(fields.String())
    submitted_by = fields.String(allow_none=True)
    submitted_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()


class BadgeSchema(_Out):
    code = fields.String()
    kind = fields.String()
    name = fields.Dict(keys=fields.String(), values=fields.String())


class AttachmentSchema(_Out):
    url = fields.String(allow_none=True)
    name = fields.String(allow_none=True)
    error = fields.String(allow_none=True)


class ItemDetailSchema(ItemSchema):
    body = fields.String()
    attachments = fields.List(fields.Nested(AttachmentSchema))
    assessment = fields.Nested(AssessmentSchema, allow_none=True)
    badges = fields.List(fields.Nested(BadgeSchema))


# --- write-backs ----------------------------------------------------------------------------------
class WriteBackQuerySchema(_In):
    status = fields.String(validate=validate.OneOf(("pending", "sent", "failed", "superseded")))
    item_id = fields.Integer()


class WriteBackSchema(_Out):
    id = fields.Integer()
    item_id = fields.Integer()
    assessment_id = fields.Integer()
    status = fields.String()
    attempts = fields.Integer()
    last_error = fields.String(allow_none=True)
    created_at = fields.DateTime()
    sent_at = fields.DateTime(allow_none=True)
    body = fields.Dict()


# --- checklist templates --------------------------------------------------------------------------
class TemplateQuerySchema(_In):
    municipality_id = fields.Integer()


class TemplateSchema(_Out):
    id = fields.Integer()
    municipality_id = fields.Integer()
    version = fields.Integer()
    overrides = fields.Dict()
    created_by = fields.String(allow_none=True)
    created_at = fields.DateTime()


class TemplateCreateSchema(_In):
    municipality_id = fields.Integer(metadata={"description": "Default: the token's municipality."})
    overrides = fields.Dict(required=True, metadata={"description": "See docs/checklist.md."})


# --- users and tokens -----------------------------------------------------------------------------
class UserSchema(_Out):
    id = fields.Integer()
    municipality_id = fields.Integer(allow_none=True)
    email = fields.String()
    name = fields.String()
    role = fields.String()
    active = fields.Boolean()
    has_password = fields.Function(lambda u: u.password_hash is not None)
    created_at = fields.DateTime()
    last_login_at = fields.DateTime(allow_none=True)


class UserCreateSchema(_In):
    municipality_id = fields.Integer(allow_none=True, metadata={"description": "Default: your municipality."})
    email = fields.String(required=True, validate=validate.Length(min=3, max=320))
    name = _name()
    role = fields.String(required=True, validate=validate.OneOf(ROLES))


class UserUpdateSchema(_In):
    name = fields.String(validate=validate.Length(min=1, max=200))
    role = fields.String(validate=validate.OneOf(ROLES))
    active = fields.Boolean()


class TokenSchema(_Out):
    id = fields.Integer()
    municipality_id = fields.Integer(allow_none=True)
    name = fields.String()
    role = fields.String()
    created_at = fields.DateTime()
    expires_at = fields.DateTime()
    revoked_at = fields.DateTime(allow_none=True)
    last_used_at = fields.DateTime(allow_none=True)


class TokenCreateSchema(_In):
    municipality_id = fields.Integer(allow_none=True, metadata={"description": "Default: your municipality."})
    name = _name()
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    expires_in_days = fields.Integer(load_default=90, validate=validate.Range(min=1, max=730))


class TokenCreatedSchema(TokenSchema):
    token = fields.String(metadata={"description": "Shown only in this answer; only its hash is stored."})


# --- audit ----------------------------------------------------------------------------------------
class AuditQuerySchema(_In):
    action = fields.String(metadata={"description": "An action, or a prefix ending in '.' (connector.)."})
    target = fields.String()
    actor = fields.String()
    municipality_id = fields.Integer()


class AuditEntrySchema(_Out):
    id = fields.Integer()
    at = fields.DateTime()
    actor = fields.String()
    municipality_id = fields.Integer(allow_none=True)
    action = fields.String()
    target = fields.String()
    details = fields.Dict()
