"""Sentence embeddings: one small interface, a sentence-transformers implementation, and an
adapter so that LlamaIndex uses the same model without its global Settings."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from core.errors import SettingsError
from core.settings import Settings, model_path


class Embedder(Protocol):
    """Turns texts into unit-length vectors; cosine similarity is then a dot product."""

    dimension: int

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray: ...


class SentenceTransformerEmbedder:
    """A sentence-transformers model loaded from a local folder, on the CPU, normalized output."""

    def __init__(self, model_dir: Path, batch_size: int = 32):
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()
        try:
            self.model = SentenceTransformer(str(model_dir), device="cpu", local_files_only=True)
        except (OSError, ValueError) as error:
            raise SettingsError(f"cannot load the embedding model from {model_dir}: {error}") from error
        self.batch_size = batch_size
        self.dimension = int(self.model.get_embedding_dimension())
        self.max_seq_length = int(self.model.max_seq_length)

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self.model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)


class OneCallAtATime:
    """An embedder shared by threads (the app's workers, the API's pool) that runs one call at a
    time: a model's fast tokenizer is not safe to use from two threads at once (it raises
    "Already borrowed"), and on a machine of few cores two calls at once are no faster."""

    def __init__(self, inner: Embedder):
        self.inner = inner
        self.dimension = inner.dimension
        self._lock = threading.Lock()

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        with self._lock:
            return self.inner.embed_batch(texts)


def one_blas_thread() -> None:
    """numpy's OpenBLAS on one thread. Its idle threads spin for a while after each call and, on a
    machine of few cores, slow the model's own threads that run next (at 100,000 chunks a question's
    embedding took 90 ms at the 95th percentile instead of 10). numpy's work here is matrix-vector
    products, bound by memory, so one thread does it as fast."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")


@cache
def _embedder(path: Path, batch_size: int, backend: str, cache_dir: Path) -> Embedder:
    one_blas_thread()
    if backend in ("onnx", "onnx-int8"):
        from index.onnx_embedding import OnnxEmbedder, onnx_model

        model = onnx_model(path, cache_dir, backend == "onnx-int8")
        return OneCallAtATime(OnnxEmbedder(model, path / "tokenizer.json"))
    return OneCallAtATime(SentenceTransformerEmbedder(path, batch_size))


def load_embedder(settings: Settings) -> Embedder:
    """The embedding model the settings name, on their backend, loaded once per process and safe
    to share between threads."""
    return _embedder(
        model_path(settings.model), settings.batch_size, settings.backend, settings.model_cache.expanduser()
    )


def llama_embedding(embedder: Embedder) -> Any:
    """The embedder as a LlamaIndex `BaseEmbedding`, to pass explicitly where LlamaIndex wants one."""
    from llama_index.core.base.embeddings.base import BaseEmbedding
    from pydantic import PrivateAttr

    class _Adapter(BaseEmbedding):
        _embedder: Any = PrivateAttr()

        def __init__(self, inner: Embedder):
            super().__init__(model_name="onrecord", embed_batch_size=64)
            self._embedder = inner

        def _get_query_embedding(self, query: str) -> list[float]:
            return self._embedder.embed_batch([query])[0].tolist()

        def _get_text_embedding(self, text: str) -> list[float]:
            return self._embedder.embed_batch([text])[0].tolist()

        def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
            return self._embedder.embed_batch(texts).tolist()

        async def _aget_query_embedding(self, query: str) -> list[float]:
            return self._get_query_embedding(query)

    return _Adapter(embedder)
