"""Connector pages: the list with sync health and webhook URLs, the new-connector form, and one connector's
page (settings, enable/disable, test, rotate the webhook secret, sync now).

Secrets are write-only here: the config textarea holds the public part only, each secret field of the kind
is a password input that is never filled in, an empty one keeps the stored value, and a webhook secret is
shown once, in the answer to the POST that made it (never in a URL, never again).
"""

from __future__ import annotations

import json
from typing import Any

from flask import redirect, request, url_for
from marshmallow import Schema, ValidationError, fields
from sqlalchemy import select

from climate_plugin import services
from climate_plugin.accounts import require, scoped
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
    split_secrets,
)
from climate_plugin.db import db
from climate_plugin.hosts import service as hosts_service
from climate_plugin.hosts.connector import full_config, webhook_url
from climate_plugin.hosts.polling import sync_health
from climate_plugin.i18n import t
from climate_plugin.models import Connector, Municipality

#: the prefix of a secret's password input: "secret:auth.token"
SECRET_PREFIX = "secret:"
#: the form fields the connector's own config errors are shown next to
CONFIG_FIELD = "config"


# --- describing a kind's settings -------------------------------------------------------------------
def describe_fields(cls: type[ConnectorClass]) -> list[dict[str, Any]]:
    """Every setting of the kind as ``{"path", "required", "secret"}``, read from its marshmallow schema."""
    found: list[dict[str, Any]] = []

    def walk(schema: Schema, prefix: str) -> None:
        for name, field in schema.fields.items():
            path = prefix + (field.data_key or name)
            found.append({"path": path, "required": field.required, "secret": path in cls.secret_fields})
            if isinstance(field, fields.Nested) and isinstance(field.schema, Schema):
                walk(field.schema, path + ".")

    walk(cls.config_schema(), "")
    return found


def skeleton(cls: type[ConnectorClass]) -> dict[str, Any]:
    """A starting config for the new-connector form: the kind's required settings, left empty."""

    def build(schema: Schema) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, field in schema.fields.items():
            if not field.required:
                continue
            key = field.data_key or name
            if isinstance(field, fields.Nested) and isinstance(field.schema, Schema):
                out[key] = build(field.schema)
            elif key not in cls.secret_fields:
                out[key] = ""
        return out

    return build(cls.config_schema())


def _pretty(config: Any) -> str:
    return json.dumps(config, indent=2, ensure_ascii=False, sort_keys=True)


def _public_text(cls: type[ConnectorClass], raw: str) -> str:
    """The submitted config to show again after an error, with any secret typed into it taken out."""
    try:
        parsed = json.loads(raw)
    except ValueError:
        return raw
    if not isinstance(parsed, dict):
        return raw
    try:
        return _pretty(split_secrets(cls, parsed)[0])
    except (TypeError, AttributeError):
        return raw


def _submitted_config(cls: type[ConnectorClass], current_lang: str) -> tuple[dict | None, dict[str, list]]:
    """The config from the textarea with the filled-in secret inputs merged in; (None, errors) if unusable."""
    raw = request.form.get(CONFIG_FIELD, "")
    try:
        config = json.loads(raw)
    except ValueError as exc:
        return None, {CONFIG_FIELD: [t("admin.error.not_json", current_lang, problem=str(exc))]}
    if not isinstance(config, dict):
        problem = type(config).__name__
        return None, {CONFIG_FIELD: [t("admin.error.not_json", current_lang, problem=problem)]}
    secrets = {
        path: request.form.get(SECRET_PREFIX + path, "")
        for path in cls.secret_fields
        if request.form.get(SECRET_PREFIX + path, "") != ""
    }
    try:
        return merge_secrets(config, secrets), {}
    except ValueError:
        paths = ", ".join(sorted(secrets))
        return None, {CONFIG_FIELD: [t("admin.error.not_json", current_lang, problem=paths)]}


def _config_errors(errors: dict[str, list[str]]) -> dict[str, list[str]]:
    """Service errors by form field ("name", "kind", "config"); the config's own paths go into the text."""
    shown: dict[str, list[str]] = {}
    for path, messages in errors.items():
        if path.startswith(CONFIG_FIELD + "."):
            inner = path[len(CONFIG_FIELD) + 1 :]
            shown.setdefault(CONFIG_FIELD, []).extend(f"{inner}: {m}" for m in messages)
        else:
            shown.setdefault(path, []).extend(messages)
    return shown


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


