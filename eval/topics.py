"""Scoring automatic topics against QMSum's: each meeting read as if it had no `topic_list`, its
predicted boundaries compared with the gold ones (Pk and WindowDiff, nltk.metrics.segmentation), its
number of segments with the gold number, and each label with the gold topic name it overlaps most
(ROUGE-1). Baselines in the same run: no boundary at all, even splits at the gold count, and NLTK's
TextTiling over the same turns. Also the fit of ingest.segmenting's weights and prices (train only).

Gold segments are runs of one gold topic; turns that QMSum leaves out of every topic join the topic
before them (the first ones, the topic after).
"""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from core.models import Chunk, Transcript
from eval.fit import logistic
from index.embedding import Embedder
from ingest.boundaries import FEATURES, gap_rows, start_marks
from ingest.chunking import CountWordPieces, chunk_transcript
from ingest.labels import unsaid_words
from ingest.parsing import parse_file
from ingest.segmenting import (
    AGENDA,
    SHORT,
    SPOKEN_HEADING,
    Cut,
    TopicModel,
    Unit,
    boundary_bonus,
    by_chunks,
    by_units,
    unit_views,
    units_of,
    views,
    voice,
    with_topics,
    without_topics,
)

SHORT_EXCERPT = 120  # turns of a train meeting that stand for a short transcript in the fit
GRID = {  # the partition's settings tried over the boundary model's out-of-fold log-odds
    "speaker_weight": (0.5, 1.0),
    "boundary_weight": (0.5, 1.0, 2.0, 3.0),
    "price": (1.0, 2.0, 3.0, 4.0, 6.0),
}
BOUNDARY_C = 0.1  # scikit-learn's C for the boundary model (classes weighted: about 1 gap in 20 starts a topic)
FOLDS = 5  # the train meetings' folds for the out-of-fold log-odds the partition's settings are chosen on
# the release before the boundary model: a plain partition of the three views (ingest/topic_model.json at 5e5264e)
PREVIOUS = TopicModel(speaker_weight=0.5, word_weight=0.5, price=1.5, short_price=4.0, agenda_bonus=0.0)
SHORT_PRICES = (0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0)  # short transcripts are partitioned by their units,
AGENDA_BONUSES = (0.0, 1.0)  # with the agenda-phrase bonus in place of the boundary model's


@dataclass(frozen=True)
class Case:
    """A QMSum meeting without its topics, and the gold topic of each turn."""

    transcript: Transcript
    gold: tuple[str, ...]


def cases(folder: Path, limit: int | None = None) -> list[Case]:
    files = sorted(Path(folder).glob("*.json"))
    if limit:
        files = [files[round(i * len(files) / limit)] for i in range(limit)] if limit < len(files) else files
    found = []
    for path in files:
        transcript = parse_file(path, "qmsum")
        gold = _filled([turn.topic for turn in transcript.turns])
        found.append(Case(without_topics(transcript), tuple(gold)))
    return found


def _filled(topics: list[str | None]) -> list[str]:
    first = next((topic for topic in topics if topic), "")
    filled, previous = [], first
    for topic in topics:
        previous = topic or previous
        filled.append(previous)
    return filled


# measures


def boundaries(labels: Sequence[object]) -> str:
    """NLTK's segmentation string: "1" at each turn that starts a new segment (never the first)."""
    return "".join("1" if i and labels[i] != labels[i - 1] else "0" for i in range(len(labels)))


def window(reference: str) -> int:
    """Half the mean gold segment length, the usual k of Pk and WindowDiff."""
    return max(2, round(len(reference) / (reference.count("1") + 1) / 2))


def pk_windowdiff(reference: str, hypothesis: str) -> tuple[float, float]:
    from nltk.metrics.segmentation import pk, windowdiff

    k = window(reference)
    if len(reference) <= k:
        return 0.0, 0.0
    return pk(reference, hypothesis, k=k), windowdiff(reference, hypothesis, k)


