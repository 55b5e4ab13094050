"""Topics for the turns a transcript's source leaves without one (all of a caption file, Whisper
JSON or plain `Speaker: text`; the part of notes before their first heading; QMSum turns outside the
topic spans): where the discussion changes, and what each part is called. Each run of turns without a
topic is segmented on its own; the source's topics stay as they are.

The run's chunks are partitioned into segments by dynamic programming. A segment costs how far its
chunks stray from its mean in three views: the embedding model's vectors of the chunks (the ones
ingest computes anyway, so segmenting embeds nothing more), who speaks (each speaker's share of the
words) and which words (TF-IDF, hashed to a fixed number of dimensions); each segment costs a fixed
price, less a bonus where a chunk opens an agenda item ("the second item is", "move on to"). The
weights, the price and the bonus are fitted on QMSum train (`onrecord fit topics`). Each boundary is
then moved to the turn, or the caption cue inside a merged turn, nearest the change: a turn that
holds the change is split there, each part keeping its own times.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np

from core.logistic import Logistic
from core.models import Chunk, Transcript, Turn
from core.text import COUNTING, alternatives
from ingest.boundaries import FEATURES, gap_rows, opening
from ingest.labels import labels
from ingest.spoken import SPOKEN_HEADING, is_spoken_heading
from ingest.views import hashed_terms, normalized, views, voice

MODEL_FILE = Path(__file__).with_name("topic_model.json")
REFIT = "onrecord fit topics --data ../shared/data/qmsum/train"
AUTO = "auto"
MIN_TURNS = 3  # fewer turns are one topic
SHORT = 150  # turns and cues, at most: partitioned one by one (embedding them costs under a second)
LONGEST_SEGMENT = 400  # chunks; bounds the partition's time and memory on very long transcripts
AGENDA = re.compile(
    r"\b(?:(?:first|second|third|fourth|fifth|next|last|final|other) (?:item|point|topic|agenda item)\b"
    rf"|item (?:number )?(?:\d+|{alternatives(COUNTING[1:6])})\b|moving on to\b|move on(?: now)? to\b"
    r"|on to the next\b|next on the agenda\b|let'?s (?:move|go) on\b|turn (?:now )?to (?:the )?(?:item|question)"
    r"|questions? (?:now )?(?:on|about|from)\b)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class TopicModel:
    """How much each view counts against the model's vectors, the price of a segment and the
    agenda-phrase bonus (in units of the partition's cost: squared distances of unit vectors)."""

    speaker_weight: float = 0.5
    word_weight: float = 0.5
    price: float = 2.0
    short_price: float = 1.0  # for transcripts of at most SHORT turns and cues, partitioned by them
    agenda_bonus: float = 1.0
    boundary: dict | None = None  # a core.logistic.Logistic over ingest.boundaries.FEATURES, as a dict
    boundary_weight: float = 1.0  # each chunk's bonus: this times the boundary model's log-odds
    fitted_on: str = "defaults"

    def boundary_model(self) -> Logistic | None:
        return None if self.boundary is None else Logistic.from_dict(self.boundary, FEATURES, REFIT)

    def to_dict(self) -> dict:
        return asdict(self)

    def save(self, path: Path = MODEL_FILE) -> None:
        path.write_text(json.dumps(self.to_dict(), indent=1) + "\n")


def load_model(path: Path = MODEL_FILE) -> TopicModel:
    try:
        return TopicModel(**json.loads(path.read_text()))
    except FileNotFoundError:
        return TopicModel()


@dataclass(frozen=True)
class Cut:
    """Where a new topic starts: at character `offset` of turn `turn` (0: the turn's start)."""

    turn: int
    offset: int = 0


def without_topics(transcript: Transcript) -> Transcript:
    """The transcript as if its source had no topics."""
    return replace(transcript, turns=tuple(replace(turn, topic=None) for turn in transcript.turns))


def needs_topics(transcript: Transcript) -> bool:
    """True when some turn has no topic from the source (headings, QMSum spans)."""
    return any(turn.topic is None for turn in transcript.turns)


def uncovered(turns: Sequence[Turn]) -> list[range]:
    """The runs of consecutive turns (by index) that have no topic."""
    runs: list[range] = []
    for turn in turns:
        if turn.topic is not None:
            continue
        if runs and runs[-1].stop == turn.index:
            runs[-1] = range(runs[-1].start, turn.index + 1)
        else:
            runs.append(range(turn.index, turn.index + 1))
    return runs


# the partition


def partition(views: Sequence[np.ndarray], weights: Sequence[float], price: float, bonus: np.ndarray) -> list[int]:
    """The rows where new segments start (never 0), minimising the runs' weighted scatter about their
    means plus `price` per segment less `bonus[row]` for a segment that starts at `row`."""
    rows = len(views[0])
    prefix = [np.vstack([np.zeros((1, view.shape[1])), np.cumsum(view, axis=0, dtype=np.float64)]) for view in views]
    squares = [np.concatenate([[0.0], np.cumsum((view.astype(np.float64) ** 2).sum(axis=1))]) for view in views]
    best = np.full(rows + 1, np.inf)
    best[0] = 0.0
    back = np.zeros(rows + 1, dtype=int)
    for end in range(1, rows + 1):
        starts = np.arange(max(0, end - LONGEST_SEGMENT), end)
        cost = best[starts] + price - np.where(starts > 0, bonus[np.minimum(starts, rows - 1)], 0.0)
        for weight, sums, square in zip(weights, prefix, squares, strict=True):
            if weight:
                total = sums[end] - sums[starts]
                cost = cost + weight * (square[end] - square[starts] - (total * total).sum(axis=1) / (end - starts))
        pick = int(np.argmin(cost))
        best[end], back[end] = cost[pick], starts[pick]
    found = []
    end = rows
    while end > 0:
        end = int(back[end])
        if end > 0:
            found.append(end)
    return sorted(found)


def agenda_bonus(texts: Sequence[str], bonus: float) -> np.ndarray:
    """`bonus` for each text whose opening words announce an agenda item."""
    return np.array([bonus if AGENDA.search(text[:400]) else 0.0 for text in texts])


def segment(
    chunks: Sequence[Chunk],
    vectors: np.ndarray,
    turns: Sequence[Turn],
    model: TopicModel,
    embed: Callable[[list[str]], np.ndarray],
) -> list[Cut]:
    """Where the topics change inside each run of turns without a topic (the whole of a meeting
    without topics): cuts at turns, or at the cues of merged turns. A long run is partitioned by its
    chunks (`vectors`); a short one, whose chunks are too few to tell topics apart, by its turns and
    cues, which `embed` turns into vectors."""
    cuts: list[Cut] = []
    for run in uncovered(turns):
        inside = [row for row, chunk in enumerate(chunks) if chunk.turn_start in run]
        run_chunks = [chunks[row] for row in inside]
        cuts += _segment_run(run_chunks, np.asarray(vectors)[inside], turns, run, model, embed)
    return cuts


def _segment_run(
    chunks: Sequence[Chunk],
    vectors: np.ndarray,
    turns: Sequence[Turn],
    run: range,
    model: TopicModel,
    embed: Callable[[list[str]], np.ndarray],
) -> list[Cut]:
    units = units_of(turns[run.start : run.stop])
    if len(run) < MIN_TURNS or len(units) < MIN_TURNS or not chunks:
        return []
    if len(units) <= SHORT:
        found = by_units(units, unit_views(turns, units, embed), model)
    else:
        texts = [chunk.text for chunk in chunks]
        voices = [voice(turns[chunk.turn_start : chunk.turn_end + 1]) for chunk in chunks]
        chunk_views = views(texts, vectors, voices)
        found = by_chunks(units, chunks, chunk_views, model, boundary_bonus(chunks, turns, chunk_views, model))
    return [units[i][0] for i in found]


def by_units(
    units: list[Unit], unit_views: list[np.ndarray], model: TopicModel, price: float | None = None
) -> list[int]:
    """The units where topics start, partitioning the units themselves (at `price`, else the model's
    short-transcript price)."""
    openings = [text for _, text in units]
    found = refine(units, _partition(unit_views, openings, model, model.short_price if price is None else price))
    return _with_headings(units, found)


def by_chunks(
    units: list[Unit],
    chunks: Sequence[Chunk],
    chunk_views: list[np.ndarray],
    model: TopicModel,
    bonus: np.ndarray | None = None,
) -> list[int]:
    """The units where topics start, partitioning the chunks (each segment's start earning `bonus`,
    else the agenda bonus), then refined to the exact unit."""
    rows = _partition(chunk_views, [opening(chunk.text) for chunk in chunks], model, model.price, bonus)
    found = refine(units, sorted({unit_at(units, chunks[row].turn_start) for row in rows} - {0}))
    return _with_headings(units, found)


def _with_headings(units: list[Unit], found: list[int], near: int = 2) -> list[int]:
    """The boundaries found, with a boundary at every spoken heading; one found within `near` units
    of a heading gives way to it."""
    headings = [i for i, (_, text) in enumerate(units) if i and is_spoken_heading(text)]
    kept = [i for i in found if all(abs(i - h) > near for h in headings)]
    return sorted({*kept, *headings})


def unit_views(turns: Sequence[Turn], units: list[Unit], embed: Callable[[list[str]], np.ndarray]) -> list[np.ndarray]:
    texts = [text for _, text in units]
    voices = [{turns[cut.turn].canonical_speaker or "": len(text.split()) + 1} for cut, text in units]
    return views(texts, embed(texts), voices)


def boundary_bonus(
    chunks: Sequence[Chunk], turns: Sequence[Turn], chunk_views: list[np.ndarray], model: TopicModel
) -> np.ndarray | None:
    """Each chunk's bonus for starting a segment from the fitted boundary model; None without one."""
    fitted = model.boundary_model()
    if fitted is None:
        return None
    return model.boundary_weight * fitted.log_odds(gap_rows(chunks, turns, chunk_views, AGENDA, SPOKEN_HEADING))


def _partition(
    views: list[np.ndarray], openings: Sequence[str], model: TopicModel, price: float, bonus: np.ndarray | None = None
) -> list[int]:
    weights = (1.0, model.speaker_weight, model.word_weight)
    if bonus is None:
        bonus = agenda_bonus(openings, model.agenda_bonus)
    return partition(views, weights, price * sum(weights), bonus)


# exact places


Unit = tuple[Cut, str]  # where a unit starts, and its words


def units_of(turns: Sequence[Turn]) -> list[Unit]:
    """The places a topic may start: each turn, and each cue inside a turn merged from captions."""
    units: list[Unit] = []
    for turn in turns:
        offsets = sorted({0, *(o for o, _ in turn.marks if 0 < o < len(turn.text))})
        if turn.text != turn.clean_text:
            offsets = [0]  # offsets index `text`; cut only turns whose indexed text is the same
        for here, after in zip(offsets, [*offsets[1:], len(turn.text)], strict=True):
            units.append((Cut(turn.index, here), turn.text[here:after]))
    return units


def unit_at(units: list[Unit], turn: int) -> int:
    return next(i for i, (cut, _) in enumerate(units) if cut.turn == turn and cut.offset == 0)


def refine(units: list[Unit], boundaries: list[int], reach: int = 6) -> list[int]:
    """Each boundary moved, within `reach` units, to where the words before it lean to the topic
    before and those after to the topic after; an agenda phrase draws it to itself."""
    if not boundaries:
        return []
    vectors = normalized(hashed_terms([text for _, text in units]))
    edges = [0, *boundaries, len(units)]
    refined: list[int] = []
    for k, boundary in enumerate(boundaries):
        low, high = max(edges[k] + 1, boundary - reach), min(edges[k + 2] - 1, boundary + reach)
        if refined:
            low = max(low, refined[-1] + 1)
        if low > high:
            continue
        before = vectors[edges[k] : low - 1].sum(axis=0)
        before = before if np.any(before) else vectors[edges[k] : boundary].sum(axis=0)
        after = vectors[high + 1 : edges[k + 2]].sum(axis=0)
        after = after if np.any(after) else vectors[boundary : edges[k + 2]].sum(axis=0)
        lean = vectors[low - 1 : high + 1] @ (normalized(after[None])[0] - normalized(before[None])[0])
        best, best_score = boundary, -np.inf
        for place in range(low, high + 1):
            score = lean[place - low + 1 :].sum() - lean[: place - low + 1].sum()
            score += 2.0 * bool(AGENDA.search(units[place][1][:200])) - 0.01 * abs(place - boundary)
            if score > best_score:
                best, best_score = place, score
        refined.append(best)
    return refined


# applying


def with_topics(transcript: Transcript, cuts: Sequence[Cut]) -> Transcript:
    """The transcript with a labelled automatic topic on every turn that has none from its source
    (each run of them starts a topic, and so does each cut), and turns split where a cut falls
    inside them. A part whose words give no label takes the topic before it, else the title."""
    turns, starts = _split(transcript.turns, cuts)
    groups: list[list[Turn]] = []
    for turn in turns:
        opens = turn.topic is None and turn.index in starts
        if not groups or opens or turn.topic != groups[-1][-1].topic:
            groups.append([])
        groups[-1].append(turn)
    names = labels([" ".join(t.clean_text for t in group) for group in groups])
    named: list[Turn] = []
    for group, name in zip(groups, names, strict=True):
        if group[0].topic is not None:
            named += group
        elif name:
            named += [replace(t, topic=name, topic_source=AUTO) for t in group]
        else:
            before = named[-1] if named else replace(group[0], topic=transcript.title, topic_source=AUTO)
            named += [replace(t, topic=before.topic, topic_source=before.topic_source) for t in group]
    return replace(transcript, turns=tuple(named))


def _split(turns: Sequence[Turn], cuts: Sequence[Cut]) -> tuple[list[Turn], set[int]]:
    """Turns renumbered and split at the cuts inside them, and the new indices where topics start."""
    at: dict[int, list[int]] = {}
    for cut in cuts:
        at.setdefault(cut.turn, []).append(cut.offset)
    result: list[Turn] = []
    starts = {0}
    for turn in turns:
        offsets = sorted(set(at.get(turn.index, [])))
        pieces = sorted({0, *offsets})
        for here, after in zip(pieces, [*pieces[1:], len(turn.text)], strict=True):
            if here in offsets:
                starts.add(len(result))
            text = turn.text[here:after].strip() if len(pieces) > 1 else turn.text
            marks = tuple((o - here, t) for o, t in turn.marks if here <= o < after)
            start = marks[0][1] if marks and here else turn.start
            later = [t for o, t in turn.marks if o >= after]
            end = later[0] if later and after < len(turn.text) else turn.end
            result.append(
                replace(
                    turn,
                    index=len(result),
                    text=text,
                    clean_text=text if len(pieces) > 1 else turn.clean_text,
                    start=start,
                    end=end,
                    marks=marks if len(pieces) > 1 else turn.marks,
                )
            )
    return result, starts
