"""The previous release's answerer, for comparison in the same run: its hand-set sentence weights and
its evidence threshold, written as an answer model over the same features.

It scored a sentence as overlap + 0.6 × similarity + 0.25 / (rank + 1) + 0.3 × centrality + 0.3 when
the named speaker said it − 0.3 when short − 0.3 when a question, quoted the best sentences (up to 4
and 90 words) with no bar of their own, and refused when the best top-passage similarity plus the
question's word coverage fell below 0.55 (a threshold chosen on QMSum val, against another domain's
meetings). One rule of it is not carried over: a passage far weaker than the best gave only
sentences sharing a word with the question.

Both comparison answerers here are needle answerers for Library.ask (its `needle`): the question
goes the users' path, and only a passage's question is answered otherwise."""

from __future__ import annotations

from answer.extractive.compose import TurnsOf, answer
from answer.extractive.scorer import AnswerModel, Logistic
from answer.extractive.signals import QUESTION_FEATURES, RERANK_FEATURES, SENTENCE_FEATURES
from core.models import Answer, Hit
from index.evidence import Evidence

_SENTENCE_WEIGHTS = {
    "overlap": 1.0,
    "similarity": 0.6,
    "inverse_rank": 0.25,
    "centrality": 0.3,
    "by_named": 0.3,
    "short": -0.3,
    "asks": -0.3,
}
_QUESTION_WEIGHTS = {"similarity": 1.0, "coverage": 1.0}
_EVIDENCE_BELOW = 0.55


def _linear(features: tuple[str, ...], weights: dict[str, float], intercept: float) -> Logistic:
    zeros, ones = (0.0,) * len(features), (1.0,) * len(features)
    return Logistic(features, zeros, ones, tuple(weights.get(name, 0.0) for name in features), intercept)


PREVIOUS_RELEASE = AnswerModel(
    sentence=_linear(SENTENCE_FEATURES, _SENTENCE_WEIGHTS, 0.0),
    rerank=_linear(RERANK_FEATURES, _SENTENCE_WEIGHTS, 0.0),  # the same order: it had no rerank
    question=_linear(QUESTION_FEATURES, _QUESTION_WEIGHTS, -_EVIDENCE_BELOW),  # P ≥ 0.5 exactly at 0.55
    sentence_bar=0.0,
    relative_bar=0.0,
    same_kind=False,
    abstain_below=0.5,
    kind_gate=False,
    support=((0.5, "unrated"),),
    fitted_on="hand-set (the release before the fitted model)",
)


def previous_release(question: str, hits: list[Hit], evidence: Evidence, turns_of: TurnsOf | None) -> Answer:
    """The previous release's answer: its hand-set model, no coverage checks, citing whole passages."""
    return answer(question, hits, evidence, None, PREVIOUS_RELEASE, coverage=False)


def before_coverage(question: str, hits: list[Hit], evidence: Evidence, turns_of: TurnsOf | None) -> Answer:
    """Issue 11's answers: the fitted model, without issue 38's coverage checks (answer.extractive.coverage)."""
    return answer(question, hits, evidence, turns_of, coverage=False)
