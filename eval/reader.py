"""Training pairs for the reader (`answer.reader`), from QMSum train only: (question, sentence with its
speaker and turn) and (question, passage), labelled by the gold spans and the gold answer's words.

Positives: the sentences of a question's gold span that share enough of the gold answer's words (as
`eval.fit` labels them), and passages of three turns inside the span. Hard negatives: sentences and
passages of the same meeting outside its spans (the closest to the question in words among them),
of other meetings of the same series or domain, and speaker-swapped pairs: the question asked as
"What did <speaker> say about <subject>?" against the answering sentence said by someone else, and
against what that speaker said of other subjects."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from answer.reader import sentence_text
from core.text import sentences
from eval.fit import ANSWER_SHARE, ANSWER_TERMS
from eval.suites import domain_of
from index.focus import focus
from index.keyword import terms
from ingest.formats.qmsum import clean_content

SEED = 38
POSITIVES = 3  # answering sentences per question, at most
NEAR, FAR = 2, 2  # same-meeting negatives: the closest to the question in words, and any
OTHER = 2  # sentences of other meetings of its series or domain
OFF_SUBJECT = 2  # a named speaker's sentences outside the span: the speaker right, the subject not
PASSAGE_TURNS = 3
MIN_WORDS = 4  # shorter sentences ("Yeah.", "Okay, so.") are neither answers nor useful negatives


@dataclass(frozen=True)
class Pair:
    question: str
    text: str
    label: float
    meeting: str


@dataclass(frozen=True)
class Said:
    """A sentence of a meeting, with its turn."""

    turn: int
    speaker: str
    text: str
    turn_text: str

    def read(self, speaker: str | None = None) -> str:
        return sentence_text(self.text, speaker or self.speaker, self.turn_text)


@dataclass(frozen=True)
class Meeting:
    id: str
    turns: tuple[tuple[str, str], ...]  # (speaker, clean text)
    said: tuple[Said, ...]
    queries: tuple[dict, ...]

    @property
    def series(self) -> str:
        return self.id[:-1] if domain_of(self.id) == "product" else domain_of(self.id)

    def passage(self, first: int) -> str:
        lines = [f"{speaker}: {text}" for speaker, text in self.turns[first : first + PASSAGE_TURNS]]
        return "\n".join(lines)


def read_meeting(path: Path) -> Meeting:
    data = json.loads(path.read_text(encoding="utf-8"))
    turns = tuple(
        (str(entry.get("speaker") or "Someone"), clean_content(entry.get("content") or ""))
        for entry in data["meeting_transcripts"]
    )
    said = tuple(
        Said(index, speaker, sentence, text)
        for index, (speaker, text) in enumerate(turns)
        for sentence in sentences(text)
        if len(sentence.split()) >= MIN_WORDS
    )
    queries = tuple(item for item in data.get("specific_query_list", []) if item.get("relevant_text_span"))
    return Meeting(path.stem, turns, said, queries)


def training_pairs(folder: Path, limit: int | None = None) -> list[Pair]:
    """Every pair of the split's meetings (the first `limit` of them), in a fixed order."""
    files = sorted(Path(folder).glob("*.json"))
    if any(part == "val" for part in Path(folder).resolve().parts):
        raise ValueError("the reader is never fitted on val")
    meetings = [read_meeting(path) for path in files[:limit] if path.stem]
    pairs: list[Pair] = []
    for meeting in meetings:
        neighbours = [other for other in meetings if other.id != meeting.id and other.series == meeting.series]
        neighbours = neighbours or [other for other in meetings if other.id != meeting.id]
        for number, query in enumerate(meeting.queries):
            chooser = random.Random(f"{SEED}:{meeting.id}:{number}")
            pairs.extend(_query_pairs(meeting, query, neighbours, chooser))
    return pairs


