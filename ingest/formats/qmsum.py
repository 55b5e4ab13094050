"""QMSum meetings: `meeting_transcripts` turns, topics from `topic_list` spans (inclusive)."""

from __future__ import annotations

import re

from core.models import Transcript
from ingest.formats.base import Draft, Format, Source, build, register
from ingest.formats.jsonfile import load, looks_like_json, shape_error, title_and_date

# Annotation markers such as {disfmarker} and {vocalsound} carry no meaning for search
# and cost the embedding model about seven word pieces each.
MARKER = re.compile(r"\{[a-z_]+\}")
_EXPECTED = "QMSum: {'meeting_transcripts': [{'speaker': ..., 'content': ...}], 'topic_list': [...]}"


def clean_content(text: str) -> str:
    without = MARKER.sub(" ", text)
    without = re.sub(r"(?:\s+-)+(?=\s|$)", " ", without)  # dangling dashes left by cut-off words
    return " ".join(without.split())


def sniff(text: str) -> bool:
    return looks_like_json(text, "meeting_transcripts")


def parse(source: Source) -> Transcript:
    data = load(source)
    if not isinstance(data, dict) or not isinstance(data.get("meeting_transcripts"), list):
        raise shape_error(source, "no 'meeting_transcripts' list", _EXPECTED)
    entries = data["meeting_transcripts"]
    topics = _topic_of_turn(source, data.get("topic_list") or [], len(entries))
    drafts = []
    for position, entry in enumerate(entries):
        if not isinstance(entry, dict) or not isinstance(entry.get("content"), str):
            raise shape_error(source, f"turn {position} has no 'content' text", _EXPECTED)
        speaker = entry.get("speaker")
        if not isinstance(speaker, str | int | float | None):
            raise shape_error(source, f"turn {position} has a speaker that is not text", _EXPECTED)
        drafts.append(
            Draft(
                speaker=str(speaker).strip() or None if speaker is not None else None,
                text=entry["content"],
                clean_text=clean_content(entry["content"]),
                topic=topics.get(position),
            )
        )
    # One turn per entry, so that QMSum's turn indices stay valid: an entry whose only
    # content is markers keeps its raw text and has nothing to index.
    title, date = title_and_date(data)
    return build(source, drafts, "qmsum", title=title, date=date, keep_empty=True)


def _topic_of_turn(source: Source, topic_list: object, turn_count: int) -> dict[int, str]:
    if not isinstance(topic_list, list):
        raise shape_error(source, "'topic_list' is not a list", _EXPECTED)
    topic_of: dict[int, str] = {}
    for item in topic_list:
        if not isinstance(item, dict) or "topic" not in item:
            raise shape_error(source, "a 'topic_list' entry has no 'topic'", _EXPECTED)
        spans = item.get("relevant_text_span") or []
        if not isinstance(spans, list):
            raise shape_error(source, f"topic spans {spans!r} are not a list", _EXPECTED)
        for span in spans:
            try:
                first, last = int(span[0]), int(span[1])
            except (TypeError, ValueError, IndexError, KeyError) as error:
                raise shape_error(source, f"topic span {span!r} is not [start, end]", _EXPECTED) from error
            for index in range(max(first, 0), min(last, turn_count - 1) + 1):
                topic_of.setdefault(index, str(item["topic"]).strip())
    return topic_of


register(Format("qmsum", (".json",), sniff, parse, "QMSum meeting JSON"))
