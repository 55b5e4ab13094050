"""The small Python API that the CLI, the app and the eval suite share.

Each piece stands alone: `open_store` for the Chroma store, `load_embedder` for the model,
`ingest_paths` (index.writer) to write, a `Retriever` to search, `answer` to answer.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from index.answer import answer
from index.catalog import Catalog
from index.embedding import Embedder, SentenceTransformerEmbedder
from index.retrieval import Mode, Retriever
from index.store import Store
from ingest.wordpieces import WordPieceCounter, counter_for
from onrecord.models import Answer, Filters
from onrecord.settings import Settings, model_path


def offline() -> None:
    """Nothing is ever downloaded: the model comes from a local folder."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "true")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")


def one_blas_thread() -> None:
    """numpy's OpenBLAS on one thread. Its idle threads spin for a while after each call and, on a
    machine of few cores, slow the model's own threads that run next (at 100,000 chunks a question's
    embedding took 90 ms at the 95th percentile instead of 10). numpy's work here is matrix-vector
    products, bound by memory, so one thread does it as fast."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")


def open_store(settings: Settings) -> Store:
    return Store.open(settings)


@cache
def _embedder(path: Path, batch_size: int, backend: str, cache_dir: Path) -> Embedder:
    offline()
    one_blas_thread()
    if backend in ("onnx", "onnx-int8"):
        from index.onnx_embedding import OnnxEmbedder, onnx_model

        return OnnxEmbedder(onnx_model(path, cache_dir, backend == "onnx-int8"), path / "tokenizer.json", batch_size)
    return SentenceTransformerEmbedder(path, batch_size)


def load_embedder(settings: Settings) -> Embedder:
    """The embedding model the settings name, on their backend, loaded once per process."""
    return _embedder(
        model_path(settings.model), settings.batch_size, settings.backend, settings.model_cache.expanduser()
    )


def word_counter(settings: Settings) -> WordPieceCounter:
    return counter_for(model_path(settings.model))


def load_catalog(settings: Settings, store: Store, previous: Catalog | None = None) -> Catalog:
    """The store's catalog, with its snapshot kept in the data directory."""
    return Catalog.load(store, Path(settings.data_dir).expanduser() / "catalog", previous)


def open_retriever(settings: Settings, embedder: Embedder | None = None, store: Store | None = None) -> Retriever:
    store = store or open_store(settings)
    return Retriever(store, embedder or load_embedder(settings), load_catalog(settings, store))


@dataclass(frozen=True)
class AskOptions:
    k: int = 8
    mode: Mode = "hybrid"
    filters: Filters = Filters()


def ask(retriever: Retriever, question: str, options: AskOptions = AskOptions()) -> Answer:
    """Retrieve passages for a question and answer it from them, with citations."""
    query = retriever.prepare(question, options.filters)
    hits = retriever.retrieve_query(query, options.k, options.mode)
    return answer(query.text, hits, retriever.catalog.keyword, query.speakers)
