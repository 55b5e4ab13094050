from __future__ import annotations

import re

from core.models import Transcript
from ingest.formats.base import Format, Source, build, register
from ingest.formats.captions import parse_cues
from ingest.formats.timed import merge

_FIRST_CUE = re.compile(r"^\s*\d+\s*\n\s*\d{1,2}:\d{2}:\d{2}[,.]\d{1,3}\s*-->")


def sniff(text: str) -> bool:
    return bool(_FIRST_CUE.match(text.lstrip("\ufeff")))


def parse(source: Source) -> Transcript:
    lines = source.text.lstrip("\ufeff").splitlines()
    segments = parse_cues(source, lines, 1, "srt")
    return build(source, merge(segments), "srt")


register(Format("srt", (".srt",), sniff, parse, "SRT captions; speakers from 'Name:' prefixes"))
