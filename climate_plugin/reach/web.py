"""The picture's pages: the climate coordinator's (``/coordinator/<token>/picture``, the municipality's
signed coordinator link), the regional coordinator's (``/region/<token>``: the members that share), and the
helpers the admin page (``reach.admin``) uses too. Each page has a print view and downloads of every table
as CSV and XLSX; all of them read the same ``picture.build``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, Response, jsonify, request, url_for
from sqlalchemy import select

from climate_plugin.dates import format_date, local_today, zone_of
from climate_plugin.db import db
from climate_plugin.i18n import language_links, request_language, t
from climate_plugin.models import AgendaItem, Connector, Municipality, Region
from climate_plugin.reach import records, service
from climate_plugin.reach.charts import Series, bar_chart
from climate_plugin.reach.exports import CSV_TYPE, XLSX_TYPE, Sheet, to_csv, to_xlsx
from climate_plugin.reach.picture import TABLES, Picture, build
from climate_plugin.reach.service import BadFilter, Filters
from climate_plugin.regions import service as regions
from climate_plugin.reviews.service import municipality_for_link
from climate_plugin.teams.service import teams_of_region
from climate_plugin.teams.solutions import live_solution_count
from climate_plugin.web.errors import wants_json
from climate_plugin.web.render import render
from climate_plugin.web.signed_links import LinkExpired, read_token

bp = Blueprint("reach", __name__)

RECORDS: dict[str, tuple[tuple[str, ...], Callable[..., list[dict[str, Any]]]]] = {
    "assessments": (records.ASSESSMENT_COLUMNS, records.assessments),
    "commitments": (records.COMMITMENT_COLUMNS, records.commitments),
    "reviews": (records.REVIEW_COLUMNS, records.reviews),
}


# --- what every face of the picture shares -----------------------------------------------------------
def read_filters(lang: str) -> tuple[Filters, str | None]:
    """The page's filters from its query, or the defaults with the problem in words."""
    today = local_today()
    try:
        return service.parse_filters(request.args, today), None
    except BadFilter as exc:
        return service.parse_filters({}, today), t("reach.filters.invalid", lang, problem=str(exc))


def bodies(municipality: Municipality) -> list[str]:
    stmt = (
        select(AgendaItem.committee)
        .join(Connector, Connector.id == AgendaItem.connector_id)
        .where(Connector.municipality_id == municipality.id, AgendaItem.committee.is_not(None))
        .distinct()
    )
    return sorted((b for b in db.session.scalars(stmt) if b), key=str.casefold)


def number(lang: str) -> Callable[[Any], str]:
    def show(value: Any) -> str:
        if isinstance(value, float):
            text = f"{value:.1f}".rstrip("0").rstrip(".")
            return text if lang == "en" else text.replace(".", ",")
        return str(value)

    return show


@dataclass
class View:
    """What the template needs besides the picture: links, labels, the filters' choices."""

    heading: str
    subject: str
    action: str
    print_url: str
    workbook_url: str
    table_urls: dict[str, dict[str, str]]
    records: list[dict[str, str]]
    groupings: list[dict[str, str]]
    bodies: list[str]
    start: str
    end: str
    today: str
    summary: list[dict[str, Any]]
    number: Callable[[Any], str]
    problem: str | None = None
    back_url: str | None = None
    back_label: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def _filter_args(filters: Filters) -> dict[str, str]:
    args = {"from": filters.start.isoformat(), "to": filters.end.isoformat(), "by": filters.by}
    if filters.body:
        args["body"] = filters.body
    return args


def summary(picture: Picture, lang: str) -> list[dict[str, Any]]:
    totals = picture.result.totals
    facts = picture.result.facts
    high = [f for f in facts if f.relevance == "high"]
    with_meeting = [f for f in high if f.meeting_date]
    decided = [f for f in facts if f.decision_state and f.assessed]
    before = service.share(sum(f.before_meeting for f in with_meeting), len(with_meeting))
    figures = [
        ("high", totals["screened"]["high"]),
        ("high_assessed", sum(f.assessed for f in high)),
        ("share_before_meeting", "–" if before is None else f"{number(lang)(before)} %"),
        ("no_effect_on_high", totals["no_effect_on_high"]),
        ("commitments_made", totals["commitments"]["made"]),
        ("commitments_kept", totals["commitments"]["kept"]),
        ("changed_after_assessment", sum(f.changed_after_assessment for f in decided)),
        ("participants", totals["participants"]),
    ]
    return [{"label": t(f"reach.summary.{key}", lang), "value": value} for key, value in figures]


