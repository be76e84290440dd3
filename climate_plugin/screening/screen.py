"""screen(): one agenda item in, a ScreeningResult out."""

from __future__ import annotations

from collections.abc import Sequence

from . import language as lang_mod
from .matcher import MINOR, ROUTINE, sentence_matches
from .model import CATEGORIES, Evidence, ScreeningResult
from .scoring import LOCATION_FACTOR, TIER_WEIGHT, Tally, decide
from .text import html_to_text, sentence_list, snippet

MAX_EVIDENCE_PER_CATEGORY = 3
# A category needs this much weighted evidence to be named, unless nothing reaches it (then all are named):
# one incidental weak body word ("tapahtuma", "kiinteistö") should not add a category to a clear item.
CATEGORY_MIN_SCORE = 2
# Language detection is unreliable on a short title ("Kommunstrategi 2025–2030"); when the detected
# language's lexicon finds nothing at all in a text this short, the other lexicons are tried.
SHORT_TEXT = 300

_Seen = dict[tuple[str, str, str], Evidence]


def screen(
    title: str,
    body: str = "",
    language: str | None = None,
    attachments: Sequence[str] = (),
) -> ScreeningResult:
    """Screen one agenda item.

    body may be HTML; attachments are plain texts (already extracted from PDF files), screened like the body
    but weighted less (see scoring.LOCATION_FACTOR). language fi/sv/en; anything else means detect.
    """
    text = html_to_text(body or "")
    sources = [("title", title or ""), ("body", text)]
    sources.extend(("attachment", html_to_text(a)) for a in attachments if a)
    given = lang_mod.normalise(language)
    lang = given or lang_mod.detect(f"{title}\n{text}")
    tally, first_seen = _collect(sources, lang)
    if given is None and tally.empty() and sum(len(s) for _, s in sources) <= SHORT_TEXT:
        for other in lang_mod.SUPPORTED:
            if other != lang:
                other_tally, other_seen = _collect(sources, other)
                if not other_tally.empty():
                    lang, tally, first_seen = other, other_tally, other_seen
                    break
    relevance = decide(tally)
    if relevance == "none":
        return ScreeningResult("none", (), (), lang)
    categories = _named_categories(tally)
    evidence = _pick_evidence(first_seen, categories)
    return ScreeningResult(relevance, categories, evidence, lang)


def _collect(sources: list[tuple[str, str]], lang: str) -> tuple[Tally, _Seen]:
    tally = Tally()
    first_seen: _Seen = {}
    for location, source in sources:
        in_title = location == "title"
        in_attachment = location == "attachment"
        for sentence in sentence_list(source):
            found = sentence_matches(sentence, lang)
            if not found:
                continue
            for hit, start, end in found:
                category = hit.category
                if category == MINOR:
                    tally.minor_in_title |= in_title
                    tally.cues_seen = True
                    continue
                if category == ROUTINE:
                    tally.cues_seen = True
                    if in_title and tally.routine_in_title != "hard":
                        tally.routine_in_title = hit.tier
                    continue
                # An attachment (a whole plan, a strategy, a CV) mentions much that is not decided here:
                # a core word there is strong evidence, not proof of a high item.
                tier = "strong" if in_attachment and hit.tier == "core" else hit.tier
                key = (category, hit.term, location)
                tally.add(category, hit.term, location, tier)
                if key not in first_seen:
                    first_seen[key] = Evidence(
                        category, sentence[start:end], snippet(sentence, start, end), location
                    )
    return tally, first_seen


def _named_categories(tally: Tally) -> tuple[str, ...]:
    score = dict.fromkeys(CATEGORIES, 0.0)
    for (category, _, location), tier in tally.terms.items():
        score[category] += TIER_WEIGHT[tier] * LOCATION_FACTOR[location]
    named = tuple(c for c in CATEGORIES if score[c] >= CATEGORY_MIN_SCORE)
    return named or tuple(c for c in CATEGORIES if score[c] > 0)


_LOCATION_ORDER = {"title": 0, "body": 1, "attachment": 2}


def _pick_evidence(first_seen: _Seen, categories: tuple[str, ...]) -> tuple[Evidence, ...]:
    per_category: dict[str, list[Evidence]] = {c: [] for c in categories}
    shown: set[tuple[str, str, str]] = set()
    # Title evidence first: it is what the preparer recognises at a glance; then body, then attachments.
    for (category, _, _), ev in sorted(first_seen.items(), key=lambda kv: _LOCATION_ORDER[kv[0][2]]):
        bucket = per_category.get(category)
        # Several lexicon entries can hit the same word: show the word and its sentence once.
        key = (category, ev.term.casefold(), ev.snippet)
        if bucket is not None and len(bucket) < MAX_EVIDENCE_PER_CATEGORY and key not in shown:
            shown.add(key)
            bucket.append(ev)
    return tuple(ev for c in categories for ev in per_category[c])
