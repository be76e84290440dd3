"""The picture in /admin: for everyone signed in to the municipality (viewers included), with the same
print view and downloads as the coordinator's page, and the two opt-ins a municipality decides on:
sharing its picture with its region, and publishing its open data."""

from __future__ import annotations

from typing import Any

from flask import redirect, request, url_for

from climate_plugin.accounts import require
from climate_plugin.admin.pages import (
    CHANGE,
    VIEW,
    bp,
    csrf_ok,
    lang,
    municipality_or_404,
    refuse_csrf,
    render,
)
from climate_plugin.dates import local_today, zone_of
from climate_plugin.i18n import t
from climate_plugin.reach import service as reach
from climate_plugin.reach.picture import build
from climate_plugin.reach.web import export_response, filter_query, page_view, read_filters, records_response
from climate_plugin.regions import service as regions
from climate_plugin.web.render import render as render_in


def _urls(slug: str):
    endpoints = {
        "page": "admin.reach",
        "print": "admin.reach_print",
        "export": "admin.reach_export",
        "records": "admin.reach_records",
    }
    return lambda kind, **args: url_for(endpoints[kind], slug=slug, **args)


@require(*VIEW)
def reach_page(slug: str) -> Any:
    town = municipality_or_404(slug)
    current = lang()
    filters, problem = read_filters(current)
    picture = build(town, filters, current, local_today(zone_of(town)))
    view = page_view(
        picture, current, _urls(slug), heading=t("reach.heading", current), subject=town.name, problem=problem
    )
    view.extra = {
        "opt_in_url": url_for("admin.reach_settings", slug=slug, lang=current),
        "shares": town.shares_with_region(),
        "publishes": town.publishes_open_data(),
        "has_region": town.region_id is not None,
        "open_data": [
            url_for(f"open_data.open_{name}", slug=slug, _external=False)
            for name in ("decisions", "commitments")
        ],
    }
    return render(
        "reach/admin.html", town, status=400 if problem else 200, picture=picture, view=view, printing=False
    )


# the endpoint is named after the page, as the navigation links it
bp.add_url_rule("/m/<slug>/reach", "reach", reach_page)


@bp.get("/m/<slug>/reach/print")
@require(*VIEW)
def reach_print(slug: str) -> Any:
    town = municipality_or_404(slug)
    current = lang()
    filters, problem = read_filters(current)
    picture = build(town, filters, current, local_today(zone_of(town)))
    back = (
        url_for("admin.reach", slug=slug, lang=current, **filter_query()),
        t("reach.back.picture", current),
    )
    view = page_view(
        picture,
        current,
        _urls(slug),
        heading=t("reach.heading", current),
        subject=town.name,
        problem=problem,
        back=back,
    )
    return render_in("reach/print.html", current, picture=picture, view=view, languages=[], printing=True)


@bp.get("/m/<slug>/reach/export.<fmt>")
@require(*VIEW)
def reach_export(slug: str, fmt: str) -> Any:
    return export_response(municipality_or_404(slug), fmt, lang())


@bp.get("/m/<slug>/reach/<name>.<fmt>")
@require(*VIEW)
def reach_records(slug: str, name: str, fmt: str) -> Any:
    return records_response(municipality_or_404(slug), name, fmt)


@bp.post("/m/<slug>/reach/settings")
@require(*CHANGE)
def reach_settings(slug: str) -> Any:
    town = municipality_or_404(slug)
    if not csrf_ok():
        return refuse_csrf(town)
    if "share_with_region" in request.form:
        regions.share_with_region(town, request.form["share_with_region"] == "on")
    if "open_data" in request.form:
        reach.publish_open_data(town, request.form["open_data"] == "on")
    return redirect(url_for("admin.reach", slug=slug, lang=lang(), saved="1") + "#opt-ins", 303)
