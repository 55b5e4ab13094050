"""Rank fusion as pure functions over plain lists."""

from __future__ import annotations

from collections.abc import Hashable, Sequence

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
