"""Recording and listing an item's commitments, through the item's checklist link (no account needed).

``POST /checklist/<token>/commitments`` takes a form (no JavaScript needed) or JSON and answers 201, or
422 with a message per field in the reader's language; ``GET`` lists the item's commitments as a page with
the form, or as JSON when asked for ``application/json``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Blueprint, jsonify, redirect, request, url_for

from climate_plugin.assessments.links import checklist_url
from climate_plugin.commitments.service import (
    FIELDS,
    MAX_LENGTH,
    commitment_json,
    item_commitments,
    record_commitment,
    status_label,
)
from climate_plugin.dates import format_date
from climate_plugin.db import db
from climate_plugin.i18n import language_links, request_language, t
from climate_plugin.items.store import item_language
from climate_plugin.meetings.links import item_meeting_url
from climate_plugin.models import AgendaItem
from climate_plugin.web.errors import error_page, json_error, wants_json
from climate_plugin.web.form_token import FIELD as CSRF_FIELD
from climate_plugin.web.form_token import form_token, form_token_ok
from climate_plugin.web.render import render
from climate_plugin.web.signed_links import LinkExpired, read_token
from climate_plugin.writeback.plan import plan_write_back

bp = Blueprint("commitments", __name__, template_folder="templates")


def _lang(item: AgendaItem | None = None) -> str:
    return request_language(item_language(item) if item is not None else None, browser=wants_json())


def _item(token: str) -> tuple[AgendaItem | None, Any]:
    """The item the checklist token opens, or an error answer (404 unknown, 410 expired)."""
    try:
        public_id = read_token("checklist", token)
    except LinkExpired:
        return None, _error(410, "commitment.error.link_expired", _lang())
    item = None
    if public_id is not None:
        item = db.session.execute(
            db.select(AgendaItem).where(AgendaItem.public_id == public_id)
        ).scalar_one_or_none()
    if item is None or item.deleted_at is not None:
        return None, _error(404, "commitment.error.not_found", _lang())
    return item, None


def _error(status: int, key: str, lang: str) -> Any:
    if wants_json():
        return json_error(status, t(key, lang))
    return error_page(status, t(key, lang), lang)


def _scope(item: AgendaItem) -> str:
    return f"commitments:{item.public_id}"


@bp.get("/checklist/<token>/commitments")
def list_commitments(token: str) -> Any:
    item, error = _item(token)
    if error is not None:
        return error
    lang = _lang(item)
    if wants_json():
        return jsonify(
            {
                "item": item.external_id,
                "commitments": [commitment_json(c, lang) for c in item_commitments(item.id)],
            }
        )
    return _page(item, token, lang, saved=request.args.get("saved") == "1")


@bp.post("/checklist/<token>/commitments")
def create_commitment(token: str) -> Any:
    item, error = _item(token)
    if error is not None:
        return error
    lang = _lang(item)
    as_json = request.is_json
    if as_json:
        # A cross-site form cannot send application/json without the browser asking first (CORS), so JSON
        # needs no form token; a form post does.
        data = request.get_json(silent=True)
        if not isinstance(data, Mapping):
            return json_error(400, t("commitment.error.not_json", lang))
    elif request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        data = request.form.to_dict()
        if not form_token_ok(_scope(item), data.get(CSRF_FIELD)):
            return _page(
                item, token, lang, errors={"_form": t("commitment.error.csrf", lang)}, values=data, status=400
            )
    else:
        return json_error(415, t("commitment.error.not_json", lang))
    commitment, errors = record_commitment(item, data, lang)
    if errors:
        db.session.rollback()
        if as_json:
            return json_error(422, t("commitment.error.invalid", lang), fields=errors)
        return _page(item, token, lang, errors=errors, values=data, status=422)
    plan_write_back(item)  # the host's agenda item shows the new commitment
    db.session.commit()
    body = commitment_json(commitment, lang)
    if as_json:
        response = jsonify(body)
        response.status_code = 201
        response.headers["Location"] = url_for("commitments.list_commitments", token=token)
        return response
    # Post/redirect/get: reloading the page does not record the commitment twice.
    return redirect(url_for("commitments.list_commitments", token=token, lang=lang, saved=1) + "#saved", 303)


def _page(
    item: AgendaItem,
    token: str,
    lang: str,
    errors: Mapping[str, str] | None = None,
    values: Mapping[str, Any] | None = None,
    saved: bool = False,
    status: int = 200,
) -> Any:
    from flask import current_app

    values = values or {}
    municipality = getattr(item.connector, "municipality", None)
    html = render(
        "commitments/item.html",
        lang,
        item=item,
        municipality=getattr(municipality, "name", None),
        checklist_url=checklist_url(item, current_app.config["PUBLIC_URL"]),
        meeting_link=item_meeting_url(item, request.script_root, lang),
        languages=language_links("commitments.list_commitments", lang, token=token),
        commitments=[
            {
                "row": c,
                "due": format_date(c.due_date, lang),
                "status": status_label(c.status, lang),
            }
            for c in item_commitments(item.id)
        ],
        fields=[
            {
                "name": name,
                "value": values.get(name) if isinstance(values.get(name), str) else "",
                "error": (errors or {}).get(name),
                "required": name not in ("owner_email", "challenged_committee"),
                "maxlength": MAX_LENGTH.get(name),
            }
            for name in FIELDS
        ],
        form_error=(errors or {}).get("_form"),
        has_errors=bool(errors),
        csrf_field=CSRF_FIELD,
        csrf_token=form_token(_scope(item)),
        action=url_for("commitments.create_commitment", token=token, lang=lang),
        saved=saved,
    )
    return html, status
