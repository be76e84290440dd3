"""Item badges: the rules, read from an item's current assessment and its commitments.

Badges are computed from stored records only, so they can be recomputed at any time and never depend on
who is looking.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import literal, select
from sqlalchemy.orm import object_session
from sqlalchemy.orm.exc import UnmappedInstanceError

from climate_plugin.badges.catalogue import BADGES, BadgeDefinition
from climate_plugin.checklist import DIRECTIONAL_RATINGS, RATING_CODES

#: the commitments engineer's table (climate_plugin/models/commitment.py); read by name, see commitments_for
COMMITMENT_TABLE = "commitment"
KEPT = "kept"
#: a commitment marked kept without the follow-up result: made, but not (yet) counted as kept
KEPT_UNRECORDED = "kept_unrecorded"


def _filled(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def ratings_complete(answers: Mapping[str, Any]) -> bool:
    """climate_assessed: every rating other than "0" has a justification, and at least one rating says
    which way the effect goes (++, +, -, --). All-"0" or all-"?" answers do not count: the badge must never
    reward a "no impact" verdict or an empty form."""
    ratings = answers.get("ratings")
    if not isinstance(ratings, Mapping) or not ratings:
        return False
    directional = False
    for entry in ratings.values():
        if not isinstance(entry, Mapping) or entry.get("rating") not in RATING_CODES:
            return False
        rating = entry["rating"]
        if rating != "0" and not _filled(entry.get("justification")):
            return False
        directional = directional or rating in DIRECTIONAL_RATINGS
    return directional


def question_answered(answers: Mapping[str, Any], qid: str) -> bool:
    questions = answers.get("questions")
    return isinstance(questions, Mapping) and _filled(questions.get(qid))


def commitment_made(answers: Mapping[str, Any]) -> bool:
    """Sitoumus2050: its own target, an indicator and a timetable, all written down (in the answers)."""
    commitment = answers.get("commitment")
    return isinstance(commitment, Mapping) and all(
        _filled(commitment.get(key)) for key in ("target", "indicator", "deadline")
    )


def commitment_kept(answers: Mapping[str, Any]) -> bool:
    """A made commitment marked kept, with the follow-up result recorded (the claim alone is not enough)."""
    commitment = answers.get("commitment")
    return (
        commitment_made(answers)
        and commitment.get("kept") is True
        and _filled(commitment.get("follow_up"))
    )


def commitments_for(item: Any) -> list[str]:
    """The statuses ("open", "kept", "not_kept") of the item's recorded commitments.

    The Commitment model is built in parallel with the badges; the table is read by name from the shared
    metadata, so badges work before and after it lands. Only stored commitments count: the commitments
    service refuses vague ones (no target, indicator or date), so a stored one is concrete by construction.
    Items that are not database rows (tests, previews) have none.
    """
    try:
        session = object_session(item)
    except UnmappedInstanceError:
        return []
    if session is None or getattr(item, "id", None) is None:
        return []
    from climate_plugin.db import db

    table = db.metadata.tables.get(COMMITMENT_TABLE)
    if table is None or "item_id" not in table.c or "status" not in table.c:
        return []
    note = table.c.get("result_note")
    statuses = []
    for status, result in session.execute(
        select(table.c.status, note if note is not None else literal("")).where(table.c.item_id == item.id)
    ):
        if status == KEPT and note is not None and not _filled(result):
            # the published rule: kept counts once the follow-up result is written down, not on the claim
            status = KEPT_UNRECORDED
        statuses.append(str(status))
    return statuses


def withheld(assessment: Any) -> bool:
    """Achievement badges are withheld from a draft and from an assessment under review (the item's text
    changed after it was submitted) until the preparer confirms or revises it."""
    return bool(getattr(assessment, "needs_review", False)) or getattr(assessment, "state", None) == "draft"


def earned_codes(assessment: Any, commitment_statuses: list[str] | tuple[str, ...] = ()) -> set[str]:
    """The item badge codes the records earn, game settings aside."""
    answers = assessment.answers if isinstance(assessment.answers, Mapping) else {}
    if withheld(assessment):
        answers = {}
        commitment_statuses = ()
    assessed = ratings_complete(answers)
    earned = {
        # The marker disappears once the preparer has assessed the impacts: it is a to-do, not a label.
        "climate_check_recommended": assessment.relevance == "high" and not assessed,
        "climate_assessed": assessed,
        "alternatives_considered": question_answered(answers, "X1"),
        "indicator_set": question_answered(answers, "X5"),
        "commitment_made": commitment_made(answers) or bool(commitment_statuses),
        "commitment_kept": commitment_kept(answers) or KEPT in commitment_statuses,
    }
    return {code for code, on in earned.items() if on}


def settled(item: Any, assessment: Any) -> Any:
    """The revision badges are read from: a draft saved on top of a submitted assessment must not make
    its badges flicker away while the preparer edits, so a draft falls back to the last revision that is
    not one (and a draft with nothing before it earns nothing: see ``withheld``)."""
    if getattr(assessment, "state", None) != "draft":
        return assessment
    for earlier in reversed(list(getattr(item, "assessments", None) or ())):
        if getattr(earlier, "state", None) != "draft":
            return earlier
    return assessment


def _item_badges_on(item: Any) -> bool:
    municipality = getattr(getattr(item, "connector", None), "municipality", None)
    enabled = getattr(municipality, "game_enabled", None)
    return enabled("item_badges") if callable(enabled) else True


def item_badges(item: Any, assessment: Any | None) -> list[BadgeDefinition]:
    """The badges an item has, from its (current) assessment and its commitments; catalogue order.

    A municipality that switched item badges off still sees status markers: they say what is left to do
    and reward nothing.
    """
    if assessment is None:
        return []
    earned = earned_codes(settled(item, assessment), commitments_for(item))
    show_achievements = _item_badges_on(item)
    return [
        badge
        for code, badge in BADGES.items()
        if code in earned and (badge.kind == "status" or show_achievements)
    ]
