"""Climate relevance screening of agenda items (fi, sv, en).

Lemmatise with simplemma, match per-language lexicons (with compound parts), weigh title over body, dampen
routine items, and return the level, the checklist categories and the evidence behind them.
"""

from .jsonl import screen_jsonl
from .model import CATEGORIES, Evidence, ScreeningResult
from .screen import screen

#: Stored with each result so stored screenings can be recomputed when the method changes.
SCREENING_VERSION: str = "2"

__all__ = [
    "CATEGORIES",
    "SCREENING_VERSION",
    "Evidence",
    "ScreeningResult",
    "screen",
    "screen_jsonl",
    "warm_up",
]


def warm_up() -> None:
    """Load simplemma's fi, sv and en dictionaries now rather than on the first item of each language.

    They are simplemma's low-memory (front-coded) backend, shared by lemmatisation and language detection:
    about 2 s and 60 MB for the three. A worker calls this before it forks, so its children share them.
    """
    for title, language in (("Kaavoitus", "fi"), ("Detaljplan", "sv"), ("Zoning plan", "en")):
        screen(title, "", language)
