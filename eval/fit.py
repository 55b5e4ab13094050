"""Fitting the answer model (`answer.extractive.scorer`) on QMSum train: which sentences answer a question,
whether a library answers it at all, the bar every quoted sentence must pass, and where to refuse.

Every train question is asked within its meeting, of the whole library, of the library without its
meeting or series (product and committee meetings) or its domain, and within its meeting without its
gold span (`eval.asked`). A sentence is labelled as
answering when the turn that holds it is in the question's gold span and it shares enough words with
the gold answer (a span is often many turns, most of them not the answer); a question asked without its
meeting or series is labelled as not answerable. The models are logistic regressions (scikit-learn)
over standardized features; their coefficients, rounded, go to `answer/extractive/answer_model.json`."""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import numpy as np

from answer.extractive.compose import PASSAGES, Scored, compose, rerank, shortlist
from answer.extractive.factoids import kind_gap
from answer.extractive.scorer import AnswerModel, Logistic
from answer.extractive.sentences import Sentence, candidates, with_turns
from answer.extractive.signals import (
    FITTED_RERANK,
    QUESTION_FEATURES,
    RERANK_FEATURES,
    SENTENCE_FEATURES,
    Evidence,
    question_features,
    rerank_features,
    sentence_cosines,
    sentence_features,
)
from core.errors import OnRecordError
from core.models import Hit
from eval.asked import Asked, asked_ways
from eval.metrics import rouge
from eval.suites import Suite
from index.keyword import terms
from library import Library

BARS = tuple(round(0.05 * i, 2) for i in range(1, 19))  # sentence bars tried: 0.05 … 0.90
RELATIVE_BARS = (0.0, 0.25, 0.5, 0.75)  # shares of the first sentence's probability tried
FALSE_REFUSALS = 0.05  # the refusal threshold refuses at most this share of answerable train questions
GATE_FALSE_REFUSALS = 0.01  # the kind gate is kept when it refuses at most this share more of them
REGULARIZATION = 1.0  # scikit-learn's C
ANSWER_SHARE = 0.3  # a gold-span sentence answers when this share of its words are in the gold answer
ANSWER_TERMS = 2  # and at least this many ("The garden first." shares one word with any answer about gardens)


@dataclass
class Example:
    """One question asked one way, with what the models see of it."""

    asked: Asked
    query: str
    hits: list[Hit]
    sentences: list[Sentence]
    rows: np.ndarray  # SENTENCE_FEATURES per sentence
    labels: np.ndarray  # 1 where the sentence answers (asked within its meeting), else 0
    evidence: Evidence
    cosines: np.ndarray  # each sentence's similarity to the question, for those the rerank may see


def collect(suite: Suite, library: Library, on_step: Callable[[], None] | None = None) -> list[Example]:
    """Every answerable question of the suite, asked every way, with its sentences' features."""
    meetings = sorted({q.meeting for q in suite.questions if q.meeting})
    retriever = library.retriever
    examples = []
    for question in suite.questions:
        if question.answerable and question.meeting:
            for asked in asked_ways(question, meetings):
                try:
                    query = retriever.prepare(question.question, asked.filters)
                except OnRecordError:
                    continue
                hits = asked.retrieve(retriever, query)
                found = candidates(hits[:PASSAGES])
                if asked.way == "meeting":
                    found = with_turns(found, library.turns)
                evidence = retriever.evidence(query)
                rows = sentence_features(query.text, found, hits, evidence)
                gold = question.gold if asked.way == "meeting" else frozenset()
                answer_terms = set(terms(question.answer or ""))
                labels = np.array([float(_answers(s, gold, answer_terms)) for s in found])
                examples.append(Example(asked, query.text, hits, found, rows, labels, evidence, np.zeros(0)))
        if on_step:
            on_step()
    return examples


def _answers(sentence: Sentence, gold: frozenset[int], answer_terms: set[str]) -> bool:
    """In a gold turn and, where the gold answer is known, sharing enough of its words: of a gold
    span's many sentences, the ones that carry the answer."""
    if sentence.turn is None or sentence.turn.index not in gold:
        return False
    own = set(terms(sentence.text))
    if not answer_terms:
        return True
    shared = len(own & answer_terms)
    return shared >= ANSWER_TERMS and shared >= ANSWER_SHARE * len(own)


def logistic(
    rows: np.ndarray,
    labels: np.ndarray,
    features: tuple[str, ...],
    weights: np.ndarray | None = None,
    regularization: float = REGULARIZATION,
    balanced: bool = False,
) -> Logistic:
    """A logistic regression over standardised `rows` (classes weighted equally when `balanced`)."""
    from sklearn.linear_model import LogisticRegression

    mean = rows.mean(axis=0)
    scale = rows.std(axis=0)
    scale[scale == 0] = 1.0
    fitted = LogisticRegression(C=regularization, max_iter=5000, class_weight="balanced" if balanced else None)
    fitted = fitted.fit((rows - mean) / scale, labels, weights)
    return Logistic(features, tuple(mean), tuple(scale), tuple(fitted.coef_[0]), float(fitted.intercept_[0]))