# --- new --------------------------------------------------------------------------------------------
def _new_form(
    town: Municipality,
    kind: str,
    name: str = "",
    config_text: str | None = None,
    errors: dict[str, list[str]] | None = None,
    status: int = 200,
) -> Any:
    cls = get_connector_class(kind)
    return render(
        "admin/connector_new.html",
        town,
        status=status,
        kinds=_kinds(),
        kind=kind,
        name=name,
        config_text=_pretty(skeleton(cls)) if config_text is None else config_text,
        described=describe_fields(cls),
        secrets=[{"path": p, "input": SECRET_PREFIX + p, "is_set": None} for p in cls.secret_fields],
        errors=errors or {},
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
    config, errors = _submitted_config(cls, current)
    if config is not None:
        try:
            row, secret = hosts_service.create_connector_for(principal(), town, kind, name, config)
        except ValidationError as exc:
            db.session.rollback()
            errors = _config_errors(field_errors(exc))
        else:
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
    if "name" in errors:
        errors["name"] = [t("admin.error.name", current, max=services.NAME_MAX)]
    text = _public_text(cls, request.form.get(CONFIG_FIELD, ""))
    return _new_form(town, kind, name, text, errors, 422)


# --- one connector ----------------------------------------------------------------------------------
def _connector(town: Municipality, connector_id: int) -> Connector:
    return scoped_one(Connector, connector_id, Connector.municipality_id == town.id)


def _secret_states(row: Connector, cls: type[ConnectorClass]) -> list[dict[str, Any]]:
    # Only whether a value is stored, worked out from the redacted config: the values never leave here.
    shown = redact(cls, full_config(row))
    states = []
    for path in cls.secret_fields:
        node: Any = shown
        for key in path.split("."):
            node = node.get(key) if isinstance(node, dict) else None
        states.append({"path": path, "input": SECRET_PREFIX + path, "is_set": node == REDACTED})
    return states


def _detail(
    town: Municipality,
    row: Connector,
    *,
    notice: str | None = None,
    problem: str | None = None,
    name: str | None = None,
    config_text: str | None = None,
    errors: dict[str, list[str]] | None = None,
    status: int = 200,
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
        described=describe_fields(cls) if cls else [],
        secrets=_secret_states(row, cls) if cls else [],
        name=row.name if name is None else name,
        config_text=_pretty(row.config) if config_text is None else config_text,
        notice=notice,
        problem=problem,
        errors=errors or {},
        switch_endpoint="admin.connector",
    )


_DONE = {
    "saved": "admin.connector.saved",
    "enabled": "admin.connector.enabled_notice",
    "disabled": "admin.connector.disabled_notice",
    "synced": "admin.connector.synced_notice",
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
    cls = get_connector_class(row.kind)
    name = request.form.get("name", "")
    config, errors = _submitted_config(cls, current)
    if config is not None:
        try:
            hosts_service.update_connector(row, name=name, config=config)
        except ValidationError as exc:
            db.session.rollback()
            errors = _config_errors(field_errors(exc))
        else:
            return _back(town, row, "saved")
    if "name" in errors:
        errors["name"] = [t("admin.error.name", current, max=services.NAME_MAX)]
    db.session.refresh(row)
    text = _public_text(cls, request.form.get(CONFIG_FIELD, ""))
    return _detail(town, row, name=name, config_text=text, errors=errors, status=422)


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


@bp.post("/m/<slug>/connectors/<int:connector_id>/test")
@require(*CHANGE)
def connector_test(slug: str, connector_id: int) -> Any:
    town = municipality_or_404(slug)
    row = _connector(town, connector_id)
    if not csrf_ok():
        return refuse_csrf(town)
    ok, message = hosts_service.test_connector(row)
    if ok:
        return _detail(town, row, notice=t("admin.connector.test_ok", lang()))
    return _detail(town, row, problem=t("admin.connector.test_failed", lang(), message=message))


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
