"""Preparers' stage 0 answers as labels in the corpus format, so a municipality can grow its own corpus.

When a preparer confirms or overrides the screening's stage 0 suggestions and submits, their answers say
what the item touches (the questions answered yes open categories, as in the checklist) and, through the
stage 1 ratings, whether the effect is real. That is the labelling of bench/corpus/LABELING_GUIDE.md:

* none: every stage 0 question answered no;
* high: at least one opened category rated with a direction (++, +, −, −−: a real effect);
* minor: categories opened, but each rated "none or minor" (0), unknown (?), or not rated;
* no label: nothing answered, or "don't know" without any yes (the preparer has not decided).

The corpus has two annotators per item ("a" and "b"); a preparer is one, so "b" repeats "a" and score.py's
figures (which ask both to agree) read the preparer's label as it is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from .model import CATEGORIES
from .text import html_to_text

DIRECTIONAL = frozenset({"++", "+", "-", "--"})
# The corpus keeps bodies up to this many characters, cut at a sentence end.
MAX_BODY = 4000


def preparer_label(
    answers: Mapping[str, Any], opens: Mapping[str, Iterable[str]], questions: Iterable[str]
) -> dict[str, Any] | None:
    """{"level", "categories"} from a submitted assessment's answers, or None when they decide nothing.

    ``opens``: the checklist's stage 0 question → the categories a yes opens; ``questions``: the stage 0
    question ids (R1–R8 and the municipality's own).
    """
    stage0 = answers.get("stage0")
    if not isinstance(stage0, Mapping):
        return None
    given = {qid: stage0.get(qid) for qid in questions}
    if not given or any(value not in ("yes", "no", "unknown") for value in given.values()):
        return None
    yes = [qid for qid, value in given.items() if value == "yes"]
    if not yes:
        return {"level": "none", "categories": []} if all(v == "no" for v in given.values()) else None
    opened = {c for qid in yes for c in opens.get(qid, ())}
    categories = [c for c in CATEGORIES if c in opened]
    ratings = answers.get("ratings") if isinstance(answers.get("ratings"), Mapping) else {}
    rated = {c: r.get("rating") for c, r in ratings.items() if isinstance(r, Mapping)}
    level = "high" if any(rated.get(c) in DIRECTIONAL for c in categories) else "minor"
    return {"level": level, "categories": categories}


def why(label: Mapping[str, Any], screened: str) -> str:
    """At most 12 words of English, as in the corpus."""
    if label["level"] == screened:
        return f"preparer confirmed the screening ({screened})"
    return f"preparer changed the screening from {screened} to {label['level']}"


def corpus_body(body: str) -> str:
    """The body as plain text, at most MAX_BODY characters, cut at a sentence end (as the corpus is)."""
    text = re.sub(r"[ \t\u00a0]+", " ", html_to_text(body or "")).strip()
    if len(text) <= MAX_BODY:
        return text
    cut = max(text.rfind(". ", 0, MAX_BODY), text.rfind(".\n", 0, MAX_BODY))
    return text[: cut + 1] if cut > 0 else text[:MAX_BODY]
