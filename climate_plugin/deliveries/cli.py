"""`climate-plugin deliveries …`: webhook deliveries as received, and processing them again.

After an operator fixes what made deliveries fail (an internal host added to CLIMATE_PLUGIN_OUTBOUND_ALLOW,
an encryption key restored, a connector's config corrected), `redeliver` hands them to the worker again,
through the same service and with the same audit entry as the admin pages and the API.
"""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from climate_plugin.cli.common import connector_by_id, database_ready, echo_json
from climate_plugin.db import db
from climate_plugin.deliveries import service
from climate_plugin.models import Delivery
from climate_plugin.services import NotPossible


@click.group()
def deliveries() -> None:
    """Webhook deliveries: list them, process them again."""


def _shown(delivery: Delivery) -> dict:
    return {
        "id": delivery.id,
        "connector": delivery.connector_id,
        "item": delivery.external_id,
        "event": delivery.event_type,
        "status": delivery.status,
        "attempts": delivery.attempts,
        "received_at": delivery.received_at,
        "last_error": delivery.last_error,
    }


@deliveries.command("list")
@click.option("--connector", "connector_id", type=int, help="Only this connector's deliveries.")
@click.option("--status", type=click.Choice(service.STATUSES), help="Only deliveries with this status.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (the default prints a table).")
@with_appcontext
def deliveries_list(connector_id: int | None, status: str | None, as_json: bool) -> None:
    """List deliveries, oldest first, with their status and last error."""
    database_ready(Delivery)
    if connector_id is not None:
        connector_by_id(connector_id)
    rows = [_shown(d) for d in service.matching(connector_id, status)]
    if as_json:
        echo_json(rows)
        return
    for row in rows:
        click.echo(
            f"{row['id']:>6} connector {row['connector']:<4} {row['status']:<10} {row['item'][:20]:<20} "
            f"{(row['last_error'] or '')[:120]}"
        )


@deliveries.command("redeliver")
@click.argument("delivery_ids", nargs=-1, type=click.IntRange(1, 2**31 - 1))
@click.option("--connector", "connector_id", type=int, help="The connector's deliveries (with --status).")
@click.option(
    "--status",
    type=click.Choice(service.STATUSES),
    help="Deliveries with this status (default with --connector: failed).",
)
@with_appcontext
def deliveries_redeliver(delivery_ids: tuple[int, ...], connector_id: int | None, status: str | None) -> None:
    """Process deliveries again from the start: by id, or every one matching --connector and --status.

    Prints one JSON object per delivery handed over (with its status before). A delivery being processed
    right now is left alone and named.
    """
    if delivery_ids and (connector_id is not None or status is not None):
        raise click.UsageError("give delivery ids, or --connector/--status, not both")
    if not delivery_ids and connector_id is None and status is None:
        raise click.UsageError("give delivery ids, or --connector and/or --status (e.g. --status failed)")
    database_ready(Delivery)
    if delivery_ids:
        chosen = []
        for delivery_id in delivery_ids:
            found = db.session.get(Delivery, delivery_id)
            if found is None:
                raise click.ClickException(
                    f"no delivery with id {delivery_id} (see `climate-plugin deliveries list`)"
                )
            chosen.append(found)
    else:
        if connector_id is not None:
            connector_by_id(connector_id)
        chosen = service.matching(connector_id, status or "failed")
    handed, refused = [], []
    for delivery in chosen:
        previous = delivery.status
        try:
            service.redeliver(delivery)  # audited, enqueued after its commit
        except NotPossible as exc:
            refused.append(f"delivery {delivery.id}: {exc}")
            continue
        handed.append({"id": delivery.id, "connector": delivery.connector_id, "previous_status": previous})
    echo_json(handed)
    for message in refused:
        click.echo(message, err=True)
    if refused:
        raise SystemExit(1)
