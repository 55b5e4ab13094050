"""The answerers of earlier releases kept for comparison in the same run (eval.previous)."""

from __future__ import annotations

import numpy as np

from answer.signals import QUESTION_FEATURES, RERANK_FEATURES
from eval.previous import before_reader


def test_the_answerer_before_the_reader_weighs_the_reader_at_nothing():
    model = before_reader()
    assert model.rerank.features == RERANK_FEATURES and model.question.features == QUESTION_FEATURES
    assert not model.says_what_is_missing
    for logistic, features in ((model.rerank, RERANK_FEATURES), (model.question, QUESTION_FEATURES)):
        reader = [i for i, name in enumerate(features) if name.startswith("reader")]
        assert len(reader) == 2 and all(logistic.coefficients[i] == 0.0 for i in reader)
        rows = np.random.default_rng(0).normal(size=(5, len(features)))
        read_differently = rows.copy()
        read_differently[:, reader] += 10.0
        assert np.allclose(logistic.probability(rows), logistic.probability(read_differently))
        assert len(set(np.round(logistic.probability(rows), 6))) > 1  # the other features still count
