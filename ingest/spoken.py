"""Spoken headings: a turn or cue that opens by announcing an agenda item ("The second item is…",
"Last item:", "Item 3:", "Next on the agenda is…"), perhaps after a short courtesy or filler
("Thank you.", "Thanks, Maria.", "Okay, thank you all.", "So", "Moving on.")."""

from __future__ import annotations

import re

from core.text import COUNTING, alternatives

_ANNOUNCEMENT = (
    r"(?:the )?(?:first|second|third|fourth|fifth|sixth|next|last|final) (?:item|agenda item)\b"
    rf"|(?:agenda )?item (?:number )?(?:\d+|{alternatives(COUNTING[1:7])})\s*[:.,-]"
    r"|(?:now )?moving on to (?:the )?(?:next )?(?:item|agenda)"
    r"|next (?:up )?on (?:the |our )?agenda\b"
)
# thanks / thank you (very much), with at most two words after it before a stop ("Thanks, Maria.",
# "Thank you all.", "Thank you for that,"); or a filler word that opens a turn
_WORD = r"[^\W\d_][\w'’-]*"
_THANKS = rf"(?:many )?thank(?:s| you)(?: (?:so|very) much)?(?:,? {_WORD}(?: {_WORD})?(?=\s*[.,!;:—–-]))?"
_FILLER = r"okay|ok|yeah|alright|all right|right|so|well|now|good|great|and|moving on"
_COURTESY = rf"(?:(?:{_THANKS}|{_FILLER})(?:\s*[.,!;:—–-]\s*|\s+)){{1,3}}"

SPOKEN_HEADING = re.compile(rf"(?:{_COURTESY})?(?:{_ANNOUNCEMENT})", re.IGNORECASE)


def is_spoken_heading(text: str) -> bool:
    """True when the text opens by announcing an agenda item, after at most a short courtesy."""
    return SPOKEN_HEADING.match(text.lstrip()) is not None
