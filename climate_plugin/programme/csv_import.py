"""Reading a climate programme's measures from CSV: UTF-8 (a byte-order mark is allowed, as spreadsheet
programs write one), the header ``identifier,title,sector,responsible_body,indicator,target,status``, one
measure per row. Every problem is reported with its line number, and nothing is stored unless every row is
right."""

from __future__ import annotations

import csv
import io

from climate_plugin.programme.service import FIELDS, ProgrammeInputError, check_row

#: a programme has tens or hundreds of measures; a file far beyond that is a mistake, not a programme
MAX_ROWS = 5000


def read_csv(data: bytes) -> list[dict[str, str]]:
    """The rows of a programme CSV, checked; raises ProgrammeInputError naming the line and the problem."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ProgrammeInputError(
            f"the file is not UTF-8 (byte {exc.start + 1}); save it as 'CSV UTF-8' and try again"
        ) from None
    try:
        dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        header = next(reader)
    except StopIteration:
        raise ProgrammeInputError(
            "the file is empty: the first line must be the header " + ",".join(FIELDS)
        ) from None
    names = [name.strip().lower() for name in header]
    missing = [name for name in FIELDS if name not in names]
    unknown = [name for name in names if name not in FIELDS]
    if missing or unknown:
        parts = []
        if missing:
            parts.append(f"missing column(s) {', '.join(missing)}")
        if unknown:
            parts.append(f"unknown column(s) {', '.join(unknown) or '(empty)'}")
        raise ProgrammeInputError(f"line 1: {'; '.join(parts)}; the header is {','.join(FIELDS)}")
    rows: list[dict[str, str]] = []
    seen: dict[str, int] = {}
    try:
        for values in reader:
            line = reader.line_num
            if not any(value.strip() for value in values):
                continue  # a blank line, as spreadsheets leave at the end
            if len(values) != len(names):
                raise ProgrammeInputError(f"line {line}: {len(values)} values for {len(names)} columns")
            if len(rows) >= MAX_ROWS:
                raise ProgrammeInputError(f"more than {MAX_ROWS} measures: split the file")
            row = check_row(dict(zip(names, values, strict=True)), f"line {line}")
            if row["identifier"] in seen:
                raise ProgrammeInputError(
                    f"line {line}: identifier {row['identifier']!r} is on line {seen[row['identifier']]} too"
                )
            seen[row["identifier"]] = line
            rows.append(row)
    except csv.Error as exc:
        raise ProgrammeInputError(f"line {reader.line_num}: not valid CSV ({exc})") from None
    return rows
