"""Plain data types shared by every stage: ingest, index, eval and the app."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date as Date


@dataclass(frozen=True)
class Turn:
    """One speaker's contribution, as written in the source.

    `text` is the text as written; `clean_text` is what gets indexed (annotation
    markers and the like removed). `marks` are (character offset in `text`, seconds)
    anchors from merged caption cues, so a part of a long turn keeps its own time.
    """

    index: int
    speaker: str | None
    canonical_speaker: str | None
    text: str
    clean_text: str
    start: float | None = None
    end: float | None = None
    topic: str | None = None
    question: str | None = None
    is_question: bool = False
    marks: tuple[tuple[int, float], ...] = ()
    topic_source: str | None = None  # "auto" where On Record found the topic; None: the source's own

    def to_dict(self) -> dict:
        return {
            "index": self.index,
            "speaker": self.speaker,
            "canonical_speaker": self.canonical_speaker,
            "text": self.text,
            "clean_text": self.clean_text,
            "start": self.start,
            "end": self.end,
            "topic": self.topic,
            "topic_source": self.topic_source or ("source" if self.topic else None),
            "question": self.question,
            "is_question": self.is_question,
        }


@dataclass(frozen=True)
class Transcript:
    """A parsed meeting: its metadata and its turns in order."""

    meeting_id: str
    title: str
    turns: tuple[Turn, ...]
    source_path: str
    format: str
    date: Date | None = None
    media_url: str | None = None
    warnings: tuple[str, ...] = ()

    @property
    def speakers(self) -> list[str]:
        """Canonical speaker names in order of first appearance."""
        seen: dict[str, None] = {}
        for turn in self.turns:
            if turn.canonical_speaker:
                seen.setdefault(turn.canonical_speaker, None)
        return list(seen)

    @property
    def topics(self) -> list[tuple[str | None, int, int]]:
        """(topic, first turn index, last turn index) for each run of turns under one topic."""
        runs: list[tuple[str | None, int, int]] = []
        for turn in self.turns:
            if runs and runs[-1][0] == turn.topic:
                runs[-1] = (turn.topic, runs[-1][1], turn.index)
            else:
                runs.append((turn.topic, turn.index, turn.index))
        return runs

    def meeting_dict(self) -> dict:
        return {
            "meeting_id": self.meeting_id,
            "title": self.title,
            "date": self.date.isoformat() if self.date else None,
            "source_path": self.source_path,
            "format": self.format,
            "media_url": self.media_url,
            "speakers": self.speakers,
            "turn_count": len(self.turns),
        }


@dataclass(frozen=True)
class Chapter:
    """One topic of a meeting as a reader skims it: where it starts, who speaks, its label, and one
    sentence of its own that says the most of it. `source` is "auto" for a topic On Record found,
    "source" for the transcript's own (headings, QMSum topics); a run of turns without any topic is
    a chapter with `topic` None."""

    n: int
    topic: str | None
    source: str | None
    turn_start: int
    turn_end: int
    start: float | None
    end: float | None
    speakers: tuple[str, ...]
    summary: str | None = None
    summary_turn: int | None = None

    def to_dict(self) -> dict:
        data = asdict(self)
        data["speakers"] = list(self.speakers)
        return data


@dataclass(frozen=True)
class Chunk:
    """A retrieval unit: consecutive whole turns (or sentence-aligned parts of one long turn).

    `text` carries each speaker's name before their words, so names are searchable.
    Turn indices are those of the source transcript, 0-based and inclusive.
    """

    id: str
    meeting_id: str
    text: str
    turn_start: int
    turn_end: int
    speakers: tuple[str, ...]
    topic: str | None = None
    question: str | None = None
    start: float | None = None
    end: float | None = None
    word_pieces: int = 0

    def to_dict(self) -> dict:
        data = asdict(self)
        data["speakers"] = list(self.speakers)
        return data


@dataclass(frozen=True)
class Meeting:
    """What the store knows about an ingested meeting."""

    meeting_id: str
    title: str
    date: Date | None
    source_path: str
    format: str
    media_url: str | None
    speakers: tuple[str, ...]
    topics: tuple[str, ...]
    turn_count: int
    chunk_count: int
    content_hash: str
    model: str = ""  # the embedding model (and backend) that made its chunks' vectors
    topic_source: str | None = None  # "auto" when On Record found its topics

    # a meeting as lists show it (`onrecord list`, the page's Library tab): the columns; listing() the cells
    LISTING = ("meeting", "title", "date", "format", "turns", "chunks", "speakers", "topics", "model")

    def listing(self) -> tuple[str, str, str, str, int, int, int, str, str]:
        topics = f"{len(self.topics)}{' (auto)' if self.topic_source == 'auto' else ''}"
        date = self.date.isoformat() if self.date else ""
        counts = (self.turn_count, self.chunk_count, len(self.speakers))
        return (self.meeting_id, self.title, date, self.format, *counts, topics, self.model)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["date"] = self.date.isoformat() if self.date else None
        data["speakers"] = list(self.speakers)
        data["topics"] = list(self.topics)
        return data


@dataclass(frozen=True)
class Filters:
    """Restrictions on what a search may return; None means no restriction."""

    meetings: tuple[str, ...] = ()  # only these meetings: one, or a set of them
    speaker: str | None = None
    topic: str | None = None
    date_from: Date | None = None
    date_to: Date | None = None
    exclude: tuple[str, ...] = ()  # meetings left out (an evaluation asks a library without a meeting)

    @classmethod
    def within(cls, meeting_id: str | None, **more) -> Filters:
        """Filters to one meeting (none when `meeting_id` is None or empty), and `more`."""
        return cls(meetings=(meeting_id,) if meeting_id else (), **more)

    def is_empty(self) -> bool:
        return self == Filters()


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk with its score and the meeting it belongs to.

    `score` depends on the mode: dense, the cosine similarity of question and chunk
    (1.0 same direction, 0.0 unrelated); keyword, the BM25 score over the best in the
    result (1.0 the best keyword match, 0.0 no question word in it); hybrid, reciprocal
    rank fusion over the rankings' best possible (1.0 first in every ranking, 0.0 in
    none). `similarity` is always the cosine similarity, whatever the mode. A passage that
    joins adjacent chunks (ids joined by "+") has the score and similarity of its best chunk.
    When the question names a speaker, that speaker's passages are ranked up in every mode, so
    in dense and keyword modes a score need not fall with the rank.
    """

    rank: int
    score: float
    similarity: float
    chunk: Chunk
    title: str
    date: Date | None
    url: str | None
    media_url: str | None = None  # the meeting's media, for links to other moments of the passage

    def to_dict(self) -> dict:
        chunk = self.chunk
        return {
            "rank": self.rank,
            "score": round(self.score, 4),
            "similarity": round(self.similarity, 4),
            "chunk_id": chunk.id,
            "text": chunk.text,
            "meeting_id": chunk.meeting_id,
            "title": self.title,
            "date": self.date.isoformat() if self.date else None,
            "speakers": list(chunk.speakers),
            "topic": chunk.topic,
            "question": chunk.question,
            "turn_start": chunk.turn_start,
            "turn_end": chunk.turn_end,
            "start": chunk.start,
            "end": chunk.end,
            "url": self.url,
        }


