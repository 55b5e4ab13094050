"""Scoring as pure functions over plain values: ranked passages, gold turns, answers.

Ranking metrics come from ir-measures (Success@k is Hit@k, RR@10 is MRR@10); ROUGE from
rouge-score. A passage is relevant when it covers at least one gold turn.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np

WORD_BUDGETS = (1000, 2000)
WORDS_TO_FIRST_GOLD = 200  # the share of queries whose first gold turn comes within this many words read


@dataclass(frozen=True)
class Passage:
    """A retrieved passage as the metrics see it: an id, the turns it covers, its length in words."""

    id: str
    turns: frozenset[int]
    words: int
    speakers: tuple[str, ...] = ()
    meeting: str | None = None  # the meeting it is from, where an answer may cite several


def ranking_metrics(
    ranked: Sequence[Passage], gold: frozenset[int], relevant: Sequence[str] | None = None
) -> dict[str, float]:
    """Hit@1, Hit@5, MRR@10 and nDCG@10 of one query, with ir-measures.

    `relevant` lists every passage of the system that covers a gold turn, retrieved or not
    (nDCG's ideal ranking needs them); by default, the relevant passages among those ranked.
    """
    import ir_measures
    from ir_measures import RR, Success, nDCG

    measures = {"Hit@1": Success @ 1, "Hit@5": Success @ 5, "MRR@10": RR @ 10, "nDCG@10": nDCG @ 10}
    relevant = list(relevant) if relevant is not None else [p.id for p in ranked if p.turns & gold]
    if not relevant or not any(p.turns & gold for p in ranked):
        return dict.fromkeys(measures, 0.0)
    qrels = [ir_measures.Qrel("q", passage_id, 1) for passage_id in dict.fromkeys(relevant)]
    run = [ir_measures.ScoredDoc("q", p.id, float(len(ranked) - rank)) for rank, p in enumerate(ranked)]
    values = {str(m.measure): m.value for m in ir_measures.iter_calc(list(measures.values()), qrels, run)}
    return {name: float(values.get(str(measure), 0.0)) for name, measure in measures.items()}


def turns_within(ranked: Sequence[Passage], budget: int, words_of_turn: dict[int, int]) -> set[int]:
    """The turns read when reading the ranked passages in order until `budget` words are spent.

    The passage that crosses the budget contributes its turns in order until the words run out.
    """
    spent = 0
    read: set[int] = set()
    for passage in ranked:
        if spent + passage.words <= budget:
            read |= passage.turns
            spent += passage.words
            continue
        for turn in sorted(passage.turns):
            words = words_of_turn.get(turn, 0)
            if spent + words > budget:
                break
            read.add(turn)
            spent += words
        break
    return read


def reading_cost(
    ranked: Sequence[Passage], gold: frozenset[int], words_of_turn: dict[int, int], depth: int = 10
) -> dict[str, float | None]:
    """What the ranked passages cost a reader, beside Hit@k and MRR (which reward longer passages):
    the mean words of the first `depth` passages, and the words read, in rank order and within a
    passage in turn order, before the first gold turn (None when no passage holds one)."""
    shown = ranked[:depth]
    spent = 0
    before: float | None = None
    for passage in ranked:
        if passage.turns & gold:
            first = min(passage.turns & gold)
            before = spent + sum(words_of_turn.get(turn, 0) for turn in sorted(passage.turns) if turn < first)
            break
        spent += passage.words
    return {
        "words_per_passage": statistics.fmean(p.words for p in shown) if shown else None,
        "words_before_gold": before,
        f"gold_within_{WORDS_TO_FIRST_GOLD}w": float(before is not None and before <= WORDS_TO_FIRST_GOLD),
    }


def turn_recall_precision(read: set[int], gold: frozenset[int]) -> tuple[float, float]:
    found = len(read & gold)
    return (found / len(gold) if gold else 0.0, found / len(read) if read else 0.0)


def citation_metrics(
    cited: Sequence[Passage], gold: frozenset[int], speaker: str | None, meeting: str | None = None
) -> dict[str, float | None]:
    """Citation precision at turn level (the share of each citation's turns that are gold, averaged
    over citations: a citation of ten turns with one gold turn counts 0.1), whether any citation
    holds a gold turn, and speaker attribution (the cited turns' own speakers; None when not asked).
    Given the gold's `meeting`, a passage of another meeting holds no gold turn."""
    held = [p.turns & gold if meeting is None or p.meeting in (None, meeting) else frozenset() for p in cited]
    right = [bool(turns) for turns in held]
    attribution = None
    if speaker is not None and cited:
        attribution = sum(speaker in p.speakers for p in cited) / len(cited)
    precision = [len(turns) / len(p.turns) for p, turns in zip(cited, held, strict=True) if p.turns]
    return {
        "citation_precision": statistics.fmean(precision) if precision else 0.0,
        "any_correct_citation": float(any(right)),
        "speaker_attribution": attribution,
    }


# In an answer's plain text, a backslash and the character it escapes (a bracket or backslash from
# the transcript, as in "\[12\]"), or a citation marker "[n]" with the space before it. Read left
# to right, so an escaped bracket is never taken for the start of a marker.
_MARKER = re.compile(r"\\([\\\[\]])|\s*\[\d+\]")


def strip_markers(answer: str) -> str:
    """The answer's transcript words: citation markers left out, escaped brackets as written."""
    return _MARKER.sub(lambda match: match[1] or "", answer).strip()


@cache
def _scorer():
    from rouge_score import rouge_scorer

    return rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)


def rouge(answer: str, gold: str) -> dict[str, float]:
    """ROUGE-1/2/L F1 (stemmed) of an answer, citation markers removed, against a gold answer."""
    scores = _scorer().score(gold, strip_markers(answer))
    return {
        "ROUGE-1": scores["rouge1"].fmeasure,
        "ROUGE-2": scores["rouge2"].fmeasure,
        "ROUGE-L": scores["rougeL"].fmeasure,
    }


def mean(values: Sequence[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return statistics.fmean(present) if present else None


def latency(milliseconds: Sequence[float]) -> dict[str, float]:
    if not milliseconds:
        return {"median_ms": 0.0, "p95_ms": 0.0}
    return {"median_ms": float(np.median(milliseconds)), "p95_ms": float(np.percentile(milliseconds, 95))}
