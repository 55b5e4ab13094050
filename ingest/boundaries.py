"""How likely a topic starts at each chunk of a meeting: features of the gap before the chunk, for
a logistic regression fitted on QMSum train (`onrecord fit topics`), whose log-odds the partition
takes as each segment's bonus.

The features: in each of the partition's three views (the model's vectors, who speaks, which
words), how alike the chunks before and after the gap are over windows of 1, 2, 4 and 8 chunks, as a
cosine, as a z-score within the meeting and as a TextTiling depth (how far it dips below the peaks on
either side); whether the chunk opens with an agenda phrase or a cue word ("okay", "so", "right"),
whether its speaker changes and is the meeting's main speaker, how long its first turn is, and where
the gap lies in the meeting.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from core.models import Chunk, Turn

WINDOWS = (1, 2, 4, 8)
VIEWS = ("model", "speaker", "words")
REACH = 8  # gaps on either side in which a depth looks for its peaks
CUES = (
    "okay",
    "ok",
    "so",
    "alright",
    "all right",
    "right",
    "now",
    "well",
    "and",
    "um",
    "uh",
    "next",
    "let's",
    "then",
    "good",
)
_CUE = re.compile(r"[\s,.!?;:-]+")
FEATURES: tuple[str, ...] = (
    *(f"{view}_{kind}@{w}" for view in VIEWS for w in WINDOWS for kind in ("cosine", "z", "depth")),
    "agenda_phrase",
    "spoken_heading",
    "main_speaker",
    "speaker_change",
    "first_turn_words",
    "position",
    "edge",
    "chunks",
    *(f"opens_{cue}" for cue in CUES),
)


def gap_rows(
    chunks: Sequence[Chunk],
    turns: Sequence[Turn],
    views: Sequence[np.ndarray],
    agenda: re.Pattern,
    heading: re.Pattern,
) -> np.ndarray:
    """One row of FEATURES for each chunk (row 0, the meeting's start, is all zeros)."""
    rows = len(chunks)
    matrix = np.zeros((rows, len(FEATURES)), dtype=np.float64)
    if rows < 2:
        return matrix
    columns = [_similarities(view, w) for view in views for w in WINDOWS]
    matrix[1:, : 3 * len(columns)] = np.column_stack([c for column in columns for c in column])
    words: dict[str, int] = {}
    for turn in turns:
        words[turn.canonical_speaker or ""] = words.get(turn.canonical_speaker or "", 0) + len(turn.clean_text.split())
    main = max(words, key=lambda name: words[name]) if words else ""
    at = 3 * len(columns)
    for row in range(1, rows):
        chunk, first = chunks[row], turns[chunks[row].turn_start]
        start_words = opening(chunk.text)
        before = turns[chunks[row - 1].turn_end]
        matrix[row, at : at + 8] = (
            bool(agenda.search(start_words[:400])),
            bool(heading.match(start_words.lstrip())),
            (first.canonical_speaker or "") == main,
            (first.canonical_speaker or "") != (before.canonical_speaker or ""),
            np.log1p(len(first.clean_text.split())),
            row / rows,
            np.log1p(min(row, rows - row)),
            np.log(rows),
        )
        start = _CUE.split(start_words.lower().lstrip(), maxsplit=2)
        head, pair = start[0], " ".join(start[:2])
        matrix[row, at + 8 :] = [head == cue or pair == cue for cue in CUES]
    return matrix


def opening(text: str) -> str:
    """A chunk's first line without its speaker's name."""
    head = text.split("\n", 1)[0]
    return head.split(": ", 1)[1] if ": " in head[:60] else head


def _similarities(view: np.ndarray, width: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each gap 1..n-1: the cosine of the sums of `width` rows before and after it, its z-score
    within the meeting, and its depth below the highest cosines within REACH gaps on either side."""
    rows = len(view)
    sums = np.vstack([np.zeros((1, view.shape[1])), np.cumsum(view, axis=0, dtype=np.float64)])
    gaps = np.arange(1, rows)
    before = sums[gaps] - sums[np.maximum(gaps - width, 0)]
    after = sums[np.minimum(gaps + width, rows)] - sums[gaps]
    norms = np.linalg.norm(before, axis=1) * np.linalg.norm(after, axis=1)
    cosine = np.where(norms > 0, (before * after).sum(axis=1) / np.where(norms > 0, norms, 1.0), 0.0)
    spread = cosine.std()
    z = (cosine - cosine.mean()) / spread if spread > 0 else np.zeros_like(cosine)
    padded = np.concatenate([np.full(REACH, -np.inf), cosine, np.full(REACH, -np.inf)])
    windows = np.lib.stride_tricks.sliding_window_view(padded, REACH + 1)
    left, right = windows[: len(cosine)].max(axis=1), windows[REACH:].max(axis=1)
    return cosine, z, (left - cosine) + (right - cosine)


def start_marks(chunks: Sequence[Chunk], starts: Sequence[int]) -> np.ndarray:
    """1 for each chunk nearest (by its first turn) a gold topic start at turn `starts`, else 0."""
    firsts = np.array([chunk.turn_start for chunk in chunks])
    marked = np.zeros(len(chunks), dtype=int)
    for start in starts:
        row = int(np.argmin(np.abs(firsts - start)))
        if row:
            marked[row] = 1
    return marked
