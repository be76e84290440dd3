"""Request and response schemas of the REST API (they are also what the OpenAPI document shows).

Response schemas list their fields explicitly: a column added to a model later (a secret, say) is not
shown until someone adds it here on purpose. Filters accept exactly the values the service stores (the
constants of the models and the screening), and fields carry examples for the API documentation page.
"""

from __future__ import annotations

import json

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from climate_plugin.accounts import ROLES
from climate_plugin.dates import DEFAULT_TIME_ZONE, is_time_zone
from climate_plugin.i18n import LANGUAGES
from climate_plugin.models import assessment as assessment_state
from climate_plugin.models import delivery as delivery_status
from climate_plugin.models import write_back as write_back_status
from climate_plugin.municipalities.service import SLUG
from climate_plugin.screening.model import RELEVANCE_LEVELS
from climate_plugin.web import edge


def _ex(example, **metadata) -> dict:
    """Field metadata with an example for the OpenAPI document."""
    return {"example": example, **metadata}


def _name(example: str | None = None) -> fields.String:
    metadata = {"example": example} if example else {}
    return fields.String(required=True, validate=validate.Length(min=1, max=200), metadata=metadata)


class _In(Schema):
    class Meta:
        # an unknown field is refused with a message naming it, so a typo is not silently ignored
        ordered = True

    def on_bind_field(self, field_name: str, field_obj: fields.Field) -> None:
        # Every input is within what the database stores (the edge's rules, climate_plugin.web.edge), and
        # the OpenAPI document says so: integers within the integer columns (ids from 1), times with a UTC
        # equivalent.
        edge.bound_field(field_name, field_obj)


class _Out(Schema):
    class Meta:
        ordered = True
        unknown = EXCLUDE


# --- municipalities -------------------------------------------------------------------------------
def _time_zone() -> fields.String:
    """An IANA time zone name (dates and times on the municipality's pages are shown in it)."""
    return fields.String(validate=_is_zone, metadata=_ex(DEFAULT_TIME_ZONE))


def _is_zone(value: str) -> None:
    if not is_time_zone(value):
        raise ValidationError(f"not a time zone; use an IANA name such as {DEFAULT_TIME_ZONE}")


class MunicipalitySchema(_Out):
    id = fields.Integer(metadata=_ex(1))
    slug = fields.String(metadata=_ex("hollola"))
    name = fields.String(metadata=_ex("Hollolan kunta"))
    language = fields.String(metadata=_ex("fi", enum=list(LANGUAGES)))
    time_zone = fields.String(metadata=_ex("Europe/Helsinki"))
    settings = fields.Dict(metadata=_ex({"screening_sensitivity": "balanced"}))
    created_at = fields.DateTime(metadata=_ex("2026-01-12T08:30:00+00:00"))


class MunicipalityCreateSchema(_In):
    slug = fields.String(
        required=True,
        validate=validate.Regexp(SLUG, error="lowercase letters, digits, -"),
        metadata=_ex("hollola"),
    )
    name = _name("Hollolan kunta")
    language = fields.String(load_default="fi", validate=validate.OneOf(LANGUAGES))
    time_zone = fields.String(
        load_default=DEFAULT_TIME_ZONE, validate=_is_zone, metadata=_ex(DEFAULT_TIME_ZONE)
    )


class MunicipalityUpdateSchema(_In):
    name = fields.String(validate=validate.Length(min=1, max=200))
    language = fields.String(validate=validate.OneOf(LANGUAGES))
    time_zone = _time_zone()


# --- connectors -----------------------------------------------------------------------------------
class SyncHealthSchema(_Out):
    last_success = fields.String(allow_none=True, metadata=_ex("2026-01-12T09:15:02+00:00"))
    last_error = fields.String(
        allow_none=True,
        metadata=_ex("PermanentError: GET agenda.hollola.fi/items/2026-101: the host answered 404 Not Found"),
    )
    last_error_at = fields.String(allow_none=True, metadata=_ex("2026-01-11T17:40:55+00:00"))
    lag_seconds = fields.Integer(allow_none=True, metadata=_ex(0))
    items_waiting = fields.Integer(metadata=_ex(2))


