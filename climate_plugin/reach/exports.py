"""Tables as CSV and XLSX (openpyxl): the picture's tables, and the records behind them.

Text from hosts and from people (titles, names, notes) can start with "=", "+", "-" or "@", which a
spreadsheet would run as a formula (CSV injection): CSV cells that do are prefixed with an apostrophe, and
XLSX cells are written as strings, never formulas.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Sheet:
    title: str  #: at most 31 characters in XLSX; cut to fit
    headers: Sequence[str]
    rows: Sequence[Sequence[Any]]


def _cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def _safe_text(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def to_csv(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if v is None else _safe_text(_cell(v)) for v in row])
    return out.getvalue()


def to_xlsx(sheets: Sequence[Sheet]) -> bytes:
    # openpyxl is imported when a workbook is asked for: it costs a fifth of a second at every start of
    # the app, which every CLI command pays
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    for sheet in sheets:
        title = _sheet_title(sheet.title, used)
        ws = book.create_sheet(title)
        ws.append(list(sheet.headers))
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in sheet.rows:
            ws.append([None for _ in row])
            for column, value in enumerate(row, start=1):
                cell = ws.cell(row=ws.max_row, column=column)
                value = _cell(value)
                cell.value = value
                if isinstance(value, str):
                    cell.data_type = "s"  # never a formula, whatever the text starts with
        for column, header in enumerate(sheet.headers, start=1):
            ws.column_dimensions[get_column_letter(column)].width = min(60, max(10, len(str(header)) + 2))
        ws.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet_title(title: str, used: set[str]) -> str:
    # XLSX forbids these characters in sheet names, and names longer than 31 characters
    clean = "".join("_" if ch in "[]:*?/\\" else ch for ch in title)[:31] or "sheet"
    candidate, n = clean, 2
    while candidate.lower() in used:
        suffix = f" {n}"
        candidate, n = clean[: 31 - len(suffix)] + suffix, n + 1
    used.add(candidate.lower())
    return candidate
