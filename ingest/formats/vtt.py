from __future__ import annotations

from datetime import date as Date

from core.errors import ParseError
from core.models import Transcript
from ingest.formats.base import Format, Source, build, register
from ingest.formats.captions import TIMING, leading_blocks, parse_cues
from ingest.formats.metadata import heading, looks_like_title
from ingest.formats.timed import merge


def sniff(text: str) -> bool:
    return text.lstrip("\ufeff").startswith("WEBVTT")


def parse(source: Source) -> Transcript:
    lines = source.text.lstrip("\ufeff").splitlines()
    if not lines or not lines[0].startswith("WEBVTT"):
        raise ParseError(
            source.path, "a WebVTT file must start with the line 'WEBVTT'", "add it as the first line", line=1
        )
    header_end = next((i for i, line in enumerate(lines) if not line.strip()), len(lines))
    if any(TIMING.match(line) for line in lines[:header_end]):
        header_end = 1
    segments = parse_cues(source, lines[header_end:], header_end + 1, "vtt")
    title, date = _title_and_date(lines[0], lines[1:header_end], leading_blocks(lines[header_end:])[0])
    return build(source, merge(segments), "vtt", title=title, date=date)


def _title_and_date(first: str, header: list[str], blocks: list[list[str]]) -> tuple[str | None, Date | None]:
    """The title after 'WEBVTT', else a `Title:` line of the header or of a NOTE before the first
    cue, else a one-line NOTE that reads as a title ("NOTE Board of Trustees — regular meeting");
    the date from a `Date:` line."""
    notes = [[*block[0].split(maxsplit=1)[1:], *block[1:]] for block in blocks if block[0].split()[0] == "NOTE"]
    given, date = heading([*header, *(line for note in notes for line in note)], title_lines=False)
    named = next((note[0] for note in notes if len(note) == 1 and looks_like_title(note[0])), None)
    return first[len("WEBVTT") :].strip(" -\t") or given or named, date


register(Format("vtt", (".vtt",), sniff, parse, "WebVTT captions; speakers from <v Name> or 'Name:'"))