def fit(examples: list[Example], described: str, on_step: Callable[[], None] | None = None) -> AnswerModel:
    """The three models, the sentence bars and the refusal threshold, from the collected examples."""
    within = [e for e in examples if e.asked.way == "meeting" and len(e.sentences)]
    if not within or not any(e.labels.any() for e in within):
        raise OnRecordError("no train question has a retrieved sentence in its gold span: nothing to fit on")
    sentence = logistic(
        np.vstack([e.rows for e in within]),
        np.concatenate([e.labels for e in within]),
        SENTENCE_FEATURES,
        _per_question([len(e.labels) for e in within]),
    )
    firsts = [_first_stage(e, sentence, on_step) for e in examples]
    reranked = [
        (e, first) for e, first in zip(examples, firsts, strict=True) if e.asked.way == "meeting" and len(first)
    ]
    reranker = logistic(
        np.vstack([rerank_features(e.rows[first], e.cosines) for e, first in reranked]),
        np.concatenate([e.labels[first] for e, first in reranked]),
        RERANK_FEATURES,
        _per_question([len(first) for _e, first in reranked]),
    )
    scored = [
        rerank(e.sentences, e.rows, first, e.cosines, reranker) for e, first in zip(examples, firsts, strict=True)
    ]
    rows = np.vstack([_question_row(e, s) for e, s in zip(examples, scored, strict=True)])
    labels = np.array([float(e.asked.answerable) for e in examples])
    question = logistic(rows, labels, QUESTION_FEATURES)
    probability = question.probability(rows)
    answerable = np.sort(probability[labels == 1])
    threshold = float(answerable[int(FALSE_REFUSALS * len(answerable))])
    kept = answerable[answerable >= threshold]
    support = (
        (float(np.quantile(kept, 2 / 3)), "strong"),
        (float(np.quantile(kept, 1 / 3)), "moderate"),
        (threshold, "weak"),
    )
    pairs = [(e, s) for e, s in zip(examples, scored, strict=True) if e.asked.way == "meeting" and s.sentences]
    choices = [(b, r, k) for b in BARS for r in RELATIVE_BARS for k in (False, True)]
    rouge_of = cache(lambda text, gold: rouge(text, gold)["ROUGE-1"])  # many choices quote the same
    bar, relative, same_kind = max(choices, key=lambda choice: _bar_quality(pairs, *choice, rouge_of))
    added = _kind_gate_refusals(examples, scored, probability >= threshold)
    gate = added <= GATE_FALSE_REFUSALS
    return AnswerModel(
        sentence, reranker, question, bar, relative, same_kind, threshold, gate, support, described, added
    )


def _kind_gate_refusals(examples: list[Example], scored: list[Scored], answered: np.ndarray) -> float:
    """The share of the answerable train askings the factoid rule (`answer.extractive.factoids`) refuses on top
    of the threshold; the rule is kept when it is at most GATE_FALSE_REFUSALS. Train holds too few
    factoid questions (11 of 1,095) to show what the rule is for; that is measured on the samples
    suite (`eval/suites/samples.json`): here it is only held to do no harm."""
    gap = np.array([kind_gap(e.query, s.sentences, e.evidence) for e, s in zip(examples, scored, strict=True)])
    answerable = np.array([e.asked.answerable for e in examples])
    return float((gap & answered & answerable).sum() / max(answerable.sum(), 1))


def _per_question(sizes: list[int]) -> np.ndarray:
    """Sample weights that give every question the same say, however many sentences it has."""
    return np.concatenate([np.full(size, 1.0 / size) for size in sizes]) * (len(sizes) and sum(sizes) / len(sizes))


def _first_stage(example: Example, sentence: Logistic, on_step: Callable[[], None] | None) -> np.ndarray:
    """The sentences the rerank sees (the first stage's likeliest), their similarities filled in."""
    first = shortlist(example.rows, sentence, size=FITTED_RERANK) if example.sentences else np.zeros(0, dtype=int)
    example.cosines = sentence_cosines([example.sentences[i] for i in first], example.evidence)
    if on_step:
        on_step()
    return first


def _question_row(example: Example, scored: Scored) -> np.ndarray:
    best = scored.probabilities[0] if scored.probabilities else 0.0
    best_cosine = float(example.cosines.max()) if len(example.cosines) else 0.0
    return question_features(example.query, example.hits, example.evidence, scored.sentences, best, best_cosine)


def _bar_quality(
    pairs: list[tuple[Example, Scored]],
    bar: float,
    relative: float,
    same_kind: bool,
    rouge_of: Callable[[str, str], float],
) -> float:
    """Mean over questions of (ROUGE-1 F1 of the quoted sentences + the share of cited turns in the gold span) / 2."""
    values = []
    for example, scored in pairs:
        chosen = compose(scored, bar, relative, same_kind)
        gold_answer = example.asked.question.answer or ""
        text = " ".join(s.text for s in chosen)
        turns = {s.turn.index for s in chosen if s.turn is not None}
        precision = len(turns & example.asked.question.gold) / len(turns) if turns else 0.0
        values.append((rouge_of(text, gold_answer) + precision) / 2 if gold_answer else precision)
    return statistics.fmean(values) if values else 0.0
