"""Keyword search with bm25s, built from the chunks the store holds, so it can always be rebuilt."""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from functools import cache
from itertools import chain

import numpy as np

from core.text import words

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
    return _stemmer().stemWords([word for word in words(text.lower()) if len(word) > 1 and word not in stop])


class KeywordIndex:
    """BM25 over chunk texts (speaker names included), as bm25s scores it.

    Each text's terms are kept as ids into the index's vocabulary (one int32 array, about 40 MB at
    100,000 chunks), so that an index of mostly the same texts is built again without tokenizing
    them: `reused[i]` is the position in `previous` of text i, or -1 for a new text."""

    def __init__(self, texts: Sequence[str], previous: KeywordIndex | None = None, reused: Sequence[int] | None = None):
        import bm25s

        self.size = len(texts)
        self.vocab: dict[str, int] = dict(previous.vocab) if previous is not None else {}
        documents = []
        for position, text in enumerate(texts):
            old = reused[position] if previous is not None and reused is not None else -1
            if old >= 0:
                documents.append(previous._ids[previous._offsets[old] : previous._offsets[old + 1]].tolist())
            else:
                documents.append([self.vocab.setdefault(term, len(self.vocab)) for term in terms(text)])
        self._offsets = np.cumsum([0, *map(len, documents)], dtype=np.int64)
        self._ids = np.fromiter(chain.from_iterable(documents), dtype=np.int32, count=int(self._offsets[-1]))
        self._bm25 = bm25s.BM25()
        self._df = np.zeros(len(self.vocab), dtype=np.int64)
        if self.size:
            self._bm25.index((documents, dict(self.vocab)), show_progress=False)
            self._df = np.diff(self._bm25.scores["indptr"])  # chunks holding each term: its column's entries

    def document_frequency(self, term: str) -> int:
        index = self.vocab.get(term)
        return int(self._df[index]) if index is not None and index < len(self._df) else 0

    def idf(self, term: str) -> float:
        df = self.document_frequency(term)
        return math.log(1 + (self.size - df + 0.5) / (df + 0.5))

    def scores(self, query: str) -> np.ndarray | None:
        """The BM25 score of every chunk for the query, or None when no query term is indexed."""
        query_terms = [term for term in terms(query) if self.document_frequency(term)]
        if not self.size or not query_terms:
            return None
        return self._bm25.get_scores(query_terms)
