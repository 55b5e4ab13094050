"""Both embedding backends: the bundled model under PyTorch fp32 and under ONNX Runtime int8."""

from __future__ import annotations

import numpy as np
import pytest

from core.settings import load_settings, model_path
from index.embedding import SentenceTransformerEmbedder, load_embedder
from index.onnx_embedding import OnnxEmbedder, onnx_model

TEXTS = [
    "Maggie Dennis: If the vote is not approved, we will be moving back into drafting.",
    "The fridge is the worst place for bread.",
    "Councillor Raj Patel: The design removes twenty-two parking spaces on the north side.",
    "ok",
]


@pytest.fixture(scope="module")
def torch_embedder():
    embedder = load_embedder(load_settings(backend="torch"))
    assert isinstance(embedder.inner, SentenceTransformerEmbedder)
    return embedder


@pytest.fixture(scope="module")
def int8_embedder():
    return load_embedder(load_settings(backend="onnx-int8"))


def test_default_backend_is_onnx_fp32(embedder):
    assert load_settings().backend == "onnx"
    assert isinstance(embedder.inner, OnnxEmbedder)  # the session's default embedder


def test_onnx_backend_gives_the_pytorch_vectors(embedder, torch_embedder):
    agreement = np.sum(embedder.embed_batch(TEXTS) * torch_embedder.embed_batch(TEXTS), axis=1)
    assert np.min(agreement) > 0.9999


def test_onnx_batches_by_length_give_each_text_its_own_vector(embedder, torch_embedder):
    """Texts of very different lengths, batched by word pieces: each vector is its own text's, the
    same as PyTorch's and as the text embedded alone."""
    texts = [TEXTS[0] * 12, "ok", *TEXTS, "Where should bread be kept?" * 3, "a"]
    batched = embedder.embed_batch(texts)
    alone = np.stack([embedder.embed_batch([text])[0] for text in texts])
    assert batched.shape == (len(texts), 384)
    assert np.min(np.sum(batched * alone, axis=1)) > 0.9999
    assert np.min(np.sum(batched * torch_embedder.embed_batch(texts), axis=1)) > 0.9999


def test_int8_backend_is_close_to_fp32(int8_embedder, torch_embedder):
    embedder = int8_embedder
    int8, fp32 = embedder.embed_batch(TEXTS), torch_embedder.embed_batch(TEXTS)
    assert int8.shape == fp32.shape == (4, 384)
    assert np.allclose(np.linalg.norm(int8, axis=1), 1.0, atol=1e-4)
    agreement = np.sum(int8 * fp32, axis=1)
    # one-word texts agree least ("ok": 0.949 with onnxruntime 1.32); sentences above 0.98
    assert np.min(agreement) > 0.94 and np.mean(agreement) > 0.98
    # the same ranking of texts for a question
    question = "Where should bread be kept?"
    assert (
        np.argmax(int8 @ embedder.embed_batch([question])[0])
        == np.argmax(fp32 @ torch_embedder.embed_batch([question])[0])
        == 1
    )


def test_batches_keep_input_order(int8_embedder):
    embedder = int8_embedder
    # dynamic int8 quantization scales activations per batch, so a text's vector moves slightly
    # with its batch-mates; each must still be its own text's vector
    one_by_one = np.stack([embedder.embed_batch([text])[0] for text in TEXTS])
    batched = embedder.embed_batch(TEXTS)
    similarity = batched @ one_by_one.T
    assert list(np.argmax(similarity, axis=1)) == [0, 1, 2, 3]
    assert np.min(np.diag(similarity)) > 0.95
    assert embedder.embed_batch([]).shape == (0, 384)


def test_the_exported_model_is_built_once(tmp_path):
    settings = load_settings()
    first = onnx_model(model_path(settings.model), settings.model_cache.expanduser(), int8=True)
    built = first.stat().st_mtime
    assert onnx_model(model_path(settings.model), settings.model_cache.expanduser(), int8=True) == first
    assert first.stat().st_mtime == built


def test_backend_is_part_of_the_embedding_identity():
    assert load_settings(backend="torch").embedding_id == "all-MiniLM-L6-v2"
    assert load_settings(backend="onnx").embedding_id == "all-MiniLM-L6-v2"  # the same vectors
    assert load_settings(backend="onnx-int8").embedding_id == "all-MiniLM-L6-v2@onnx-int8"


class _CountsOverlap:
    """A tiny real embedder that records how many calls run at once."""

    dimension = 3

    def __init__(self) -> None:
        self.active = self.most = 0

    def embed_batch(self, texts):
        import time

        self.active += 1
        self.most = max(self.most, self.active)
        time.sleep(0.005)
        self.active -= 1
        return np.ones((len(texts), 3), dtype=np.float32) / np.sqrt(3)


def test_the_shared_model_runs_one_call_at_a_time(embedder):
    """The app's worker threads and the API's pool share one model whose fast tokenizer is not
    thread-safe ("Already borrowed"): load_embedder wraps it so that calls never overlap."""
    import threading

    from index.embedding import OneCallAtATime

    assert isinstance(embedder, OneCallAtATime)
    inner = _CountsOverlap()
    shared = OneCallAtATime(inner)
    threads = [threading.Thread(target=lambda: [shared.embed_batch(["a"]) for _ in range(20)]) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert inner.most == 1


def test_prepare_builds_the_onnx_model_once_into_an_empty_cache(tmp_path, monkeypatch):
    """What `make install` runs on a fresh machine: the export, from the bundled model, nothing
    downloaded; a second run finds it built."""
    from typer.testing import CliRunner

    from cli import app

    monkeypatch.setenv("ONRECORD_MODEL_CACHE", str(tmp_path / "cache"))
    result = CliRunner().invoke(app, ["prepare"])
    assert result.exit_code == 0, result.output
    (built,) = (tmp_path / "cache").glob("embedding-*-fp32.onnx")
    assert "ready for ONNX Runtime" in result.output and built.name in result.output.replace("\n", "")
    embedder = OnnxEmbedder(built, model_path(load_settings().model) / "tokenizer.json")
    assert embedder.embed_batch(TEXTS).shape == (4, 384)
    again = CliRunner().invoke(app, ["prepare"])
    assert (
        again.exit_code == 0
        and built.stat().st_mtime_ns == next((tmp_path / "cache").glob("*.onnx")).stat().st_mtime_ns
    )
