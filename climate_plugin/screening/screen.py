"""screen(): one agenda item in, a ScreeningResult out.

Reading: the title, then the body by its parts (structure.py: the proposal and the decision, the preparation
text; boilerplate not at all), then attachments. The lexicons find the evidence a person reads; the fitted
model (learned.py) weighs the evidence and the item's words to decide the level and the categories.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from . import language as lang_mod
from . import learned
from .matcher import MINOR, ROUTINE, sentence_lemmas, sentence_matches
from .model import CATEGORIES, Evidence, ScreeningResult
from .structure import BOILERPLATE, DECISION, PROPOSAL, segments
from .text import html_to_text, sentence_list, snippet

MAX_EVIDENCE_PER_CATEGORY = 3
# Language detection is unreliable on a short title ("Kommunstrategi 2025–2030"); when the detected
# language's lexicon finds nothing at all in a text this short, the other lexicons are tried.
SHORT_TEXT = 300
# Where a word stands, for the model: title, decision (the proposal and the decision), preparation text,
# attachment. The Evidence location a person sees stays title / body / attachment.
TITLE, DECIDED, PREPARED, ATTACHED = "t", "d", "p", "a"
_LOCATION = {TITLE: "title", DECIDED: "body", PREPARED: "body", ATTACHED: "attachment"}
# Distinct lexicon terms per category and part count up to this many (more says little more).
_COUNT_CAP = 3


@dataclass
class Reading:
    """What screening read in one item: the model's features and the evidence behind them."""

    language: str
    features: dict[str, float] = field(default_factory=dict)
    # (category, term, part) -> the first Evidence seen for it
    evidence: dict[tuple[str, str, str], Evidence] = field(default_factory=dict)
    # the sentences read, per part, for finding a word the model weighed
    sentences: list[tuple[str, str]] = field(default_factory=list)
    title_only: bool = True  # no body or attachment text
    lexicon_hits: int = 0  # category terms found (not cues)
    cues: int = 0  # routine and minor cues found

    def understood(self) -> bool:
        return bool(self.lexicon_hits or self.cues)


def _sources(title: str, body: str, lang: str, attachments: Sequence[str]) -> list[tuple[str, str]]:
    sources = [(TITLE, title or "")]
    for zone, part in segments(html_to_text(body or ""), lang):
        if zone != BOILERPLATE:
            sources.append((DECIDED if zone in (PROPOSAL, DECISION) else PREPARED, part))
    for attachment in attachments:
        if attachment:
            for zone, part in segments(html_to_text(attachment), lang):
                if zone != BOILERPLATE:
                    sources.append((ATTACHED, part))
    return sources


def read(title: str, body: str = "", language: str | None = None, attachments: Sequence[str] = ()) -> Reading:
    """Read one item: language, parts, lexicon evidence and the model's features."""
    given = lang_mod.normalise(language)
    plain_body = html_to_text(body or "")
    lang = given or lang_mod.detect(f"{title}\n{plain_body}")
    reading = _read(title, body, lang, attachments)
    if given is None and not reading.understood() and len(title or "") + len(plain_body) <= SHORT_TEXT:
        for other in lang_mod.SUPPORTED:
            if other != lang:
                other_reading = _read(title, body, other, attachments)
                if other_reading.understood():
                    return other_reading
    return reading


def _read(title: str, body: str, lang: str, attachments: Sequence[str]) -> Reading:
    reading = Reading(lang)
    features = reading.features
    terms: dict[tuple[str, str], set[str]] = {}
    has_text = False
    for part, source in _sources(title, body, lang, attachments):
        has_text |= part != TITLE and bool(source.strip())
        for sentence in sentence_list(source):
            reading.sentences.append((part, sentence))
            for lemma in sentence_lemmas(sentence, lang):
                features[f"{lang}|{part}|{lemma}"] = 1.0
            for hit, start, end in sentence_matches(sentence, lang):
                category = hit.category
                if category in (MINOR, ROUTINE):
                    reading.cues += 1
                    cue = "minor" if category == MINOR else hit.tier
                    features[f"cue|{cue}|{part}"] = 1.0
                    continue
                # An attachment (a whole plan, a strategy, a CV) mentions much that is not decided here.
                reading.lexicon_hits += 1
                features[f"lex|{category}|{hit.tier}|{part}"] = 1.0
                features[f"term|{lang}|{hit.term}|{'t' if part == TITLE else 'x'}"] = 1.0
                terms.setdefault((category, part), set()).add(hit.term)
                key = (category, hit.term, part)
                if key not in reading.evidence:
                    reading.evidence[key] = Evidence(
                        category, sentence[start:end], snippet(sentence, start, end), _LOCATION[part]
                    )
    for (category, part), found in terms.items():
        features[f"count|{category}|{part}"] = min(len(found), _COUNT_CAP) / _COUNT_CAP
    if FLAGS.get("lang", True):
        features[f"lang|{lang}"] = 1.0
    reading.title_only = not has_text
    if not has_text:
        features["title_only"] = 1.0
    if FLAGS.get("combo", True):
        for part in (TITLE, DECIDED):
            found = {category for category, p in terms if p == part}
            if "steering" in found:
                features[f"steering_with_other|{part}" if len(found) > 1 else f"steering_alone|{part}"] = 1.0
            if len(found) >= 2:
                features[f"categories2|{part}"] = 1.0
    return reading


