"""Commitments tied to an agenda item: checking them, storing them, closing them, showing them.

Finland's Sitoumus2050 criteria decide what counts: a commitment is new, concrete and measurable, with
its own target, an indicator and a timetable. "We will promote…" is refused, with a message that says how
to make it concrete; the point is a commitment that can be followed up, not a rejected form.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from climate_plugin.badges.team import recompute_awards
from climate_plugin.dates import format_date, local_today, zone_of
from climate_plugin.db import db
from climate_plugin.i18n import pick_language, t
from climate_plugin.models import AgendaItem, Commitment
from climate_plugin.models._types import utcnow
from climate_plugin.models.commitment import KEPT, NOT_KEPT, OPEN

FIELDS: tuple[str, ...] = (
    "what",
    "target",
    "indicator",
    "due_date",
    "owner",
    "owner_email",
    "challenged_committee",
)
REQUIRED: tuple[str, ...] = ("what", "target", "indicator", "due_date", "owner")
MAX_LENGTH = {
    "what": 1000,
    "target": 500,
    "indicator": 500,
    "owner": 200,
    "owner_email": 320,
    "challenged_committee": 200,
}
MAX_NOTE = 2000
#: a timetable past this is no timetable (Sitoumus2050 looks to 2050; leave room, but not forever)
MAX_YEARS_AHEAD = 30

# Words that promise a direction, not a result. Stems, so inflected forms match ("edistetään",
# "edistämme", "pyrimme", "främjar", "strives"). Only refused when the target has no number or amount.
_VAGUE = re.compile(
    r"\b(edist\w*|pyri\w*|pyrki\w*|huomioi\w*|otet\w* huomioon|ote\w* huomioon|kannust\w*|"
    r"främja\w*|sträva\w*|verka\w* för|beakta\w*|ta\w* hänsyn|uppmuntra\w*|"
    r"promot\w*|striv\w*|aim\w* to|endeavou?r\w*|encourag\w*|take\w* into account|work\w* towards?)",
    re.IGNORECASE,
)
# A target is measurable when it names an amount: a digit, or a word for one.
_AMOUNT = re.compile(
    r"\d|\b(kaikk\w*|puole\w*|kaksinker\w*|nolla\w*|yksi|kaksi|kolme|neljä|viisi|kymmen\w*|"
    r"alla|allt|hälften|noll|två|tre|fyra|fem|tio|"
    r"all|every|half|zero|two|three|four|five|ten)\b",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+")
_FI_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")

def parse_date(raw: object) -> date | None:
    """2027-03-12 (what <input type="date"> sends) or 12.3.2027 (what people type); None otherwise."""
    if isinstance(raw, date) and not isinstance(raw, datetime):
        return raw
    if not isinstance(raw, str):
        return None
    text = raw.strip()
    try:
        match = _FI_DATE.fullmatch(text)
        if match:
            return date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
        return date.fromisoformat(text) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else None
    except ValueError:
        return None


def _text(data: Mapping[str, Any], field: str) -> str:
    value = data.get(field)
    return value.strip() if isinstance(value, str) else ""


def validate_commitment(data: Mapping[str, Any], lang: str, today: date | None = None) -> dict[str, str]:
    """``{field: message}`` in ``lang``; empty when the commitment can be stored."""
    lang = pick_language(lang)
    today = today or local_today()
    errors: dict[str, str] = {}
    for field in FIELDS:
        value = data.get(field)
        if value is not None and not isinstance(value, str) and field != "due_date":
            errors[field] = t("commitment.error.not_text", lang)
    for field in REQUIRED:
        if field not in errors and not _text(data, field) and not isinstance(data.get(field), date):
            errors[field] = t(f"commitment.error.{field}_missing", lang)
    for field, limit in MAX_LENGTH.items():
        if field not in errors and len(_text(data, field)) > limit:
            errors[field] = t("commitment.error.too_long", lang, max=limit)
    for field in ("owner", "owner_email", "challenged_committee", "target", "indicator"):
        if field not in errors and "\n" in _text(data, field):
            errors[field] = t("commitment.error.one_line", lang)

    if "due_date" not in errors:
        due = parse_date(data.get("due_date"))
        if due is None:
            errors["due_date"] = t("commitment.error.due_date_format", lang)
        elif due <= today:
            errors["due_date"] = t("commitment.error.due_date_past", lang)
        elif due > today + timedelta(days=round(365.25 * MAX_YEARS_AHEAD)):
            errors["due_date"] = t("commitment.error.due_date_far", lang, years=MAX_YEARS_AHEAD)

    email = _text(data, "owner_email")
    if "owner_email" not in errors and email and not _EMAIL.fullmatch(email):
        errors["owner_email"] = t("commitment.error.owner_email", lang)

    target = _text(data, "target")
    if "target" not in errors and "what" not in errors:
        vague = _VAGUE.search(f"{_text(data, 'what')}\n{target}")
        if vague and not _AMOUNT.search(target):
            errors["target"] = t("commitment.error.vague", lang, word=vague.group(0).lower())
    return errors


def record_commitment(item: AgendaItem, data: Mapping[str, Any], lang: str) -> tuple[Commitment | None, dict]:
    """Check and store a commitment for ``item``; (row, {}) or (None, errors). The caller commits."""
    lang = pick_language(lang)
    # "after today" by the municipality's calendar, not the server's
    today = local_today(zone_of(getattr(item.connector, "municipality", None)))
    errors = validate_commitment(data, lang, today)
    if errors:
        return None, errors
    commitment = Commitment(
        item_id=item.id,
        municipality_id=item.connector.municipality_id,
        what=_text(data, "what"),
        target=_text(data, "target"),
        indicator=_text(data, "indicator"),
        due_date=parse_date(data.get("due_date")),
        owner=_text(data, "owner"),
        owner_email=_text(data, "owner_email") or None,
        challenged_committee=_text(data, "challenged_committee") or None,
        language=lang,
        status=OPEN,
    )
    db.session.add(commitment)
    db.session.flush()
    return commitment, {}


def close_commitment(
    commitment: Commitment, status: object, note: object, by: object, lang: str
) -> dict[str, str]:
    """The coordinator marks a commitment kept or not kept; the result note says what the follow-up found.

    A note is required: "kept" without what the indicator showed is a claim, not a follow-up. A wrong mark
    can be corrected by marking again; a closed commitment is never reopened.
    """
    errors: dict[str, str] = {}
    if status not in (KEPT, NOT_KEPT):
        errors["status"] = t("commitment.error.status", lang)
    if not isinstance(note, str) or not note.strip():
        errors["result_note"] = t("commitment.error.result_note_missing", lang)
    elif len(note.strip()) > MAX_NOTE:
        errors["result_note"] = t("commitment.error.too_long", lang, max=MAX_NOTE)
    if not isinstance(by, str) or not by.strip():
        errors["reviewer"] = t("coordinator.error.reviewer_missing", lang)
    elif len(by.strip()) > 200 or "\n" in by.strip():
        errors["reviewer"] = t("commitment.error.too_long", lang, max=200)
    if errors:
        return errors
    commitment.status = str(status)
    commitment.result_note = str(note).strip()
    commitment.closed_by = str(by).strip()
    commitment.closed_at = utcnow()
    db.session.flush()
    recompute_awards(commitment.item.connector.municipality)  # a kept commitment can raise a team level
    return {}


def item_commitments(item_id: int) -> list[Commitment]:
    return list(
        db.session.scalars(select(Commitment).where(Commitment.item_id == item_id).order_by(Commitment.id))
    )


def status_label(status: str, lang: str) -> str:
    return t(f"commitment.status.{status}", lang)


def commitment_json(commitment: Commitment, lang: str) -> dict[str, Any]:
    """The API shape; the owner's e-mail address is left out: anyone with the link reads the listing."""
    return {
        "id": commitment.id,
        "what": commitment.what,
        "target": commitment.target,
        "indicator": commitment.indicator,
        "due_date": commitment.due_date.isoformat(),
        "owner": commitment.owner,
        "challenged_committee": commitment.challenged_committee,
        "status": commitment.status,
        "status_label": status_label(commitment.status, lang),
        "result_note": commitment.result_note,
        "reminded": commitment.reminded_at is not None,
        "created_at": commitment.created_at.isoformat() if commitment.created_at else None,
        "closed_at": commitment.closed_at.isoformat() if commitment.closed_at else None,
    }


