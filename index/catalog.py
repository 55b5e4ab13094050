"""The in-memory view of what the store holds: chunks, their vectors, meetings, keyword index and
filter values. index.snapshot loads it, from a snapshot beside the store where it can."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

import numpy as np

from core.errors import QueryError
from core.models import Chunk, Filters, Meeting
from index.keyword import KeywordIndex
from index.mentions import SpeakerIndex
from index.store import date_number


class Catalog:
    """Chunks, their vectors and meetings as loaded from the store, with the keyword index kept in
    step with them. `state` (meeting id → content hash) and `key` say what store contents it mirrors;
    chunks also in `previous` keep its tokenization (chunk ids hash their text). A `keyword` index
    of these chunks (one read back from a snapshot) is taken as it is."""

    def __init__(
        self,
        chunks: list[Chunk],
        meetings: Iterable[Meeting],
        vectors: np.ndarray,
        state: dict[str, str] | None = None,
        key: str = "",
        previous: Catalog | None = None,
        keyword: KeywordIndex | None = None,
    ):
        self.chunks = chunks
        self.vectors = vectors  # row i: chunk i's unit vector
        self.state = state or {}
        self.key = key
        self.position = {chunk.id: position for position, chunk in enumerate(chunks)}
        self.meetings = {meeting.meeting_id: meeting for meeting in meetings}
        if keyword is None:
            reused = [previous.position.get(chunk.id, -1) for chunk in chunks] if previous is not None else None
            keyword = KeywordIndex(
                [chunk.text for chunk in chunks], previous.keyword if previous is not None else None, reused
            )
        self.keyword = keyword
        self._meeting_of = np.array([chunk.meeting_id for chunk in chunks], dtype=object)
        self._topic_of = np.array([(chunk.topic or "").casefold() for chunk in chunks], dtype=object)
        self._date_of = np.array([_meeting_date(self.meetings.get(c.meeting_id)) for c in chunks], dtype=np.int64)
        self.speakers: dict[str, str] = {}
        self._chunks_of_speaker: dict[str, list[int]] = {}
        for position, chunk in enumerate(chunks):
            for speaker in chunk.speakers:
                self.speakers.setdefault(speaker.casefold(), speaker)
                self._chunks_of_speaker.setdefault(speaker.casefold(), []).append(position)
        self.topics = {topic.casefold(): topic for chunk in chunks if (topic := chunk.topic)}
        self.speaker_index = SpeakerIndex(self.speakers.values())

    def __len__(self) -> int:
        return len(self.chunks)

    def resolve(self, filters: Filters) -> Filters:
        """The filters with names as the index spells them; an unknown value is a QueryError
        that lists the closest known values."""
        meeting = filters.meeting
        if meeting is not None:
            known = {meeting_id.casefold(): meeting_id for meeting_id in self.meetings}
            meeting = closest_known("meeting", meeting, known)
        speaker = closest_known("speaker", filters.speaker, self.speakers) if filters.speaker else None
        topic = closest_known("topic", filters.topic, self.topics) if filters.topic else None
        if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
            raise QueryError(
                f"the date range {filters.date_from} to {filters.date_to} is empty; put the earlier date first"
            )
        return Filters(meeting, speaker, topic, filters.date_from, filters.date_to, tuple(filters.exclude))

    def mask(self, filters: Filters) -> np.ndarray | None:
        """Which chunks the (resolved) filters allow, or None when they allow all."""
        if filters.is_empty():
            return None
        allowed = np.ones(len(self.chunks), dtype=bool)
        if filters.meeting:
            allowed &= self._meeting_of == filters.meeting
        if filters.topic:
            allowed &= self._topic_of == filters.topic.casefold()
        if filters.speaker:
            of_speaker = np.zeros(len(self.chunks), dtype=bool)
            of_speaker[self._chunks_of_speaker.get(filters.speaker.casefold(), [])] = True
            allowed &= of_speaker
        if filters.date_from:
            allowed &= self._date_of >= date_number(filters.date_from)
        if filters.exclude:
            allowed &= ~np.isin(self._meeting_of, list(filters.exclude))
        if filters.date_to:
            allowed &= (self._date_of <= date_number(filters.date_to)) & (self._date_of > 0)
        return allowed


def closest_known(kind: str, value: str, known: dict[str, str]) -> str:
    if value.casefold() in known:
        return known[value.casefold()]
    names = list(known.values())
    close = difflib.get_close_matches(value, names, n=5, cutoff=0.5)
    close += [name for name in names if value.casefold() in name.casefold() and name not in close][: 5 - len(close)]
    hint = f"closest known: {', '.join(close)}" if close else f"{len(names)} known; `onrecord list` shows them"
    raise QueryError(f"no {kind} named {value!r} in the index ({hint})")


def _meeting_date(meeting: Meeting | None) -> int:
    return date_number(meeting.date if meeting else None)