FLAGS: dict[str, bool] = {}


def screen(
    title: str,
    body: str = "",
    language: str | None = None,
    attachments: Sequence[str] = (),
    sensitivity: str | None = None,
) -> ScreeningResult:
    """Screen one agenda item.

    body may be HTML; attachments are plain texts (already extracted from PDF files), read like the body but
    weighed apart. language fi/sv/en; anything else means detect. sensitivity names an operating point of
    the model (``learned.sensitivities()``); None is the default, which puts recall first.
    """
    reading = read(title, body, language, attachments)
    return decide(reading, learned.load(), sensitivity)


def decide(reading: Reading, model: learned.Model, sensitivity: str | None = None) -> ScreeningResult:
    """The level and categories the model gives the reading, with the evidence for each category."""
    point = model.point(sensitivity)
    t_high, t_flag = point.thresholds[learned.kind_of(reading.language, reading.title_only)]
    features = reading.features
    p_high = model.score("high", features)
    p_flag = model.score("flag", features)
    if p_high >= t_high:
        relevance = "high"
    elif p_flag >= t_flag:
        relevance = "minor"
    else:
        return ScreeningResult("none", (), (), reading.language)
    scores = {c: model.score(c, features) for c in CATEGORIES if c in model.heads}
    categories = tuple(c for c in CATEGORIES if scores.get(c, 0.0) >= model.category_thresholds.get(c, 0.5))
    if not categories:
        categories = (max(scores, key=lambda c: scores[c]),)
    evidence = _pick_evidence(reading, categories, model)
    return ScreeningResult(relevance, categories, evidence, reading.language)


_PART_ORDER = {TITLE: 0, DECIDED: 1, PREPARED: 2, ATTACHED: 3}


def _pick_evidence(reading: Reading, categories: tuple[str, ...], model: learned.Model) -> tuple[Evidence, ...]:
    per_category: dict[str, list[Evidence]] = {c: [] for c in categories}
    shown: set[tuple[str, str, str]] = set()
    # Title evidence first: it is what the preparer recognises at a glance; then the decision, the
    # preparation text and attachments.
    for (category, _, part), ev in sorted(reading.evidence.items(), key=lambda kv: _PART_ORDER[kv[0][2]]):
        bucket = per_category.get(category)
        # Several lexicon entries can hit the same word: show the word and its sentence once.
        key = (category, ev.term.casefold(), ev.snippet)
        if bucket is not None and len(bucket) < MAX_EVIDENCE_PER_CATEGORY and key not in shown:
            shown.add(key)
            bucket.append(ev)
    for category, bucket in per_category.items():
        if not bucket:
            found = _word_evidence(reading, category, model)
            if found is not None:
                bucket.append(found)
    return tuple(ev for c in categories for ev in per_category[c])


def _word_evidence(reading: Reading, category: str, model: learned.Model) -> Evidence | None:
    """For a category the model gave without a lexicon word: the item's word that weighed most for it."""
    head = model.heads.get(category)
    if head is None:
        return None
    prefix = f"{reading.language}|"
    weights = {
        name: w for name, w in head.contributions(reading.features).items() if w > 0 and name.startswith(prefix)
    }
    for name in sorted(weights, key=lambda n: -weights[n]):
        _, part, lemma = name.split("|", 2)
        for sentence_part, sentence in reading.sentences:
            if sentence_part != part:
                continue
            span = _find_lemma(sentence, lemma, reading.language)
            if span is not None:
                start, end = span
                return Evidence(category, sentence[start:end], snippet(sentence, start, end), _LOCATION[part])
    return None


def _find_lemma(sentence: str, lemma: str, lang: str) -> tuple[int, int] | None:
    from .matcher import lemma as lemma_of
    from .text import WORD_RE

    for match in WORD_RE.finditer(sentence):
        if lemma_of(match.group().lower(), lang) == lemma:
            return match.start(), match.end()
    return None
