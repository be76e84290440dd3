"""Lemmas and known words: simplemma's rules over its own dictionaries, looked up fast and in little memory.

simplemma keeps its dictionaries in two forms we can afford in a worker: the low-memory front-coded stream
(about 60 MB for fi, sv and en, but about 0.1 ms per lookup, which a word seen for the first time pays
several times over) and compact MARISA tries (``TrieDictionaryFactory``, the ``marisa-trie`` package: about
30 MB, a few microseconds per lookup). The tries are built once per machine from the shipped dictionaries
and kept in simplemma's cache folder. Building one needs the full dictionary in memory (about 0.8 GB for
Finnish for half a minute), so it runs in a child process (``prepare()``, called by ``warm_up()`` and
``climate-plugin screening prepare``), never in a worker; until a language's trie exists its lookups use the
low-memory stream. Both are the same data through the same strategies, so the lemmas are the same
(tests/test_lemma_backend.py).
"""

from __future__ import annotations

import fcntl
import logging
import os
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

import simplemma
from simplemma import Lemmatizer
from simplemma.strategies import DefaultStrategy, DictionaryLookupStrategy
from simplemma.utils import normalize_token

logger = logging.getLogger(__name__)

LANGUAGES: tuple[str, ...] = ("fi", "sv", "en")
# Seconds one language's trie may take to build (Finnish: about 30 s on the machines measured).
BUILD_TIMEOUT = 600


def _trie_support() -> bool:
    try:
        from simplemma.strategies.dictionaries.trie_dictionary_factory import _TRIE_DEPS_AVAILABLE
    except ImportError:  # an older simplemma without tries
        return False
    return bool(_TRIE_DEPS_AVAILABLE)


def cache_dir() -> Path:
    """Where simplemma's TrieDictionaryFactory keeps its tries (and where prepare() puts them)."""
    from platformdirs import user_cache_dir
    from simplemma.__metadata__ import __version__

    return Path(user_cache_dir("simplemma")) / "marisa_trie" / __version__


def _trie_path(lang: str) -> Path:
    return cache_dir() / f"{lang}.dic"


#: languages whose trie this process has seen on disk (checked once per language, then after prepare())
_READY: dict[str, bool] = {}


def ready(lang: str) -> bool:
    if lang not in _READY:
        _READY[lang] = _trie_support() and _trie_path(lang).is_file()
    return _READY[lang]


@lru_cache(maxsize=1)
def _trie_factory():  # -> TrieDictionaryFactory
    from simplemma.strategies.dictionaries.trie_dictionary_factory import TrieDictionaryFactory

    return TrieDictionaryFactory()


@lru_cache(maxsize=1)
def _trie_strategy() -> DefaultStrategy:
    return DefaultStrategy(dictionary_factory=_trie_factory())


@lru_cache(maxsize=1)
def _trie_lemmatizer() -> Lemmatizer:
    # cache_max_size=0: matcher.lemma() caches per word already.
    return Lemmatizer(cache_max_size=0, lemmatization_strategy=_trie_strategy())


@lru_cache(maxsize=1)
def _trie_lookup() -> DictionaryLookupStrategy:
    return DictionaryLookupStrategy(_trie_factory())


@lru_cache(maxsize=1)
def _stream_strategy() -> DefaultStrategy:
    return DefaultStrategy(low_memory=True)


def lookup_strategy() -> DefaultStrategy:
    """simplemma's strategy over the tries when every language has one, else over the low-memory stream
    (a trie missing for one language would otherwise be built inside this process)."""
    return _trie_strategy() if all(ready(lang) for lang in LANGUAGES) else _stream_strategy()


def lemmatize(word: str, lang: str) -> str:
    """simplemma.lemmatize(word, lang), from the trie when it exists, else from the low-memory stream."""
    if ready(lang):
        return _trie_lemmatizer().lemmatize(word, lang)
    return simplemma.lemmatize(word, lang=lang, low_memory=True)


def is_known(word: str, lang: str) -> bool:
    """simplemma.is_known(word, lang), from the trie when it exists, else from the low-memory stream."""
    if ready(lang):
        return _trie_lookup().get_lemma(normalize_token(word), lang) is not None
    return simplemma.is_known(word, lang, low_memory=True)


def known_prefix_lengths(word: str, lang: str, shortest: int) -> list[int]:
    """The lengths (at least ``shortest``) of the prefixes of a lower-case ``word`` that are words the
    dictionary knows, shortest first: one walk down the trie instead of a lookup per length (a compound's
    parts are looked for this way, matcher.is_word). Without the trie, a lookup per length."""
    if ready(lang):
        trie = getattr(_trie_factory().get_dictionary(lang), "_trie", None)  # simplemma's TrieWrapDict
        if trie is not None:
            return sorted(n for n in map(len, trie.prefixes(word)) if n >= shortest)
    return [n for n in range(shortest, len(word) + 1) if is_known(word[:n], lang)]


def prepare(languages: tuple[str, ...] = LANGUAGES) -> dict[str, bool]:
    """Build the missing tries, each in a child process, one process per machine at a time (a file lock).

    Returns which languages have a trie now. A failure is logged and leaves that language on the
    low-memory stream: screening works the same, only slower on first-seen words.
    """
    if not _trie_support():
        logger.warning("marisa-trie is not installed: lemmas come from simplemma's low-memory dictionaries")
        return dict.fromkeys(languages, False)
    folder = cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        lock = open(folder / ".build.lock", "w")  # noqa: SIM115 (held across the builds below)
    except OSError as exc:
        logger.warning("cannot use %s for lemma tries (%s): low-memory dictionaries", folder, exc)
        return {lang: ready(lang) for lang in languages}
    with lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another worker may be building the same trie
        for lang in languages:
            target = _trie_path(lang)
            if target.is_file():
                continue
            partial = target.with_name(f"{lang}.dic.{os.getpid()}.partial")
            try:
                subprocess.run(
                    [sys.executable, "-m", "climate_plugin.screening.lemmas", lang, str(partial)],
                    check=True,
                    timeout=BUILD_TIMEOUT,
                    capture_output=True,
                )
                os.replace(partial, target)  # readers see the whole trie or none
            except (OSError, subprocess.SubprocessError) as exc:
                logger.warning("could not build the %s lemma trie (%s): low-memory dictionary", lang, exc)
                partial.unlink(missing_ok=True)
    _READY.clear()
    return {lang: ready(lang) for lang in languages}


def _build(lang: str, path: str) -> None:
    from simplemma.strategies.dictionaries.trie_dictionary_factory import TrieDictionaryFactory

    TrieDictionaryFactory(use_disk_cache=False)._build_trie(lang).save(path)


if __name__ == "__main__":  # prepare()'s child: python -m climate_plugin.screening.lemmas LANG PATH
    _build(sys.argv[1], sys.argv[2])
