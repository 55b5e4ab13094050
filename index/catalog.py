"""The in-memory view of what the store holds: chunks, their vectors, meetings, keyword index and
filter values. index.snapshot loads it, from a snapshot beside the store where it can."""

from __future__ import annotations

import difflib
import threading
from collections.abc import Iterable, Sequence

import numpy as np

from core.errors import QueryError
from core.models import Chunk, Filters, Meeting
from index.columns import ChunkTable, Documents
from index.dense import QuantizedVectors
from index.keyword import KeywordIndex
from index.mentions import SpeakerIndex
from index.names import names_in_state
from index.store import date_number


class Positions:
    """Chunk id → position in the catalog, as a mapping (looked up in the table's sorted id hashes)."""

    def __init__(self, table: ChunkTable):
        self.table = table

    def __getitem__(self, chunk_id: str) -> int:
        position = self.table.position(chunk_id)
        if position is None:
            raise KeyError(chunk_id)
        return position

    def get(self, chunk_id: str, default: int | None = None) -> int | None:
        position = self.table.position(chunk_id)
        return default if position is None else position

    def __contains__(self, chunk_id: object) -> bool:
        return isinstance(chunk_id, str) and self.table.position(chunk_id) is not None

    def __len__(self) -> int:
        return len(self.table)


SPEAKER_MASKS = 16


