"""Calibrating abstention: evidence for questions asked of their own meeting (answerable) against
the same questions asked of a meeting from another domain (taken as unanswerable)."""

from __future__ import annotations

from dataclasses import dataclass

from core.models import Filters
from eval.suites import Suite, domain_of
from index.answer import evidence
from index.retrieval import Retriever

THRESHOLDS = (0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.8)


@dataclass(frozen=True)
class ThresholdRow:
    threshold: float
    false_refusal: float
    abstention: float

    @property
    def balanced(self) -> float:
        return (1 - self.false_refusal + self.abstention) / 2


def calibrate(suite: Suite, retriever: Retriever, k: int = 8) -> list[ThresholdRow]:
    meetings = sorted({q.meeting for q in suite.questions if q.meeting})
    answerable, unanswerable = [], []
    for number, question in enumerate(q for q in suite.questions if q.meeting and q.answerable):
        others = [m for m in meetings if domain_of(m) != question.domain]
        if not others:
            continue
        for meeting, scores in ((question.meeting, answerable), (others[number % len(others)], unanswerable)):
            query = retriever.prepare(question.question, Filters(meeting=meeting))
            scores.append(evidence(query.text, retriever.retrieve_query(query, k), retriever.catalog.keyword))
    return [
        ThresholdRow(
            threshold,
            sum(score < threshold for score in answerable) / max(len(answerable), 1),
            sum(score < threshold for score in unanswerable) / max(len(unanswerable), 1),
        )
        for threshold in THRESHOLDS
    ]
