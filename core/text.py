"""Words, sentences and clock times: the one definition of each that chunking, keyword search,
speaker mentions, answers and rendering share."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import cache

# A word: a run of letters, digits or underscores, in any script.
WORD = re.compile(r"\w+")

# A sentence ends at . ! ? or …, perhaps followed by a closing quote or bracket, then a space; not
# after a title or abbreviation. So "e.g. 3.5", "Dr. Ashraf" and "window.open" stay whole.
ABBREVIATIONS = ("Dr.", "Mr.", "Ms.", "Mrs.", "Prof.", "Hon.", "St.", "vs.", "e.g.", "i.e.")
_NOT_AFTER = "".join(rf"(?<!\b{re.escape(word)})" for word in ABBREVIATIONS)
SENTENCE_END = re.compile(rf"(?:(?<=[.!?…])|(?<=[.!?…][\"'”’)\]])){_NOT_AFTER}\s+")

MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
# Numbers in words: COUNTING[n] is n, then the tens and the large units.
COUNTING = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
)  # fmt: skip
TENS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
LARGE = ("hundred", "thousand", "million", "billion")
ORDINALS = (
    "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth", "eleventh",
    "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth", "eighteenth", "nineteenth",
    "twentieth", "thirtieth",
)  # fmt: skip


def alternatives(words: Sequence[str]) -> str:
    """Words as a regular expression's alternatives, in their order: "one|two|three"."""
    return "|".join(words)


@cache
def stop_words(extended: bool = True) -> frozenset[str]:
    """English function words as bm25s ships them: NLTK's list, or (`extended`) that list and more."""
    from bm25s.stopwords import STOPWORDS_EN, STOPWORDS_EN_PLUS

    return frozenset(STOPWORDS_EN_PLUS if extended else STOPWORDS_EN)


def month_number(word: str) -> int | None:
    """1 to 12 for a month's name or its abbreviation of three letters or more ("sept", "Feb")."""
    word = word.lower()
    return next((n for n, name in enumerate(MONTHS, start=1) if len(word) >= 3 and name.startswith(word)), None)


@cache
def stemmer():
    """The English Snowball stemmer (PyStemmer) that keyword search and topics share."""
    import Stemmer

    return Stemmer.Stemmer("english")


def words(text: str) -> list[str]:
    return WORD.findall(text)


def word_spans(text: str) -> Iterator[re.Match[str]]:
    return WORD.finditer(text)


def sentence_spans(text: str) -> list[tuple[int, str]]:
    """(offset, sentence) for each sentence of `text`; each sentence keeps the space after it, so
    the pieces joined give the text back."""
    spans: list[tuple[int, str]] = []
    start = 0
    for match in SENTENCE_END.finditer(text):
        spans.append((start, text[start : match.end()]))
        start = match.end()
    if start < len(text):
        spans.append((start, text[start:]))
    return spans


def sentences(text: str) -> list[str]:
    """The sentences of `text`, stripped, empty ones left out."""
    return [piece for _, sentence in sentence_spans(text) if (piece := sentence.strip())]


# Terminal control: whole escape sequences first (OSC, DCS, SOS, PM and APC strings ended by BEL or
# ST; CSI sequences; two-character escapes such as ESC c), then any other C0 or C1 control or DEL.
# Tab and newline are text.
_STRING_SEQUENCE = r"(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)"
_CSI_SEQUENCE = r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"
_OTHER_ESCAPE = r"\x1b[ -/]*[0-~]"
# Bidirectional overrides, embeddings and isolates reorder what is shown ("Trojan source"): never text either.
BIDI_CONTROL = "\u202a-\u202e\u2066-\u2069"
CONTROL = re.compile(
    rf"{_STRING_SEQUENCE}|{_CSI_SEQUENCE}|{_OTHER_ESCAPE}|[\x00-\x08\x0b-\x1f\x7f-\x9f{BIDI_CONTROL}]"
)


def printable(text: str) -> str:
    """The text without terminal escape sequences (removed whole) and without any other control
    character but tab and newline: what is safe to store and to print."""
    return CONTROL.sub("", text)


def one_line(text: str) -> str:
    """Text taken from a file (a name, a label, a message) to show on one line: no control character
    (`printable`), its line breaks, tabs and runs of spaces written as one space."""
    return " ".join(printable(text).split())


def clock(seconds: float | None) -> str:
    """A time in a recording as H:MM:SS; empty when unknown."""
    if seconds is None:
        return ""
    whole = int(seconds)
    return f"{whole // 3600}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


# Speech fillers and false starts, which a reader of a quote does not need: "um", "uh", "er", "hmm",
# "mm-hmm", "you know" set off by commas, a word said twice or more ("the the"), and a word broken
# off ("I- I think", "we- we're").
_FILLER = re.compile(
    r"(?:(?<=^)|(?<=[\s,(]))(?:u+m+|u+h+|e+r+m*|h+m+|m+h?m+(?:-?h+m+)?|a+h+)(?:[,.…]?(?=\s|$)|,)\s*", re.IGNORECASE
)
_YOU_KNOW = re.compile(r"(?:,\s*you know(?:,(?=\s)|(?=[.!?…]|$))|(?<![\w'])you know,\s*|^you know\s+)", re.IGNORECASE)
# English doubles some words on purpose ("we had had enough", "what it is is"): those stay.
_REPEATED = re.compile(r"\b(?!(?:had|that|is|do)\b)(\w+(?:'\w+)?)(?:,?\s+\1\b)+", re.IGNORECASE)
_BROKEN_OFF = re.compile(r"\b\w+-\s+(?=\w)")
_SPACES = re.compile(r"\s{2,}")
_SPACE_BEFORE_MARK = re.compile(r"\s+([,.!?;:])")  # not "…": it stands between quoted sentences
_DOUBLE_COMMA = re.compile(r",\s*(?=[,.!?…])")


def without_fillers(text: str) -> str:
    """The text with speech fillers and false starts removed; nothing else changes. A text that
    would be left empty is returned as it was."""
    cleaned = _FILLER.sub("", text)
    cleaned = _YOU_KNOW.sub("", cleaned)
    cleaned = _BROKEN_OFF.sub("", cleaned)
    cleaned = _REPEATED.sub(lambda match: match[1], cleaned)
    cleaned = _SPACE_BEFORE_MARK.sub(r"\1", _SPACES.sub(" ", cleaned))
    cleaned = _DOUBLE_COMMA.sub("", cleaned).strip(" ,")
    if not WORD.search(cleaned):
        return text
    return cleaned[0].upper() + cleaned[1:] if text[:1].isupper() and cleaned[:1].islower() else cleaned