class Catalog:
    """Chunks (as columns: index.columns), their vectors and meetings as loaded from the store,
    with the keyword index kept in step with them. `state` (meeting id → content hash) and `key`
    say what store contents it mirrors; chunks also in `previous` keep its tokenization (chunk ids
    hash their text). A `keyword` index of these chunks (one read back from a snapshot) is taken
    as it is. Filters are masks over the table's code columns."""

    def __init__(
        self,
        chunks: Sequence[Chunk] | ChunkTable,
        meetings: Iterable[Meeting],
        vectors: np.ndarray,
        state: dict[str, str] | None = None,
        key: str = "",
        previous: Catalog | None = None,
        keyword: KeywordIndex | None = None,
        quantized: QuantizedVectors | None = None,
        turns: Documents | None = None,
    ):
        table = chunks if isinstance(chunks, ChunkTable) else ChunkTable.of(chunks)
        self.chunks = table
        self.turns = turns  # each meeting's turns as the store's JSON, when read with the chunks
        self.vectors = vectors  # row i: chunk i's unit vector
        self.state = state or {}
        self.key = key
        self.position = Positions(table)
        self.meetings = {meeting.meeting_id: meeting for meeting in meetings}
        if keyword is None:
            reused = None
            if previous is not None:
                reused = [previous.chunks.position(chunk_id) for chunk_id in table.ids]
                reused = [-1 if old is None else old for old in reused]
                _renamed_anew(reused, table, self.state, previous.state)
            keyword = KeywordIndex(table.texts, previous.keyword if previous is not None else None, reused)
        self.keyword = keyword
        names = table.names
        self._meeting_code = {meeting_id: code for code, meeting_id in enumerate(names["meetings"])}
        dates = np.array([_meeting_date(self.meetings.get(m)) for m in names["meetings"]], dtype=np.int64)
        self._date_of = dates[np.asarray(table.arrays["meeting"])] if len(table) else np.zeros(0, dtype=np.int64)
        self.speakers: dict[str, str] = {}
        self._speaker_codes: dict[str, list[int]] = {}
        for code, speaker in enumerate(names["speakers"]):
            self.speakers.setdefault(speaker.casefold(), speaker)
            self._speaker_codes.setdefault(speaker.casefold(), []).append(code)
        self.topics: dict[str, str] = {}
        self._topic_codes: dict[str, list[int]] = {}
        for code, topic in enumerate(names["topics"]):
            self.topics.setdefault(topic.casefold(), topic)
            self._topic_codes.setdefault(topic.casefold(), []).append(code)
        self.speaker_index = SpeakerIndex(self.speakers.values())
        self.aliases: dict[str, str] = {}  # a name merged into a person's (casefolded) → the person's name
        self._quantized = quantized
        self._quantizing = threading.Lock()
        self._speaker_masks: dict[str, np.ndarray] = {}  # the latest SPEAKER_MASKS speakers' chunks

    def quantized(self) -> QuantizedVectors:
        """The vectors' int8 codes for a first pass (index.dense): read from the snapshot, or made
        on first use."""
        with self._quantizing:
            if self._quantized is None:
                self._quantized = QuantizedVectors.build(self.vectors)
            return self._quantized

    def __len__(self) -> int:
        return len(self.chunks)

    def resolve(self, filters: Filters) -> Filters:
        """The filters with names as the index spells them; an unknown value is a QueryError
        that lists the closest known values."""
        known = {meeting_id.casefold(): meeting_id for meeting_id in self.meetings}
        meetings = tuple(dict.fromkeys(closest_known("meeting", m, known) for m in filters.meetings))
        speaker = filters.speaker and self.aliases.get(filters.speaker.casefold(), filters.speaker)
        speaker = closest_known("speaker", speaker, self.speakers) if speaker else None
        topic = closest_known("topic", filters.topic, self.topics) if filters.topic else None
        if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
            raise QueryError(
                f"the date range {filters.date_from} to {filters.date_to} is empty; put the earlier date first"
            )
        return Filters(meetings, speaker, topic, filters.date_from, filters.date_to, tuple(filters.exclude))

    def mask(self, filters: Filters) -> np.ndarray | None:
        """Which chunks the (resolved) filters allow, or None when they allow all."""
        if filters.is_empty():
            return None
        columns = self.chunks.arrays
        allowed = np.ones(len(self.chunks), dtype=bool)
        if filters.meetings:
            allowed &= np.isin(columns["meeting"], [self._meeting_code.get(m, -1) for m in filters.meetings])
        if filters.topic:
            allowed &= np.isin(columns["topic"], self._topic_codes.get(filters.topic.casefold(), []))
        if filters.speaker:
            allowed &= self._of_speaker(filters.speaker)
        if filters.date_from:
            allowed &= self._date_of >= date_number(filters.date_from)
        if filters.exclude:
            excluded = [self._meeting_code[m] for m in filters.exclude if m in self._meeting_code]
            allowed &= ~np.isin(columns["meeting"], excluded)
        if filters.date_to:
            allowed &= (self._date_of <= date_number(filters.date_to)) & (self._date_of > 0)
        return allowed

    def meetings_of(self, filters: Filters) -> list[Meeting]:
        """The meetings holding a chunk that the (resolved) filters allow: by id, set, exclusion and
        dates, and where a speaker speaks or a topic is discussed."""
        allowed = self.mask(filters)
        if allowed is None:
            return list(self.meetings.values())
        held = set(np.unique(np.asarray(self.chunks.arrays["meeting"])[allowed]).tolist())
        return [meeting for key, meeting in self.meetings.items() if self._meeting_code.get(key, -1) in held]

    def _of_speaker(self, speaker: str) -> np.ndarray:
        """The chunks in which the speaker speaks: the owners of the matching speaker codes, kept for
        the latest SPEAKER_MASKS speakers (a question naming a speaker filters by them: 5 ms of a
        question at a million chunks). Read only: callers combine it into masks of their own."""
        key = speaker.casefold()
        found = self._speaker_masks.get(key)
        if found is None:
            columns = self.chunks.arrays
            codes = self._speaker_codes.get(key, [])
            # one code, as a name mostly has: a comparison, not np.isin (0.7 ms, not 4-19, at a million)
            held = columns["speaker"] == codes[0] if len(codes) == 1 else np.isin(columns["speaker"], codes)
            entries = np.flatnonzero(held)
            found = np.zeros(len(self.chunks), dtype=bool)
            found[np.searchsorted(columns["speaker_offsets"], entries, side="right") - 1] = True
            found.flags.writeable = False
            while len(self._speaker_masks) >= SPEAKER_MASKS:
                self._speaker_masks.pop(next(iter(self._speaker_masks)), None)
            self._speaker_masks[key] = found
        return found


def _renamed_anew(reused: list[int], table: ChunkTable, state: dict[str, str], before: dict[str, str]) -> None:
    """Chunks of a meeting whose speaker names changed (index.names) keep their ids but not their
    text: their words are tokenized again."""
    renamed = [
        code
        for code, meeting_id in enumerate(table.names["meetings"])
        if meeting_id in before and names_in_state(state.get(meeting_id, "")) != names_in_state(before[meeting_id])
    ]
    if renamed:
        for position in np.flatnonzero(np.isin(np.asarray(table.arrays["meeting"]), renamed)):
            reused[position] = -1


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
