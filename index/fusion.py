"""Ranking as pure functions: the best of a score array, and rank fusion over plain lists."""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np

RRF_K = 60


def rrf(rankings: Sequence[Sequence[Hashable]], k: int = RRF_K) -> list[tuple[Hashable, float]]:
    """Reciprocal rank fusion, normalized: 1.0 for an item first in every ranking, 0.0 in none.

    Each item scores the sum over rankings of 1 / (k + rank), rank counted from 1, divided
    by the best possible sum. Ties keep the order in which items were first seen.
    """
    if not rankings:
        return []
    best = len(rankings) / (k + 1)
    scores: dict[Hashable, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank)
    return sorted(((item, score / best) for item, score in scores.items()), key=lambda pair: -pair[1])


def best_positions(scores: np.ndarray, k: int, mask: np.ndarray | None = None, above: float = -np.inf) -> np.ndarray:
    """Positions of the k highest scores, highest first, among those the mask allows and above `above`."""
    eligible = scores > above
    if mask is not None:
        eligible &= mask
    positions = np.flatnonzero(eligible)
    if k < len(positions):  # those at or above the k-th score (np.partition: twice argpartition's speed)
        chosen = scores[positions]
        positions = positions[chosen >= np.partition(chosen, len(chosen) - k)[len(chosen) - k]]
    return positions[np.argsort(-scores[positions], kind="stable")][:k]
