"""Connector pages: the list with sync health and webhook URLs, the new-connector form, and one connector's
page (settings, enable/disable, test with a preview of a real item, rotate the webhook secret, sync now).

A kind's settings are a form generated from its marshmallow schema (climate_plugin.admin.schema_form):
changing the kind on the new-connector form shows that kind's form (a button without JavaScript, at once
with it); a submit whose kind is not the kind shown never creates anything. Secrets are write-only: each is
a password input that is never filled in, an empty one keeps the stored value, and a webhook secret is shown
once, in the answer to the POST that made it (never in a URL, never again).
"""

from __future__ import annotations

from typing import Any

from flask import current_app, redirect, request, url_for
from marshmallow import ValidationError
from sqlalchemy import select

from climate_plugin import services
from climate_plugin.accounts import require, scoped
from climate_plugin.admin import schema_form
from climate_plugin.admin.pages import (
    CHANGE,
    VIEW,
    bp,
    csrf_ok,
    error_page,
    field_errors,
    lang,
    municipality_or_404,
    principal,
    refuse_csrf,
    render,
    scoped_one,
)
from climate_plugin.connectors.base import Connector as ConnectorClass
from climate_plugin.connectors.registry import (
    REDACTED,
    UnknownConnectorKind,
    get_connector_class,
    load_connectors,
    merge_secrets,
    redact,
)
from climate_plugin.db import db
from climate_plugin.hosts import service as hosts_service
from climate_plugin.hosts.connector import full_config, webhook_url
from climate_plugin.hosts.polling import sync_health
from climate_plugin.i18n import MESSAGES, t
from climate_plugin.models import Connector, Municipality

#: errors of the config that belong to no input of the form (a rule over several settings)
FORM_ERRORS = "_form"


def _form(
    cls: type[ConnectorClass], values: dict | None, secrets_set: dict[str, bool] | None = None
) -> list[schema_form.FormField]:
    found = schema_form.describe(cls.config_schema(), values, cls.secret_fields, secrets_set)

    def explain(f: schema_form.FormField) -> None:
        # a kind's own words for a setting ("setting.oparl.body"), else the words all kinds share
        for key in (f"setting.{cls.kind}.{f.path}", f"setting.{f.path}"):
            if key in MESSAGES:
                f.help = key
                return

    schema_form.walk_fields(found, explain)
    return found


def _submitted(cls: type[ConnectorClass]) -> tuple[dict[str, Any], dict[str, Any], list[str]]:
    """(the config with the typed secrets merged in, the public part to show again, secrets to clear)."""
    public, secrets, cleared = schema_form.read(cls.config_schema(), request.form, cls.secret_fields)
    return merge_secrets(public, secrets), public, cleared


def _errors_by_input(exc: ValidationError, shown: list[schema_form.FormField]) -> dict[str, list[str]]:
    """Service errors keyed by the form's setting paths ("auth.token"), "name", or FORM_ERRORS."""
    paths: set[str] = set()
    schema_form.walk_fields(shown, lambda f: paths.add(f.path))
    out: dict[str, list[str]] = {}
    for key, messages in field_errors(exc).items():
        path = key[len("config.") :] if key.startswith("config.") else key
        if path.endswith("._schema"):
            path = path[: -len("._schema")]
        if path == "name" or path in paths:
            out.setdefault(path, []).extend(messages)
        else:
            label = "" if path in ("config", "_form", "config._schema", "_schema") else f"{path}: "
            out.setdefault(FORM_ERRORS, []).extend(label + m for m in messages)
    return out


def _kinds() -> list[str]:
    return list(load_connectors())


# --- list -------------------------------------------------------------------------------------------
@bp.get("/m/<slug>/connectors")
@require(*VIEW)
def connectors(slug: str) -> Any:
    town = municipality_or_404(slug)
    stmt = select(Connector).where(Connector.municipality_id == town.id).order_by(Connector.name)
    rows = db.session.scalars(scoped(stmt, Connector)).all()
    listed = [{"row": row, "health": sync_health(row), "webhook_url": webhook_url(row)} for row in rows]
    return render("admin/connectors.html", town, connectors=listed)


