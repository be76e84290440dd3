"""The gettext catalogues (climate_plugin/locale/<lang>/LC_MESSAGES/messages.po): every message a person can
read exists in Finnish, Swedish and English, non-empty and not fuzzy, and every message id the code and the
templates use (as pybabel extracts them with babel.cfg) is in every catalogue."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from climate_plugin.i18n import LANGUAGES, LOCALE_DIR, t

ROOT = Path(__file__).resolve().parent.parent
#: what pybabel extract is told (docs/translators.md): t("msgid", lang, …) in Python, _() in templates
KEYWORDS = {"t": (1,), "_": None, "gettext": None, "ngettext": (1, 2)}


def _catalog(lang: str):
    with open(LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle, locale=lang)


CATALOGS = {lang: _catalog(lang) for lang in LANGUAGES}


def _ids(catalog) -> set[str]:
    return {m.id[0] if isinstance(m.id, tuple) else m.id for m in catalog if m.id}


def _used() -> set[str]:
    method_map = [("climate_plugin/**.py", "python"), ("climate_plugin/templates/**.html", "jinja2")]
    options = {"climate_plugin/templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options, keywords=KEYWORDS
    ):
        ids = message if isinstance(message, tuple) else (message,)
        found.add(ids[0])
    return found


def test_the_catalogues_hold_the_same_messages() -> None:
    assert _ids(CATALOGS["fi"]) == _ids(CATALOGS["sv"]) == _ids(CATALOGS["en"])
    assert len(_ids(CATALOGS["fi"])) > 400


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_message_is_translated_and_not_fuzzy(lang: str) -> None:
    catalog = CATALOGS[lang]
    missing = sorted(
        str(m.id)
        for m in catalog
        if m.id and (m.fuzzy or not all((s or "").strip() for s in (m.string if isinstance(m.string, tuple)
                                                                     else (m.string,))))
    )
    assert missing == [], f"{lang}: empty or fuzzy: {missing[:20]}"
    assert not catalog.fuzzy, f"{lang}: the catalogue's header is marked fuzzy"


def test_plural_forms_exist_for_every_language() -> None:
    for lang, catalog in CATALOGS.items():
        plurals = [m for m in catalog if isinstance(m.id, tuple)]
        assert plurals, f"{lang}: no message with plural forms"
        for message in plurals:
            assert len(message.string) == catalog.num_plurals, (lang, message.id)
    assert t("escalation.negative_count", "fi", count=1) != t("escalation.negative_count", "fi", count=2)
    assert "1 category is" in t("escalation.negative_count", "en", count=1)
    assert "2 categories are" in t("escalation.negative_count", "en", count=2)


def test_every_message_the_code_uses_is_in_the_catalogues() -> None:
    used = _used()
    assert "summary.pending" in used and "page.title" in used  # the extraction itself works
    known = _ids(CATALOGS["fi"])
    assert sorted(used - known) == []


def test_an_unknown_message_is_an_error() -> None:
    with pytest.raises(KeyError):
        t("no.such.message", "fi")
