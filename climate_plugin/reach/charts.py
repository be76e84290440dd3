"""The picture's charts: SVG drawn on the server by pygal, nothing loaded from elsewhere.

Each chart is inline SVG with ``role="img"``, a ``<title>`` and a ``<desc>`` that says what it shows and
that the table beside it has every number, so a screen reader user reads the table instead of guessing at
bars. pygal's own script (tooltips) is removed: the pages run no script, and the CSP would refuse it anyway.
Labels come from hosts (body names) and are escaped by pygal's XML writer.
"""

from __future__ import annotations

import html
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

#: colours that keep a 3:1 contrast against white and between neighbours, and read in greyscale print
PALETTE = ("#1b5e20", "#0d47a1", "#b71c1c", "#6a1b9a", "#e65100", "#37474f", "#00695c", "#827717")


@cache
def _style() -> Any:
    # pygal is imported when a chart is drawn, not when the app starts: every CLI command builds the app
    from pygal.style import Style

    return Style(
        background="white",
        plot_background="white",
        foreground="#212121",
        foreground_strong="#212121",
        foreground_subtle="#616161",
        colors=PALETTE,
        font_family="system-ui, sans-serif",
        label_font_size=13,
        major_label_font_size=13,
        legend_font_size=14,
        title_font_size=16,
        value_font_size=12,
    )


_SCRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]


def bar_chart(
    title: str,
    description: str,
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    stacked: bool = False,
    horizontal: bool = False,
    percent: bool = False,
) -> str:
    """An accessible SVG bar chart; ``labels`` name the groups, each series a colour."""
    import pygal  # here, not at the top: see _style

    kind = {
        (False, False): pygal.Bar,
        (True, False): pygal.StackedBar,
        (False, True): pygal.HorizontalBar,
        (True, True): pygal.HorizontalStackedBar,
    }[(stacked, horizontal)]
    chart = kind(
        style=_style(),
        js=[],
        disable_xml_declaration=True,
        width=720,
        height=max(320, 40 + 28 * len(labels)) if horizontal else 360,
        legend_at_bottom=True,
        # long names (Finnish compounds) get wider legend columns instead of being cut
        legend_at_bottom_columns=min(
            2 if max((len(one.name) for one in series), default=0) > 18 else 4, max(1, len(series))
        ),
        x_label_rotation=0 if horizontal or len(labels) <= 6 else 35,
        truncate_label=40,
        truncate_legend=60,
        print_values=False,
        show_y_guides=True,
        range=(0, 100) if percent else None,
        min_scale=1,
        max_scale=10,
        value_formatter=(lambda v: f"{v:g} %") if percent else (lambda v: f"{v:g}"),
        no_data_text="–",
    )
    # pygal lays horizontal bars from the bottom up: reversed, they read top-down in the table's order
    order = (lambda values: list(values)[::-1]) if horizontal else list
    chart.x_labels = order(labels)
    for one in series:
        chart.add(one.name, order(None if v is None else v for v in one.values))
    svg = chart.render(is_unicode=True)
    return _accessible(svg, title, description)


def _accessible(svg: str, title: str, description: str) -> str:
    svg = _COMMENT.sub("", _SCRIPT.sub("", svg))
    ident = "c" + uuid.uuid4().hex[:12]
    head = (
        f'<svg role="img" aria-labelledby="{ident}-t {ident}-d" focusable="false" '
        f'preserveAspectRatio="xMidYMid meet"'
    )
    labelled = f'<title id="{ident}-t">{html.escape(title)}</title>'
    labelled += f'<desc id="{ident}-d">{html.escape(description)}</desc>'
    svg = svg.replace("<svg", head, 1)
    # the title and description first, as SVG's accessibility mapping reads them
    return re.sub(r"(<svg[^>]*>)", lambda m: m.group(1) + labelled, svg, count=1)
