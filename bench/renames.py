"""What renaming a speaker costs: a diarized meeting of 1,000 turns (SPEAKER_00..03) ingested into a
fresh library, then one label renamed and reset. Names are applied when the catalog is read
(index.names), so a rename embeds no chunk: it reads the meeting's chunks back with their vectors."""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.models import Filters
from core.settings import load_settings
from index.embedding import Embedder, load_embedder
from library import Library

LABELS = ("SPEAKER_00", "SPEAKER_01", "SPEAKER_02", "SPEAKER_03")
SUBJECTS = ("the ferry contract", "the dock repairs", "the budget", "the harbour lights", "the summer timetable")
SAID = (
    "I think we should look again at {0} before the vote.",
    "The numbers for {0} came in higher than last year.",
    "Can we ask the staff to report on {0} next month?",
    "I will write to the operator about {0} this week.",
    "There are still questions from residents about {0}.",
)


class CountingEmbedder:
    """An embedder that counts the texts it is given and passes them to the model."""

    def __init__(self, inner: Embedder):
        self.inner, self.dimension, self.texts = inner, inner.dimension, 0

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        self.texts += len(texts)
        return self.inner.embed_batch(texts)


@dataclass(frozen=True)
class RenameTiming:
    turns: int
    chunks: int
    ingest_s: float  # the meeting ingested (embedded) once
    rename_s: float  # one label renamed: the names written and the meeting read back into the catalog
    rename_embedded: int  # texts given to the model by the rename (0)
    reset_s: float
    reset_embedded: int
    filter_finds_name: bool  # a search filtered by the new name finds the meeting's passages

    def lines(self) -> list[str]:
        return [
            f"rename of a speaker in a meeting of {self.turns} turns ({self.chunks} chunks): "
            f"{self.rename_s * 1000:.0f} ms, {self.rename_embedded} chunks embedded "
            f"(ingesting it: {self.ingest_s:.1f} s)",
            f"reset to the file's labels: {self.reset_s * 1000:.0f} ms, {self.reset_embedded} chunks embedded; "
            f"the speaker filter finds the new name: {'yes' if self.filter_finds_name else 'NO'}",
        ]


def diarized_meeting(turns: int) -> dict:
    """A WhisperX-style transcript of `turns` segments among four labels, the first introducing herself."""
    segments = []
    for n in range(turns):
        text = SAID[n % len(SAID)].format(SUBJECTS[(n // 7) % len(SUBJECTS)]) + f" Point {n}."
        if n == 0:
            text = "Good evening, I'm Helen Marsh, chair of the harbour committee."
        segments.append({"id": n, "start": n * 6.0, "end": n * 6.0 + 5, "text": " " + text, "speaker": LABELS[n % 4]})
    return {"text": "", "language": "en", "segments": segments}


def bench_rename(turns: int = 1000, embedder: Embedder | None = None) -> RenameTiming:
    """Ingest a meeting of `turns` turns into a fresh library, then time renaming one label and going back."""
    with tempfile.TemporaryDirectory(prefix="onrecord-rename-") as scratch:
        folder = Path(scratch)
        source = folder / "harbour_1000.json"
        source.write_text(json.dumps(diarized_meeting(turns)))
        settings = load_settings(data_dir=folder / "data", chroma_host=None)
        counting = CountingEmbedder(embedder or load_embedder(settings))
        library = Library(settings, counting)
        started = time.perf_counter()
        result = library.ingest([source])[0]
        ingest_s = time.perf_counter() - started
        before = counting.texts
        started = time.perf_counter()
        library.rename_speakers(result.meeting_id or "", {"SPEAKER_00": "Helen Marsh"})
        rename_s, renamed = time.perf_counter() - started, counting.texts - before
        found = library.catalog.resolve(Filters(speaker="Helen Marsh")).speaker == "Helen Marsh"
        found = found and bool(library.catalog.meetings_of(Filters(speaker="Helen Marsh")))
        before = counting.texts
        started = time.perf_counter()
        library.reset_speakers(result.meeting_id or "")
        reset_s = time.perf_counter() - started
        return RenameTiming(turns, result.chunks, ingest_s, rename_s, renamed, reset_s, counting.texts - before, found)
