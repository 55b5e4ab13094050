"""The candidate sentences of retrieved passages, each with its speaker, its place in the passage
and (when the meeting's turns are known) the turn that holds it."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from core.models import Hit, Turn
from core.text import SENTENCE_END
from ingest.chunking import QUESTION_LABEL

TurnsOf = Callable[[str], Sequence[Turn]]  # a meeting's turns, by meeting id
MAX_SENTENCE_WORDS = 40  # a longer sentence (unpunctuated captions) is quoted in clauses of at most this many words

_LABEL = re.compile(r"^(?P<label>[^:\n]{1,80}):\s+(?P<text>.*)$")
_ASKING = re.compile(r"\b(?:ask|asking|asked|wonder|wondering|question is)\s+(?:why|what|how|whether|who|when)\b", re.I)
_DECIDED = re.compile(r"\bwhat (?:was|were|has been|have been) (?:decided|agreed)\b", re.I)
_DECIDING = re.compile(
    r"\b(?:decision|decided|agreed|approved|let's|motion carries|carried|resolved|we'll go with)\b", re.I
)
_CLAUSE_END = re.compile(r"[,;]$|^-+$|[–—]$")  # a word after which a clause ends: "so,", "-", "then—"


@dataclass(frozen=True)
class Sentence:
    text: str
    speaker: str | None
    hit: Hit
    line: int
    position: int
    rank: int = 0  # its passage's place among the retrieved passages, from 0
    turn: Turn | None = None  # the transcript turn that holds it, when the turns are known

    @property
    def source(self) -> tuple[str, ...]:
        """What its citation stands for: its turn, or (turns unknown) its passage."""
        if self.turn is not None:
            return (self.hit.chunk.meeting_id, str(self.turn.index))
        return (self.hit.chunk.id,)


def candidates(hits: Sequence[Hit]) -> list[Sentence]:
    """Every sentence (or clause of a long one) of the passages, in passage and transcript order;
    the question headers of Q&A notes are not candidates: they are not anyone's answer."""
    found: list[Sentence] = []
    for rank, hit in enumerate(hits):
        for line_number, line in enumerate(hit.chunk.text.split("\n")):
            match = _LABEL.match(line)
            label, text = (match["label"], match["text"]) if match else (None, line)
            if label == QUESTION_LABEL:
                continue
            speaker = label if label in hit.chunk.speakers else None
            if speaker is None and label is not None:
                text = line
            pieces = [piece.strip() for piece in SENTENCE_END.split(text) if len(piece.strip()) > 1]
            clauses = [clause for piece in pieces for clause in clauses_of(piece)]
            for position, clause in enumerate(clauses):
                found.append(Sentence(clause, speaker, hit, line_number, position, rank))
    return found


def asks(sentence: str) -> bool:
    """Whether a sentence asks rather than tells: a question, or one saying what is asked ("Today we're
    asking why bread goes stale")."""
    return sentence.rstrip().endswith("?") or bool(_ASKING.search(sentence))


def asks_decision(question: str) -> bool:
    """Whether a question asks what was decided ("What was decided?", "What was agreed about X?")."""
    return bool(_DECIDED.search(question))


def decides(sentence: str) -> bool:
    """Whether a sentence is said in a decision's words ("Decision: ...", "Then let's keep ...")."""
    return bool(_DECIDING.search(sentence))


def clauses_of(sentence: str) -> list[str]:
    """The sentence, or if it has more than MAX_SENTENCE_WORDS words, pieces of at most that many:
    each cut after the last clause end that fits (a comma, semicolon or dash), else after the last word."""
    words = list(re.finditer(r"\S+", sentence))
    pieces: list[str] = []
    first = 0
    while len(words) - first > MAX_SENTENCE_WORDS:
        fits = range(first + MAX_SENTENCE_WORDS - 1, first, -1)
        last = next((i for i in fits if _CLAUSE_END.search(words[i][0])), first + MAX_SENTENCE_WORDS - 1)
        pieces.append(sentence[words[first].start() : words[last].end()])
        first = last + 1
    pieces.append(sentence[words[first].start() : words[-1].end()])
    return pieces


def with_turns(sentences: Sequence[Sentence], turns_of: TurnsOf) -> list[Sentence]:
    """Each sentence with the turn of its meeting that holds it."""
    lines: dict[str, list[Turn | None]] = {}
    placed = []
    for sentence in sentences:
        chunk = sentence.hit.chunk
        if chunk.id not in lines:
            lines[chunk.id] = line_turns(chunk.text, chunk.turn_start, chunk.turn_end, turns_of(chunk.meeting_id))
        of_lines = lines[chunk.id]
        turn = of_lines[sentence.line] if sentence.line < len(of_lines) else None
        placed.append(replace(sentence, turn=turn))
    return placed


def line_turns(text: str, first: int, last: int, turns: Sequence[Turn]) -> list[Turn | None]:
    """The turn each line of a passage's text comes from: lines are whole turns or parts of one (a
    long turn's pieces), in transcript order, after the speaker's name; a question header has none."""
    candidates_ = [t for t in turns if first <= t.index <= last and t.clean_text]
    spaced = [" ".join(t.clean_text.split()) for t in candidates_]
    found: list[Turn | None] = []
    cursor = 0
    for line in text.split("\n"):
        match = _LABEL.match(line)
        label = match["label"] if match else None
        bodies = [" ".join(match["text"].split())] if match else []
        bodies.append(" ".join(line.split()))  # a label that is not a speaker's is part of the words
        at = next((i for i in range(cursor, len(candidates_)) for body in bodies if body and body in spaced[i]), None)
        if label == QUESTION_LABEL or at is None:
            found.append(None)
            continue
        found.append(candidates_[at])
        cursor = at
    return found
