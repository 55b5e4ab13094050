"""Running a suite against one or more systems and collecting per-query results."""

from __future__ import annotations

import math
import statistics
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field

from core.errors import OnRecordError
from eval.metrics import (
    WORD_BUDGETS,
    citation_metrics,
    latency,
    mean,
    ranking_metrics,
    reading_cost,
    rouge,
    turn_recall_precision,
    turns_within,
)
from eval.suites import Question, Suite
from eval.systems import Outcome, System

CURVE_BUDGETS = (250, 500, 1000, 1500, 2000, 3000, 4000)


@dataclass
class QueryResult:
    system: str
    id: str
    question: str
    meeting: str | None
    domain: str
    answerable: bool
    metrics: dict[str, float | None] = field(default_factory=dict)
    recall_curve: dict[int, float] = field(default_factory=dict)
    latency_ms: float = 0.0
    answer: str | None = None
    abstained: bool | None = None
    top: list[str] = field(default_factory=list)
    error: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)


def run_suite(
    suite: Suite,
    systems: Sequence[System],
    words_of_turn: dict[str, dict[int, int]],
    on_step: Callable[[], None] | None = None,
) -> list[QueryResult]:
    """Every question of the suite through every system, in a fixed order."""
    results = []
    for question in suite.questions:
        for system in systems:
            results.append(_run_one(system, question, words_of_turn.get(question.meeting or "", {})))
            if on_step:
                on_step()
    return results


def _run_one(system: System, question: Question, words: dict[int, int]) -> QueryResult:
    result = QueryResult(
        system=system.name,
        id=question.id,
        question=question.question,
        meeting=question.meeting,
        domain=question.domain,
        answerable=question.answerable,
    )
    started = time.perf_counter()
    try:
        outcome = system.run(question)
        # the answer's own time where the system ranks passages apart from it (a second retrieval
        # at a deeper cut for Hit@k), so that latency is what a user waits for
        result.latency_ms = outcome.answer_ms or (time.perf_counter() - started) * 1000
    except OnRecordError as error:
        # a miss, not a gap in the averages: scored as nothing retrieved and nothing answered
        result.error = str(error)
        outcome = Outcome(ranked=[], relevant=[], answer="", abstained=question.answerable, cited=[])
    result.answer, result.abstained = outcome.answer, outcome.abstained
    result.top = [passage.id for passage in outcome.ranked[:10]]
    if outcome.figures and question.answerable:
        result.metrics.update(outcome.figures)
    if not question.answerable:
        return result
    gold = question.gold
    if getattr(system, "ranks", True):  # a ceiling handed the gold turns ranks nothing
        _score_ranking(result, outcome, gold, words)
    if outcome.answer is not None:
        result.metrics.update(citation_metrics(outcome.cited or [], gold, question.speaker, question.meeting))
        if question.answer and not outcome.abstained:
            result.metrics.update(rouge(outcome.answer, question.answer))
        elif question.answer:
            result.metrics.update({"ROUGE-1": 0.0, "ROUGE-2": 0.0, "ROUGE-L": 0.0})
    return result


def _score_ranking(result: QueryResult, outcome: Outcome, gold: frozenset[int], words: dict[int, int]) -> None:
    result.metrics.update(ranking_metrics(outcome.ranked, gold, outcome.relevant))
    result.metrics.update(reading_cost(outcome.ranked, gold, words))
    for budget in sorted({*WORD_BUDGETS, *CURVE_BUDGETS}):
        recall, precision = turn_recall_precision(turns_within(outcome.ranked, budget, words), gold)
        result.recall_curve[budget] = recall
        if budget in WORD_BUDGETS:
            result.metrics[f"turn_recall@{budget}w"] = recall
            result.metrics[f"turn_precision@{budget}w"] = precision


def summarize(
    results: Sequence[QueryResult], group: Callable[[QueryResult], str] = lambda r: r.system
) -> dict[str, dict]:
    """Mean of each metric over answerable questions, abstention rates, and latency, per group. A
    query that failed with an error counts as a miss (see `errors`), never as a gap."""
    grouped: dict[str, list[QueryResult]] = defaultdict(list)
    for result in results:
        grouped[group(result)].append(result)
    summary = {}
    for name, rows in grouped.items():
        answerable = [r for r in rows if r.answerable]  # errored queries count, as misses
        unanswerable = [r for r in rows if not r.answerable]
        keys = dict.fromkeys(key for r in answerable for key in r.metrics)
        keys.pop("words_before_gold", None)  # a median, below
        row: dict[str, float | int | None] = {key: mean([r.metrics.get(key) for r in answerable]) for key in keys}
        if any("words_before_gold" in r.metrics for r in answerable):  # a query whose gold was never reached: ∞
            reached = [r.metrics.get("words_before_gold") for r in answerable]
            row["words_before_gold_median"] = statistics.median(math.inf if w is None else w for w in reached)
        row["queries"] = len(rows)
        if any(r.abstained is not None for r in rows):
            row["false_refusal"] = mean([float(bool(r.abstained)) for r in answerable])
            row["abstention_accuracy"] = mean([float(bool(r.abstained)) for r in unanswerable])
        row.update(latency([r.latency_ms for r in rows if r.error is None]))
        row["errors"] = sum(r.error is not None for r in rows)
        summary[name] = row
    return summary


def recall_curves(results: Sequence[QueryResult]) -> dict[str, dict[int, float]]:
    """Mean turn recall at each word budget, per system."""
    curves: dict[str, dict[int, list[float]]] = defaultdict(lambda: defaultdict(list))
    for result in results:
        for budget, recall in result.recall_curve.items():
            curves[result.system][budget].append(recall)
    return {system: {b: sum(v) / len(v) for b, v in sorted(c.items())} for system, c in curves.items()}
