"""Fitting the answer model (`index.scorer`) on QMSum train: which sentences answer a question,
whether a library answers it at all, the bar every quoted sentence must pass, and where to refuse.

Every train question is asked within its meeting, of the whole library, and (product and committee
meetings) of the library without its meeting or series (`eval.asked`). A sentence is labelled as
answering when the turn that holds it is in the question's gold span and it shares enough words with
the gold answer (a span is often many turns, most of them not the answer); a question asked without its
meeting or series is labelled as not answerable. Both models are logistic regressions (scikit-learn)
over standardized features; their coefficients, rounded, go to `index/answer_model.json`."""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from core.errors import OnRecordError
from core.models import Hit
from eval.asked import Asked, asked_ways
from eval.metrics import rouge
from eval.suites import Suite
from index.answer import PASSAGES, Scored, compose
from index.keyword import terms
from index.library import Library
from index.scorer import AnswerModel, Logistic
from index.sentences import Sentence, candidates, with_turns
from index.signals import QUESTION_FEATURES, SENTENCE_FEATURES, Occurs, question_features, sentence_features

ANSWER_PASSAGES = 8
BARS = tuple(round(0.05 * i, 2) for i in range(1, 19))  # sentence bars tried: 0.05 … 0.90
FALSE_REFUSALS = 0.05  # the refusal threshold refuses at most this share of answerable train questions
REGULARIZATION = 1.0  # scikit-learn's C
ANSWER_SHARE = 0.3  # a gold-span sentence answers when this share of its words are in the gold answer


@dataclass
class Example:
    """One question asked one way, with what the model sees of it."""

    asked: Asked
    query: str
    hits: list[Hit]
    sentences: list[Sentence]
    rows: np.ndarray  # SENTENCE_FEATURES per sentence
    labels: np.ndarray  # 1 where the sentence's turn is gold (asked within its meeting), else 0
    occurs: Occurs


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
                hits = retriever.retrieve_query(query, ANSWER_PASSAGES)
                found = candidates(hits[:PASSAGES])
                if asked.way == "meeting":
                    found = with_turns(found, library.turns)
                keyword, occurs = retriever.catalog.keyword, retriever.occurs(query)
                rows = sentence_features(query.text, found, hits, keyword, query.speakers, occurs)
                gold = question.gold if asked.way == "meeting" else frozenset()
                answer_terms = set(terms(question.answer or ""))
                labels = np.array([float(_answers(s, gold, answer_terms)) for s in found])
                examples.append(Example(asked, query.text, hits, found, rows, labels, occurs))
        if on_step:
            on_step()
    return examples


def _answers(sentence: Sentence, gold: frozenset[int], answer_terms: set[str]) -> bool:
    """In a gold turn and, where the gold answer is known, sharing enough of its words: of a gold
    span's many sentences, the ones that carry the answer."""
    if sentence.turn is None or sentence.turn.index not in gold:
        return False
    own = set(terms(sentence.text))
    return not answer_terms or len(own & answer_terms) >= ANSWER_SHARE * max(len(own), 1)


def logistic(rows: np.ndarray, labels: np.ndarray, features: tuple[str, ...]) -> Logistic:
    from sklearn.linear_model import LogisticRegression

    mean = rows.mean(axis=0)
    scale = rows.std(axis=0)
    scale[scale == 0] = 1.0
    fitted = LogisticRegression(C=REGULARIZATION, max_iter=5000).fit((rows - mean) / scale, labels)
    return Logistic(features, tuple(mean), tuple(scale), tuple(fitted.coef_[0]), float(fitted.intercept_[0]))


def fit(examples: list[Example], library: Library, described: str) -> AnswerModel:
    """Both models, the sentence bar and the refusal threshold, from the collected examples."""
    within = [e for e in examples if e.asked.way == "meeting" and len(e.sentences)]
    if not within or not any(e.labels.any() for e in within):
        raise OnRecordError("no train question has a retrieved sentence in its gold span: nothing to fit on")
    sentence = logistic(
        np.vstack([e.rows for e in within]), np.concatenate([e.labels for e in within]), SENTENCE_FEATURES
    )
    scored = [_scored(e, sentence) for e in examples]
    rows = np.vstack([_question_row(e, s, library) for e, s in zip(examples, scored, strict=True)])
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
    bar = max(BARS, key=lambda b: _bar_quality(pairs, b))
    return AnswerModel(sentence, question, bar, threshold, support, described)


def _scored(example: Example, sentence: Logistic) -> Scored:
    if not example.sentences:
        return Scored((), (), 0.0)
    probabilities = sentence.probability(example.rows)
    order = np.argsort(-probabilities, kind="stable")
    return Scored(tuple(example.sentences[i] for i in order), tuple(float(probabilities[i]) for i in order), 0.0)


def _question_row(example: Example, scored: Scored, library: Library) -> np.ndarray:
    best = scored.probabilities[0] if scored.probabilities else 0.0
    keyword = library.retriever.catalog.keyword
    return question_features(example.query, example.hits, keyword, example.occurs, scored.sentences, best)


def _bar_quality(pairs: list[tuple[Example, Scored]], bar: float) -> float:
    """Mean over questions of (ROUGE-1 F1 of the quoted sentences + the share of cited turns in the gold span) / 2."""
    values = []
    for example, scored in pairs:
        chosen = compose(scored, bar)
        gold_answer = example.asked.question.answer or ""
        text = " ".join(s.text for s in chosen)
        turns = {s.turn.index for s in chosen if s.turn is not None}
        precision = len(turns & example.asked.question.gold) / len(turns) if turns else 0.0
        values.append((rouge(text, gold_answer)["ROUGE-1"] + precision) / 2 if gold_answer else precision)
    return statistics.fmean(values) if values else 0.0
