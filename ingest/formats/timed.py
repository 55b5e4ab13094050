"""Timed segments (caption cues, Whisper segments) merged into speaker turns."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.formats.base import Draft, clean
from ingest.speakers import split_speaker

# A speakerless run of segments becomes a turn at a sentence end past this many words,
# at a pause this long, or at the hard limit, so that times stay close to the words.
UNLABELLED_MIN_WORDS = 40
UNLABELLED_MAX_WORDS = 120
PAUSE_SECONDS = 2.0
_SENTENCE_END = re.compile(r"[.!?…][\"')\]]*$")
_DIALOGUE_DASH = re.compile(r"^(?:>>|-|–|—)\s*")


@dataclass(frozen=True)
class Segment:
    speaker: str | None
    text: str
    start: float
    end: float


def labelled(text: str) -> tuple[str | None, str]:
    """A segment's speaker from a `Name:` (or `>> Name:`) prefix, if it has one."""
    stripped = _DIALOGUE_DASH.sub("", text.strip())
    found = split_speaker(stripped)
    return found if found else (None, text.strip())


def merge(segments: list[Segment]) -> list[Draft]:
    """Consecutive segments of one speaker become one turn: first start, last end.

    A segment with no label continues the current speaker (captions name a speaker
    when it changes). Before any label, segments are grouped into sentence-sized turns.
    """
    drafts: list[Draft] = []
    current: str | None = None
    for segment in segments:
        text = clean(segment.text)
        if not text:
            continue
        speaker = segment.speaker or current
        current = speaker
        last = drafts[-1] if drafts else None
        if last is not None and last.speaker == speaker and _continues(last, speaker, segment):
            offset = len(last.text) + 1
            last.text = f"{last.text} {text}"
            last.end = max(segment.end, last.end or segment.end)
            last.marks.append((offset, segment.start))
        else:
            drafts.append(
                Draft(speaker=speaker, text=text, start=segment.start, end=segment.end, marks=[(0, segment.start)])
            )
    for draft in drafts:
        draft.clean_text = draft.text
    return drafts


def _continues(last: Draft, speaker: str | None, segment: Segment) -> bool:
    if speaker is not None:
        return True
    words = len(last.text.split())
    if words >= UNLABELLED_MAX_WORDS:
        return False
    if last.end is not None and segment.start - last.end >= PAUSE_SECONDS:
        return False
    return not (words >= UNLABELLED_MIN_WORDS and _SENTENCE_END.search(last.text))
