"""Validation messages in the reader's language: marshmallow's (and our schemas') English messages mapped to
catalogue messages, the one place that does so for every admin form.

A schema's message is data written for developers ("Missing data for required field."); a person on a
Finnish page reads "Pakollinen tieto puuttuu." A message not known here is shown through a generic
translated sentence that quotes it, so nothing is lost, and a test lists the schemas' messages so a new one
is noticed (tests/test_admin_schema_form.py).
"""

from __future__ import annotations

import re

from climate_plugin.i18n import t

#: (pattern of the English message, msgid); the pattern's named groups fill the msgid's parameters
_KNOWN: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern + r"\Z"), msgid)
    for pattern, msgid in (
        (r"Missing data for required field\.", "validation.required"),
        (r"must not be empty", "validation.required"),
        (r"must not be blank", "validation.required"),
        (r"Field may not be null\.", "validation.required"),
        (r"Not a valid integer\.", "validation.integer"),
        (r"Not a valid number\.", "validation.number"),
        (r"Number too large\.", "validation.number"),
        (r"Not a valid boolean\.|must be true or false", "validation.boolean"),
        (r"Not a valid (string|list|mapping type)\.|Invalid input type\.|Invalid value\.", "validation.type"),
        (r"Unknown field\.", "validation.unknown"),
        (r"Not a valid email address\.", "validation.email"),
        (r"Must be one of: (?P<choices>.*)\.", "validation.one_of"),
        (
            r"Must be greater than or equal to (?P<min>\S+) and less than or equal to (?P<max>\S+)\.",
            "validation.range",
        ),
        (r"Must be greater than or equal to (?P<min>\S+)\.", "validation.min"),
        (r"Must be less than or equal to (?P<max>\S+)\.", "validation.max"),
        (r"Shorter than minimum length (?P<min>\d+)\.", "validation.min_length"),
        (r"Longer than maximum length (?P<max>\d+)\.", "validation.max_length"),
        (r"at most (?P<max>\d+) characters", "validation.max_length"),
        (r"Length must be between (?P<min>\d+) and (?P<max>\d+)\.", "validation.length_between"),
        (r"Not a valid URL\.", "validation.url"),
        (r"Must be an http:// or https:// URL with a host name\.", "validation.url"),
        (r"Must not contain a user name or password.*", "validation.url_credentials"),
        (r"Must not contain a (query string or (a )?)?fragment\.", "validation.url_query"),
        (r"Must be on the same host \(scheme, name and port\) as (?P<other>\w+)\.", "validation.same_host"),
        (r"Not a valid HTTP header name\.", "validation.header"),
        (r"Not a JSON Pointer.*", "validation.pointer"),
        (r"Must start with '/'\.", "validation.path"),
        (r"Must be a path on the host starting with '/'.*", "validation.path"),
        (r"Must contain \{id\}, where the item's id goes\.", "validation.item_path"),
        (r"Required when auth type is (?P<kind>\w+)\.", "validation.auth_required"),
        (r"Not used (with|when) auth type (is )?(?P<kind>\w+)\.", "validation.auth_unused"),
        (r"Give either header or query_param, not both\.", "validation.header_or_query"),
        (r"Only used together with fields\.attachments\.", "validation.attachments_only"),
        # the checklist overrides (climate_plugin.checklist.overrides)
        (r"missing: every text must be given in fi, sv and en.*", "validation.required"),
        (r"use a letter then letters, digits or _ .*", "validation.question_id"),
        (r"'(?P<id>[^']*)' is already taken; every question needs its own id", "validation.id_taken"),
        (r"only a prescreen question opens categories", "validation.prescreen_only"),
        (r"at least one category must stay switched on", "validation.one_category"),
        (r"must be 'prescreen' or 'cross_cutting'", "validation.type"),
    )
)


def translate(message: str, lang: str) -> str:
    """``message`` (a schema's English message) as a sentence in ``lang``."""
    text = str(message).strip()
    for pattern, msgid in _KNOWN:
        found = pattern.match(text)
        if found:
            params = {k: v for k, v in found.groupdict().items() if v is not None}
            return t(msgid, lang, **params)
    return t("validation.other", lang, detail=text)


def known(message: str) -> bool:
    """Whether ``message`` has a translation of its own (for the test that lists the schemas' messages)."""
    return any(pattern.match(str(message).strip()) for pattern, _ in _KNOWN)
