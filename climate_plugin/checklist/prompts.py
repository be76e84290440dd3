"""Prompts tailored to the item: the guiding question of each triggered category, plus what the text
itself mentions ("Tekstissä mainitaan maalämpökaivot: arvioi energiavaikutus.").

A prompt that names the item's own words is harder to wave through than a generic question, which is the
box-ticking failure the reference warns about. Terms are the surface forms screening found in the text;
they are host text, so they are returned raw and escaped by whoever renders them (Jinja autoescape).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import Any

from climate_plugin.checklist.resolved import Checklist
from climate_plugin.i18n import pick_language, t

#: more than this many words reads as a list, not a prompt; the evidence list on the page shows them all
MAX_TERMS = 3
MAX_TERM_LENGTH = 80


def _terms(evidence: Iterable[Any], category: str) -> list[str]:
    terms: list[str] = []
    seen: set[str] = set()
    for entry in evidence:
        if not isinstance(entry, Mapping) or entry.get("category") != category:
            continue
        term = " ".join(str(entry.get("term") or "").split())[:MAX_TERM_LENGTH]
        # "Maalämpö" in the title and "maalämmöllä" in the body are one thing to rate
        if term and not any(_same_word(term.casefold(), other) for other in seen):
            seen.add(term.casefold())
            terms.append(term)
    return terms[:MAX_TERMS]


def _same_word(a: str, b: str) -> bool:
    """Two inflected forms of one word (peruskorjauksen, peruskorjaukseen): a long common beginning."""
    shared = len(os.path.commonprefix([a, b]))
    return shared >= 5 and shared >= 0.75 * min(len(a), len(b))


def _join(terms: list[str], lang: str) -> str:
    # Quoted: the words are cited as the text has them, inflected, so they read as a citation.
    quoted = [t("prompt.term", lang, term=term) for term in terms]
    if len(quoted) == 1:
        return quoted[0]
    return t("prompt.list", lang, head=", ".join(quoted[:-1]), last=quoted[-1])


def _source(source: Any) -> tuple[list[str], list[Any]]:
    if isinstance(source, tuple):
        categories, evidence = source
        return list(categories or ()), list(evidence or ())
    if getattr(source, "relevance", None) == "none":
        return [], []  # a none item raises no flag: nothing to prompt for
    return list(getattr(source, "categories", None) or ()), list(getattr(source, "evidence", None) or ())


def tailored_prompts(checklist: Checklist, source: Any, lang: str) -> list[dict[str, Any]]:
    """``[{"category", "question", "prompt", "terms"}]`` for each triggered, switched-on category.

    ``source`` is an assessment (its ``categories`` and ``evidence``) or a ``(categories, evidence)``
    pair. ``prompt`` is None where the text names nothing for the category (it was opened by a stage 0
    answer only); the guiding question is always there. Order is the checklist's.
    """
    lang = pick_language(lang)
    categories, evidence = _source(source)
    triggered = set(categories)
    prompts = []
    for category in checklist.categories:
        if category.code not in triggered:
            continue
        terms = _terms(evidence, category.code)
        prompt = (
            t("prompt.mentions", lang, terms=_join(terms, lang), effect=category.effect[lang])
            if terms
            else None
        )
        prompts.append(
            {"category": category.code, "question": category.question[lang], "prompt": prompt, "terms": terms}
        )
    return prompts