def page_view(
    picture: Picture,
    lang: str,
    url: Callable[..., str],
    *,
    heading: str,
    subject: str,
    problem: str | None = None,
    back: tuple[str, str] | None = None,
) -> View:
    """``url(kind, **args)`` gives the face's own links: kind "page", "print", "export" or "records"."""
    args = {**_filter_args(picture.filters), "lang": lang}
    return View(
        heading=heading,
        subject=subject,
        action=url("page"),
        print_url=url("print", **args),
        workbook_url=url("export", fmt="xlsx", **args),
        table_urls={
            key: {fmt: url("export", fmt=fmt, table=key, **args) for fmt in ("csv", "xlsx")} for key in TABLES
        },
        records=[
            {
                "url": url("records", name=name, fmt=fmt, **args),
                "label": t(f"reach.download.{name}.{fmt}", lang),
            }
            for name in RECORDS
            for fmt in ("csv", "xlsx")
        ],
        groupings=[{"code": g, "label": t(f"reach.by.{g}", lang)} for g in service.GROUPINGS],
        bodies=bodies(picture.municipality),
        start=format_date(picture.filters.start, lang),
        end=format_date(picture.filters.end, lang),
        today=format_date(local_today(zone_of(picture.municipality)), lang),
        summary=summary(picture, lang),
        number=number(lang),
        problem=problem,
        back_url=back[0] if back else None,
        back_label=back[1] if back else "",
    )


def export(picture: Picture, fmt: str, table_key: str | None, name: str) -> Response:
    """One table as CSV or XLSX, or (XLSX without a table) every table, one sheet each."""
    tables = picture.tables if table_key is None else [picture.table(table_key)]
    stem = f"{name}-{picture.filters.start.isoformat()}-{picture.filters.end.isoformat()}"
    if table_key:
        stem += f"-{table_key}"
    if fmt == "csv":
        table = tables[0]
        response = Response(to_csv(table.headers, table.rows), mimetype="text/csv")
        response.headers["Content-Type"] = CSV_TYPE
    else:
        response = Response(to_xlsx([table.sheet() for table in tables]), mimetype=XLSX_TYPE)
    response.headers["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return response


def export_records(municipality: Municipality, filters: Filters, name: str, fmt: str) -> Response:
    columns, read = RECORDS[name]
    rows = read(municipality, filters, local_today(zone_of(municipality)))
    table = [[row[c] for c in columns] for row in rows]
    if fmt == "csv":
        response = Response(to_csv(columns, table), mimetype="text/csv")
        response.headers["Content-Type"] = CSV_TYPE
    else:
        response = Response(to_xlsx([Sheet(name, columns, table)]), mimetype=XLSX_TYPE)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}-{municipality.slug}.{fmt}"'
    return response


def bad_export(fmt: str, table: str | None, name: str | None = None) -> str | None:
    """Why an export request cannot be answered (one line), or None."""
    if fmt not in ("csv", "xlsx"):
        return "the format is csv or xlsx"
    if name is not None:
        return None if name in RECORDS else f"no records called {name!r}"
    if table is not None and table not in TABLES:
        return f"no table called {table!r}"
    if fmt == "csv" and table is None:
        return "a CSV holds one table: add ?table= (" + ", ".join(TABLES) + ")"
    return None


def _plain(status: int, text: str) -> Response:
    if wants_json():
        response = jsonify({"error": text})
        response.status_code = status
        return response
    return Response(text + "\n", status=status, mimetype="text/plain")


# --- the climate coordinator's picture (the municipality's coordinator link) -----------------------------
def _coordinator(token: str) -> tuple[Municipality | None, Response | None]:
    lang = request_language()
    try:
        found = municipality_for_link(token)
    except LinkExpired:
        return None, _plain(410, t("coordinator.error.link_expired", lang))
    if found is None:
        return None, _plain(404, t("coordinator.error.not_found", lang))
    return found, None


def _coordinator_urls(token: str) -> Callable[..., str]:
    endpoints = {
        "page": "reach.coordinator_picture",
        "print": "reach.coordinator_print",
        "export": "reach.coordinator_export",
        "records": "reach.coordinator_records",
    }
    return lambda kind, **args: url_for(endpoints[kind], token=token, **args)


