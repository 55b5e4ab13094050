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

    def to_dict(self) -> dict:
        data = asdict(self)
        data.pop("marks")
        return data


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
