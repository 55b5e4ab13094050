"""A meeting named in words ("the February school board meeting", "last Tuesday's council
session", "the product sync") resolved to meeting ids from their titles, ids and dates."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date as Date

from core.errors import QueryError
from core.models import Meeting
from core.text import WEEKDAYS, month_number

_WORD = re.compile(r"\d{4}-\d{2}-\d{2}|[^\W_]+", re.UNICODE)
_ORDINAL = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?$")
GENERIC = frozenset(
    [
        "the",
        "this",
        "that",
        "our",
        "a",
        "an",
        "last",
        "latest",
        "first",
        "earliest",
        "recent",
        "most",
        "yesterday",
        "today",
        "meeting",
        "meetings",
        "session",
        "sessions",
        "call",
        "calls",
        "s",
        "on",
        "from",
        "of",
        "held",
        "in",
        "dated",
    ]
)  # words that name no meeting in particular
LATEST = frozenset({"last", "latest", "recent"})
EARLIEST = frozenset({"first", "earliest"})


def _words(text: str) -> list[str]:
    return [word.casefold() for word in _WORD.findall(text.replace("’", "'").replace("'s", " "))]


def _fits_date(word: str, when: Date | None) -> bool | None:
    """Whether a word of the phrase fits the meeting's date; None when the word is no date."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", word):
        return when is not None and when.isoformat() == word
    if (month := month_number(word)) is not None:
        return when is not None and when.month == month
    if word in WEEKDAYS:
        return when is not None and WEEKDAYS[when.weekday()] == word
    if re.fullmatch(r"\d{4}", word):
        return when is not None and when.year == int(word)
    if match := _ORDINAL.match(word):
        return when is not None and when.day == int(match[1])
    return None


def match_score(phrase: str, meeting: Meeting) -> float:
    """The share of the phrase's particular words that the meeting's title, id or date hold; a
    date word that the meeting's date contradicts rules it out (0)."""
    own = set(_words(f"{meeting.title} {meeting.meeting_id.replace('_', ' ').replace('-', ' ')}"))
    particular = [word for word in _words(phrase) if word not in GENERIC]
    if not particular:
        return 0.0
    held = 0
    for word in particular:
        fits = _fits_date(word, meeting.date)
        if fits is False:
            return 0.0
        held += fits is True or word in own or (word.endswith("s") and word[:-1] in own)
    return held / len(particular)


def resolve(phrase: str, meetings: Sequence[Meeting], context: str = "") -> list[Meeting]:
    """The meetings a phrase names, best first: those whose title, id and date hold the most of
    its particular words (at least half); "last" or "first" picks the latest or earliest of them.
    A QueryError names the closest meetings when none or several fit."""
    scored = sorted(((match_score(phrase, m), m) for m in meetings), key=lambda pair: -pair[0])
    best = scored[0][0] if scored else 0.0
    if best < 0.5:
        raise QueryError(
            f"no meeting matches {phrase!r}; closest: {_listed([m for _, m in scored[:3]])}. "
            "Name it by its title, date or id (onrecord list shows them)"
        )
    chosen = [m for score, m in scored if score == best]
    if len(chosen) > 1 and context:  # "the council … at its June session": the rest of the question breaks the tie
        by_context = [(match_score(context, m), m) for m in chosen]
        top = max(score for score, _ in by_context)
        chosen = [m for score, m in by_context if score == top]
    words = set(_words(phrase))
    if len(chosen) > 1 and words & (LATEST | EARLIEST):
        dated = sorted((m for m in chosen if m.date), key=lambda m: m.date)
        if dated:
            chosen = [dated[-1] if words & LATEST else dated[0]]
    if len(chosen) > 1:
        raise QueryError(f"{len(chosen)} meetings match {phrase!r}: {_listed(chosen[:5])}. Name one by its date or id")
    return chosen


def _listed(meetings: Sequence[Meeting]) -> str:
    return (
        "; ".join(f"{m.meeting_id} ({m.title}{', ' + m.date.isoformat() if m.date else ''})" for m in meetings)
        or "none in the library"
    )


def is_particular(phrase: str) -> bool:
    """Whether a phrase says which meeting (beyond "the meeting", "this call")."""
    return any(word not in GENERIC for word in _words(phrase))


_AT_THE = re.compile(r"\b(?:at|in|during|from)\s+(?:the|its|their)\s+((?:[\w'’-]+\s*){1,3})", re.IGNORECASE)


def _names_date(word: str) -> bool:
    """A month ("may" is a verb far more often), a year or a date: a weekday or a day of the month alone is not."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}|(?:19|20)\d\d", word):
        return True
    return word != "may" and month_number(word) is not None and len(word) >= 3 and not word.isdigit()


def meeting_words(question: str, meetings: Sequence[Meeting]) -> list[str]:
    """The words of a question that may name a meeting: months, years and dates, and the capitalized
    words and those after "at the" that some meeting's title or id holds ("Kestrel Bay", "council")."""
    own = set()
    for meeting in meetings:
        own |= set(_words(f"{meeting.title} {meeting.meeting_id.replace('_', ' ').replace('-', ' ')}"))
    tokens = _WORD.findall(question)
    particular = {word.casefold() for word in tokens[1:] if word[:1].isupper()}
    particular |= {word.casefold() for match in _AT_THE.finditer(question) for word in _WORD.findall(match[1])}
    return [
        word
        for word in dict.fromkeys(word.casefold() for word in tokens)
        if word not in GENERIC and (_names_date(word) or word in own and word in particular)
    ]


def named_in(question: str, meetings: Sequence[Meeting], context: str = "") -> Meeting | None:
    """The meeting that words of a question name (meeting_words), when they name one ("in March",
    "the Kestrel Bay council", "at the council"), ties broken by `context` (the meeting a thread was
    about). None when no word names a meeting or several fit."""
    naming = meeting_words(question, meetings)
    if not naming:
        return None
    try:
        chosen = resolve(" ".join(naming), meetings, context)
    except QueryError:
        return None
    return chosen[0]
