"""The climate coordinator's follow-ups page (through the municipality's coordinator link): open X5
follow-ups by due date with a form to record each result, then the recorded ones. Also JSON."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Blueprint, Response, jsonify, redirect, request, url_for

from climate_plugin.db import db
from climate_plugin.followups.service import follow_up_json, follow_ups, record_result
from climate_plugin.i18n import language_links, request_language, t
from climate_plugin.models import FollowUp, Municipality
from climate_plugin.models.follow_up import RESULTS
from climate_plugin.reviews.service import municipality_for_link
from climate_plugin.web.errors import json_error, wants_json
from climate_plugin.web.form_token import FIELD as CSRF_FIELD
from climate_plugin.web.form_token import form_token, form_token_ok
from climate_plugin.web.render import render
from climate_plugin.web.signed_links import LinkExpired
from climate_plugin.writeback.plan import plan_write_back

bp = Blueprint("followups", __name__)
RECENT = 50


def _municipality(token: str) -> tuple[Municipality | None, Any]:
    lang = request_language()
    try:
        found = municipality_for_link(token)
    except LinkExpired:
        return None, _error(410, "coordinator.error.link_expired", lang)
    if found is None:
        return None, _error(404, "coordinator.error.not_found", lang)
    return found, None


def _error(status: int, key: str, lang: str) -> Any:
    if wants_json():
        return json_error(status, t(key, lang))
    return Response(t(key, lang) + "\n", status=status, mimetype="text/plain")


def _scope(municipality: Municipality) -> str:
    return f"coordinator:{municipality.slug}"  # the same form token as the coordinator's other pages


def _page(
    municipality: Municipality, token: str, lang: str, errors=None, failed=None, values=None, status=200
):
    open_rows = [follow_up_json(f, lang) for f in follow_ups(municipality)]
    recorded = [follow_up_json(f, lang) for f in follow_ups(municipality, None) if f.status != "open"][
        -RECENT:
    ]
    for entry in open_rows:
        entry["action"] = url_for("followups.record", token=token, follow_up_id=entry["id"], lang=lang)
    if wants_json():
        response = jsonify({"municipality": municipality.slug, "open": open_rows, "recorded": recorded})
        response.status_code = status
        return response
    html = render(
        "followups/list.html",
        lang,
        municipality=municipality,
        languages=language_links("followups.page", lang, token=token),
        open_rows=open_rows,
        recorded=recorded,
        results=[{"code": r, "label": t(f"followup.status.{r}", lang)} for r in RESULTS],
        errors=errors or {},
        failed=failed,
        values=values or {},
        saved=request.args.get("saved"),
        back_url=url_for("coordinator.overview", token=token, lang=lang),
        csrf_field=CSRF_FIELD,
        csrf_token=form_token(_scope(municipality)),
    )
    return html, status


@bp.get("/coordinator/<token>/follow-ups")
def page(token: str) -> Any:
    municipality, error = _municipality(token)
    if error is not None:
        return error
    return _page(municipality, token, request_language(municipality.language, browser=not wants_json()))


@bp.post("/coordinator/<token>/follow-ups/<int:follow_up_id>")
def record(token: str, follow_up_id: int) -> Any:
    municipality, error = _municipality(token)
    if error is not None:
        return error
    lang = request_language(municipality.language, browser=not request.is_json)
    follow_up = db.session.get(FollowUp, follow_up_id)
    if follow_up is None or follow_up.municipality_id != municipality.id:
        return _error(404, "followup.error.not_found", lang)
    if request.is_json:
        data = request.get_json(silent=True)
        if not isinstance(data, Mapping):
            return json_error(400, t("commitment.error.not_json", lang))
    else:
        data = request.form.to_dict()
        if not form_token_ok(_scope(municipality), data.get(CSRF_FIELD)):
            return _page(
                municipality,
                token,
                lang,
                {"_form": t("commitment.error.csrf", lang)},
                follow_up_id,
                data,
                400,
            )
    errors = record_result(follow_up, data, lang)
    if errors:
        db.session.rollback()
        if request.is_json:
            return json_error(422, t("coordinator.error.invalid", lang), fields=errors)
        return _page(municipality, token, lang, errors, follow_up_id, data, 422)
    plan_write_back(follow_up.item)  # closed commitments change the item's climate block
    db.session.commit()
    if request.is_json:
        return jsonify(follow_up_json(follow_up, lang))
    return redirect(url_for("followups.page", token=token, lang=lang, saved="1"), 303)
