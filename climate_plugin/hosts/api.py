"""/api/v1/connectors: a municipality's links to its host agenda systems.

Secret config values are write-only: they go in with POST or PATCH and never come out (``secrets_set``
names the ones that have a value). The webhook secret is shown once, when it is made or rotated.
"""

from __future__ import annotations

from flask import json
from sqlalchemy import select

from climate_plugin.accounts import require, scoped
from climate_plugin.api.common import (
    ADMIN,
    READ,
    SelectPage,
    Shown,
    get_or_404,
    make_blueprint,
    principal,
    target_municipality,
)
from climate_plugin.api.schemas import (
    ConnectorCreatedSchema,
    ConnectorCreateSchema,
    ConnectorSchema,
    ConnectorUpdateSchema,
    QueuedSchema,
    RotatedSchema,
    TestRequestSchema,
    TestResultSchema,
)
from climate_plugin.connectors.registry import UnknownConnectorKind, get_connector_class, redact
from climate_plugin.hosts import service as hosts_service
from climate_plugin.hosts.connector import _encryptor, webhook_url
from climate_plugin.hosts.polling import sync_health
from climate_plugin.models import Connector

bp = make_blueprint("connectors", "/connectors", "Connectors to host agenda systems (secrets write-only).")


def _secrets_set(row: Connector) -> list[str]:
    if not row.secrets_encrypted:
        return []
    stored = json.loads(_encryptor().decrypt(row.secrets_encrypted))
    return sorted(path for path, value in stored.items() if value is not None)


def shown(row: Connector) -> dict:
    """A connector as the API shows it; the stored config has no secrets, redact() is the second guard."""
    try:
        config = redact(get_connector_class(row.kind), row.config or {})
    except UnknownConnectorKind:
        config = {}  # a kind no longer installed: its secret fields are unknown, so show nothing
    return {
        "id": row.id,
        "municipality_id": row.municipality_id,
        "kind": row.kind,
        "name": row.name,
        "enabled": row.enabled,
        "config": config,
        "secrets_set": _secrets_set(row),
        "webhook_url": webhook_url(row),
        "webhook_rate_limit": row.webhook_rate_limit,
        "created_at": row.created_at,
        "sync": sync_health(row),
    }


@bp.route("", methods=["GET"])
@require(*READ)
@bp.response(200, ConnectorSchema(many=True))
@bp.paginate(SelectPage)
def list_connectors():
    """List connectors, with their sync health."""
    return Shown(scoped(select(Connector).order_by(Connector.id), Connector), shown)


@bp.route("/<int:connector_id>", methods=["GET"])
@require(*READ)
@bp.response(200, ConnectorSchema)
def get_connector(connector_id: int):
    """One connector."""
    return shown(get_or_404(Connector, connector_id))


@bp.route("", methods=["POST"])
@require(*ADMIN)
@bp.arguments(ConnectorCreateSchema)
@bp.response(201, ConnectorCreatedSchema)
def create(data: dict):
    """Create a connector; the answer has its webhook secret, shown only this once."""
    municipality = target_municipality(data.get("municipality_id"))
    row, secret = hosts_service.create_connector_for(
        principal(), municipality, data["kind"], data["name"], data["config"]
    )
    if data.get("webhook_rate_limit"):
        hosts_service.set_webhook_rate_limit(row, data["webhook_rate_limit"])
    return {**shown(row), "webhook_secret": secret}


@bp.route("/<int:connector_id>", methods=["PATCH"])
@require(*ADMIN)
@bp.arguments(ConnectorUpdateSchema)
@bp.response(200, ConnectorSchema)
def update(data: dict, connector_id: int):
    """Rename it, replace its config (secrets left out keep their stored values) or set its webhook rate."""
    row = get_or_404(Connector, connector_id)
    if "webhook_rate_limit" in data:
        hosts_service.set_webhook_rate_limit(row, data["webhook_rate_limit"])
    if "name" in data or "config" in data:
        hosts_service.update_connector(row, name=data.get("name"), config=data.get("config"))
    return shown(row)


@bp.route("/<int:connector_id>/enable", methods=["POST"])
@require(*ADMIN)
@bp.response(200, ConnectorSchema)
def enable(connector_id: int):
    """Enable the connector: webhooks are accepted and polls run again."""
    return shown(hosts_service.set_enabled(get_or_404(Connector, connector_id), True))


@bp.route("/<int:connector_id>/disable", methods=["POST"])
@require(*ADMIN)
@bp.response(200, ConnectorSchema)
def disable(connector_id: int):
    """Disable the connector."""
    return shown(hosts_service.set_enabled(get_or_404(Connector, connector_id), False))


@bp.route("/<int:connector_id>/test", methods=["POST"])
@require(*ADMIN)
@bp.arguments(TestRequestSchema, required=False)
@bp.response(200, TestResultSchema)
def test(args: dict | None, connector_id: int):
    """Reach the host and read one real item with the stored config: the given ``external_id``, else the
    newest stored item, else one a poll lists. Answers what was read (a preview) or which setting to change.
    """
    row = get_or_404(Connector, connector_id)
    return hosts_service.test_connector(row, (args or {}).get("external_id")).as_json()


@bp.route("/<int:connector_id>/rotate-secret", methods=["POST"])
@require(*ADMIN)
@bp.response(200, RotatedSchema)
def rotate_secret(connector_id: int):
    """Issue a new webhook secret (shown only in this answer); the old one verifies for 24 hours more."""
    row = get_or_404(Connector, connector_id)
    secret = hosts_service.rotate_secret(row)
    return {"webhook_secret": secret, "previous_valid_until": row.previous_secret_expires_at}


@bp.route("/<int:connector_id>/sync", methods=["POST"])
@require(*ADMIN)
@bp.response(202, QueuedSchema)
def sync(connector_id: int):
    """Poll the host now (in the worker), from where the last poll stopped; 409 for a push-only kind."""
    hosts_service.sync_now(get_or_404(Connector, connector_id))
    return {"queued": True}
