"""Loading JSON transcripts with messages that say where the JSON is broken."""

from __future__ import annotations

import json

from core.errors import ParseError
from ingest.formats.base import Source


def looks_like_json(text: str, key: str) -> bool:
    return text.lstrip("\ufeff \t\r\n")[:1] in ("{", "[") and f'"{key}"' in text


def load(source: Source) -> object:
    try:
        return json.loads(source.text.lstrip("\ufeff"))
    except json.JSONDecodeError as error:
        raise ParseError(source.path, f"invalid JSON: {error.msg}", "fix the JSON syntax", line=error.lineno) from error


def shape_error(source: Source, problem: str, expected: str) -> ParseError:
    return ParseError(source.path, f"JSON of the wrong shape: {problem}", f"expected {expected}")
