"""The learned fusion of hybrid retrieval, fitted on QMSum train: every candidate chunk of each
specific query, asked within its meeting, labelled by whether it holds a gold turn
(`onrecord fit fusion`, which writes index/fusion_model.json)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np

from answer.extractive.scorer import largest_difference
from core.errors import OnRecordError
from core.models import Filters
from eval.fit import logistic
from eval.suites import Suite
from index.fusion import FUSION_FEATURES
from index.retrieval import CANDIDATES, Retriever


def fusion_examples(
    suite: Suite, retriever: Retriever, on_step: Callable[[], None] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """FUSION_FEATURES rows of every candidate of every answerable question, and their labels."""
    rows, labels = [], []
    table, position = retriever.catalog.chunks, retriever.catalog.position
    for question in suite.questions:
        if question.answerable:
            query = retriever.prepare(question.question, Filters.within(question.meeting))
            ranked, _, found = retriever.candidates(query, CANDIDATES, "hybrid", rows=True)
            if found is not None:
                gold = question.gold
                for chunk_id, _ in ranked:
                    chunk = table[position[chunk_id]]
                    labels.append(bool(gold & set(range(chunk.turn_start, chunk.turn_end + 1))))
                rows.append(found)
        if on_step:
            on_step()
    if not rows or not any(labels):
        raise OnRecordError("no train question has a candidate chunk in its gold span: nothing to fit on")
    return np.vstack(rows), np.array(labels, dtype=int)


def fit_fusion(rows: np.ndarray, labels: np.ndarray, described: str) -> dict:
    return {"fitted_on": described, "model": logistic(rows, labels, FUSION_FEATURES).to_dict()}


def difference(path: Path, fitted: dict) -> float:
    """The largest difference between the file's numbers and a fit's."""
    return largest_difference(json.loads(path.read_text(encoding="utf-8")), fitted)
