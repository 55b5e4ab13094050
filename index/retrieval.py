"""Hybrid retrieval: dense (Chroma) and keyword (bm25s) rankings fused by reciprocal rank fusion,
with filters, and a lift for the speakers a question names."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np

from index.catalog import Catalog
from index.embedding import Embedder
from index.fusion import rrf
from index.links import deep_link
from index.mentions import mentioned_speakers
from index.store import Store
from onrecord.errors import QueryError
from onrecord.models import Chunk, Filters, Hit

Mode = Literal["hybrid", "dense", "keyword"]
MODES: tuple[Mode, ...] = ("hybrid", "dense", "keyword")
MAX_QUESTION_CHARS = 2000
MAX_K = 100
CANDIDATES = 40  # per ranking, before fusion


@dataclass(frozen=True)
class Query:
    """A checked question: its text, resolved filters and the speakers it names."""

    text: str
    filters: Filters
    speakers: tuple[str, ...]
    vector: np.ndarray


def check_question(question: str) -> str:
    text = " ".join((question or "").split())
    if not text:
        raise QueryError('the question is empty; type a question, e.g. onrecord ask "What was decided about X?"')
    if len(text) > MAX_QUESTION_CHARS:
        raise QueryError(
            f"the question is {len(text):,} characters long, over the limit of {MAX_QUESTION_CHARS:,}; "
            "ask a shorter question (a sentence or two)"
        )
    return text


class Retriever:
    """Ranks chunks for a question; `retrieve(question, k) -> list[Hit]`."""

    def __init__(self, store: Store, embedder: Embedder, catalog: Catalog):
        self.store = store
        self.embedder = embedder
        self.catalog = catalog

    def prepare(self, question: str, filters: Filters | None = None) -> Query:
        text = check_question(question)
        if not len(self.catalog):
            raise QueryError("the index is empty: ingest something first: onrecord ingest PATH")
        resolved = self.catalog.resolve(filters or Filters())
        named = () if resolved.speaker else tuple(mentioned_speakers(text, self.catalog.speakers.values())[:1])
        return Query(text, resolved, named, self.embedder.embed_batch([text])[0])

    def retrieve(self, question: str, k: int = 10, filters: Filters | None = None, mode: Mode = "hybrid") -> list[Hit]:
        return self.retrieve_query(self.prepare(question, filters), k, mode)

    def retrieve_query(self, query: Query, k: int = 10, mode: Mode = "hybrid") -> list[Hit]:
        if mode not in MODES:
            raise QueryError(f"unknown retrieval mode {mode!r}; use one of: {', '.join(MODES)}")
        if not 1 <= k <= MAX_K:
            raise QueryError(f"k of {k} is out of range; ask for 1 to {MAX_K} passages")
        depth = max(CANDIDATES, k)
        rankings: list[list[str]] = []
        similarity: dict[str, float] = {}
        keyword_score: dict[str, float] = {}
        filter_sets = [query.filters]
        for speaker in query.speakers:  # the named speaker's own passages get rankings of their own
            filter_sets.append(replace(query.filters, speaker=speaker))
        for filters in filter_sets:
            if mode in ("dense", "hybrid"):
                dense = self.store.dense(query.vector, depth, filters)
                similarity.update({chunk.id: score for chunk, score in dense})
                rankings.append([chunk.id for chunk, _ in dense])
            if mode in ("keyword", "hybrid"):
                found = self.catalog.keyword.search(query.text, depth, self.catalog.mask(filters))
                ids = [self.catalog.chunks[position].id for position, _ in found]
                keyword_score.update({chunk_id: score for chunk_id, (_, score) in zip(ids, found, strict=True)})
                rankings.append(ids)
        ranked = _ranked(mode, rankings, similarity, keyword_score)[:k]
        missing = [chunk_id for chunk_id, _ in ranked if chunk_id not in similarity]
        for chunk_id, vector in self.store.vectors_of(missing).items():
            similarity[chunk_id] = float(vector @ query.vector)
        return [
            self._hit(rank, chunk_id, score, similarity.get(chunk_id, 0.0))
            for rank, (chunk_id, score) in enumerate(ranked, 1)
        ]

    def _hit(self, rank: int, chunk_id: str, score: float, similarity: float) -> Hit:
        chunk = self._chunk(chunk_id)
        meeting = self.catalog.meetings.get(chunk.meeting_id)
        return Hit(
            rank=rank,
            score=score,
            similarity=similarity,
            chunk=chunk,
            title=meeting.title if meeting else chunk.meeting_id,
            date=meeting.date if meeting else None,
            url=deep_link(meeting.media_url if meeting else None, chunk.start),
        )

    def _chunk(self, chunk_id: str) -> Chunk:
        return self.catalog.chunks[self.catalog.position[chunk_id]]


def _ranked(
    mode: Mode, rankings: list[list[str]], similarity: dict[str, float], keyword_score: dict[str, float]
) -> list[tuple[str, float]]:
    if mode == "hybrid":
        return [(str(chunk_id), score) for chunk_id, score in rrf(rankings)]
    scores: Callable[[str], float]
    if mode == "dense":
        scores = similarity.__getitem__
    else:
        top = max(keyword_score.values(), default=1.0) or 1.0
        scores = lambda chunk_id: keyword_score[chunk_id] / top  # noqa: E731
    seen = list(dict.fromkeys(chunk_id for ranking in rankings for chunk_id in ranking))
    return sorted(((chunk_id, scores(chunk_id)) for chunk_id in seen), key=lambda pair: -pair[1])
