"""screen(): one agenda item in, a ScreeningResult out."""

from __future__ import annotations

from . import language as lang_mod
from .matcher import MINOR, ROUTINE, match_sentence
from .model import CATEGORIES, Evidence, ScreeningResult
from .scoring import TIER_WEIGHT, TITLE_FACTOR, Tally, decide
from .text import html_to_text, sentences, snippet

MAX_EVIDENCE_PER_CATEGORY = 3
# A category needs this much weighted evidence to be named, unless nothing reaches it (then all are named):
# one incidental weak body word ("tapahtuma", "kiinteistö") should not add a category to a clear item.
CATEGORY_MIN_SCORE = 2


def screen(title: str, body: str = "", language: str | None = None) -> ScreeningResult:
    """Screen one agenda item. body may be HTML; language fi/sv/en, anything else means detect."""
    text = html_to_text(body or "")
    lang = lang_mod.normalise(language) or lang_mod.detect(f"{title}\n{text}")
    tally = Tally()
    first_seen: dict[tuple[str, str, str], Evidence] = {}
    for location, source in (("title", title or ""), ("body", text)):
        for sentence in sentences(source):
            for m in match_sentence(sentence, lang):
                hit = m.hit
                if hit.category == MINOR:
                    tally.minor_in_title |= location == "title"
                    continue
                if hit.category == ROUTINE:
                    if location == "title" and tally.routine_in_title != "hard":
                        tally.routine_in_title = hit.tier
                    continue
                key = (hit.category, hit.term, location)
                tally.add(hit.category, hit.term, location, hit.tier)
                if key not in first_seen:
                    first_seen[key] = Evidence(
                        hit.category, m.surface, snippet(sentence, m.start, m.end), location
                    )
    relevance = decide(tally)
    if relevance == "none":
        return ScreeningResult("none", (), (), lang)
    categories = _named_categories(tally)
    evidence = _pick_evidence(first_seen, categories)
    return ScreeningResult(relevance, categories, evidence, lang)


def _named_categories(tally: Tally) -> tuple[str, ...]:
    score = dict.fromkeys(CATEGORIES, 0)
    for (category, _, location), tier in tally.terms.items():
        score[category] += TIER_WEIGHT[tier] * (TITLE_FACTOR if location == "title" else 1)
    named = tuple(c for c in CATEGORIES if score[c] >= CATEGORY_MIN_SCORE)
    return named or tuple(c for c in CATEGORIES if score[c] > 0)


def _pick_evidence(
    first_seen: dict[tuple[str, str, str], Evidence], categories: tuple[str, ...]
) -> tuple[Evidence, ...]:
    per_category: dict[str, list[Evidence]] = {c: [] for c in categories}
    shown: set[tuple[str, str, str]] = set()
    # Title evidence first: it is what the preparer recognises at a glance.
    for (category, _, _), ev in sorted(first_seen.items(), key=lambda kv: kv[0][2] != "title"):
        bucket = per_category.get(category)
        # Several lexicon entries can hit the same word: show the word and its sentence once.
        key = (category, ev.term.casefold(), ev.snippet)
        if bucket is not None and len(bucket) < MAX_EVIDENCE_PER_CATEGORY and key not in shown:
            shown.add(key)
            bucket.append(ev)
    return tuple(ev for c in categories for ev in per_category[c])
