"""Benchmarks that print figures: ingest against plain model encoding, and query latency.

Each measures On Record and its baseline in the same process and run, so ratios hold
whatever else the machine is doing.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from index.api import AskOptions, ask, open_retriever, open_store
from index.catalog import Catalog
from index.embedding import Embedder, SentenceTransformerEmbedder
from index.writer import ingest_paths
from ingest.chunking import chunk_transcript
from ingest.parsing import Failure, parse_paths
from ingest.wordpieces import WordPieceCounter
from onrecord.settings import Settings


class TimedEmbedder:
    """An embedder that adds up the time spent in the model."""

    def __init__(self, inner: Embedder):
        self.inner = inner
        self.dimension = inner.dimension
        self.seconds = 0.0
        self.texts = 0

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        started = time.perf_counter()
        vectors = self.inner.embed_batch(texts)
        self.seconds += time.perf_counter() - started
        self.texts += len(texts)
        return vectors


@dataclass
class IngestFigures:
    meetings: int
    chunks: int
    parse_chunk_s: float
    embed_s: float
    store_s: float
    keyword_s: float
    total_s: float
    baseline_encode_s: float

    @property
    def ratio(self) -> float:
        return self.total_s / self.baseline_encode_s

    @property
    def beyond_embedding(self) -> float:
        return 1 - self.embed_s / self.total_s


def bench_ingest(
    paths: Sequence[Path], settings: Settings, embedder: SentenceTransformerEmbedder, counter: WordPieceCounter
) -> IngestFigures:
    """Ingest `paths` into a fresh store (settings.data_dir) and encode the same chunk texts with plain
    SentenceTransformer.encode, in the same run."""
    started = time.perf_counter()
    transcripts = [t for t in parse_paths(list(paths)) if not isinstance(t, Failure)]
    texts = [c.text for t in transcripts for c in chunk_transcript(t, settings.chunk_budget, counter.count)]
    parse_chunk = time.perf_counter() - started
    embedder.model.encode(texts[:16], batch_size=settings.batch_size)  # warm-up
    started = time.perf_counter()
    embedder.model.encode(texts, batch_size=settings.batch_size, show_progress_bar=False)
    baseline = time.perf_counter() - started
    timed = TimedEmbedder(embedder)
    store = open_store(settings)
    started = time.perf_counter()
    ingest_paths(list(paths), store, timed, counter.count, settings.chunk_budget, settings.model)
    written = time.perf_counter() - started
    started = time.perf_counter()
    Catalog.load(store)
    keyword = time.perf_counter() - started
    total = written + keyword
    return IngestFigures(
        meetings=len(transcripts),
        chunks=len(texts),
        parse_chunk_s=parse_chunk,
        embed_s=timed.seconds,
        store_s=written - timed.seconds - parse_chunk,
        keyword_s=keyword,
        total_s=total,
        baseline_encode_s=baseline,
    )


@dataclass
class QueryFigures:
    chunks: int
    questions: int
    retrieve_ms: list[float] = field(default_factory=list)
    ask_ms: list[float] = field(default_factory=list)

    @staticmethod
    def summary(values: list[float]) -> tuple[float, float]:
        return statistics.median(values), float(np.percentile(values, 95))


def bench_queries(settings: Settings, embedder: Embedder, questions: Sequence[str], repeat: int = 1) -> QueryFigures:
    """Warm latency of retrieval alone and of a full hybrid ask, per question."""
    retriever = open_retriever(settings, embedder)
    for question in questions[:5]:
        ask(retriever, question)  # warm-up
    figures = QueryFigures(chunks=len(retriever.catalog), questions=len(questions))
    for _ in range(repeat):
        for question in questions:
            started = time.perf_counter()
            retriever.retrieve(question, AskOptions().k)
            figures.retrieve_ms.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            ask(retriever, question)
            figures.ask_ms.append((time.perf_counter() - started) * 1000)
    return figures