_REST_CONFIG = {
    "base_url": "https://agenda.hollola.fi/api",
    "auth": {"type": "bearer"},
    "item_path": "/items/{id}",
    "fields": {"title": "/title", "body": "/body", "language": "/language"},
    "write_back": {"method": "POST", "path": "/items/{id}/climate"},
}


class ConnectorSchema(_Out):
    id = fields.Integer(metadata=_ex(3))
    municipality_id = fields.Integer(metadata=_ex(1))
    kind = fields.String(metadata=_ex("rest"))
    name = fields.String(metadata=_ex("Agenda API"))
    enabled = fields.Boolean(metadata=_ex(True))
    config = fields.Dict(
        metadata=_ex(_REST_CONFIG, description="The config without secret values (write-only).")
    )
    secrets_set = fields.List(
        fields.String(), metadata=_ex(["auth.token"], description="Secret fields that have a value.")
    )
    webhook_url = fields.String(metadata=_ex("https://climate.hollola.fi/webhooks/3"))
    webhook_rate_limit = fields.String(
        allow_none=True,
        metadata=_ex(None, description="The host's own webhook rate; null: the deployment's default."),
    )
    created_at = fields.DateTime(metadata=_ex("2026-01-12T08:31:00+00:00"))
    sync = fields.Nested(SyncHealthSchema)


#: a connector's own webhook rate (Flask-Limiter notation); null goes back to the deployment's default
_WEBHOOK_RATE_LIMIT = {
    "allow_none": True,
    "validate": validate.Length(min=1, max=100),
    "metadata": _ex(
        "6000/minute",
        description="Webhook requests per sending address for this host (e.g. to replay a backlog); "
        "null: CLIMATE_PLUGIN_WEBHOOK_RATE_LIMIT.",
    ),
}


class ConnectorCreateSchema(_In):
    municipality_id = fields.Integer(metadata=_ex(1, description="Default: the token's municipality."))
    kind = fields.String(
        required=True, metadata=_ex("rest", description="rest, oparl, ahjo, casem, dynasty, tweb or decidim.")
    )
    name = _name("Agenda API")
    config = fields.Dict(
        required=True,
        metadata=_ex(
            {**_REST_CONFIG, "auth": {"type": "bearer", "token": "…"}},
            description="The kind's config, secrets included.",
        ),
    )
    webhook_rate_limit = fields.String(**_WEBHOOK_RATE_LIMIT)


class ConnectorCreatedSchema(ConnectorSchema):
    webhook_secret = fields.String(metadata=_ex("whsec_…", description="Shown only in this answer."))


class ConnectorUpdateSchema(_In):
    name = fields.String(validate=validate.Length(min=1, max=200))
    webhook_rate_limit = fields.String(**_WEBHOOK_RATE_LIMIT)
    config = fields.Dict(
        metadata={
            "description": "The whole new config; a secret left out (or null, or \"***\") keeps its value."
        }
    )


class TestRequestSchema(_In):
    external_id = fields.String(
        validate=validate.Length(min=1, max=500),
        metadata=_ex("2026-123", description="The item to read; left out: the newest stored or a polled."),
    )


class PreviewSchema(_Out):
    external_id = fields.String()
    title = fields.String()
    excerpt = fields.String(metadata={"description": "The body as plain text, cut at about 300 characters."})
    language = fields.String(allow_none=True, metadata={"description": "As the host says (null: not said)."})
    detected_language = fields.String(metadata={"description": "As screening reads the text."})
    url = fields.String(allow_none=True)
    meeting = fields.String(allow_none=True)
    committee = fields.String(allow_none=True)


