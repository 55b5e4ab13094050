"""Caption cues shared by WebVTT and SRT.

Parsed here rather than with webvtt-py or pysrt: both skip a cue whose timing line
is broken without a word, and a transcript that silently loses passages is worse
than one that names the line to fix.
"""

from __future__ import annotations

import re

from core.errors import ParseError
from ingest.formats.base import Source
from ingest.formats.timed import Segment, labelled

_TIME = r"(?:(\d+):)?([0-5]?\d):([0-5]\d)(?:[.,](\d{1,3}))?"
TIMING = re.compile(rf"^\s*{_TIME}\s*-->\s*{_TIME}(?:\s+.*)?$")
_VOICE = re.compile(r"<v(?:\.[\w.-]+)?\s+([^>]+)>")
# Only WebVTT's own cue markup is removed; anything else in a caption is text.
_MARKUP = re.compile(r"</?(?:v|c|i|b|u|ruby|rt|lang)(?:[.\s][^>]*)?>|<\d{1,2}:\d{2}(?::\d{2})?\.\d{3}>")


def seconds(hours: str | None, minutes: str, secs: str, millis: str | None) -> float:
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(secs) + int((millis or "0").ljust(3, "0")) / 1000


def parse_cues(source: Source, lines: list[str], first_line: int, fmt: str) -> list[Segment]:
    """Cues from caption lines: blocks separated by blank lines, each with one timing line."""
    segments: list[Segment] = []
    block: list[tuple[int, str]] = []
    for number, line in enumerate([*lines, ""], start=first_line):
        if line.strip():
            block.append((number, line.rstrip()))
            continue
        if block:
            cue = _cue(source, block, fmt)
            if cue is not None:
                segments.append(cue)
            block = []
    if not segments:
        raise ParseError(source.path, f"no caption cues found in this {fmt} file", "check that it has timed cues")
    return segments


def leading_blocks(lines: list[str]) -> tuple[list[list[str]], int]:
    """The blocks of lines (stripped) before the first cue, and the index of that cue's first line."""
    blocks: list[list[str]] = []
    block: list[str] = []
    start = 0
    for number, line in enumerate([*lines, ""]):
        if line.strip():
            start = start if block else number
            block.append(line.strip())
        elif block:
            if any("-->" in text for text in block):
                return blocks, start
            blocks.append(block)
            block = []
    return blocks, len(lines)


def _cue(source: Source, block: list[tuple[int, str]], fmt: str) -> Segment | None:
    timing_at = next((i for i, (_, line) in enumerate(block) if "-->" in line), None)
    first_number, first = block[0]
    if timing_at is None:
        if fmt == "vtt" and first.split(maxsplit=1)[0] in ("NOTE", "STYLE", "REGION"):
            return None
        raise ParseError(
            source.path,
            f"a {fmt.upper()} cue without a timing line ('00:00:01.000 --> 00:00:04.000')",
            "add the cue's timing line or remove the block",
            line=first_number,
        )
    number, timing = block[timing_at]
    match = TIMING.match(timing)
    if not match:
        raise ParseError(
            source.path,
            f"broken cue timing {timing.strip()!r}",
            "write it as HH:MM:SS.mmm --> HH:MM:SS.mmm",
            line=number,
        )
    start, end = seconds(*match.groups()[:4]), seconds(*match.groups()[4:])
    if end < start:
        raise ParseError(
            source.path,
            f"cue ends ({timing.split('-->')[1].strip()}) before it starts",
            "fix the cue's end time",
            line=number,
        )
    payload = " ".join(line.strip() for _, line in block[timing_at + 1 :])
    voice = _VOICE.search(payload)
    text = _MARKUP.sub("", payload).strip()
    if not text:
        return None
    speaker, text = (voice[1].strip(), text) if voice else labelled(text)
    return Segment(speaker=speaker, text=text, start=start, end=end)