def commitment_text(commitment: Commitment, lang: str) -> str:
    """One paragraph for the agenda item's climate section and for e-mail."""
    text = t(
        "commitment.block.line",
        lang,
        what=commitment.what,
        target=commitment.target,
        indicator=commitment.indicator,
        due=format_date(commitment.due_date, lang),
        owner=commitment.owner,
        status=status_label(commitment.status, lang),
    )
    if commitment.challenged_committee:
        text += " " + t("commitment.block.challenge", lang, committee=commitment.challenged_committee)
    return text


def block_commitments(item: Any, lang: str) -> list[dict[str, Any]]:
    """The item's commitments for the climate block: only stored fields, so the block stays deterministic.

    ``reminder_sent`` is what carries a reminder to hosts that take writes: once it turns true the block
    changes and is written back, and the host shows the commitment as due soon.
    """
    if getattr(item, "id", None) is None:
        return []  # not stored yet, so nothing can be committed to it
    lang = pick_language(lang)
    return [
        {
            "what": c.what,
            "target": c.target,
            "indicator": c.indicator,
            "due_date": c.due_date.isoformat(),
            "owner": c.owner,
            "challenged_committee": c.challenged_committee or "",
            "status": c.status,
            "reminder_sent": c.reminded_at is not None,
            "text": commitment_text(c, lang),
        }
        for c in item_commitments(item.id)
    ]


def commitment_facts(item_id: int) -> dict[str, bool]:
    """For the badge rules: whether the item has a commitment, and one kept with a recorded result."""
    rows = item_commitments(item_id)
    return {
        "made": bool(rows),
        "kept": any(c.status == KEPT and (c.result_note or "").strip() for c in rows),
    }
