"""Screening lemmatises with simplemma's tries (or its low-memory stream until they are built), and that
changes no result.

simplemma's default backend holds fi + sv + en as dicts of bytes (about 490 MB of RSS); its low_memory
backend searches the same front-coded data in place (about 60 MB); its marisa tries hold the same data in
about 25 MB (climate_plugin/screening/lemmas.py). Speed and memory are measured by bench/screening.py, not
here; these tests pin the facts those figures rest on.
"""

from __future__ import annotations

import json
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

import pytest
from simplemma import lemmatize

from climate_plugin.demo.items import DEMO_ITEMS
from climate_plugin.screening import language, lemmas, matcher, screen

DEV_SET = Path(__file__).parent / "data" / "screening_dev.jsonl"

pytestmark = pytest.mark.slow  # a fresh interpreter; simplemma's full dictionaries

_PROBE = r"""
from simplemma.strategies import DEFAULT_DICTIONARY_FACTORY, LOW_MEMORY_DICTIONARY_FACTORY
from climate_plugin.screening import screen, warm_up
warm_up()
# Language detection's tie-breaker (no stopwords decide these) and every lexicon language.
screen("Kaukolämpöverkon laajentaminen", "")
screen("Detaljplan för Kvarnbacken", "")
screen("Cycling strategy", "")
for text, lang in (("Kaavoitus", "fi"), ("Detaljplanen", "sv"), ("Zoning plans", "en")):
    screen(text, text, lang)
from climate_plugin.screening import lemmas
print(DEFAULT_DICTIONARY_FACTORY._get_dictionary.cache_info().currsize,
      sum(lemmas.ready(lang) for lang in lemmas.LANGUAGES),
      LOW_MEMORY_DICTIONARY_FACTORY._get_dictionary.cache_info().currsize)
"""


def test_screening_never_loads_the_full_dictionaries() -> None:
    # A fresh interpreter: other tests in this process may have loaded the default backend on purpose.
    out = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True, check=True)
    default_loaded, tries_ready, streams_indexed = map(int, out.stdout.split())
    assert default_loaded == 0, "a screening path loaded simplemma's 490 MB default dictionaries"
    assert tries_ready == 3  # warm_up() built (or found) the fi, sv and en tries, in child processes
    # Language detection probes the tries too: indexing the low-memory streams cost 1.5 s and 60 MB.
    assert streams_indexed == 0, "language detection indexed simplemma's low-memory streams"


def _cases() -> list[tuple[str, str, str | None]]:
    cases = []
    with DEV_SET.open(encoding="utf-8") as fh:
        for line in fh:
            item = json.loads(line)
            cases.append((item["title"], item.get("body") or "", item.get("language")))
    cases += [(item["title"], item.get("body") or "", item.get("language")) for item in DEMO_ITEMS]
    # Without the language as well, so detection's dictionary probing is compared too.
    return cases + [(title, body, None) for title, body, _ in cases]


@pytest.fixture
def full_dictionaries(monkeypatch: pytest.MonkeyPatch) -> None:
    """The backend before the change: simplemma's default dictionaries for lemmas and detection."""
    full = lru_cache(maxsize=None)(lambda word, lang: lemmatize(word, lang=lang).lower())
    monkeypatch.setattr(matcher, "lemma", full)
    detect = language.langdetect
    monkeypatch.setattr(language, "langdetect", lambda text, lang, low_memory=False: detect(text, lang=lang))


@pytest.fixture
def low_memory_stream(monkeypatch: pytest.MonkeyPatch) -> None:
    """Before a language's trie is built: simplemma's low-memory stream for lemmas and known words."""
    monkeypatch.setattr(lemmas, "ready", lambda lang: False)
    stream = lru_cache(maxsize=None)(lambda word, lang: lemmas.lemmatize(word, lang).lower())
    monkeypatch.setattr(matcher, "lemma", stream)
    monkeypatch.setattr(matcher, "is_word", lru_cache(maxsize=None)(matcher.is_word.__wrapped__))


@pytest.mark.parametrize("backend", ["full_dictionaries", "low_memory_stream"])
def test_same_results_with_every_dictionary_backend(request: pytest.FixtureRequest, backend: str) -> None:
    cases = _cases()
    lemmas.prepare()
    matcher.word_hits.cache_clear()
    shipped = [screen(*case).to_dict() for case in cases]
    request.getfixturevalue(backend)
    matcher.word_hits.cache_clear()  # its entries were computed with the other backend's lemmas
    try:
        full = [screen(*case).to_dict() for case in cases]
    finally:
        matcher.word_hits.cache_clear()
    differing = [(case[0], a, b) for case, a, b in zip(cases, shipped, full, strict=True) if a != b]
    assert not differing, differing[:3]
    assert any(r["relevance"] == "high" for r in shipped)  # the comparison covers real evidence


def test_prepare_without_a_writable_cache_keeps_the_low_memory_dictionaries(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    monkeypatch.setattr(lemmas, "cache_dir", lambda: blocked / "tries")
    monkeypatch.setattr(lemmas, "_READY", {})
    assert lemmas.prepare() == {"fi": False, "sv": False, "en": False}  # a warning, no exception
    assert lemmas.lemmatize("kaavoituksen", "fi") == lemmatize("kaavoituksen", lang="fi")


@pytest.mark.parametrize(
    ("word", "lang"),
    [
        ("kokousmateriaalin", "fi"),
        ("elinvoimalautakunta", "fi"),
        ("kontraktsskrivning", "sv"),
        ("xyzzy", "en"),
    ],
)
def test_known_prefixes_are_the_same_from_the_trie_and_from_lookups(word: str, lang: str) -> None:
    # A compound's first parts come from one walk down the trie (matcher.is_word); before the trie is
    # built, from a lookup per length. Both must find the same words.
    lemmas.prepare((lang,))
    assert lemmas.ready(lang)
    walked = lemmas.known_prefix_lengths(word, lang, matcher.MIN_PART)
    looked_up = [n for n in range(matcher.MIN_PART, len(word) + 1) if lemmas.is_known(word[:n], lang)]
    assert walked == looked_up
    assert lang == "en" or walked  # the probe words start with real words
