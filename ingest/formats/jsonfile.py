"""Loading JSON transcripts with messages that say where the JSON is broken."""

from __future__ import annotations

import json
from datetime import date as Date

from core.errors import ParseError
from core.text import printable
from ingest.formats.base import Source
from ingest.formats.metadata import find_date

TITLE_KEYS = ("title", "meeting_title", "meeting")


def looks_like_json(text: str, key: str) -> bool:
    return text.lstrip("\ufeff \t\r\n")[:1] in ("{", "[") and f'"{key}"' in text


def load(source: Source) -> object:
    """The decoded JSON, every string in it without control characters: escapes such as \\u001b
    decode to terminal control, which the raw text did not show."""
    try:
        return _printable_strings(json.loads(source.text.lstrip("\ufeff")))
    except json.JSONDecodeError as error:
        raise ParseError(source.path, f"invalid JSON: {error.msg}", "fix the JSON syntax", line=error.lineno) from error
    except RecursionError as error:
        raise ParseError(source.path, "JSON nested too deeply", "give a transcript's JSON") from error


def _printable_strings(data: object) -> object:
    if isinstance(data, str):
        return printable(data)
    pending = [data] if isinstance(data, list | dict) else []
    while pending:
        node = pending.pop()
        for key, value in list(node.items() if isinstance(node, dict) else enumerate(node)):
            if isinstance(value, str):
                node[key] = printable(value)
            elif isinstance(value, list | dict):
                pending.append(value)
    return data


def title_and_date(data: object) -> tuple[str | None, Date | None]:
    """The title ('title', 'meeting_title' or 'meeting') and 'date' a JSON transcript gives, if any."""
    if not isinstance(data, dict):
        return None, None
    titles = (data.get(key) for key in TITLE_KEYS)
    title = next((value.strip() for value in titles if isinstance(value, str) and value.strip()), None)
    date = data.get("date")
    return title, find_date(date) if isinstance(date, str) else None


def shape_error(source: Source, problem: str, expected: str) -> ParseError:
    return ParseError(source.path, f"JSON of the wrong shape: {problem}", f"expected {expected}")
