"""What every transcript format shares: the registry, the source and draft types, and building a
Transcript from drafts.

Each format lives in its own module and registers a `Format`: a name, the file
extensions it claims, a `sniff(text)` that recognises its content, and a
`parse(source) -> Transcript`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date as Date
from pathlib import Path

from core.errors import ParseError
from core.models import Transcript, Turn
from core.text import CONTROL, one_line, printable
from ingest.formats.metadata import find_date, readable_id
from ingest.speakers import canonical_names


@dataclass(frozen=True)
class Source:
    """A file's text with what is known about it before parsing."""

    path: Path
    text: str

    @property
    def meeting_id(self) -> str:
        return self.path.stem


@dataclass
class Draft:
    """A turn as a parser first sees it, before indices and canonical speakers are assigned."""

    speaker: str | None
    text: str
    start: float | None = None
    end: float | None = None
    topic: str | None = None
    question: str | None = None
    is_question: bool = False
    clean_text: str | None = None
    marks: list[tuple[int, float]] = field(default_factory=list)


@dataclass(frozen=True)
class Format:
    name: str
    extensions: tuple[str, ...]
    sniff: Callable[[str], bool]
    parse: Callable[[Source], Transcript]
    description: str = ""


FORMATS: dict[str, Format] = {}


def register(fmt: Format) -> Format:
    """Add a format to the registry. Its parser is wrapped so that no control character or terminal
    escape sequence reaches a transcript, whatever the format: the text is filtered before parsing,
    and every field of the result after (for what a format decodes, such as JSON's \\u001b)."""
    FORMATS[fmt.name] = replace(fmt, parse=_printable_parser(fmt.parse))
    return fmt


# Line breaks that str.splitlines() honours; they stay line breaks when control characters go.
_LINE_BREAK_CONTROL = re.compile(r"\r\n?|[\x0b\x0c\x1c-\x1e\x85]")


def _printable_parser(parse: Callable[[Source], Transcript]) -> Callable[[Source], Transcript]:
    def parse_printable(source: Source) -> Transcript:
        text = printable(_LINE_BREAK_CONTROL.sub("\n", source.text))
        return printable_transcript(parse(replace(source, text=text) if text != source.text else source))

    return parse_printable


def printable_transcript(transcript: Transcript) -> Transcript:
    """The transcript with every text field taken from the file passed through `printable`."""
    turns = tuple(_printable_turn(turn) for turn in transcript.turns)
    if not any(turn.clean_text.strip() for turn in turns):
        raise ParseError(transcript.source_path, "no transcript text found", "check that the file holds words")
    meeting_id = printable(transcript.meeting_id).strip()
    if not meeting_id:
        raise ParseError(transcript.source_path, "the file's name has no printable characters", "rename the file")
    return replace(
        transcript,
        meeting_id=meeting_id,
        title=clean(printable(transcript.title)) or readable_id(meeting_id),
        turns=turns,
        media_url=_printable_or_none(transcript.media_url),
        warnings=tuple(printable(warning) for warning in transcript.warnings),
    )


def _printable_turn(turn: Turn) -> Turn:
    """Text without controls; a speaker, topic or question also on one line (a line break in a label
    would start a line of its own wherever the label is printed, such as a forged citation)."""
    labels = (turn.speaker, turn.canonical_speaker, turn.topic, turn.question)
    texts = (turn.text, turn.clean_text)
    if not any(value and CONTROL.search(value) for value in texts) and all(
        value is None or value == _one_line_or_none(value) for value in labels
    ):
        return turn
    removed = [match.span() for match in CONTROL.finditer(turn.text)]
    return replace(
        turn,
        speaker=_one_line_or_none(turn.speaker),
        canonical_speaker=_one_line_or_none(turn.canonical_speaker),
        text=printable(turn.text),
        clean_text=printable(turn.clean_text),
        topic=_one_line_or_none(turn.topic),
        question=_one_line_or_none(turn.question),
        marks=tuple((offset - _removed_before(offset, removed), time) for offset, time in turn.marks),
    )


def _printable_or_none(value: str | None) -> str | None:
    return (printable(value).strip() or None) if value else value


def _one_line_or_none(value: str | None) -> str | None:
    return (one_line(value) or None) if value else value


def _removed_before(offset: int, removed: list[tuple[int, int]]) -> int:
    return sum(min(end, offset) - start for start, end in removed if start < offset)


def detect(source: Source, forced: str | None = None) -> Format:
    """The format of a source: the forced one, else by extension and content."""
    if forced:
        if forced not in FORMATS:
            raise ParseError(
                source.path,
                f"unknown format {forced!r}",
                f"use --format with one of: {', '.join(FORMATS)}",
            )
        return FORMATS[forced]
    suffix = source.path.suffix.lower()
    claimed = [fmt for fmt in FORMATS.values() if suffix in fmt.extensions]
    for fmt in claimed:
        if fmt.sniff(source.text):
            return fmt
    if claimed and suffix != ".json":
        return claimed[-1]  # its parser explains what is wrong, or reads plain prose
    for fmt in FORMATS.values():
        if fmt not in claimed and fmt.sniff(source.text):
            return fmt
    if suffix == ".json":
        raise ParseError(
            source.path,
            "JSON of a shape On Record does not know",
            "expected QMSum (a 'meeting_transcripts' list) or Whisper (a 'segments' list of {start, end, text})",
        )
    raise ParseError(
        source.path,
        "unknown transcript format",
        f"use --format with one of: {', '.join(FORMATS)}",
    )


_SPACES = re.compile(r"\s+")


def clean(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def build(
    source: Source,
    drafts: Sequence[Draft],
    fmt: str,
    title: str | None = None,
    date: Date | None = None,
    media_url: str | None = None,
    warnings: Sequence[str] = (),
    keep_empty: bool = False,
) -> Transcript:
    """Number the turns, canonicalize speakers and assemble the Transcript. A file that gives no
    title gets one read from its id ("board_2025-02-10": "Board"); the date comes from the file's
    own, else its title, else its name.

    Turns with no text are dropped unless `keep_empty` (formats whose turn numbers are
    referenced from outside, like QMSum's spans, keep every turn).
    """
    if not keep_empty:
        drafts = [draft for draft in drafts if draft.clean_text or clean(draft.text)]
    if not any(draft.clean_text or clean(draft.text) for draft in drafts):
        raise ParseError(source.path, f"no transcript text found in this {fmt} file", "check that it is not empty")
    names = canonical_names(draft.speaker for draft in drafts if draft.speaker)
    turns = tuple(
        Turn(
            index=index,
            speaker=draft.speaker,
            canonical_speaker=names.get(draft.speaker) if draft.speaker else None,
            text=draft.text,
            clean_text=clean(draft.text) if draft.clean_text is None else draft.clean_text,
            start=draft.start,
            end=draft.end,
            topic=draft.topic,
            question=draft.question,
            is_question=draft.is_question,
            marks=tuple(draft.marks),
        )
        for index, draft in enumerate(drafts)
    )
    title = clean(title or "") or readable_id(source.meeting_id)
    return Transcript(
        meeting_id=source.meeting_id,
        title=title,
        turns=turns,
        source_path=str(source.path),
        format=fmt,
        date=date or find_date(title) or find_date(source.path.name),
        media_url=media_url,
        warnings=tuple(warnings),
    )