@dataclass(frozen=True)
class Citation:
    """What an answer's `[n]` marker cites: the turns that hold the quoted words (`turns`, with a
    link to the media at the first of them), inside the retrieved passage (`hit`) kept as their
    context and for opening the transcript. A citation of a passage with no quote in it (the
    nearest passages of a refusal) has no turns and stands for the whole passage."""

    n: int
    hit: Hit
    turns: tuple[Turn, ...] = ()
    url: str | None = None

    @property
    def turn_start(self) -> int:
        return self.turns[0].index if self.turns else self.hit.chunk.turn_start

    @property
    def turn_end(self) -> int:
        return self.turns[-1].index if self.turns else self.hit.chunk.turn_end

    @property
    def speakers(self) -> tuple[str, ...]:
        if not self.turns:
            return self.hit.chunk.speakers
        return tuple(dict.fromkeys(t.canonical_speaker for t in self.turns if t.canonical_speaker))

    @property
    def text(self) -> str:
        return "\n".join(t.clean_text for t in self.turns) if self.turns else self.hit.chunk.text

    @property
    def start(self) -> float | None:
        return self.turns[0].start if self.turns else self.hit.chunk.start

    @property
    def end(self) -> float | None:
        return self.turns[-1].end if self.turns else self.hit.chunk.end

    def to_dict(self) -> dict:
        passage = self.hit.to_dict()
        passage.pop("rank")
        cited = {
            "text": self.text,
            "speakers": list(self.speakers),
            "turn_start": self.turn_start,
            "turn_end": self.turn_end,
            "start": self.start,
            "end": self.end,
            "url": self.url if self.turns else passage["url"],
            "topic_source": self.turns[0].to_dict()["topic_source"] if self.turns else None,
        }
        context = {key: passage[key] for key in ("chunk_id", "text", "turn_start", "turn_end", "start", "end")}
        return {"n": self.n, **passage, **cited, "context": context}


