"""The picture as people read it: each of the service's tables with its title, its column names in the
reader's language, and its chart. The pages, the print view and the exports all take these tables."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from climate_plugin.checklist import CATEGORIES_BY_CODE
from climate_plugin.i18n import t
from climate_plugin.models import Municipality
from climate_plugin.reach import service
from climate_plugin.reach.charts import Series, bar_chart
from climate_plugin.reach.exports import Sheet
from climate_plugin.reach.service import FLAT_KEYS, Filters, Reach, flat_row, share

TABLES: tuple[str, ...] = (
    "reach",
    "coverage",
    "quality",
    "overrides",
    "commitments",
    "decisions",
    "participants",
    "game",
)


@dataclass
class Table:
    key: str
    title: str
    description: str
    columns: list[str]  #: machine keys (CSV from the API uses these)
    headers: list[str]  #: the columns' names in the reader's language
    rows: list[list[Any]]
    chart: str | None = None

    def sheet(self) -> Sheet:
        return Sheet(self.title, self.headers, self.rows)


@dataclass
class Picture:
    municipality: Municipality
    filters: Filters
    result: Reach
    tables: list[Table]

    def table(self, key: str) -> Table:
        return next(table for table in self.tables if table.key == key)


def _label(key: str, lang: str) -> str:
    try:
        return t(f"reach.col.{key}", lang)
    except KeyError:  # a role or column a registered participation source added without a text
        return key


def body_label(body: str | None, lang: str) -> str:
    if body is None:
        return t("reach.all_bodies", lang)
    return body or t("reach.no_body", lang)


def _group_label(row: dict[str, Any], filters: Filters, lang: str) -> str:
    return body_label(row["body"], lang) if filters.by == "body" else row["period"]


def _table(
    key: str,
    lang: str,
    by: str,
    columns: Sequence[str],
    rows: Sequence[dict[str, Any]],
    shown: Callable[[str, Any], Any] | None = None,
) -> Table:
    def show(column: str, value: Any) -> Any:
        if column == "body":
            return body_label(value, lang)
        return shown(column, value) if shown else value

    # by body every row has the whole period, and by month or quarter every row has all bodies: a column
    # that says the same on every row only takes room from the ones that differ
    constant = "period" if by == "body" else "body"
    columns = [c for c in columns if c != constant]
    return Table(
        key=key,
        title=t(f"reach.table.{key}.title", lang),
        description=t(f"reach.table.{key}.desc", lang),
        columns=list(columns),
        headers=[_label(c, lang) for c in columns],
        rows=[[show(c, row.get(c)) for c in columns] for row in rows],
    )


def _chart(table: Table, lang: str, labels: list[str], series: list[Series], **options: Any) -> None:
    table.chart = bar_chart(
        table.title, t("reach.chart.desc", lang, description=table.description), labels, series, **options
    )


def build(municipality: Municipality, filters: Filters, lang: str, today: date) -> Picture:
    result = service.reach(municipality, filters, today)

    def chart(table: Table, labels: list[str], series: list[Series], **options: Any) -> None:
        # body names are long ("Ympäristö- ja rakennuslautakunta"): by body the bars lie down, names left
        options.setdefault("horizontal", filters.by == "body")
        _chart(table, lang, labels, series, **options)

    tables: list[Table] = []
    group = [_group_label(r, filters, lang) for r in result.rows]

    flat = [flat_row(r) for r in [*result.rows, {**result.totals, "period": result.totals["period"]}]]
    reach_table = _table("reach", lang, filters.by, FLAT_KEYS, flat)
    reach_table.rows[-1][0] = t("reach.totals", lang)
    chart(
        reach_table,
        group,
        [
            Series(_label(f"screened_{level}", lang), [r["screened"][level] for r in result.rows])
            for level in service.RELEVANCE
        ],
        stacked=True,
    )
    tables.append(reach_table)

    coverage = service.coverage(result)
    for row in coverage:
        row["share_before_meeting"] = share(row["high_assessed_before_meeting"], row["high_with_meeting"])
    cov = _table(
        "coverage",
        lang,
        filters.by,
        (
            "body",
            "period",
            "high",
            "high_assessed",
            "high_with_meeting",
            "high_assessed_before_meeting",
            "share_before_meeting",
            "days_to_assessment",
            "days_assessment_to_meeting",
        ),
        coverage,
    )
    chart(
        cov,
        group,
        [
            Series(_label("high", lang), [r["high"] for r in coverage]),
            Series(_label("high_assessed", lang), [r["high_assessed"] for r in coverage]),
            Series(
                _label("high_assessed_before_meeting", lang),
                [r["high_assessed_before_meeting"] for r in coverage],
            ),
        ],
    )
    tables.append(cov)

    quality = service.quality(result)
    qual = _table(
        "quality",
        lang,
        filters.by,
        (
            "body",
            "period",
            "assessed",
            "alternatives",
            "indicator",
            "justified",
            "escalated",
            "reviews_ok",
            "reviews_needs_changes",
            "reviews_in_depth",
            "sample_reviewed",
            "sample_findings",
        ),
        quality,
    )
    chart(
        qual,
        group,
        [
            Series(_label(k, lang), [r[k] for r in quality])
            for k in ("assessed", "alternatives", "indicator", "justified", "escalated")
        ],
    )
    tables.append(qual)

    overrides = service.overrides_by_category(result)

    def category(column: str, value: Any) -> Any:
        if column == "category" and value in CATEGORIES_BY_CODE:
            return CATEGORIES_BY_CODE[value].name[lang]
        return value

    over = _table("overrides", lang, filters.by, ("category", "added", "removed"), overrides, category)
    chart(
        over,
        [category("category", r["category"]) for r in overrides],
        [Series(_label(k, lang), [r[k] for r in overrides]) for k in ("added", "removed")],
        horizontal=True,
    )
    tables.append(over)

    commitments = service.commitments_table(result)
    com = _table(
        "commitments",
        lang,
        filters.by,
        (
            "body",
            "period",
            "made",
            "open",
            "overdue",
            "kept",
            "not_kept",
            "follow_ups",
            "follow_ups_recorded",
        ),
        commitments,
    )
    chart(
        com,
        group,
        [Series(_label(k, lang), [r[k] for r in commitments]) for k in ("open", "kept", "not_kept")],
        stacked=True,
    )
    tables.append(com)

    decisions = service.decisions_table(result)
    dec = _table(
        "decisions",
        lang,
        filters.by,
        (
            "body",
            "period",
            "decided",
            "as_proposed",
            "amended",
            "rejected",
            "returned",
            "decided_assessed",
            "changed_after_assessment",
        ),
        decisions,
    )
    chart(
        dec,
        group,
        [
            Series(_label(k, lang), [r[k] for r in decisions])
            for k in ("decided", "decided_assessed", "changed_after_assessment")
        ],
    )
    tables.append(dec)

    people = service.participants_by_role(result)
    roles = [k for k in (people[0] if people else {}) if k not in ("body", "period")]
    if not roles:
        roles = ["all"]
    part = _table("participants", lang, filters.by, ("body", "period", *roles), people)
    chart(part, group, [Series(_label(k, lang), [r.get(k, 0) for r in people]) for k in roles])
    tables.append(part)

    game = service.game_engagement(municipality, result)
    for row in game:
        row["share_assessed"] = share(row["assessed"], row["high"])

    def game_value(column: str, value: Any) -> Any:
        if column == "element":
            return t(f"reach.game.{value}", lang)
        if column == "state":
            return t(f"reach.state.{value}", lang)
        return value

    gam = _table(
        "game",
        lang,
        filters.by,
        ("element", "state", "high", "assessed", "share_assessed", "justified", "commitments"),
        game,
        game_value,
    )
    elements = list(dict.fromkeys(row["element"] for row in game))
    chart(
        gam,
        [t(f"reach.game.{e}", lang) for e in elements],
        [
            Series(
                t(f"reach.state.{state}", lang),
                [
                    next(r["share_assessed"] for r in game if r["element"] == e and r["state"] == state)
                    for e in elements
                ],
            )
            for state in ("on", "off")
        ],
        percent=True,
        horizontal=False,
    )
    tables.append(gam)
    return Picture(municipality, filters, result, tables)
