"""Keyword search with bm25s, built from the chunks the store holds, so it can always be rebuilt."""

from __future__ import annotations

import logging
import math
import re
from collections import Counter
from collections.abc import Sequence
from functools import cache

import numpy as np

_WORD = re.compile(r"(?u)\b\w\w+\b")
logging.getLogger("bm25s").setLevel(logging.WARNING)


@cache
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


@cache
def _stopwords() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_EN

    return frozenset(STOPWORDS_EN)


def terms(text: str) -> list[str]:
    """The lower-cased, stemmed terms of a text with English stop words removed."""
    stop = _stopwords()
    return _stemmer().stemWords([word for word in _WORD.findall(text.lower()) if word not in stop])


class KeywordIndex:
    """BM25 over chunk texts (speaker names included), as bm25s scores it."""

    def __init__(self, texts: Sequence[str]):
        import bm25s

        self.size = len(texts)
        corpus = [terms(text) for text in texts]
        self._df = Counter(term for doc in corpus for term in set(doc))
        self._bm25 = bm25s.BM25()
        if self.size:
            self._bm25.index(corpus, show_progress=False)
        self._vocab = set(self._df)

    def idf(self, term: str) -> float:
        df = self._df.get(term, 0)
        return math.log(1 + (self.size - df + 0.5) / (df + 0.5))

    def scores(self, query: str) -> np.ndarray | None:
        """The BM25 score of every chunk for the query, or None when no query term is indexed."""
        query_terms = [term for term in terms(query) if term in self._vocab]
        if not self.size or not query_terms:
            return None
        return self._bm25.get_scores(query_terms)

    def search(self, query: str, k: int, mask: np.ndarray | None = None) -> list[tuple[int, float]]:
        """(position of the chunk, BM25 score) for the k best chunks scoring above zero."""
        scores = self.scores(query)
        if scores is None:
            return []
        return [(int(position), float(scores[position])) for position in best_positions(scores, k, mask, 0.0)]


def best_positions(scores: np.ndarray, k: int, mask: np.ndarray | None = None, above: float = -np.inf) -> np.ndarray:
    """Positions of the k highest scores, highest first, among those the mask allows and above `above`."""
    eligible = scores > above
    if mask is not None:
        eligible &= mask
    positions = np.flatnonzero(eligible)
    if k < len(positions):
        positions = positions[np.argpartition(-scores[positions], k - 1)[:k]]
    return positions[np.argsort(-scores[positions], kind="stable")]
