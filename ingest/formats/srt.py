from __future__ import annotations

import re

from core.models import Transcript
from ingest.formats.base import Format, Source, build, register
from ingest.formats.captions import leading_blocks, parse_cues
from ingest.formats.metadata import field, heading, looks_like_title
from ingest.formats.timed import merge

_FIRST_CUE = re.compile(r"^\s*\d+\s*\n\s*\d{1,2}:\d{2}:\d{2}[,.]\d{1,3}\s*-->")


def sniff(text: str) -> bool:
    return bool(_FIRST_CUE.match(text.lstrip("\ufeff")))


def parse(source: Source) -> Transcript:
    lines = source.text.lstrip("\ufeff").splitlines()
    blocks, start = leading_blocks(lines)
    # Blocks above the first cue that are no header are broken cues, which parse_cues names.
    header = [line for block in blocks for line in block] if all(map(_is_header, blocks)) else []
    title, date = heading(header)
    start = start if header else 0
    segments = parse_cues(source, lines[start:], start + 1, "srt")
    return build(source, merge(segments), "srt", title=title, date=date)


def _is_header(block: list[str]) -> bool:
    """A block above the first cue that names the meeting: `Title:` or `Date:` lines, or a title."""
    return not block[0].isdigit() and all(field(line) or looks_like_title(line) for line in block)


register(Format("srt", (".srt",), sniff, parse, "SRT captions; speakers from 'Name:' prefixes"))
