"""Languages, and the translations of everything a person reads (fi, sv, en) as gettext catalogues.

The catalogues are ``climate_plugin/locale/<lang>/LC_MESSAGES/messages.po`` (docs/translators.md). Message
ids are stable, meaningful keys ("relevance.high"), so parallel work that adds messages merges line by
line; the English catalogue holds the English text. The .po files are compiled in memory when this module
is imported: there is no compiled file to forget or to go stale. A test checks that every message used
exists, non-empty and not fuzzy, in all three. Checklist wording (questions, categories, scale) is
versioned domain data in ``climate_plugin.checklist``; this module holds the texts around it.
"""

from __future__ import annotations

import io
from pathlib import Path

from babel import support
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LANGUAGES: tuple[str, ...] = ("fi", "sv", "en")

#: each language named in itself, as a language switch shows them
LANGUAGE_NAMES: dict[str, str] = {"fi": "suomi", "sv": "svenska", "en": "English"}


def normalize_language(code: str | None) -> str | None:
    """ "fi-FI", "sv_FI", " EN " → "fi", "sv", "en"; anything unsupported → None."""
    if not code or not isinstance(code, str):
        return None
    base = code.strip().replace("_", "-").split("-", 1)[0].lower()
    return base if base in LANGUAGES else None


def pick_language(*candidates: str | None, default: str = "fi") -> str:
    """The first candidate that is a supported language, else ``default``."""
    for candidate in candidates:
        lang = normalize_language(candidate)
        if lang:
            return lang
    return default


def request_language(*fallbacks: str | None, browser: bool = True) -> str:
    """The language a request asks for: ``?lang=``, then (with ``browser``) its Accept-Language header,
    then ``fallbacks`` in order (an item's or a municipality's language), else Finnish."""
    from flask import request

    header = request.accept_languages.best_match(LANGUAGES) if browser else None
    return pick_language(request.args.get("lang"), header, *fallbacks)


def language_links(endpoint: str, lang: str, **values: object) -> list[dict[str, object]]:
    """The language switch of a page: ``[{code, name, url, current}]``, each url the same page in ``code``."""
    from flask import url_for

    return [
        {
            "code": code,
            "name": LANGUAGE_NAMES[code],
            "url": url_for(endpoint, lang=code, **values),
            "current": code == lang,
        }
        for code in LANGUAGES
    ]


def t(key: str, lang: str, **params: object) -> str:
    """The text for ``key`` in ``lang`` (an unsupported language falls back to Finnish), with ``params``
    filled in (``%(name)s``). A message with plural forms picks its form by ``count``.

    An unknown key raises KeyError on purpose: it must show up in tests, not as an empty label.
    """
    catalogue = _CATALOGUES[pick_language(lang)]
    if key not in catalogue:
        raise KeyError(key)
    plural = PLURALS.get(key)
    if plural is not None and "count" in params:
        text = catalogue.ngettext(key, plural, int(params["count"]))  # type: ignore[arg-type]
    else:
        text = catalogue.gettext(key)
    return text % params


def translator(lang: str):
    """``_`` for Python code that renders in ``lang``: ``_("msgid", name=value)``."""
    return lambda key, **params: t(key, lang, **params)


#: the catalogues' folder: <lang>/LC_MESSAGES/messages.po
LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"


class _Catalogue(support.Translations):
    """One language's compiled catalogue, which also knows its message ids."""

    ids: frozenset[str] = frozenset()

    def __contains__(self, key: object) -> bool:
        return key in self.ids


def _compile(lang: str) -> tuple[_Catalogue, dict[str, dict[str, str]], dict[str, str]]:
    """The .po file compiled in memory; its texts by id (for checks) and its plural ids."""
    with open(LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po", "rb") as handle:
        catalog = read_po(handle, locale=lang, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)  # fuzzy entries are left out, as msgfmt does
    buffer.seek(0)
    compiled = _Catalogue(buffer, domain=DOMAIN)
    texts: dict[str, str] = {}
    plurals: dict[str, str] = {}
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        if isinstance(message.id, tuple):
            plurals[message.id[0]] = message.id[1]
            texts[message.id[0]] = message.string[-1]
        else:
            texts[message.id] = message.string
    compiled.ids = frozenset(key for key, text in texts.items() if text)
    return compiled, texts, plurals


def _load() -> tuple[dict[str, _Catalogue], dict[str, dict[str, str]], dict[str, str]]:
    catalogues: dict[str, _Catalogue] = {}
    messages: dict[str, dict[str, str]] = {}
    plurals: dict[str, str] = {}
    for lang in LANGUAGES:
        catalogues[lang], texts, found = _compile(lang)
        plurals.update(found)
        for key, text in texts.items():
            messages.setdefault(key, {})[lang] = text
    return catalogues, messages, plurals


#: every message id with its text per language, as the catalogues have them (read-only use)
_CATALOGUES, MESSAGES, PLURALS = _load()


def catalogue(lang: str) -> support.Translations:
    """The compiled catalogue of ``lang`` (Flask-Babel's translations for a page in that language)."""
    return _CATALOGUES[pick_language(lang)]
