"""Lexicon matching on lemmas, including parts of Finnish and Swedish compounds.

Each lexicon is compiled once into an index. Per distinct word the lemma and its hits are cached, so a
5,000-character text costs one dictionary lookup per token once the vocabulary is warm.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, compress

from . import lemmas, lexicon_en, lexicon_fi, lexicon_sv
from .text import WORD_RE

ROUTINE = "_routine"
MINOR = "_minor"
BLOCK = "_block"
PERSON = "_person"

# Shorter stems hit too many unrelated words as compound parts (tie, puu, auto); they need "+" to opt in.
MIN_COMPOUND_PART = 5
# English writes compounds apart, so substring matching there would mostly find false friends.
_COMPOUNDING = frozenset({"fi", "sv"})

_LEXICONS = {"fi": lexicon_fi.LEXICON, "sv": lexicon_sv.LEXICON, "en": lexicon_en.LEXICON}


@dataclass(frozen=True)
class Hit:
    category: str  # a checklist category, or ROUTINE
    tier: str  # core | strong | weak, or hard | soft for routine cues
    term: str  # the lexicon term (for de-duplication and scoring)


@dataclass(frozen=True)
class Match:
    hit: Hit
    surface: str  # the word(s) as written
    start: int  # offsets in the sentence
    end: int


class _Index:
    def __init__(self, lexicon: dict[str, dict[str, tuple[str, ...]]], compounding: bool) -> None:
        self.exact: dict[str, list[Hit]] = {}
        self.bigram: dict[str, list[Hit]] = {}
        self.parts: dict[str, list[Hit]] = {}  # compound-capable terms; BLOCK terms map to []
        # "~" terms: a compound's last part only ("kirjasto-auto", not "auto-maattinen")
        self.head_only: set[str] = set()
        heads = lexicon.get(PERSON, {}).get("head", ())
        # A job title ends in one of the heads, after at least one letter of what the person does.
        self.person_re = re.compile(r"\w(?:" + "|".join(map(re.escape, heads)) + ")$") if heads else None
        for category, tiers in lexicon.items():
            if category == PERSON:
                continue
            for tier, terms in tiers.items():
                for raw in terms:
                    hit = None if category == BLOCK else Hit(category, tier, raw.lstrip("=+~"))
                    self._add(raw, hit, compounding)
        # The words that can start a key, and those that can end a two-word key: a word pair whose lemmas (or
        # surfaces) are not among them cannot form one, so most tokens need no key built (see _token). Keys of
        # three or more words ("conflict of interest") are looked for only after a word that starts one, so
        # their inner words ("of", "och") need not mark every sentence as a candidate.
        self.bigram_first: frozenset[str] = frozenset(key.split(" ")[0] for key in self.bigram)
        self.bigram_second: frozenset[str] = frozenset(
            key.split(" ")[1] for key in self.bigram if key.count(" ") == 1
        )
        self.long_first: frozenset[str] = frozenset(
            key.split(" ")[0] for key in self.bigram if key.count(" ") > 1
        )
        self.phrase_words = max((key.count(" ") + 1 for key in self.bigram), default=2)
        stems = sorted(self.parts, key=lambda t: (-len(t), t))
        # A zero-width lookahead finds a match at every position, so overlapping stems are all seen;
        # alternation order (longest first) picks the longest stem starting at each position.
        self.compound_re = re.compile("(?=(" + _trie_pattern(stems) + "))") if stems else None

    def _add(self, raw: str, hit: Hit | None, compounding: bool) -> None:
        term = raw.lstrip("=+~").lower()
        hits = [hit] if hit else []
        if " " in term:
            self.bigram.setdefault(term, []).extend(hits)
            return
        self.exact.setdefault(term, []).extend(hits)
        long_enough = not raw.startswith("=") and len(term) >= MIN_COMPOUND_PART
        allow_part = raw.startswith(("+", "~")) or long_enough
        if compounding and allow_part:
            self.parts.setdefault(term, []).extend(hits)
            if raw.startswith("~"):
                self.head_only.add(term)
            # A Finnish -nen word stands as -s before the next part of a compound: rakennuttamis|palvelut,
            # rakentamis|velvoite, fossiilis|vapaa; simplemma leaves most such compounds unlemmatised.
            if term.endswith("nen") and len(term) - 2 >= MIN_COMPOUND_PART and not raw.startswith("~"):
                self.parts.setdefault(term[:-3] + "s", []).extend(hits)


def _trie_pattern(words: list[str]) -> str:
    """One regular expression for `words`, nested by common prefixes, longest match first at each position.

    Python's regex engine tries a flat alternation's branches one by one at every position; nested by
    prefix, a position is given up after its first letter or two (the compound search of each new word).
    """
    tree: dict[str, dict] = {}
    for word in words:
        node = tree
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def pattern(node: dict[str, dict]) -> str:
        # Longer continuations before the end of a word here: the longest stem wins, as before.
        branches = [re.escape(ch) + pattern(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return pattern(tree)


# WORD_RE as a split with the word captured: the tokens and the gaps between them, so offsets can be added up.
_WORD_SPLIT = re.compile(f"({WORD_RE.pattern})")

_INDEX = {lang: _Index(lexicon, lang in _COMPOUNDING) for lang, lexicon in _LEXICONS.items()}
# Tiers a capitalised mid-sentence word (usually a name) may still carry, per language (see match_sentence).
_NAME_TIERS: dict[str, frozenset[str]] = {
    "fi": frozenset({"core"}),
    "sv": frozenset({"core"}),
    "en": frozenset({"core", "strong"}),
}


@lru_cache(maxsize=262_144)
def lemma(word: str, lang: str) -> str:
    """Lower-case lemma of a lower-case word (simplemma is the slow step, hence the cache).

    simplemma's lemmas from its tries, or its low-memory stream until a trie is built (lemmas.py): the same
    data and results as its default dict-of-bytes backend in a fraction of the memory. See
    docs/performance.md.
    """
    return lemmas.lemmatize(word, lang).lower()


@lru_cache(maxsize=262_144)
def word_hits(word: str, lang: str) -> tuple[Hit, ...]:
    """Hits for one lower-case word: whole-word matches on lemma or surface, then compound parts."""
    index = _INDEX[lang]
    base = lemma(word, lang)
    if base in index.exact and not index.exact[base] or word in index.exact and not index.exact[word]:
        return ()  # the whole word is blocked
    found: list[Hit] = []
    # When the word as written is itself a lexicon term, it is more specific than its lemma: English
    # "parking" is transport, while its lemma "park" would add carbon sinks.
    for form in (word,) if word in index.exact else (base, word):
        found.extend(index.exact.get(form, ()))
    found.extend(_compound_hits(index, base, lang))
    # The lemmatiser sometimes returns only the first part of a compound it does not know ("koulukadun" ->
    # "koulu"); then the parts are looked for in the word as written too. Only then: elsewhere an inflected
    # surface can hide a blocked word ("ympäristölautakunnan" does not contain "ympäristölautakunta").
    if len(word) - len(base) >= 4 and word.startswith(base):
        found.extend(_compound_hits(index, word, lang))
    # (The word as written too, when the lemmatiser cut it short: "rakennuslakimies" -> "rakennuslaki".)
    person = index.person_re
    if person is not None and (person.search(base) or (word.startswith(base) and person.search(word))):
        # "strategiapäällikkö", "kaavoitusarkkitehti": a person's title; keep only routine/minor cues.
        found = [hit for hit in found if hit.category.startswith("_")]
    return tuple(dict.fromkeys(found))


# Linking elements between compound parts: Swedish "bygglov-s-ansökan", "kommun-al-"; a Finnish part is a
# whole word, often a genitive, whose -n follows a stem that is the lexicon's nominative
# ("asemakaava-n-muutos", "kiinteistö-n-omistaja").
_LINKS = {"fi": ("", "n"), "sv": ("", "s", "e", "a", "u", "o"), "en": ("",)}
# Endings that make a word of a stem without being a word themselves ("kaavoitukse-", "energia-n").
# (And the case and number endings of a word as written, for when the lemmatiser did not know the compound:
# "katusuunnitelma-t", "detaljplane-rna".)
_SUFFIXES = {
    "fi": frozenset(
        [
            "inen",
            "llinen",
            "lainen",
            "läinen",
            "ton",
            "tön",
            "ttomuus",
            "llisuus",
            "isuus",
            "n",
            "t",
            "a",
            "ä",
            "na",
            "nä",
            "ksi",
            "ssa",
            "ssä",
            "sta",
            "stä",
            "lla",
            "llä",
            "lta",
            "ltä",
            "lle",
            "an",
            "en",
            "in",
            "on",
            "un",
            "yn",
            "än",
            "ön",
            "hin",
            "seen",
            "iin",
            "ja",
            "jä",
            "ita",
            "itä",
            "ista",
            "istä",
            "illa",
            "illä",
            "ille",
            "issa",
            "issä",
            "ien",
            "jen",
            "ineen",
            "tta",
            "ttä",
        ]
    ),
    "sv": frozenset(
        [
            "er",
            "ar",
            "en",
            "et",
            "na",
            "ens",
            "ets",
            "ning",
            "ande",
            "s",
            "ns",
            "ad",
            "at",
            "erna",
            "arna",
            "orna",
            "ernas",
            "arnas",
            "ornas",
            # after a vowel: "gata-n", "område-t", "gat-or", "område-na", "program-men" is the lemma's own
            "n",
            "t",
            "r",
            "or",
            "ena",
            "rna",
            "nas",
            "ts",
        ]
    ),
    "en": frozenset(),
}
MIN_PART = 3


# An unknown part this long may be a compound the dictionary does not know ("kirjastoauto"): it is a word when
# it splits into words.
LONG_PART = 7
# Longer than any real word (Finnish compounds in agendas stay under 50 letters): a run of letters this long
# is no word, and splitting it would cost time and recursion for nothing.
MAX_WORD = 64


@lru_cache(maxsize=131_072)
def is_word(part: str, lang: str) -> bool:
    """A real word of the language: one simplemma's dictionary knows, a Finnish -nen word's compound form
    ("rakentamis" of "rakentaminen"), or a compound of such words ("kirjasto|auto").

    A long remainder is not taken as a word for its length alone: "elinvoima|lautakunta" holds "voimala" (a
    power plant) only if "utakunta" were a word, "kokous|materiaali" holds "ateria" (a meal) only if "kokousm"
    and "aali" were.
    """
    part = part.strip("-")
    if not MIN_PART <= len(part) <= MAX_WORD:
        return False
    if lemmas.is_known(part, lang):
        return True
    if len(part) < LONG_PART:
        return False
    if lang == "fi" and _nen_form(part):
        return True
    if "-" in part:  # written apart already ("kirjasto-monipalveluauto"): each piece was a word to its writer
        return True
    return _splits_into_words(part, lang)


def _nen_form(part: str) -> bool:
    """A Finnish -nen word as a part of a compound: "rakentamis-", "kotouttamis-", "osa|yleis|kaava". Where a
    word may start with it, only long ones count (the callers): a short one is too often the start of another
    word ("yhteis|työsopimus" is "yhteistyö|sopimus")."""
    return part.endswith("s") and lemmas.is_known(part[:-1] + "nen", "fi")


def _splits_into_words(part: str, lang: str) -> bool:
    """A known first part, a linking element, and a word (or another such compound) for the rest."""
    cuts = lemmas.known_prefix_lengths(part[: len(part) - MIN_PART], lang, MIN_PART)
    if lang == "fi":  # and the long -nen forms among the first parts ("rakentamis|investointi")
        last = len(part) - MIN_PART
        cuts += [n for n in range(LONG_PART, last + 1) if part[n - 1] == "s" and _nen_form(part[:n])]
    for cut in cuts:
        rest = part[cut:]
        # Inside a longer part a short -nen form is safe to take: "osa|yleis|kaava".
        if lang == "fi" and _nen_form(rest):
            return True
        for link in _LINKS.get(lang, ("",)):
            word = rest[len(link) :]
            if rest.startswith(link) and len(word) >= MIN_PART and is_word(word, lang):
                return True
    return False


def _valid_part(text: str, start: int, end: int, lang: str) -> bool:
    """Does the stem at text[start:end] stand as a part of the compound, with real words around it?

    "maantieto" (geography) holds "maantie" (a road) only by accident: the rest, "to", is no word. The part
    before must be a word (or empty), the part after a word, a linking element and a word, or an ending.
    """
    before, after = text[:start].strip("-"), text[end:].strip("-")
    if before and not is_word(before, lang):
        return False
    if not after or after in _SUFFIXES.get(lang, ()):
        return True
    for link in _LINKS.get(lang, ("",)):
        if after.startswith(link) and is_word(after[len(link) :], lang):
            return True
    return False


def _compound_hits(index: _Index, text: str, lang: str = "") -> list[Hit]:
    found: list[Hit] = []
    if index.compound_re is not None:
        spans = sorted(
            ((m.start(), m.start() + len(m.group(1)), m.group(1)) for m in index.compound_re.finditer(text)),
            key=lambda s: s[0] - s[1],
        )
        kept: list[tuple[int, int]] = []
        for start, end, stem in spans:
            # Skip a stem inside a longer matched one (lämpö in kaukolämpö, ympäristö in a blocked word).
            if any(s <= start and end <= e for s, e in kept):
                continue
            hits = index.parts[stem]
            if (start or end < len(text)) and lang and not _valid_part(text, start, end, lang):
                continue
            rest = text[end:].strip("-")
            if stem in index.head_only and rest and rest not in _SUFFIXES.get(lang, ()):
                continue
            # Routine and minor cues do not hide the category stems inside them: "opintomatka" is both a
            # minor cue and travel (matka); a blocked stem (empty hits) does hide them.
            if not hits or any(not hit.category.startswith("_") for hit in hits):
                kept.append((start, end))
            found.extend(hits)
    return found


# Per language, per token as written: 0 when the token can neither hit nor be part of a two-word key (most
# tokens), else a _Token tuple. Derived from lemma() and word_hits(): word_hits.cache_clear() clears it too.
_Token = tuple[tuple[Hit, ...], tuple[Hit, ...], bool, bool, str, str]
_TOKENS: dict[str, dict[str, _Token | int]] = {lang: {} for lang in _INDEX}
_TOKENS_MAX = 262_144  # per language; the cache is emptied when full (a refill costs only cached lookups)


def _token(surface: str, lang: str) -> _Token | int:
    """(hits, hits_mid_sentence, may_start_key, may_end_key, lemma, word) for one token as written.

    hits are word_hits() of the lower-cased word; hits_mid_sentence keeps only what a capitalised word
    inside a sentence (usually a name) may carry. In Finnish and Swedish, where only names are capitalised,
    such a word (Peltokorpi, Kauppakatu, Lahti Energia Oy) carries only core evidence (Hiilineutraali
    Helsinki 2035); English capitalises titles (Local Cycling Plan), so there a capitalised word loses only
    its weak evidence. Routine and minor cues always count.
    """
    index = _INDEX[lang]
    word = surface.lower()
    hits = word_hits(word, lang)
    base = lemma(word, lang)
    first = base in index.bigram_first or word in index.bigram_first
    second = base in index.bigram_second or word in index.bigram_second
    mid = hits
    if hits and surface[0].isupper() and not surface.isupper():
        keep_tiers = _NAME_TIERS[lang]
        mid = tuple(hit for hit in hits if hit.tier in keep_tiers or hit.category.startswith("_"))
    info: _Token | int = (hits, mid, first, second, base, word) if hits or first or second else 0
    cache = _TOKENS[lang]
    if len(cache) >= _TOKENS_MAX:
        cache.clear()
    cache[surface] = info
    return info


_clear_word_hits = word_hits.cache_clear


def _cache_clear() -> None:
    _clear_word_hits()
    for cache in _TOKENS.values():
        cache.clear()
    for keys in _LEMMA_KEYS.values():
        keys.clear()


word_hits.cache_clear = _cache_clear  # type: ignore[method-assign]


def sentence_matches(sentence: str, lang: str) -> list[tuple[Hit, int, int]]:
    """match_sentence() as (hit, start, end) tuples, in the same order: the screening hot path.

    A phrase of two or more words is looked for at each token, longest first, on the lemmas and then on the
    words as written; its words then give no matches of their own.

    One regex split and one dictionary lookup per token; offsets are added up only for sentences with a hit.
    """
    parts = _WORD_SPLIT.split(sentence)  # gap, token, gap, token, ..., gap
    tokens = parts[1::2]
    cache = _TOKENS[lang]
    infos = list(map(cache.get, tokens))
    if None in infos:
        infos = [_token(t, lang) if info is None else info for t, info in zip(tokens, infos, strict=True)]
    if not any(infos):
        return []
    found: list[tuple[Hit, int, int]] = []
    ends: list[int] = []  # ends[2 * i] and ends[2 * i + 1]: start and end of token i
    covered: set[int] = set()
    candidates = list(compress(range(len(infos)), infos))
    index = _INDEX[lang]
    bigram = index.bigram
    last = len(infos) - 1
    for i in candidates:
        info = infos[i]
        if info[2] and i < last:  # type: ignore[index]
            n, key = 0, ""
            if info[4] in index.long_first or info[5] in index.long_first:  # type: ignore[index]
                n, key = _long_phrase(index, info, tokens, i, lang)  # type: ignore[arg-type]
            if not n:
                nxt = infos[i + 1]
                if nxt and nxt[3]:  # type: ignore[index]
                    for pair in (info[4] + " " + nxt[4], info[5] + " " + nxt[5]):  # type: ignore[index]
                        if pair in bigram:
                            n, key = 2, pair
                            break
            if n:
                covered.update(range(i, i + n))
                if not ends:
                    ends = list(accumulate(map(len, parts)))
                start, end = ends[2 * i], ends[2 * (i + n - 1) + 1]
                found += [(hit, start, end) for hit in bigram[key]]
    for i in candidates:
        if i in covered:
            continue
        hits = infos[i][1 if i else 0]  # type: ignore[index]
        if hits:
            if not ends:
                ends = list(accumulate(map(len, parts)))
            start, end = ends[2 * i], ends[2 * i + 1]
            found += [(hit, start, end) for hit in hits]
    return found


def _long_phrase(index: _Index, info: _Token, tokens: list[str], i: int, lang: str) -> tuple[int, str]:
    """(words, key) of the longest key of three or more words starting at token i, on the lemmas and then on
    the words as written; (0, "") when there is none."""
    for n in range(min(index.phrase_words, len(tokens) - i), 2, -1):
        words = [t.lower() for t in tokens[i + 1 : i + n]]
        lemma_key = " ".join([info[4], *(lemma(w, lang) for w in words)])
        if lemma_key in index.bigram:
            return n, lemma_key
        surface_key = " ".join([info[5], *words])
        if surface_key in index.bigram:
            return n, surface_key
    return 0, ""


def match_sentence(sentence: str, lang: str) -> Iterator[Match]:
    """All lexicon matches in one sentence; a two-word phrase match replaces its words' own matches.

    Pairs of adjacent words are looked up as a phrase on their lemmas, then as written; a capitalised word
    inside a sentence keeps only some of its evidence (see _token).
    """
    for hit, start, end in sentence_matches(sentence, lang):
        yield Match(hit, sentence[start:end], start, end)


# Per language, per token as written: the lemma it contributes as a model feature, or "" (numbers, words
# shorter than three letters). Cleared with word_hits' caches.
_LEMMA_KEYS: dict[str, dict[str, str]] = {lang: {} for lang in _INDEX}


def _lemma_key(surface: str, lang: str) -> str:
    word = surface.lower()
    key = lemma(word, lang) if len(word) >= 3 and not word[0].isdigit() else ""
    if key and lang in _COMPOUNDING and surface[0].isupper() and not surface.isupper():
        key = "^" + key  # capitalised: a name in mid-sentence (see sentence_lemmas)
    cache = _LEMMA_KEYS[lang]
    if len(cache) >= _TOKENS_MAX:
        cache.clear()
    cache[surface] = key
    return key


def sentence_lemmas(sentence: str, lang: str) -> list[str]:
    """The lemmas of a sentence's words (three letters or more, not numbers), in order.

    In Finnish and Swedish a capitalised word inside a sentence is a name (Vaasan Energia Oy, Kauppakatu):
    it is left out, as the lexicon leaves out its evidence. The first word of a sentence counts.
    """
    tokens = WORD_RE.findall(sentence)
    cache = _LEMMA_KEYS[lang]
    keys = [cache.get(t) for t in tokens]
    if None in keys:
        keys = [_lemma_key(t, lang) if k is None else k for t, k in zip(tokens, keys, strict=True)]
    out = [k for k in keys[1:] if k and k[0] != "^"]
    if keys and keys[0]:
        out.insert(0, keys[0].lstrip("^"))
    return out
