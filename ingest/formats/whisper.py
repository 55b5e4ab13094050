"""Whisper and WhisperX JSON: `segments` of {start, end, text, speaker?}."""

from __future__ import annotations

from core.models import Transcript
from ingest.formats.base import Format, Source, build, register
from ingest.formats.jsonfile import load, looks_like_json, shape_error, title_and_date
from ingest.formats.timed import Segment, labelled, merge

_EXPECTED = "Whisper: {'segments': [{'start': 0.0, 'end': 2.5, 'text': '...', 'speaker': 'optional'}]}"


def sniff(text: str) -> bool:
    return looks_like_json(text, "segments") or (
        text.lstrip("\ufeff \t\r\n").startswith("[") and looks_like_json(text, "start") and '"text"' in text[:4096]
    )


def parse(source: Source) -> Transcript:
    data = load(source)
    items = data.get("segments") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise shape_error(source, "no 'segments' list", _EXPECTED)
    segments = []
    for position, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            raise shape_error(source, f"segment {position} has no 'text'", _EXPECTED)
        try:
            start, end = float(item["start"]), float(item["end"])
        except (KeyError, TypeError, ValueError) as error:
            raise shape_error(source, f"segment {position} has no numeric 'start' and 'end'", _EXPECTED) from error
        if not (0 <= start <= end < 10**7):
            raise shape_error(source, f"segment {position} runs from {start} to {end}", "start <= end, in seconds")
        speaker = item.get("speaker")
        if not isinstance(speaker, str | int | None):
            raise shape_error(source, f"segment {position} has a speaker that is not text", _EXPECTED)
        text = item["text"]
        if speaker is None:
            speaker, text = labelled(text)
        segments.append(Segment(speaker=str(speaker) if speaker is not None else None, text=text, start=start, end=end))
    title, date = title_and_date(data)
    return build(source, merge(segments), "whisper", title=title, date=date)


register(Format("whisper", (".json",), sniff, parse, "Whisper / WhisperX JSON segments"))
