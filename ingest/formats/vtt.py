from __future__ import annotations

from core.errors import ParseError
from core.models import Transcript
from ingest.formats.base import Format, Source, build, register
from ingest.formats.captions import TIMING, parse_cues
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
    title = lines[0][len("WEBVTT") :].strip(" -\t") or None
    segments = parse_cues(source, lines[header_end:], header_end + 1, "vtt")
    return build(source, merge(segments), "vtt", title=title)


register(Format("vtt", (".vtt",), sniff, parse, "WebVTT captions; speakers from <v Name> or 'Name:'"))