@dataclass(frozen=True)
class AnswerPart:
    """One piece of an answer as written: quoted transcript text (after its speaker's name where the
    speaker changes) and the number of the citation it carries; None for text of our own. Speech
    fillers and false starts ("um", "you know", "I- I") are left out of `text`; `verbatim` is the
    quote as spoken, when it differs."""

    text: str
    n: int | None = None
    verbatim: str | None = None
    more: tuple[int, ...] = ()  # further citations of a written sentence that cites several passages
    meeting: str | None = None  # in a timeline, the id of the meeting whose group it is in (one block each)

    @property
    def markers(self) -> tuple[int, ...]:
        return () if self.n is None else (self.n, *self.more)

    def to_dict(self) -> dict:
        data = {"text": self.text, "n": self.n, "verbatim": self.verbatim or self.text, "citations": list(self.markers)}
        return data | ({"meeting": self.meeting} if self.meeting else {})


@dataclass(frozen=True)
class Check:
    """One sentence of a written (generated) answer: the passages it cites, by their numbers in the
    prompt, and whether they support it; `reason` says why not."""

    sentence: str
    citations: tuple[int, ...]
    supported: bool
    reason: str | None = None

    def to_dict(self) -> dict:
        return {
            "sentence": self.sentence,
            "citations": list(self.citations),
            "supported": self.supported,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class Answer:
    r"""An extractive answer: sentences from the transcripts, each followed by `[n]`.

    `parts` is the answer as quoted pieces and their citation numbers, what a page or a file renders
    from. `text` is the same as one plain string: each piece, its brackets and backslashes escaped
    with a backslash (a transcript's "[12]" reads `\[12\]`), then its marker, so that every
    unescaped `[n]` in it is a citation marker.
    """

    question: str
    text: str
    abstained: bool
    citations: tuple[Citation, ...]
    nearest: tuple[Hit, ...] = ()
    evidence: float = 0.0  # the fitted probability that the library answers the question
    parts: tuple[AnswerPart, ...] = ()
    support: str = "none"  # the evidence in words: strong, moderate, weak; none for a refusal
    answerer: str = "extractive"  # what wrote `text`: extractive (quotes), or llm (a language model, checked)
    verification: tuple[Check, ...] = ()  # each sentence the model wrote, checked (empty for quotes)
    notice: str | None = None  # why a written answer was asked for and not shown, or what was left out
    scope: str = "needle"  # one passage's fact, a whole `meeting`, or a subject across `meetings` (question.scope)
    meetings: tuple[Meeting, ...] = ()  # the meetings a meeting-level or cross-meeting answer covered
    resolved: str | None = None  # which meeting the words of the question named, as chosen
    # what the transcripts give of what was asked (answer.extractive.coverage): answered, or partial (the kind
    # asked for without its name or number); a refusal is not_in_transcripts (`covers`)
    coverage: str = "answered"
    # the question as answered: a follow-up read against its thread into a question that stands alone
    # (answer.question.thread); None when it was answered as asked
    standalone: str | None = None

    @property
    def covers(self) -> str:
        """What the transcripts give of what was asked: answered, partial, or not_in_transcripts."""
        return "not_in_transcripts" if self.abstained else self.coverage

    @property
    def dropped(self) -> tuple[Check, ...]:
        return tuple(check for check in self.verification if not check.supported)

    def to_dict(self) -> dict:
        return {
            "question": self.question,
            "answer": self.text,
            "abstained": self.abstained,
            "evidence": round(self.evidence, 4),
            "support": self.support,
            "answerer": self.answerer,
            "notice": self.notice,
            "scope": self.scope,
            "meetings": [
                {"meeting_id": m.meeting_id, "title": m.title, "date": m.date.isoformat() if m.date else None}
                for m in self.meetings
            ],
            "resolved": self.resolved,
            "standalone": self.standalone or self.question,
            "coverage": self.covers,
            "citations": [citation.to_dict() for citation in self.citations],
            "parts": [part.to_dict() for part in self.parts],
            "verification": [check.to_dict() for check in self.verification],
            "dropped": [check.to_dict() for check in self.dropped],
        }
