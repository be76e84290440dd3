"""Climate relevance screening of agenda items (fi, sv, en).

Read the title and the body by its parts (structure.py: proposal and decision first, boilerplate not at
all), lemmatise with simplemma, match per-language lexicons (compound parts only where the rest is a real
word), and let a linear model fitted on real labelled items (learned.py) decide the level and the categories
at the municipality's operating point; the lexicon gives the evidence a person reads. docs/screening.md.
"""

from .jsonl import screen_jsonl
from .learned import DEFAULT_SENSITIVITY, UnknownSensitivity, sensitivities
from .model import CATEGORIES, Evidence, ScreeningResult
from .screen import screen

#: Stored with each result so stored screenings can be recomputed when the method changes.
SCREENING_VERSION: str = "5.5"


def screening_version(sensitivity: str | None = None) -> str:
    """What a stored screening was computed with: the method's version, and the operating point when it is
    not the default ("5.5:strict"), so that choosing another sensitivity screens the items again."""
    name = sensitivity or DEFAULT_SENSITIVITY
    return SCREENING_VERSION if name == DEFAULT_SENSITIVITY else f"{SCREENING_VERSION}:{name}"

__all__ = [
    "CATEGORIES",
    "DEFAULT_SENSITIVITY",
    "SCREENING_VERSION",
    "Evidence",
    "ScreeningResult",
    "UnknownSensitivity",
    "screen",
    "screen_jsonl",
    "screening_version",
    "sensitivities",
    "warm_up",
]


def warm_up() -> None:
    """Load the fi, sv and en dictionaries and the model now rather than on the first item of each language.

    First builds simplemma's lemma tries where this machine has none yet (lemmas.prepare(): once per
    machine, in child processes, about a minute), then loads them. A worker calls this before it forks, so
    its children share them.
    """
    from . import lemmas

    lemmas.prepare()
    for title, language in (("Kaavoitus", "fi"), ("Detaljplan", "sv"), ("Zoning plan", "en")):
        screen(title, "", language)  # also reads the fitted model