# --- new ---------------------------------------------------------------------------------------------
def _new_form(
    town: Municipality,
    kind: str,
    name: str = "",
    values: dict | None = None,
    errors: dict[str, list[str]] | None = None,
    status: int = 200,
    notice: str | None = None,
) -> Any:
    cls = get_connector_class(kind)
    return render(
        "admin/connector_new.html",
        town,
        status=status,
        kinds=_kinds(),
        kind=kind,
        name=name,
        form_fields=_form(cls, values),
        errors=errors or {},
        notice=notice,
        switch_endpoint="admin.connectors",
    )


@bp.get("/m/<slug>/connectors/new")
@require(*CHANGE)
def connector_new(slug: str) -> Any:
    town = municipality_or_404(slug)
    kinds = _kinds()
    kind = request.args.get("kind") or (kinds[0] if kinds else "")
    if kind not in kinds:
        return error_page(400, t("admin.error.kind", lang()), town)
    return _new_form(town, kind)


@bp.post("/m/<slug>/connectors")
@require(*CHANGE)
def connector_create(slug: str) -> Any:
    town = municipality_or_404(slug)
    if not csrf_ok():
        return refuse_csrf(town)
    current = lang()
    kind = request.form.get("kind", "")
    name = request.form.get("name", "")
    try:
        cls = get_connector_class(kind)
    except UnknownConnectorKind:
        return error_page(400, t("admin.error.kind", current), town)
    # The kind was changed (the switch button, or the select changed and the form sent as it was): show
    # that kind's settings; the settings typed for the other kind are not that kind's, so nothing is made.
    if request.form.get("action") == "switch" or request.form.get("shown_kind") != kind:
        return _new_form(town, kind, name, notice=t("admin.connector.kind_switched", current, kind=kind))
    config, public, _cleared = _submitted(cls)
    try:
        row, secret = hosts_service.create_connector_for(principal(), town, kind, name, config)
    except ValidationError as exc:
        db.session.rollback()
        errors = _errors_by_input(exc, _form(cls, public))
        if "name" in errors:
            errors["name"] = [t("admin.error.name", current, max=services.NAME_MAX)]
        return _new_form(town, kind, name, public, errors, 422)
    return render(
        "admin/connector_secret.html",
        town,
        status=201,
        row=row,
        secret=secret,
        webhook_url=webhook_url(row),
        heading=t("admin.connector.created_heading", current),
        switch_endpoint="admin.connectors",
    )


# --- one connector ----------------------------------------------------------------------------------
def _connector(town: Municipality, connector_id: int) -> Connector:
    return scoped_one(Connector, connector_id, Connector.municipality_id == town.id)


def _secrets_set(row: Connector, cls: type[ConnectorClass]) -> dict[str, bool]:
    # Only whether a value is stored, worked out from the redacted config: the values never leave here.
    shown = redact(cls, full_config(row))
    states = {}
    for path in cls.secret_fields:
        node: Any = shown
        for key in path.split("."):
            node = node.get(key) if isinstance(node, dict) else None
        states[path] = node == REDACTED
    return states


def _detail(
    town: Municipality,
    row: Connector,
    *,
    notice: str | None = None,
    problem: str | None = None,
    name: str | None = None,
    values: dict | None = None,
    errors: dict[str, list[str]] | None = None,
    status: int = 200,
    tested: Any = None,
    sample_id: str = "",
    rate_value: str | None = None,
    rate_error: str | None = None,
) -> Any:
    try:
        cls = get_connector_class(row.kind)
    except UnknownConnectorKind:
        cls = None
    return render(
        "admin/connector.html",
        town,
        status=status,
        row=row,
        health=sync_health(row),
        webhook_url=webhook_url(row),
        polls=bool(cls and cls.capabilities.poll),
        form_fields=_form(cls, row.config if values is None else values, _secrets_set(row, cls))
        if cls
        else [],
        name=row.name if name is None else name,
        notice=notice,
        problem=problem,
        errors=errors or {},
        tested=tested,
        sample_id=sample_id,
        default_rate=current_app.extensions["climate_plugin.settings"].webhook_rate_limit,
        rate_value=(row.webhook_rate_limit or "") if rate_value is None else rate_value,
        rate_error=rate_error,
        switch_endpoint="admin.connector",
    )


_DONE = {
    "saved": "admin.connector.saved",
    "enabled": "admin.connector.enabled_notice",
    "disabled": "admin.connector.disabled_notice",
    "synced": "admin.connector.synced_notice",
    "rate": "admin.connector.rate_saved",
}


