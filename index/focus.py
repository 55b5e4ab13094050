"""The part of a question that says what to look for, without its request phrasing.

"Summarize the discussion about the remote's battery" asks about the battery; its first
words match every meeting equally and only add noise to keyword scoring.
"""

from __future__ import annotations

import re

_REQUEST = re.compile(
    r"""^\s*(?:
        (?:please\s+)?(?:summari[sz]e|sum\s+up|describe|outline|explain|tell\s+me)\s+
            (?:(?:the|their|his|her|its|a)\s+)?(?:whole\s+)?
            (?:discussions?|conversations?|debates?|talks?|presentations?|decisions?|opinions?|views?|plans?|points?|
               arguments?|ideas?|thoughts?|remarks?|reasons?)?\s*
            (?:about|on|of|regarding|concerning|around|for)?\s*
      | what\s+(?:was|were|is|are)\s+(?:the\s+)?(?:discussions?|debates?|conversations?|decisions?)\s+
            (?:about|on|of|regarding)\s+
    )""",
    re.IGNORECASE | re.VERBOSE,
)
# Words of meeting talk itself: they occur in every transcript and say nothing about the subject.
MEETING_WORDS = frozenset(
    {
        "summarize",
        "summarise",
        "summary",
        "discuss",
        "discussed",
        "discussion",
        "discussions",
        "talk",
        "talked",
        "say",
        "said",
        "think",
        "thought",
        "opinion",
        "opinions",
        "view",
        "views",
        "mention",
        "mentioned",
        "meeting",
        "group",
        "team",
    }
)


def focus(question: str) -> str:
    """The question without a leading request phrase ("Summarize the discussion about ...")."""
    stripped = _REQUEST.sub("", question, count=1).strip()
    return stripped if re.search(r"\w", stripped) else question


def keyword_query(question: str) -> str:
    """The words worth matching: the focused question without the vocabulary of meetings."""
    words = focus(question).split()
    kept = [word for word in words if re.sub(r"\W", "", word.lower()) not in MEETING_WORDS]
    return " ".join(kept) if kept else question
