"""Ranking as pure functions: the best of a score array, and rank fusion over plain lists."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from pathlib import Path

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


def best_positions(
    scores: np.ndarray,
    k: int,
    mask: np.ndarray | None = None,
    above: float = -np.inf,
    among: np.ndarray | None = None,
) -> np.ndarray:
    """Positions of the k highest scores, highest first, among those the mask allows and above
    `above`, or among the positions `among` names (those above `above`, found once for several masks)."""
    if among is None:
        eligible = scores > above
        if mask is not None:
            eligible &= mask
        positions = np.flatnonzero(eligible)
    else:
        positions = among if mask is None else among[mask[among]]
    if k < len(positions):  # those at or above the k-th score (np.partition: twice argpartition's speed)
        chosen = scores[positions]
        positions = positions[chosen >= np.partition(chosen, len(chosen) - k)[len(chosen) - k]]
    return positions[np.argsort(-scores[positions], kind="stable")][:k]


# The learned fusion of hybrid retrieval (`onrecord fit fusion`, QMSum train): each candidate chunk
# of the dense and keyword rankings scored by a logistic regression over these signals, in place of
# reciprocal rank fusion's order. Every one is cheap at any library size (no statistic over all chunks).
FUSION_FEATURES = (
    "rrf",  # the reciprocal rank fusion score (the named speaker's rankings included)
    "cosine",  # the question's similarity to the chunk
    "cosine_below_best",  # ... less the best chunk's
    "keyword",  # its BM25 score against the best chunk's
    "keyword_any",  # whether it holds a keyword at all
    "dense_rank",  # 1 / (60 + its rank) in the dense ranking (100 when unranked)
    "keyword_rank",  # the same in the keyword ranking
    "neighbour_cosine_below_best",  # the better adjacent chunk (same meeting) against the best
    "neighbour_keyword",  # the better adjacent chunk's BM25 score against the best chunk's
    "named_speaker",  # the speaker the question names speaks in it
    "length",  # its size in word pieces, over 192
)
FUSION_FILE = Path(__file__).resolve().with_name("fusion_model.json")
UNRANKED = 100


@dataclass(frozen=True)
class Signals:
    """What the rankings of one question know about their candidates, by catalog position."""

    cosine: dict[int, float]  # candidates' and their neighbours' similarity to the question
    keyword: np.ndarray  # every chunk's BM25 score (zeros when the question has no keyword)
    dense_ranking: Sequence[int]  # positions, best first (the question's own filters)
    keyword_ranking: Sequence[int]
    neighbours: dict[int, Sequence[int]]  # a candidate's adjacent chunks in its meeting
    named: dict[int, bool]  # whether the speaker the question names speaks in the candidate
    length: dict[int, float]  # word pieces


def fusion_rows(candidates: Sequence[int], rrf_scores: Sequence[float], signals: Signals) -> np.ndarray:
    """FUSION_FEATURES for each candidate position."""
    best_cosine = signals.cosine[signals.dense_ranking[0]] if len(signals.dense_ranking) else 0.0
    best_keyword = float(signals.keyword[signals.keyword_ranking[0]]) if len(signals.keyword_ranking) else 0.0
    best_keyword = best_keyword or 1.0
    dense_rank = {p: rank for rank, p in enumerate(signals.dense_ranking, 1)}
    keyword_rank = {p: rank for rank, p in enumerate(signals.keyword_ranking, 1)}
    rows = []
    for position, fused in zip(candidates, rrf_scores, strict=True):
        around = signals.neighbours.get(position, ())
        keyword = float(signals.keyword[position])
        rows.append(
            [
                fused,
                signals.cosine[position],
                signals.cosine[position] - best_cosine,
                keyword / best_keyword,
                float(keyword > 0),
                1.0 / (60 + dense_rank.get(position, UNRANKED)),
                1.0 / (60 + keyword_rank.get(position, UNRANKED)),
                (max((signals.cosine[o] for o in around), default=0.0)) - best_cosine if around else -best_cosine,
                max((float(signals.keyword[o]) for o in around), default=0.0) / best_keyword,
                float(signals.named.get(position, False)),
                signals.length.get(position, 0.0) / 192.0,
            ]
        )
    return np.array(rows, dtype=np.float64).reshape(len(rows), len(FUSION_FEATURES))


def ordered(
    mode: str, rankings: list[list[str]], similarity: dict[str, float], keyword_score: dict[str, float]
) -> list[tuple[str, float]]:
    """Chunk ids best first with their scores. Hybrid fuses every ranking. Dense and keyword order by
    their own score, except that a named speaker's ranking, when there is one, is fused with the
    plain one as in hybrid (the speaker's passages rise), each chunk keeping its mode's score."""
    if mode == "hybrid":
        return [(str(chunk_id), score) for chunk_id, score in rrf(rankings)]
    scores: Callable[[str], float]
    if mode == "dense":
        scores = similarity.__getitem__
    else:
        top = max(keyword_score.values(), default=1.0) or 1.0
        scores = lambda chunk_id: keyword_score[chunk_id] / top  # noqa: E731
    if len(rankings) > 1:
        return [(str(chunk_id), scores(str(chunk_id))) for chunk_id, _ in rrf(rankings)]
    return sorted(((chunk_id, scores(chunk_id)) for chunk_id in rankings[0]), key=lambda pair: -pair[1])