def _query_pairs(meeting: Meeting, query: dict, neighbours: list[Meeting], chooser: random.Random) -> Iterator[Pair]:
    question = query["query"]
    gold = {i for a, b in query["relevant_text_span"] for i in range(int(a), int(b) + 1)}
    answer_terms = set(terms(query.get("answer") or ""))
    question_terms = set(terms(question))
    inside = [said for said in meeting.said if said.turn in gold]
    outside = [said for said in meeting.said if said.turn not in gold]
    answering = sorted(
        (said for said in inside if _gives_answer(said, answer_terms)), key=lambda s: -_shared(s, answer_terms)
    )
    positives = answering[:POSITIVES]
    for said in positives:
        yield Pair(question, said.read(), 1.0, meeting.id)
    near = sorted(outside, key=lambda said: -_shared(said, question_terms))[:NEAR]
    for said in near + _sample(chooser, outside, FAR):
        yield Pair(question, said.read(), 0.0, meeting.id)
    for other in _sample(chooser, neighbours, OTHER):
        closest = sorted(_sample(chooser, list(other.said), 40), key=lambda said: -_shared(said, question_terms))
        for said in closest[:1]:
            yield Pair(question, said.read(), 0.0, meeting.id)
    yield from _speaker_pairs(meeting, question, positives, outside, chooser)
    yield from _passage_pairs(meeting, question, gold, neighbours, chooser)


def _speaker_pairs(
    meeting: Meeting, question: str, positives: list[Said], outside: list[Said], chooser: random.Random
) -> Iterator[Pair]:
    """The question asked of the speaker who said its answer, against that sentence, against the same
    sentence said by another speaker of the meeting, and against what that speaker said of other
    subjects (outside the span); a question that already names a speaker, against that speaker's
    sentences outside the span."""
    speakers = sorted({speaker for speaker, _ in meeting.turns})
    named = [speaker for speaker in speakers if len(speaker) > 3 and speaker.casefold() in question.casefold()]
    for speaker in named[:1]:
        for said in _sample(chooser, [said for said in outside if said.speaker == speaker], OFF_SUBJECT):
            yield Pair(question, said.read(), 0.0, meeting.id)
    subject = focus(question).rstrip("?. ")
    if named or subject == question.rstrip("?. "):  # not a request to summarize: it may name someone
        return
    for said in positives[:1]:
        others = [speaker for speaker in speakers if speaker != said.speaker]
        if not others or len(subject.split()) < 2:
            continue
        asked = f"What did {said.speaker} say about {subject}?"
        yield Pair(asked, said.read(), 1.0, meeting.id)
        yield Pair(asked, said.read(chooser.choice(others)), 0.0, meeting.id)
        for other in _sample(chooser, [s for s in outside if s.speaker == said.speaker], OFF_SUBJECT):
            yield Pair(asked, other.read(), 0.0, meeting.id)


def _passage_pairs(
    meeting: Meeting, question: str, gold: set[int], neighbours: list[Meeting], chooser: random.Random
) -> Iterator[Pair]:
    starts = range(max(1, len(meeting.turns) - PASSAGE_TURNS + 1))
    within = [s for s in starts if sum(s + i in gold for i in range(PASSAGE_TURNS)) >= 2]
    without = [s for s in starts if not any(s + i in gold for i in range(PASSAGE_TURNS))]
    for first in _sample(chooser, within, 2):
        yield Pair(question, meeting.passage(first), 1.0, meeting.id)
    for first in _sample(chooser, without, 2):
        yield Pair(question, meeting.passage(first), 0.0, meeting.id)
    for other in _sample(chooser, neighbours, 1):
        yield Pair(question, other.passage(chooser.randrange(max(1, len(other.turns) - 2))), 0.0, meeting.id)


def _gives_answer(said: Said, answer_terms: set[str]) -> bool:
    own = set(terms(said.text))
    shared = len(own & answer_terms)
    return shared >= ANSWER_TERMS and shared >= ANSWER_SHARE * len(own)


def _shared(said: Said, wanted: set[str]) -> int:
    return len(set(terms(said.text)) & wanted)


def _sample(chooser: random.Random, items: list, count: int) -> list:
    return chooser.sample(items, min(count, len(items)))