class TestResultSchema(_Out):
    ok = fields.Boolean()
    message = fields.String(metadata={"description": "What was read, or which setting to change, in words."})
    problem = fields.String(
        allow_none=True,
        metadata=_ex(
            "not_found",
            description="unknown_kind, secrets, refused_address, credentials, not_found, unreachable, "
            "bad_answer, or no_sample (reachable, no item to read: ok stays true); null when all went well",
        ),
    )
    setting = fields.String(allow_none=True, metadata=_ex("item_path", description="The setting to change."))
    detail = fields.String(metadata={"description": "The host's own words (secrets blanked)."})
    external_id = fields.String(allow_none=True)
    sample_source = fields.String(allow_none=True, metadata={"description": "given, stored or polled"})
    preview = fields.Nested(PreviewSchema, allow_none=True)


class RotatedSchema(_Out):
    webhook_secret = fields.String(metadata={"description": "Shown only in this answer."})
    previous_valid_until = fields.DateTime()


class QueuedSchema(_Out):
    queued = fields.Boolean()


# --- deliveries -----------------------------------------------------------------------------------
DELIVERY_STATUSES = (
    delivery_status.RECEIVED,
    delivery_status.PROCESSING,
    delivery_status.DONE,
    delivery_status.FAILED,
)
#: the stored headers shown; the signature is left out (it is not the secret, but nobody needs it here)
SHOWN_HEADERS = ("content-type", "webhook-id", "webhook-timestamp")


# Filters have no examples: Swagger UI would fill them in, and "try it out" would then filter by them.
class DeliveryQuerySchema(_In):
    status = fields.String(validate=validate.OneOf(DELIVERY_STATUSES))
    connector_id = fields.Integer()


class DeliverySchema(_Out):
    id = fields.Integer(metadata=_ex(42))
    connector_id = fields.Integer(metadata=_ex(3))
    delivery_id = fields.String(metadata=_ex("msg_2b1f0c9e", description="The host's webhook-id."))
    event_type = fields.String(metadata=_ex("agenda_item.drafted"))
    action = fields.String(metadata=_ex("upsert"))
    external_id = fields.String(metadata=_ex("2026-101"))
    occurred_at = fields.DateTime(allow_none=True, metadata=_ex("2026-01-12T09:14:58+00:00"))
    status = fields.String(metadata=_ex("done", enum=list(DELIVERY_STATUSES)))
    attempts = fields.Integer(metadata=_ex(1))
    last_error = fields.String(allow_none=True, metadata=_ex(None))
    received_at = fields.DateTime(metadata=_ex("2026-01-12T09:14:59+00:00"))
    processed_at = fields.DateTime(allow_none=True, metadata=_ex("2026-01-12T09:15:02+00:00"))


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
    committee = fields.String(metadata={"description": "The committee, exactly as the host names it."})
    relevance = fields.String(
        validate=validate.OneOf(RELEVANCE_LEVELS),
        metadata={"description": "The screening's level of the item's current assessment."},
    )
    q = fields.String(metadata={"description": "Text in the title."})
    deleted = fields.Boolean(load_default=False, metadata={"description": "Include deleted items."})


class ItemSchema(_Out):
    id = fields.Integer(metadata=_ex(17))
    connector_id = fields.Integer(metadata=_ex(3))
    external_id = fields.String(metadata=_ex("2026-101", description="The item's id at the host."))
    public_id = fields.String(metadata=_ex("b7Qd2kXw"))
    title = fields.String(metadata=_ex("Salpakankaan koulun peruskorjauksen hankesuunnitelman hyväksyminen"))
    language = fields.String(allow_none=True, metadata=_ex("fi"))
    meeting = fields.String(allow_none=True, metadata=_ex("Tekninen lautakunta 12.1.2026"))
    committee = fields.String(allow_none=True, metadata=_ex("Tekninen lautakunta"))
    url = fields.String(allow_none=True, metadata=_ex("https://agenda.hollola.fi/items/2026-101"))
    updated_at = fields.DateTime(allow_none=True, metadata=_ex("2026-01-12T09:14:57+00:00"))
    deleted_at = fields.DateTime(allow_none=True, metadata=_ex(None))
    fetched_at = fields.DateTime(metadata=_ex("2026-01-12T09:15:00+00:00"))
    #: the meeting's day and the decision, where the host reports them (docs/connectors.md)
    meeting_date = fields.Date(allow_none=True, metadata=_ex("2026-01-19"))
    decision_state = fields.String(allow_none=True, metadata=_ex("decided"))
    decision_text = fields.String(allow_none=True, metadata=_ex("Lautakunta hyväksyi hankesuunnitelman."))
    decided_on = fields.Date(allow_none=True, metadata=_ex("2026-01-19"))


