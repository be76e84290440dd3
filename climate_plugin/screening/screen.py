"""screen(): one agenda item in, a ScreeningResult out.

Reading: the title, then the body by its parts (structure.py: the proposal and the decision, the preparation
text; boilerplate not at all), then attachments. The lexicons find the evidence a person reads; the fitted
model (learned.py) weighs the evidence and the item's words to decide the level and the categories.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from . import language as lang_mod
from . import learned, lexicon_en, lexicon_fi, lexicon_sv
from .matcher import MINOR, ROUTINE, Hit, sentence_lemmas, sentence_matches
from .model import CATEGORIES, Evidence, ScreeningResult
from .structure import BOILERPLATE, DECISION, PROPOSAL, segments
from .text import WORD_RE, html_to_text, sentence_list, snippet

MAX_EVIDENCE_PER_CATEGORY = 3
# Language detection is unreliable on a short title ("Kommunstrategi 2025–2030"); when the detected
# language's lexicon finds nothing at all in a text this short, the other lexicons are tried.
SHORT_TEXT = 300
# Where a word stands, for the model: title, decision (the proposal and the decision), preparation text,
# attachment. The Evidence location a person sees stays title / body / attachment.
# A body in which no proposal or decision is recognised (most English and Swedish items, a Finnish text cut
# before its proposal) is read as one undivided part: its words are all there is, unlike a preparation text
# next to a decision, so the model weighs it apart from both.
TITLE, DECIDED, PREPARED, UNDIVIDED, ATTACHED = "t", "d", "p", "b", "a"
_LOCATION = {TITLE: "title", DECIDED: "body", PREPARED: "body", UNDIVIDED: "body", ATTACHED: "attachment"}
ATTACHMENT_WEIGHT = 0.5
ATTACHMENT_TERMS = 2
# The parts whose words are model features.
WORD_PARTS = frozenset({TITLE, DECIDED})
# A hard routine cue as the title's first word (see decidable()).
HARD_HEAD = "cue|hard|head"
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
    # strong and core lexicon terms per category found in attachments (the model never saw attachments)
    attached: dict[str, set[str]] = field(default_factory=dict)
    lexicon_hits: int = 0  # category terms found (not cues)
    cues: int = 0  # routine and minor cues found

    def understood(self) -> bool:
        return bool(self.lexicon_hits or self.cues)


def _sources(title: str, body: str, lang: str, attachments: Sequence[str]) -> list[tuple[str, str]]:
    sources = [(TITLE, title or "")]
    parts = segments(html_to_text(body or ""), lang)
    divided = any(zone in (PROPOSAL, DECISION) for zone, _ in parts)
    for zone, part in parts:
        if zone != BOILERPLATE:
            read_as = DECIDED if zone in (PROPOSAL, DECISION) else PREPARED if divided else UNDIVIDED
            sources.append((read_as, part))
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


#: Per language, the steering terms that name money for something rather than a plan (lexicon_*.MONEY).
_MONEY = {
    "fi": frozenset(lexicon_fi.MONEY),
    "sv": frozenset(lexicon_sv.MONEY),
    "en": frozenset(lexicon_en.MONEY),
}


def _read(title: str, body: str, lang: str, attachments: Sequence[str]) -> Reading:
    reading = Reading(lang)
    features = reading.features
    terms: dict[tuple[str, str], set[str]] = {}
    words: dict[str, set[str]] = {TITLE: set(), DECIDED: set(), PREPARED: set()}
    domain_parts: set[str] = set()  # parts with a social, health, education or culture word
    has_text = False
    seen: set[tuple[Hit, str]] = set()  # each lexicon entry once per part: features are presence
    for part, source in _sources(title, body, lang, attachments):
        has_text |= part != TITLE and bool(source.strip())
        for sentence in sentence_list(source):
            # The title's first word usually says what the item is ("Vahingonkorvausvaatimus, ...",
            # "Val av protokolljusterare"): see decidable().
            head = _first_word_start(sentence) if part == TITLE and not reading.sentences else -1
            reading.sentences.append((part, sentence))
            if part in WORD_PARTS:
                words[part].update(sentence_lemmas(sentence, lang))
            for hit, start, end in sentence_matches(sentence, lang):
                if start <= head < end and hit.category == ROUTINE and hit.tier == "hard":
                    features[HARD_HEAD] = 1.0
                if (hit, part) in seen:
                    continue
                seen.add((hit, part))
                category = hit.category
                if category in (MINOR, ROUTINE):
                    reading.cues += 1
                    continue
                reading.lexicon_hits += 1
                reading.evidence.setdefault(
                    (category, hit.term, part),
                    Evidence(category, sentence[start:end], snippet(sentence, start, end), _LOCATION[part]),
                )
    for hit, part in seen:
        # The corpus the model learned from has no attachments: their lexicon evidence counts as preparation
        # text at half weight, and their words not at all (a whole plan or report says much that is not
        # decided here).
        feature_part, weight = (PREPARED, ATTACHMENT_WEIGHT) if part == ATTACHED else (part, 1.0)
        category = hit.category
        if category in (MINOR, ROUTINE):
            _put(features, f"cue|{'minor' if category == MINOR else hit.tier}|{feature_part}", weight)
            if category == ROUTINE and hit.tier == "domain":
                domain_parts.add(part)
            continue
        _put(features, f"lex|{category}|{hit.tier}|{feature_part}", weight)
        _put(features, f"term|{lang}|{hit.term}|{'t' if part == TITLE else 'x'}", weight)
        if part != ATTACHED:
            terms.setdefault((category, part), set()).add(hit.term)
        elif hit.tier in ("core", "strong"):
            reading.attached.setdefault(category, set()).add(hit.term)
    for part, lemmas in words.items():
        prefix = f"{lang}|{part}|"
        features.update(dict.fromkeys([prefix + lemma for lemma in lemmas], 1.0))
    for (category, part), found in terms.items():
        features[f"count|{category}|{part}"] = min(len(found), _COUNT_CAP) / _COUNT_CAP
    features[f"lang|{lang}"] = 1.0
    reading.title_only = not has_text
    if not has_text:
        features["title_only"] = 1.0
    # A plan, budget or programme is high when it steers something physical, not on its own ("integration
    # programme"); several categories in one part say the same.
    for part in (TITLE, DECIDED):
        found = {category for category, p in terms if p == part}
        if "steering" in found:
            features[f"steering_with_other|{part}" if len(found) > 1 else f"steering_alone|{part}"] = 1.0
            # A budget or an investment beside a building, a street or a vehicle is that project's money; a
            # plan or a programme steers many later decisions (the labelling guide's "steering").
            if len(found) > 1 and terms[("steering", part)] <= _MONEY.get(lang, frozenset()):
                features[f"steering_money_with_other|{part}"] = 1.0
        # A plan or budget of a social, health, education or culture service ("Äldrepolitiskt program",
        # "varhaiskasvatussuunnitelma") steers that service, not land, buildings or traffic; a school
        # building or a library bus is physical whatever service it is for.
        if part in domain_parts and found:
            features[f"domain_steering|{part}" if found == {"steering"} else f"domain_physical|{part}"] = 1.0
        if len(found) >= 2:
            features[f"categories2|{part}"] = 1.0
    return reading


def _first_word_start(sentence: str) -> int:
    match = WORD_RE.search(sentence)
    return match.start() if match else -1


def _put(features: dict[str, float], name: str, value: float) -> None:
    if features.get(name, 0.0) < value:
        features[name] = value


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


def decidable(reading: Reading) -> bool:
    """Whether the model decides the level at all; when not, the item is none.

    No lexicon word for any category: nothing a person could be shown as the reason for a flag. On real
    items the model's words alone flag mostly meeting formalities (grouped cross-validation:
    docs/screening.md). And a title that starts with what the item is, when that is a kind of item that is
    none by definition (a damages claim, an appeal, minutes, a personnel matter: relevance-levels.md): on
    the corpus 252 of 253 such items were none for both annotators (the other minor), whatever street or
    vehicle they name.
    """
    return bool(reading.lexicon_hits) and HARD_HEAD not in reading.features


def explicit(reading: Reading) -> bool:
    """A core lexicon word in the title (explicit climate, a land-use plan, a building permit): high, whatever
    the model says. relevance-levels.md: anything explicitly about climate is high; on the corpus 47 of the 51
    items with one were high for an annotator and none was none for both."""
    return any(name.startswith("lex|") and name.endswith("|core|t") for name in reading.features)


def decide(reading: Reading, model: learned.Model, sensitivity: str | None = None) -> ScreeningResult:
    """The level and categories the model gives the reading, with the evidence for each category."""
    point = model.point(sensitivity)
    t_high, t_flag = point.thresholds[learned.kind_of(reading.language, reading.title_only)]
    features = reading.features
    levels = model.scores(features, ("high", "flag"))
    p_high, p_flag = levels["high"], levels["flag"]
    if not decidable(reading):
        return ScreeningResult("none", (), (), reading.language)
    if p_high >= t_high or explicit(reading):
        relevance = "high"
    elif p_flag >= t_flag:
        relevance = "minor"
    else:
        return ScreeningResult("none", (), (), reading.language)
    scores = model.category_scores(reading, CATEGORIES)
    likely = [c for c in CATEGORIES if scores[c] >= model.category_thresholds.get(c, 0.5)]
    # The corpus has no attachments, so the model cannot weigh them: an attachment names a category on its
    # own with at least two distinct strong words for it (a whole plan mentions much in passing).
    attached = {c for c, terms in reading.attached.items() if len(terms) >= ATTACHMENT_TERMS}
    categories = tuple(c for c in CATEGORIES if c in likely or c in attached)
    if "steering" in categories and len(categories) > 1 and _money_for_a_project(reading):
        categories = tuple(c for c in categories if c != "steering")
    if not categories:  # a flagged item touches something: the likeliest
        categories = (max(CATEGORIES, key=lambda c: scores[c]),)
    evidence = _pick_evidence(reading, categories, model)
    return ScreeningResult(relevance, categories, evidence, reading.language)


def _money_for_a_project(reading: Reading) -> bool:
    """The title's or the decision's only steering words are money (a budget, an investment) beside another
    category's words: the money of that project, which the labelling guide's "steering" (plans, strategies,
    budgets and rules that steer later decisions) does not cover."""
    return any(reading.features.get(f"steering_money_with_other|{part}") for part in (TITLE, DECIDED))


_PART_ORDER = {TITLE: 0, DECIDED: 1, UNDIVIDED: 1, PREPARED: 2, ATTACHED: 3}


def _pick_evidence(
    reading: Reading, categories: tuple[str, ...], model: learned.Model
) -> tuple[Evidence, ...]:
    per_category: dict[str, list[Evidence]] = {c: [] for c in categories}
    shown: set[tuple[str, str, str]] = set()
    # Title evidence first: it is what the preparer recognises at a glance; then the decision, the
    # preparation text and attachments.
    for (category, _, _), ev in sorted(reading.evidence.items(), key=lambda kv: _PART_ORDER[kv[0][2]]):
        bucket = per_category.get(category)
        # Several lexicon entries can hit the same word: show the word and its sentence once.
        key = (category, ev.term.casefold(), ev.snippet)
        if bucket is not None and len(bucket) < MAX_EVIDENCE_PER_CATEGORY and key not in shown:
            shown.add(key)
            bucket.append(ev)
    for category, bucket in per_category.items():
        if not bucket:
            bucket.append(_related_evidence(reading, category, model) or _title_evidence(reading, category))
    return tuple(ev for c in categories for ev in per_category[c])


def _title_evidence(reading: Reading, category: str) -> Evidence:
    """The last resort: every flag shows a sentence; the title's (or first sentence's) longest word."""
    if not reading.sentences:
        return Evidence(category, "", "", "title")
    part, sentence = next(((p, s) for p, s in reading.sentences if p == TITLE), reading.sentences[0])
    words = list(WORD_RE.finditer(sentence)) or [None]
    best = max(words, key=lambda m: len(m.group()) if m else 0)
    start, end = (best.start(), best.end()) if best else (0, len(sentence))
    return Evidence(category, sentence[start:end], snippet(sentence, start, end), _LOCATION[part])


def _related_evidence(reading: Reading, category: str, model: learned.Model) -> Evidence | None:
    """For a category named without a word of its own: the lexicon word (of another category) that weighed
    most for it in the category model ("rakennuslupa" for buildings), shown with its sentence; when none
    weighed for it, the first word the lexicon found (title first)."""
    head = model.heads.get(learned.CATEGORY_HEAD)
    lang = reading.language
    ranked = sorted(reading.evidence.items(), key=lambda kv: _PART_ORDER[kv[0][2]])
    if head is not None:
        weights = head.weights
        positive = [
            (weights.get(f"{category}|xterm|{lang}|{term}", 0.0), n, ev)
            for n, ((_, term, _), ev) in enumerate(ranked)
        ]
        positive = [p for p in positive if p[0] > 0]
        if positive:
            ev = max(positive, key=lambda p: (p[0], -p[1]))[2]
            return Evidence(category, ev.term, ev.snippet, ev.location)
    if ranked:
        ev = ranked[0][1]
        return Evidence(category, ev.term, ev.snippet, ev.location)
    return None