def _show(
    municipality: Municipality,
    lang: str,
    urls: Callable[..., str],
    template: str,
    languages: list[dict[str, Any]],
    back: tuple[str, str] | None,
    heading: str,
) -> Any:
    filters, problem = read_filters(lang)
    picture = build(municipality, filters, lang, local_today(zone_of(municipality)))
    if wants_json():
        return jsonify({"municipality": municipality.slug, **picture.result.as_json()})
    view = page_view(
        picture, lang, urls, heading=heading, subject=municipality.name, problem=problem, back=back
    )
    status = 400 if problem else 200
    return render(
        template,
        lang,
        picture=picture,
        view=view,
        languages=languages,
        printing=template.endswith("print.html"),
    ), status


@bp.get("/coordinator/<token>/picture")
def coordinator_picture(token: str) -> Any:
    municipality, error = _coordinator(token)
    if error is not None:
        return error
    lang = request_language(municipality.language, browser=not wants_json())
    back = (url_for("coordinator.overview", token=token, lang=lang), t("reach.back.coordinator", lang))
    languages = language_links("reach.coordinator_picture", lang, token=token, **filter_query())
    return _show(
        municipality,
        lang,
        _coordinator_urls(token),
        "reach/coordinator.html",
        languages,
        back,
        t("reach.heading", lang),
    )


@bp.get("/coordinator/<token>/picture/print")
def coordinator_print(token: str) -> Any:
    municipality, error = _coordinator(token)
    if error is not None:
        return error
    lang = request_language(municipality.language)
    back = (
        url_for("reach.coordinator_picture", token=token, lang=lang, **filter_query()),
        t("reach.back.picture", lang),
    )
    return _show(
        municipality, lang, _coordinator_urls(token), "reach/print.html", [], back, t("reach.heading", lang)
    )


@bp.get("/coordinator/<token>/picture/export.<fmt>")
def coordinator_export(token: str, fmt: str) -> Any:
    municipality, error = _coordinator(token)
    if error is not None:
        return error
    return export_response(municipality, fmt, municipality.language)


@bp.get("/coordinator/<token>/picture/<name>.<fmt>")
def coordinator_records(token: str, name: str, fmt: str) -> Any:
    municipality, error = _coordinator(token)
    if error is not None:
        return error
    return records_response(municipality, name, fmt)


def filter_query() -> dict[str, str]:
    return {k: v for k, v in request.args.items() if k in ("from", "to", "by", "body")}


def export_response(municipality: Municipality, fmt: str, default_lang: str) -> Any:
    table = request.args.get("table") or None
    problem = bad_export(fmt, table)
    if problem:
        return _plain(400, problem)
    lang = request_language(default_lang)
    filters, invalid = read_filters(lang)
    if invalid:
        return _plain(400, invalid)
    picture = build(municipality, filters, lang, local_today(zone_of(municipality)))
    return export(picture, fmt, table, f"reach-{municipality.slug}")


def records_response(municipality: Municipality, name: str, fmt: str) -> Any:
    problem = bad_export(fmt, None, name)
    if problem:
        return _plain(404 if name not in RECORDS else 400, problem)
    filters, invalid = read_filters(request_language(municipality.language))
    if invalid:
        return _plain(400, invalid)
    return export_records(municipality, filters, name, fmt)


# --- the regional coordinator ---------------------------------------------------------------------------
def _region(token: str) -> tuple[Region | None, Response | None]:
    lang = request_language()
    try:
        slug = read_token(regions.PURPOSE, token)
    except LinkExpired:
        return None, _plain(410, t("reach.region.link_expired", lang))
    found = regions.find(slug) if slug else None
    if found is None:
        return None, _plain(404, t("reach.region.not_found", lang))
    return found, None


