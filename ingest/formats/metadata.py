"""What a transcript says about itself: its title and date, from `Title:` and `Date:` lines, a
heading-like first line or note, or written in words ("February 10, 2025")."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date as Date

from core.text import month_number

# `Title: …`, `Meeting: …` and `Subject: …` name the meeting; `Date: …` dates it.
_FIELD = re.compile(
    r"^(?P<key>title|meeting|subject|date|media|video|recording|url)\s*:\s*(?P<value>\S.*)$", re.IGNORECASE
)
_KINDS = {"date": "date", "media": "media", "video": "media", "recording": "media", "url": "media"}
TITLE_MAX_CHARS = 80
# A line that says where the file came from rather than what the meeting was.
_PROVENANCE = re.compile(
    r"\b(?:generated|transcribed|exported|converted|created with|made with|copyright|subtitles? by|captions? by)\b"
    r"|©|https?://|www\.",
    re.IGNORECASE,
)
_KEY = re.compile(r"^[\w-]+\s*[:=]")  # "Kind: captions", "Language: en": a setting, not a name
_ISO_DATE = re.compile(r"(?<!\d)(\d{4})[-_.](\d{2})[-_.](\d{2})(?!\d)")
_ORDINAL = r"(?:st|nd|rd|th)?"
_DAY_MONTH_YEAR = re.compile(rf"\b(\d{{1,2}}){_ORDINAL}\s+(?:of\s+)?([a-z]{{3,9}})\.?,?\s+(\d{{4}})\b", re.IGNORECASE)
_MONTH_DAY_YEAR = re.compile(rf"\b([a-z]{{3,9}})\.?\s+(\d{{1,2}}){_ORDINAL},?\s+(\d{{4}})\b", re.IGNORECASE)


def field(line: str) -> tuple[str, str] | None:
    """("title", value), ("date", value) or ("media", value) for a metadata line (`Title:`,
    `Meeting:`, `Subject:`; `Date:`; `Media:`, `Video:`, `Recording:`, `URL:`), else None."""
    match = _FIELD.match(line.strip())
    if match is None:
        return None
    return _KINDS.get(match["key"].lower(), "title"), match["value"].strip()


def looks_like_title(text: str) -> bool:
    """A short single line that starts like a name and does not end like a sentence, and that is
    no note of where the file came from: "Board of Trustees — regular meeting"."""
    text = text.strip()
    return (
        0 < len(text) <= TITLE_MAX_CHARS
        and "\n" not in text
        and (text[0].isupper() or text[0].isdigit())
        and text[-1] not in ".!?,;:"
        and not _KEY.match(text)
        and not _PROVENANCE.search(text)
    )


def heading(lines: Iterable[str], title_lines: bool = True) -> tuple[str | None, Date | None]:
    """The title and date that lines give: from `Title:` and `Date:` fields, else (with
    `title_lines`) the first line that looks like a title."""
    title = date = first_title = None
    for line in lines:
        found = field(line)
        if found is None:
            first_title = first_title or (line.strip() if title_lines and looks_like_title(line) else None)
        elif found[0] == "title":
            title = title or found[1]
        elif found[0] == "date":
            date = date or find_date(found[1])
    return title or first_title, date


def find_date(text: str) -> Date | None:
    """The first plausible date in a title or file name: ISO-style (2022-03-24, 2022_03_24), else
    written with the month's name ("February 10, 2025", "10 Feb 2025", "March 3rd 2024")."""
    for match in _ISO_DATE.finditer(text):
        if found := _date(match[1], match[2], match[3]):
            return found
    for pattern, order in ((_MONTH_DAY_YEAR, (3, 1, 2)), (_DAY_MONTH_YEAR, (3, 2, 1))):
        for match in pattern.finditer(text):
            year, month, day = (match[group] for group in order)
            if (number := month_number(month)) and (found := _date(year, number, day)):
                return found
    return None


def readable_id(meeting_id: str) -> str:
    """A title for a file that gives none, read from its id: "board_2025-02-10" reads "Board" (the
    date is shown as the meeting's date), "science_podcast_ep7" "Science podcast ep7"."""
    words = re.sub(r"[_\s-]+", " ", _ISO_DATE.sub(" ", meeting_id)).strip(" .")
    return words[0].upper() + words[1:] if words else meeting_id


def _date(year: str | int, month: str | int, day: str | int) -> Date | None:
    try:
        return Date(int(year), int(month), int(day))
    except ValueError:
        return None
