"""Plain transcripts: `Speaker: text` lines with optional timestamps (`[00:12:34]`,
`00:12:34`, `(12:34)`), wrapped continuation lines, and the export layout in which a
`Name  0:03` line stands above the text. A header of `Title:`, `Date:` and `Media:`
lines may come first."""

from __future__ import annotations

import re
from datetime import date as Date

from core.models import Transcript
from ingest.formats.base import Draft, Format, Source, build, register
from ingest.formats.metadata import field, find_date, looks_like_title
from ingest.speakers import _NAME, _ROLE, split_speaker

CLOCK = r"(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?"
_STAMP_FIRST = re.compile(
    rf"^\s*(?:\[(?P<a>{CLOCK})\]|\((?P<b>{CLOCK})\)|(?P<c>{CLOCK}))(?:\s*[-–—|]?\s+|\s*$)(?P<rest>.*)$"
)
_STAMP_AFTER_NAME = re.compile(rf"^(?P<speaker>{_NAME}{_ROLE})\s*[\[(](?P<time>{CLOCK})[\])]\s*:\s*(?P<text>.*)$")
# "Maya Chen  0:03" (two spaces or more), or "Maya Chen 00:00:03" (a full clock)
_EXPORT_HEADER = re.compile(
    rf"^(?P<speaker>{_NAME}{_ROLE})[ \t]{{2,}}(?P<time>{CLOCK})\s*$"
    rf"|^(?P<speaker2>{_NAME}{_ROLE})\s+(?P<time2>\d{{1,2}}:\d{{2}}:\d{{2}})\s*$"
)


def clock_seconds(clock: str) -> float:
    parts = clock.replace(",", ".").split(":")
    total = 0.0
    for part in parts:
        total = total * 60 + float(part)
    return total


def sniff(text: str) -> bool:
    lines = [line for line in text.splitlines()[:500] if line.strip()]
    return any(_speaker_line(line) or _EXPORT_HEADER.match(line.strip()) for line in lines)


def parse(source: Source) -> Transcript:
    drafts: list[Draft] = []
    header: dict[str, str] = {}
    pending_speaker: str | None = None  # from an export-layout `Name  0:03` line
    pending_time: float | None = None
    current: Draft | None = None
    for raw in source.text.lstrip("\ufeff").splitlines():
        line = raw.strip()
        if not line:
            if current is not None and current.speaker is None:
                current = None  # unlabelled text: one turn per paragraph
            continue
        header_field = field(line)
        if header_field and not drafts and pending_speaker is None:
            header.setdefault(*header_field)
            continue
        export = _EXPORT_HEADER.match(line)
        if export:
            pending_speaker = (export["speaker"] or export["speaker2"]).strip()
            pending_time = clock_seconds(export["time"] or export["time2"])
            current = None
            continue
        labelled = _speaker_line(line)
        if labelled:
            speaker, text, time = labelled
            current = Draft(speaker=speaker, text=text, start=time)
            drafts.append(current)
            pending_speaker = None
            continue
        time, text = _leading_stamp(line)
        if pending_speaker is not None:
            current = Draft(speaker=pending_speaker, text=text, start=pending_time if time is None else time)
            drafts.append(current)
            pending_speaker, pending_time = None, None
        elif current is not None:
            if time is not None:
                current.marks.append((len(current.text) + 1, time))
            current.text = f"{current.text}\n{text}" if text else current.text
        else:
            current = Draft(speaker=None, text=text, start=time)
            drafts.append(current)
    title = header.get("title") or _leading_title(drafts)
    _fill_ends(drafts)
    _fill_marks(drafts)
    warnings = []
    if drafts and all(draft.speaker is None for draft in drafts):
        warnings.append(f"{source.path}: no 'Speaker: text' lines found; the turns have no speaker")
    return build(
        source,
        drafts,
        "plain",
        title=title,
        date=_header_date(header.get("date")),
        media_url=header.get("media"),
        warnings=warnings,
    )


def _leading_title(drafts: list[Draft]) -> str | None:
    """A short unlabelled first line above labelled turns ("# Board meeting") is the title."""
    if len(drafts) > 1 and drafts[0].speaker is None and any(d.speaker for d in drafts):
        first = drafts[0].text.strip("#= \t")
        if looks_like_title(first):
            drafts.pop(0)
            return first
    return None


def _speaker_line(line: str) -> tuple[str, str, float | None] | None:
    time, rest = _leading_stamp(line)
    named = _STAMP_AFTER_NAME.match(rest)
    if named and time is None:
        found = split_speaker(f"{named['speaker']}: {named['text'] or '…'}")
        if found:
            return found[0], named["text"].strip(), clock_seconds(named["time"])
    found = split_speaker(rest)
    if found:
        return found[0], found[1], time
    return None


def _leading_stamp(line: str) -> tuple[float | None, str]:
    match = _STAMP_FIRST.match(line)
    if not match:
        return None, line
    return clock_seconds(match["a"] or match["b"] or match["c"]), match["rest"].strip()


def _fill_ends(drafts: list[Draft]) -> None:
    for draft, following in zip(drafts, drafts[1:], strict=False):
        if draft.start is not None and following.start is not None and following.start >= draft.start:
            draft.end = following.start


def _fill_marks(drafts: list[Draft]) -> None:
    for draft in drafts:
        if draft.marks and draft.start is not None:
            draft.marks.insert(0, (0, draft.start))
        draft.clean_text = " ".join(draft.text.split())
        # offsets were taken in the text as written; joining lines keeps lengths the same
        # because each newline becomes one space.


def _header_date(value: str | None) -> Date | None:
    return find_date(value) if value else None


register(
    Format("plain", (".txt", ".md", ".text"), sniff, parse, "plain 'Speaker: text' transcripts, timestamps optional")
)