def label_rouge(gold: Sequence[str], predicted: Sequence[str]) -> float:
    """Mean ROUGE-1 F of each predicted segment's label against the gold topic it overlaps most."""
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rouge1"], use_stemmer=True)
    scores = []
    for label, group in itertools.groupby(range(len(predicted)), key=lambda i: predicted[i]):
        turns = list(group)
        overlapped = statistics.mode(gold[i] for i in turns)
        scores.append(scorer.score(overlapped, label)["rouge1"].fmeasure)
    return float(np.mean(scores)) if scores else 0.0


# baselines


def one_segment(case: Case) -> list[int]:
    return [0] * len(case.gold)


def even_split(case: Case) -> list[int]:
    count, turns = boundaries(case.gold).count("1") + 1, len(case.gold)
    return [i * count // turns for i in range(turns)]


def text_tiling(case: Case) -> list[int]:
    """NLTK's TextTiling with each turn as a paragraph (one segment where it cannot tile)."""
    from nltk.tokenize.texttiling import TextTilingTokenizer

    turns = [turn.clean_text or "." for turn in case.transcript.turns]
    tiler = TextTilingTokenizer(stopwords=sorted(unsaid_words()))
    try:
        tiles = tiler.tokenize("\n\n".join(turns))
    except ValueError:
        return one_segment(case)
    labels: list[int] = []
    for number, tile in enumerate(tiles):
        labels += [number] * (tile.strip("\n").count("\n\n") + 1)
    return (labels + [labels[-1]] * len(turns))[: len(turns)]


# On Record's segmentation, prepared once per meeting so that the fit can try many settings


@dataclass
class Prepared:
    """A meeting as the partition sees it: its chunks' views, or for a short meeting its units'
    views; for the fit, also an excerpt of a long meeting's units (a stand-in for a short transcript)."""

    case: Case
    chunks: list[Chunk]
    units: list[Unit]
    chunk_views: list[np.ndarray]
    unit_views: list[np.ndarray] | None = None
    excerpt: tuple[Case, list[Unit], list[np.ndarray]] | None = None

    @property
    def short(self) -> bool:
        return self.unit_views is not None


def prepare(case: Case, embedder: Embedder, count: CountWordPieces, budget: int, excerpt: bool = False) -> Prepared:
    turns = case.transcript.turns
    chunks = chunk_transcript(case.transcript, budget, count)
    vectors = embedder.embed_batch([chunk.text for chunk in chunks])
    voices = [voice(turns[c.turn_start : c.turn_end + 1]) for c in chunks]
    units = units_of(turns)
    prepared = Prepared(case, chunks, units, views([c.text for c in chunks], vectors, voices))
    if len(units) <= SHORT:
        prepared.unit_views = unit_views(turns, units, embedder.embed_batch)
    elif excerpt:
        reference = boundaries(case.gold)
        starts = [i for i, mark in enumerate(reference) if mark == "1"]
        centre = starts[len(starts) // 2] if starts else len(turns) // 2
        first = max(0, min(centre - SHORT_EXCERPT // 2, len(turns) - SHORT_EXCERPT))
        part = tuple(replace(t, index=i) for i, t in enumerate(turns[first : first + SHORT_EXCERPT]))
        short = Case(replace(case.transcript, turns=part), case.gold[first : first + SHORT_EXCERPT])
        part_units = units_of(part)
        prepared.excerpt = (short, part_units, unit_views(part, part_units, embedder.embed_batch))
    return prepared


def predicted(prepared: Prepared, model: TopicModel, odds: np.ndarray | None = None) -> list[int]:
    """The segment number of each turn, found as ingest finds it (for a long meeting, with the
    boundary model's `odds` for each chunk where given, else the model's own)."""
    units = prepared.units
    if prepared.short:
        found = by_units(units, prepared.unit_views, model)
    else:
        turns, chunks, chunk_views = prepared.case.transcript.turns, prepared.chunks, prepared.chunk_views
        bonus = boundary_bonus(chunks, turns, chunk_views, model) if odds is None else model.boundary_weight * odds
        found = by_chunks(units, chunks, chunk_views, model, bonus)
    return _numbered(len(prepared.case.gold), [units[i][0].turn for i in found])


def _numbered(turns: int, starts: Sequence[int]) -> list[int]:
    starts = set(starts)
    labels, number = [], 0
    for i in range(turns):
        number += i in starts
        labels.append(number)
    return labels


def mean_pk(pairs: Sequence[tuple[Sequence[str], Sequence[int]]]) -> float:
    return float(np.mean([pk_windowdiff(boundaries(gold), boundaries(labels))[0] for gold, labels in pairs]))


def gap_examples(prepared: Prepared) -> tuple[np.ndarray, np.ndarray]:
    """A long meeting's gaps between chunks (from the second chunk on): their features, and 1 where
    the chunk is the one nearest a gold topic start."""
    starts = [i for i, mark in enumerate(boundaries(prepared.case.gold)) if mark == "1"]
    rows = gap_rows(prepared.chunks, prepared.case.transcript.turns, prepared.chunk_views, AGENDA, SPOKEN_HEADING)
    return rows[1:], start_marks(prepared.chunks, starts)[1:]


def out_of_fold_odds(examples: Sequence[tuple[np.ndarray, np.ndarray]]) -> list[np.ndarray]:
    """Each meeting's log-odds for each chunk (0 for its first) from a boundary model fitted on the
    other folds of meetings, so that the partition's settings are chosen on odds it did not learn from."""
    from sklearn.model_selection import GroupKFold

    rows, marks = np.vstack([x for x, _ in examples]), np.concatenate([y for _, y in examples])
    groups = np.concatenate([np.full(len(y), i) for i, (_, y) in enumerate(examples)])
    odds = np.zeros(len(marks))
    folds = min(FOLDS, len(examples))
    for fitting, held in GroupKFold(folds).split(rows, marks, groups) if folds > 1 else [(slice(None),) * 2]:
        if marks[fitting].min() == marks[fitting].max():
            continue  # a fold without both kinds of gap: no bonus there
        model = logistic(rows[fitting], marks[fitting], FEATURES, regularization=BOUNDARY_C, balanced=True)
        odds[held] = model.log_odds(rows[held])
    ends = np.cumsum([len(y) for _, y in examples])[:-1]
    return [np.concatenate([[0.0], part]) for part in np.split(odds, ends)]


def fit(prepared: Sequence[Prepared], described: str, on_setting: Callable[[], None] | None = None) -> TopicModel:
    """The boundary model (a logistic regression over the gaps of the long train meetings), the
    partition's setting of GRID with the lowest mean Pk over those meetings (on out-of-fold odds),
    then the short-transcript price and agenda bonus with the lowest mean Pk over the short meetings
    and the long ones' excerpts."""
    long = [p for p in prepared if not p.short]
    examples = [gap_examples(p) for p in long]
    marks = np.concatenate([y for _, y in examples]) if examples else np.zeros(0)
    boundary = None
    if marks.size and marks.min() != marks.max():
        rows = np.vstack([x for x, _ in examples])
        boundary = logistic(rows, marks, FEATURES, regularization=BOUNDARY_C, balanced=True).to_dict()
    odds = out_of_fold_odds(examples) if boundary else [None] * len(long)
    best: tuple[float, TopicModel] | None = None
    for values in itertools.product(*GRID.values()):
        model = replace(TopicModel(**dict(zip(GRID, values, strict=True))), boundary=boundary)
        score = mean_pk([(p.case.gold, predicted(p, model, o)) for p, o in zip(long, odds, strict=True)])
        if best is None or score < best[0]:
            best = (score, model)
        if on_setting:
            on_setting()
    assert best is not None
    model = best[1]
    shorts = [(p.case, p.units, p.unit_views) for p in prepared if p.short]
    shorts += [p.excerpt for p in prepared if p.excerpt is not None]
    if shorts:
        scored = []
        for price, agenda in itertools.product(SHORT_PRICES, AGENDA_BONUSES):
            short = replace(model, agenda_bonus=agenda)
            pairs = [
                (
                    case.gold,
                    _numbered(len(case.gold), [units[i][0].turn for i in by_units(units, views_, short, price)]),
                )
                for case, units, views_ in shorts
            ]
            scored.append((mean_pk(pairs), price, agenda))
        _, price, agenda = min(scored)
        model = replace(model, short_price=price, agenda_bonus=agenda)
    return replace(model, fitted_on=described)


# the report


@dataclass(frozen=True)
class SystemScore:
    name: str
    pk: float
    windowdiff: float
    segments: float
    gold_segments: float
    label_rouge1: float | None = None

    def to_dict(self) -> dict:
        return {key: round(value, 4) if isinstance(value, float) else value for key, value in self.__dict__.items()}


def score_system(name: str, pairs: Sequence[tuple[Case, Sequence[object]]], named: bool = False) -> SystemScore:
    rows = []
    for case, labels in pairs:
        reference, hypothesis = boundaries(case.gold), boundaries(labels)
        pk, wd = pk_windowdiff(reference, hypothesis)
        rouge = label_rouge(case.gold, [str(label) for label in labels]) if named else None
        rows.append((pk, wd, hypothesis.count("1") + 1, reference.count("1") + 1, rouge))
    pk, wd, segments, gold = (float(np.mean([row[i] for row in rows])) if rows else 0.0 for i in range(4))
    rouge = float(np.mean([row[4] for row in rows])) if named and rows else None
    return SystemScore(name, pk, wd, segments, gold, rouge)


def evaluate(prepared: Sequence[Prepared], model: TopicModel) -> list[SystemScore]:
    """On Record's topics (labelled, as ingest makes them) beside the previous release's partition
    and the three baselines."""
    cases_ = [p.case for p in prepared]
    return [
        score_system("On Record (automatic topics)", _labelled(prepared, model), named=True),
        score_system("previous release (partition without the boundary model)", _labelled(prepared, PREVIOUS), True),
        score_system("one segment per meeting", [(c, one_segment(c)) for c in cases_]),
        score_system("even split at the gold count", [(c, even_split(c)) for c in cases_]),
        score_system("NLTK TextTiling", [(c, text_tiling(c)) for c in cases_]),
    ]


def _labelled(prepared: Sequence[Prepared], model: TopicModel) -> list[tuple[Case, list[str | None]]]:
    found = []
    for p in prepared:
        numbers = predicted(p, model)
        starts = [i for i in range(1, len(numbers)) if numbers[i] != numbers[i - 1]]
        topical = with_topics(p.case.transcript, [Cut(i) for i in starts])
        found.append((p.case, [turn.topic for turn in topical.turns]))
    return found


def markdown(scores: Sequence[SystemScore], split: str, meetings: int, command: str) -> str:
    lines = [
        f"# Automatic topics on QMSum {split}",
        "",
        f"{meetings} meetings read without their `topic_list`; `{command}`. Pk and WindowDiff: lower is better "
        "(k is half the mean gold segment length of each meeting); segments per meeting against the gold "
        "count; label ROUGE-1 of each label against the gold topic name of the segment it overlaps most.",
        "",
        "| system | Pk | WindowDiff | segments per meeting | gold segments | label ROUGE-1 |",
        "|---|---|---|---|---|---|",
    ]
    for s in scores:
        rouge = f"{s.label_rouge1:.3f}" if s.label_rouge1 is not None else "–"
        lines.append(
            f"| {s.name} | {s.pk:.3f} | {s.windowdiff:.3f} | {s.segments:.2f} | {s.gold_segments:.2f} | {rouge} |"
        )
    return "\n".join(lines) + "\n"
