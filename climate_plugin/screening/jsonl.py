"""The `climate-plugin screen` command contract: JSON lines in, JSON lines out, bad lines reported.

Each line: {"id", "title", "body", "language"} and optionally "attachments": [str] (texts already extracted
from the item's PDF files). The output lines are unchanged: {"id", "relevance", "categories", "evidence"}.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, TextIO

from .screen import screen


class _BadLine(ValueError):
    pass


def _parse(line: str) -> dict[str, Any]:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise _BadLine(f"invalid JSON: {exc.msg} (column {exc.colno})") from None
    if not isinstance(obj, dict):
        raise _BadLine(f"expected a JSON object, got {type(obj).__name__}")
    if not isinstance(obj.get("title"), str):
        raise _BadLine("missing or non-string 'title'" if "title" not in obj else "'title' must be a string")
    if not isinstance(obj.get("body", ""), str | None):
        raise _BadLine("'body' must be a string or null")
    if not isinstance(obj.get("language"), str | None):
        raise _BadLine("'language' must be a string or null")
    attachments = obj.get("attachments")
    if attachments is not None and not (
        isinstance(attachments, list) and all(isinstance(a, str) for a in attachments)
    ):
        raise _BadLine("'attachments' must be a list of strings")
    if isinstance(obj.get("id"), dict | list):
        raise _BadLine("'id' must be a JSON scalar")
    return obj


def screen_jsonl(lines: Iterable[str], out: TextIO, err: TextIO) -> int:
    """Screen each JSON line of `lines` into `out`; report bad lines to `err`. Returns the bad-line count."""
    bad = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = _parse(line)
        except _BadLine as exc:
            bad += 1
            err.write(f"line {number}: {exc}\n")
            err.flush()
            continue
        result = screen(
            item["title"], item.get("body") or "", item.get("language"), item.get("attachments") or ()
        )
        record = {
            "id": item.get("id"),
            "relevance": result.relevance,
            "categories": list(result.categories),
            "evidence": [ev.to_dict() for ev in result.evidence],
        }
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        out.flush()  # downstream readers (a worker, a pipe) see each result as soon as it exists
    return bad