@bp.get("/m/<slug>/connectors/<int:connector_id>")
@require(*VIEW)
def connector(slug: str, connector_id: int) -> Any:
    town = municipality_or_404(slug)
    row = _connector(town, connector_id)
    done = request.args.get("done")
    return _detail(town, row, notice=t(_DONE[done], lang()) if done in _DONE else None)


def _back(town: Municipality, row: Connector, done: str) -> Any:
    url = url_for("admin.connector", slug=town.slug, connector_id=row.id, lang=lang(), done=done)
    return redirect(url, 303)


@bp.post("/m/<slug>/connectors/<int:connector_id>")
@require(*CHANGE)
def connector_update(slug: str, connector_id: int) -> Any:
    town = municipality_or_404(slug)
    row = _connector(town, connector_id)
    if not csrf_ok():
        return refuse_csrf(town)
    current = lang()
    try:
        cls = get_connector_class(row.kind)
    except UnknownConnectorKind:  # its plug-in was uninstalled: nothing to validate the settings with
        return error_page(400, t("admin.error.kind", current), town)
    name = request.form.get("name", "")
    config, public, cleared = _submitted(cls)
    try:
        hosts_service.update_connector(row, name=name, config=config, clear_secrets=cleared)
    except ValidationError as exc:
        db.session.rollback()
        errors = _errors_by_input(exc, _form(cls, public))
        if "name" in errors:
            errors["name"] = [t("admin.error.name", current, max=services.NAME_MAX)]
        db.session.refresh(row)
        return _detail(town, row, name=name, values=public, errors=errors, status=422)
    return _back(town, row, "saved")


@bp.post("/m/<slug>/connectors/<int:connector_id>/enabled")
@require(*CHANGE)
def connector_enabled(slug: str, connector_id: int) -> Any:
    town = municipality_or_404(slug)
    row = _connector(town, connector_id)
    if not csrf_ok():
        return refuse_csrf(town)
    enable = request.form.get("enabled") == "1"
    hosts_service.set_enabled(row, enable)
    return _back(town, row, "enabled" if enable else "disabled")


@bp.post("/m/<slug>/connectors/<int:connector_id>/rate-limit")
@require(*CHANGE)
def connector_rate_limit(slug: str, connector_id: int) -> Any:
    """The host's own webhook rate (empty: the deployment's default), through the hosts service."""
    town = municipality_or_404(slug)
    row = _connector(town, connector_id)
    if not csrf_ok():
        return refuse_csrf(town)
    value = request.form.get("webhook_rate_limit", "").strip()
    try:
        hosts_service.set_webhook_rate_limit(row, value or None)
    except ValidationError:
        db.session.rollback()
        error = t("admin.connector.rate_error", lang())
        return _detail(town, row, rate_value=value, rate_error=error, status=422)
    return _back(town, row, "rate")


@bp.post("/m/<slug>/connectors/<int:connector_id>/test")
@require(*CHANGE)
def connector_test(slug: str, connector_id: int) -> Any:
    town = municipality_or_404(slug)
    row = _connector(town, connector_id)
    if not csrf_ok():
        return refuse_csrf(town)
    sample_id = request.form.get("external_id", "").strip()[:500]
    result = hosts_service.test_connector(row, sample_id or None)
    return _detail(town, row, tested=result, sample_id=sample_id)


@bp.post("/m/<slug>/connectors/<int:connector_id>/rotate")
@require(*CHANGE)
def connector_rotate(slug: str, connector_id: int) -> Any:
    town = municipality_or_404(slug)
    row = _connector(town, connector_id)
    if not csrf_ok():
        return refuse_csrf(town)
    secret = hosts_service.rotate_secret(row)
    return render(
        "admin/connector_secret.html",
        town,
        row=row,
        secret=secret,
        webhook_url=webhook_url(row),
        heading=t("admin.connector.rotated_heading", lang()),
        rotated=True,
        switch_endpoint="admin.connector",
    )


@bp.post("/m/<slug>/connectors/<int:connector_id>/sync")
@require(*CHANGE)
def connector_sync(slug: str, connector_id: int) -> Any:
    town = municipality_or_404(slug)
    row = _connector(town, connector_id)
    if not csrf_ok():
        return refuse_csrf(town)
    try:
        hosts_service.sync_now(row)
    except services.NotPossible as exc:
        return _detail(town, row, problem=t("admin.error.not_possible", lang(), message=str(exc)), status=409)
    return _back(town, row, "synced")
