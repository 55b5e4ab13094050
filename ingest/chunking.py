"""Turn-aware chunking within a word-piece budget.

Consecutive whole turns are grouped until the next would overflow the budget; a turn
longer than the budget is split at sentence ends (and a sentence longer than the
budget at word boundaries, and a word longer than the budget between characters), so that the
model sees every chunk whole. A chunk never crosses a topic or, in Q&A notes, a question. Each
chunk's text carries its speakers' names (`Maggie Dennis: ...`), and each chunk of a Q&A opens
with its question.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from itertools import groupby

from core.models import Chunk, Transcript, Turn
from core.text import sentence_spans

CountWordPieces = Callable[[Sequence[str]], list[int]]  # word pieces of each text
QUESTION_LABEL = "Question"


@dataclass(frozen=True)
class Piece:
    """A whole turn, or one sentence-aligned part of a long turn, ready to be packed."""

    turn: Turn
    label: str | None
    text: str
    offset: int  # in turn.clean_text
    word_pieces: int

    @property
    def line(self) -> str:
        return f"{self.label}: {self.text}" if self.label else self.text


def chunk_transcript(
    transcript: Transcript, budget: int, count: CountWordPieces, breaks: frozenset[int] = frozenset()
) -> list[Chunk]:
    """Chunks for one transcript; `count` gives the model's word pieces of each text. A chunk also
    starts at every turn in `breaks` (where chunks started before topics were found, so that most
    chunks stay as they were)."""
    chunks: list[Chunk] = []
    for (_topic, question), group in groupby(transcript.turns, key=lambda turn: (turn.topic, turn.question)):
        turns = list(group)
        header = None
        first_index = turns[0].index
        if question and turns[0].is_question and len(turns) > 1:
            # Every chunk of a Q&A opens with its question, so the question needs no chunk of its own.
            header, turns = f"{QUESTION_LABEL}: {question}", turns[1:]
        header, header_cost = _fit_header(header, budget // 2, count)
        room = budget - header_cost
        for packed in _pack(_pieces(turns, room, count), room, breaks):
            chunk = _packed_chunk(transcript.meeting_id, packed, header, header_cost)
            if not chunks or chunks[-1].question != question or chunks[-1].topic != chunk.topic:
                chunk = replace(chunk, turn_start=min(first_index, chunk.turn_start))
            chunks.append(chunk)
    return _with_ids(chunks)


def _fit_header(header: str | None, limit: int, count: CountWordPieces) -> tuple[str | None, int]:
    """The question header, cut at a word to at most `limit` word pieces."""
    if header is None:
        return None, 0
    cost = count([header])[0]
    if cost <= limit:
        return header, cost
    kept = _split_words(0, header, limit - 1, count)[0][1].rstrip() + "…"
    return kept, count([kept])[0]


def _pieces(turns: list[Turn], room: int, count: CountWordPieces) -> list[Piece]:
    turns = [turn for turn in turns if turn.clean_text]
    labels = [_label(turn) for turn in turns]
    lines = [
        f"{label}: {turn.clean_text}" if label else turn.clean_text for turn, label in zip(turns, labels, strict=True)
    ]
    # A line of more words than `room` is over the budget (each word is a word piece at least): it
    # is split without being counted whole, which for a line of megabytes takes seconds.
    over = [len(line.split()) > room for line in lines]
    counted = iter(count([line for line, too_long in zip(lines, over, strict=True) if not too_long]))
    costs = [room + 1 if too_long else next(counted) for too_long in over]
    pieces: list[Piece] = []
    for turn, label, cost in zip(turns, labels, costs, strict=True):
        if cost <= room:
            pieces.append(Piece(turn, label, turn.clean_text, 0, cost))
        else:
            pieces.extend(_split_turn(turn, label, room, count))
    return pieces


def _label(turn: Turn) -> str | None:
    return QUESTION_LABEL if turn.is_question else turn.canonical_speaker


Unit = tuple[int, str, int]  # offset in the turn's text, text, word pieces


def _split_turn(turn: Turn, label: str | None, room: int, count: CountWordPieces) -> list[Piece]:
    label_cost = count([f"{label}:"])[0] if label else 0
    sentences = [(offset, sentence) for offset, sentence in sentence_spans(turn.clean_text) if sentence.strip()]
    # One sentence is the whole turn, which is over the budget: it need not be counted again.
    costs = count([s for _, s in sentences]) if len(sentences) > 1 else [room + 1]
    units: list[Unit] = []
    for (offset, sentence), cost in zip(sentences, costs, strict=True):
        if cost <= room - label_cost:
            units.append((offset, sentence, cost))
        else:
            units.extend(_split_words(offset, sentence, room - label_cost, count))
    return [
        Piece(turn, label, text.strip(), offset, cost + label_cost)
        for offset, text, cost in _joined(units, room - label_cost)
    ]


def _split_words(offset: int, sentence: str, room: int, count: CountWordPieces) -> list[Unit]:
    return _joined(_fitting(offset, sentence, room, count), room)


# A sentence over the budget is cut between words; a word over it (a URL, an encoded blob) between
# its runs of letters and of marks; a run over it every `room` characters, then at half that, ...
_CUTS = (re.compile(r"\S+\s*"), re.compile(r"\w+\s*|[^\w\s]+\s*|\s+"))


def _fitting(offset: int, text: str, room: int, count: CountWordPieces, depth: int = 0) -> list[Unit]:
    """A text of more than `room` word pieces in consecutive units of at most `room` each, each cut as
    coarsely as fits."""
    if len(text) == 1:
        return [(offset, text, count([text])[0])]
    if depth < len(_CUTS):
        parts = [(match.start(), match.group()) for match in _CUTS[depth].finditer(text)]
    else:
        width = max(1, room >> (depth - len(_CUTS)))
        parts = [(start, text[start : start + width]) for start in range(0, len(text), width)]
    if len(parts) == 1:  # the text itself, known to be too long: cut finer
        return _fitting(offset, text, room, count, depth + 1)
    distinct = list(dict.fromkeys(part for _, part in parts))  # each counted once
    cost_of = dict(zip(distinct, count(distinct), strict=True))
    units: list[Unit] = []
    for at, part in parts:
        if cost_of[part] <= room or len(part) == 1:
            units.append((offset + at, part, cost_of[part]))
        else:
            units.extend(_fitting(offset + at, part, room, count, depth + 1))
    return units


def _joined(units: list[Unit], room: int) -> list[Unit]:
    """Consecutive units joined greedily while their word pieces fit in `room`."""
    joined: list[Unit] = []
    for offset, text, cost in units:
        if joined and joined[-1][2] + cost <= room:
            start, previous, used = joined[-1]
            joined[-1] = (start, previous + text, used + cost)
        else:
            joined.append((offset, text, cost))
    return joined


def _pack(pieces: list[Piece], room: int, breaks: frozenset[int] = frozenset()) -> list[list[Piece]]:
    packs: list[list[Piece]] = []
    used = 0
    for piece in pieces:
        starts = piece.offset == 0 and piece.turn.index in breaks
        if packs and used + piece.word_pieces <= room and not starts:
            packs[-1].append(piece)
            used += piece.word_pieces
        else:
            packs.append([piece])
            used = piece.word_pieces
    return packs


def _packed_chunk(meeting_id: str, pieces: list[Piece], header: str | None, header_cost: int) -> Chunk:
    lines = [header] if header else []
    previous: Piece | None = None
    for piece in pieces:
        if previous is not None and previous.turn is piece.turn:
            lines[-1] += " " + piece.text
        else:
            lines.append(piece.line)
        previous = piece
    text = "\n".join(lines)
    first, last = pieces[0], pieces[-1]
    speakers = tuple(dict.fromkeys(p.turn.canonical_speaker for p in pieces if p.turn.canonical_speaker))
    return Chunk(
        id="",
        meeting_id=meeting_id,
        text=text,
        turn_start=first.turn.index,
        turn_end=last.turn.index,
        speakers=speakers,
        topic=first.turn.topic,
        question=first.turn.question,
        start=_time_at(first.turn, first.offset),
        end=_end_time(last),
        word_pieces=sum(p.word_pieces for p in pieces) + header_cost,
    )


def _time_at(turn: Turn, offset: int) -> float | None:
    time = turn.start
    for mark_offset, mark_time in turn.marks:
        if mark_offset <= offset:
            time = mark_time
    return time


def _end_time(piece: Piece) -> float | None:
    after = piece.offset + len(piece.text)
    later = [time for offset, time in piece.turn.marks if offset > after]
    return later[0] if later else piece.turn.end


def _with_ids(chunks: list[Chunk]) -> list[Chunk]:
    """Stable ids: a hash of meeting, turn range, position among chunks of that range, and text."""
    seen: dict[tuple[int, int], int] = {}
    result = []
    for chunk in chunks:
        part = seen.get((chunk.turn_start, chunk.turn_end), 0)
        seen[(chunk.turn_start, chunk.turn_end)] = part + 1
        digest = hashlib.sha1(
            f"{chunk.meeting_id}\x1f{chunk.turn_start}\x1f{chunk.turn_end}\x1f{part}\x1f{chunk.text}".encode()
        ).hexdigest()[:20]
        result.append(replace(chunk, id=f"{chunk.meeting_id}:{chunk.turn_start}-{chunk.turn_end}:{digest}"))
    return result
