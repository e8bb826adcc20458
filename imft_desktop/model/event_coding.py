"""Words of progression / death event columns, and what each means (1 event, 0 censored).

One vocabulary for the header recogniser (is this column event-like?), the validator
(built-in reading of a column without a user coding) and the analysis (an unmapped
column chosen as the event).  A word outside it is never guessed: it becomes a finding.

Columns whose header says the opposite ("Censored", "Alive") are inverted by the
mapping stage with an explicit coding; these defaults are for plain event columns.
"""

from __future__ import annotations

import re
from typing import Any

#: Text read as "the event happened" (progressed, relapsed or died).
EVENT_WORDS = frozenset({
    "1", "yes", "y", "true", "event", "progressed", "progression", "progressive disease",
    "pd", "relapse", "relapsed", "recurrence", "recurred", "dead", "died", "deceased",
    "death",
})
#: Text read as "censored" (no event by the last assessment).
CENSORED_WORDS = frozenset({
    "0", "no", "n", "false", "censored", "censor", "alive", "living", "no event",
    "no progression", "not progressed", "progression free", "progression-free",
    "disease free", "disease-free", "no relapse", "no recurrence",
})

#: cBioPortal's "1:PROGRESSED", "0:LIVING", "1:DECEASED".
PREFIXED = re.compile(r"^([01])\s*:\s*[a-z][a-z /_-]*$")


def event_key(value: Any) -> str | None:
    """Casefolded, space-normalised text of a cell (``True`` -> ``"true"``, 1.0 -> ``"1"``)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value != value:
            return None
        if value.is_integer():
            return str(int(value))
    text = " ".join(str(value).split()).casefold()
    return text or None


def default_code(value: Any) -> int | None:
    """1 / 0 for a value of the built-in vocabulary (or cBioPortal prefix), else None."""
    key = event_key(value)
    if key is None:
        return None
    if key in EVENT_WORDS:
        return 1
    if key in CENSORED_WORDS:
        return 0
    m = PREFIXED.match(key)
    return int(m.group(1)) if m else None


def is_event_like(value: Any) -> bool:
    """True for a value an event column may hold: the vocabulary, 2 (R coding) or a
    cBioPortal prefix."""
    return default_code(value) is not None or event_key(value) == "2"