_STATES = (assessment_state.SCREENED, assessment_state.DRAFT, assessment_state.SUBMITTED)


class AssessmentSchema(_Out):
    id = fields.Integer(metadata=_ex(25))
    revision = fields.Integer(metadata=_ex(1))
    source = fields.String(metadata=_ex("screening"))
    state = fields.String(metadata=_ex("screened", enum=list(_STATES)))
    relevance = fields.String(metadata=_ex("high", enum=list(RELEVANCE_LEVELS)))
    categories = fields.List(fields.Raw(), metadata=_ex(["energy", "buildings"]))
    evidence = fields.List(
        fields.Raw(),
        metadata=_ex(
            [
                {
                    "category": "energy",
                    "term": "maalämmöllä",
                    "snippet": "öljylämmitys korvataan maalämmöllä",
                    "location": "body",
                }
            ]
        ),
    )
    answers = fields.Dict(metadata={"description": "The checklist's answers by question id."})
    needs_review = fields.Boolean(metadata=_ex(False))
    escalation = fields.List(fields.String(), metadata=_ex([]))
    submitted_by = fields.String(allow_none=True, metadata=_ex(None))
    submitted_at = fields.DateTime(allow_none=True, metadata=_ex(None))
    created_at = fields.DateTime(metadata=_ex("2026-01-12T09:15:01+00:00"))


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
WRITE_BACK_STATUSES = (
    write_back_status.PENDING,
    write_back_status.SENDING,
    write_back_status.SENT,
    write_back_status.FAILED,
    write_back_status.SUPERSEDED,
)


class WriteBackQuerySchema(_In):
    status = fields.String(validate=validate.OneOf(WRITE_BACK_STATUSES))
    item_id = fields.Integer()


class WriteBackSchema(_Out):
    id = fields.Integer(metadata=_ex(9))
    item_id = fields.Integer(metadata=_ex(17))
    assessment_id = fields.Integer(metadata=_ex(25))
    status = fields.String(metadata=_ex("sent", enum=list(WRITE_BACK_STATUSES)))
    attempts = fields.Integer(metadata=_ex(1))
    last_error = fields.String(allow_none=True, metadata=_ex(None))
    created_at = fields.DateTime(metadata=_ex("2026-01-12T09:15:01+00:00"))
    sent_at = fields.DateTime(allow_none=True, metadata=_ex("2026-01-12T09:15:02+00:00"))
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
    id = fields.Integer(metadata=_ex(5))
    municipality_id = fields.Integer(allow_none=True, metadata=_ex(1))
    email = fields.String(metadata=_ex("anna.admin@hollola.fi"))
    name = fields.String(metadata=_ex("Anna Virtanen"))
    role = fields.String(metadata=_ex("municipality_admin", enum=list(ROLES)))
    active = fields.Boolean(metadata=_ex(True))
    has_password = fields.Function(lambda u: u.password_hash is not None, metadata=_ex(True))
    created_at = fields.DateTime(metadata=_ex("2026-01-12T08:00:00+00:00"))
    last_login_at = fields.DateTime(allow_none=True, metadata=_ex("2026-01-12T09:30:00+00:00"))


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
    name = _name("reporting")
    role = fields.String(required=True, validate=validate.OneOf(ROLES), metadata=_ex("viewer"))
    expires_in_days = fields.Integer(load_default=90, validate=validate.Range(min=1, max=730))


class TokenCreatedSchema(TokenSchema):
    token = fields.String(
        metadata=_ex("cpt_…", description="Shown only in this answer; only its hash is stored.")
    )


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