@bp.get("/region/<token>")
def region_overview(token: str) -> Any:
    """The region's members: those that share their picture side by side (the contract's totals), and
    the others named as not sharing."""
    region, error = _region(token)
    if error is not None:
        return error
    lang = request_language(region.language, browser=not wants_json())
    filters, problem = read_filters(lang)
    today = local_today()
    members = []
    for municipality in regions.members(region):
        entry: dict[str, Any] = {
            "slug": municipality.slug,
            "name": municipality.name,
            "shares": municipality.shares_with_region(),
        }
        if entry["shares"]:
            totals = service.reach(municipality, filters, today).totals
            entry["totals"] = totals
            entry["url"] = url_for(
                "reach.region_picture",
                token=token,
                slug=municipality.slug,
                lang=lang,
                **_filter_args(filters),
            )
        members.append(entry)
    shared = [m for m in members if m["shares"]]
    picks = (
        ("screened_high", lambda totals: totals["screened"]["high"]),
        ("assessed", lambda totals: totals["assessed"]),
        ("assessed_before_meeting", lambda totals: totals["assessed_before_meeting"]),
        ("no_effect_on_high", lambda totals: totals["no_effect_on_high"]),
    )
    chart = None
    if shared:
        chart = bar_chart(
            t("reach.region.members", lang),
            t("reach.chart.desc", lang, description=t("reach.region.intro", lang)),
            [m["name"] for m in shared],
            [Series(t(f"reach.col.{key}", lang), [pick(m["totals"]) for m in shared]) for key, pick in picks],
        )
    teams = [
        {
            "id": team.id,
            "name": team.name,
            "theme": team.theme,
            "run_by": team.municipality.name,
            "members": sum(1 for m in team.members if m.revoked_at is None),
            "solutions": live_solution_count(team),
        }
        for team in teams_of_region(region.id)
    ]
    if wants_json():
        return jsonify(
            {
                "region": region.slug,
                "from": filters.start.isoformat(),
                "to": filters.end.isoformat(),
                "members": members,
                "teams": teams,
            }
        )
    html = render(
        "reach/region.html",
        lang,
        region=region,
        members=members,
        teams=teams,
        chart=chart,
        filters=filters,
        problem=problem,
        start=format_date(filters.start, lang),
        end=format_date(filters.end, lang),
        action=url_for("reach.region_overview", token=token),
        languages=language_links("reach.region_overview", lang, token=token, **filter_query()),
    )
    return html, 400 if problem else 200


def _region_member(token: str, slug: str) -> tuple[Region | None, Municipality | None, Response | None]:
    region, error = _region(token)
    if error is not None:
        return None, None, error
    municipality = regions.shared_member(region, slug)
    if municipality is None:
        # not a member, or a member that does not share: the same answer, so nothing is revealed
        return region, None, _plain(404, t("reach.region.not_shared", request_language(region.language)))
    return region, municipality, None


def _region_urls(token: str, slug: str) -> Callable[..., str]:
    endpoints = {
        "page": "reach.region_picture",
        "print": "reach.region_print",
        "export": "reach.region_export",
        "records": "reach.region_records",
    }
    return lambda kind, **args: url_for(endpoints[kind], token=token, slug=slug, **args)


@bp.get("/region/<token>/m/<slug>")
def region_picture(token: str, slug: str) -> Any:
    region, municipality, error = _region_member(token, slug)
    if error is not None:
        return error
    lang = request_language(region.language, browser=not wants_json())
    back = (url_for("reach.region_overview", token=token, lang=lang, **filter_query()), region.name)
    languages = language_links("reach.region_picture", lang, token=token, slug=slug, **filter_query())
    return _show(
        municipality,
        lang,
        _region_urls(token, slug),
        "reach/coordinator.html",
        languages,
        back,
        t("reach.heading", lang),
    )


@bp.get("/region/<token>/m/<slug>/print")
def region_print(token: str, slug: str) -> Any:
    region, municipality, error = _region_member(token, slug)
    if error is not None:
        return error
    lang = request_language(region.language)
    back = (
        url_for("reach.region_picture", token=token, slug=slug, lang=lang, **filter_query()),
        t("reach.back.picture", lang),
    )
    return _show(
        municipality, lang, _region_urls(token, slug), "reach/print.html", [], back, t("reach.heading", lang)
    )


@bp.get("/region/<token>/m/<slug>/export.<fmt>")
def region_export(token: str, slug: str, fmt: str) -> Any:
    region, municipality, error = _region_member(token, slug)
    if error is not None:
        return error
    return export_response(municipality, fmt, region.language)


@bp.get("/region/<token>/m/<slug>/<name>.<fmt>")
def region_records(token: str, slug: str, name: str, fmt: str) -> Any:
    region, municipality, error = _region_member(token, slug)
    if error is not None:
        return error
    return records_response(municipality, name, fmt)
