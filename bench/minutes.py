"""How long a meeting's minutes take: built from its turns and chapters (the first opening), and
read again from the library's cache (every later one), for the longest QMSum meetings of a split."""

from __future__ import annotations

import json
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

from core.models import Meeting
from ingest.chapters import chapters
from ingest.parsing import parse_file
from minutes.build import build_minutes


@dataclass(frozen=True)
class MinutesTiming:
    meeting_id: str
    turns: int
    chapters_ms: float  # the chapters, made once per meeting and cached beside the turns
    built_ms: float  # the minutes from turns and chapters: summary, decisions, action items
    decisions: int
    actions: int


def longest(folder: Path, count: int) -> list[Path]:
    sized = sorted(Path(folder).glob("*.json"), key=lambda p: -len(json.loads(p.read_text())["meeting_transcripts"]))
    return sized[:count]


def bench_minutes(folder: Path, count: int = 3, repeats: int = 3) -> list[MinutesTiming]:
    """The median of `repeats` builds of each of the `count` longest meetings' minutes."""
    found = []
    for path in longest(folder, count):
        turns = list(parse_file(path).turns)
        meeting = Meeting(path.stem, path.stem, None, str(path), "qmsum", None, (), (), len(turns), 0, "")
        made, built = [], []
        for _ in range(repeats):
            started = time.perf_counter()
            outline = chapters(turns)
            middle = time.perf_counter()
            minutes = build_minutes(meeting, turns, outline)
            made.append((middle - started) * 1000)
            built.append((time.perf_counter() - middle) * 1000)
        found.append(
            MinutesTiming(
                path.stem,
                len(turns),
                statistics.median(made),
                statistics.median(built),
                len(minutes.decisions),
                len(minutes.actions),
            )
        )
    return found
