"""ONNX Runtime embedders: the bundled model exported offline with its attention and layer norms
fused, in fp32 (the same vectors as PyTorch, without loading PyTorch) or with int8 weights
(quantized per channel: about 1.5x the speed, vectors at cosine 0.99 of fp32's; docs/performance.md)."""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from core.errors import SettingsError

log = logging.getLogger(__name__)
MAX_LENGTH = 256
TOKENS_PER_BATCH = 128  # word pieces a batch holds, padding included (see OnnxEmbedder)


def onnx_model(model_dir: Path, cache_dir: Path, int8: bool) -> Path:
    """The fused (and, with `int8`, quantized) ONNX file for a model folder, exported once and kept
    in `cache_dir`."""
    weights = model_dir / "model.safetensors"
    stamp = f"{model_dir.resolve()}:{weights.stat().st_size if weights.exists() else 0}"
    target = cache_dir / f"embedding-{hashlib.sha1(stamp.encode()).hexdigest()[:12]}-{'int8' if int8 else 'fp32'}.onnx"
    if target.exists():
        return target
    log.warning("preparing the embedding model for ONNX Runtime, once (about 30 s; nothing is downloaded): %s", target)
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="onrecord-onnx-") as scratch, _quiet():
            plain, fused = Path(scratch) / "model.onnx", Path(scratch) / "fused.onnx"
            _export(model_dir, plain)
            fuse_bert(model_dir, plain, fused)
            partial = target.with_suffix(".partial")
            if int8:
                quantize_int8(fused, partial)
            else:
                os.replace(fused, partial)
            os.replace(partial, target)
    except (OSError, RuntimeError, ValueError) as error:
        raise SettingsError(
            f"cannot build the {'int8' if int8 else 'fp32'} ONNX model from {model_dir} in {cache_dir}: {error}; "
            "set ONRECORD_MODEL_CACHE to a writable folder, or use ONRECORD_BACKEND=torch"
        ) from error
    return target


@contextmanager
def _quiet() -> Iterator[None]:
    """The exporter's and quantizer's warnings are about graphs in general, not this one."""
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        root.setLevel(level)


def _export(model_dir: Path, path: Path) -> None:
    import torch
    from transformers import AutoModel
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()
    model = AutoModel.from_pretrained(str(model_dir), attn_implementation="eager", local_files_only=True).eval()

    class HiddenStates(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.model(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)[0]

    sample = torch.ones((2, 16), dtype=torch.long)
    names = ["input_ids", "attention_mask", "token_type_ids"]
    torch.onnx.export(
        HiddenStates(),
        (sample, sample, torch.zeros_like(sample)),
        str(path),
        input_names=names,
        output_names=["last_hidden_state"],
        dynamic_axes={name: {0: "batch", 1: "tokens"} for name in [*names, "last_hidden_state"]},
        opset_version=17,
        dynamo=False,
    )


def fuse_bert(model_dir: Path, source: Path, target: Path) -> None:
    """The BERT graph at `source` with its attention and layer norms fused, written to `target`."""
    import json

    from onnxruntime.transformers.optimizer import optimize_model

    config = json.loads((model_dir / "config.json").read_text())
    optimized = optimize_model(
        str(source), model_type="bert", num_heads=config["num_attention_heads"], hidden_size=config["hidden_size"]
    )
    optimized.save_model_to_file(str(target))


def quantize_int8(source: Path, target: Path) -> None:
    """The graph at `source` with int8 weights (per channel, dynamic activations), written to `target`."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(
        str(source),
        str(target),
        weight_type=QuantType.QInt8,
        per_channel=True,
        extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
    )


class OnnxEmbedder:
    """Mean-pooled, normalized embeddings from an ONNX model on the CPU. Texts are sorted by length
    and batched by word pieces, padding included, rather than by count: a 192-piece chunk runs
    alone, five sentences of 25 pieces share a batch. On two cores (2026-12-02), 763 QMSum chunks
    took 19.5–19.9 s so, 26.4 s in batches of 32 texts and 31 s with sentence-transformers on
    PyTorch; the 16 sentences an answer compares with its question took 78 ms with 128 pieces a
    batch, 149 ms with 1,024 (attention and padding grow with the batch's longest text)."""

    def __init__(
        self, onnx_path: Path, tokenizer_file: Path, tokens: int = TOKENS_PER_BATCH, threads: int | None = None
    ):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        def session(count: int):
            options = ort.SessionOptions()
            options.intra_op_num_threads = count
            options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            return ort.InferenceSession(str(onnx_path), options, providers=["CPUExecutionProvider"])

        threads = threads or os.cpu_count() or 1
        self.session = session(threads)
        # A question is embedded alone, on one thread: the batch session's threads spin for a while
        # after each run, taking the cores that the question's int8 scan and keyword scoring need
        # next (45 ms for a million chunks' scan after it, 31 after a one-thread run of 5 ms)
        self.single = session(1) if threads > 1 else self.session
        self.tokenizer = Tokenizer.from_file(str(tokenizer_file))
        self.tokenizer.enable_truncation(MAX_LENGTH)
        self.tokenizer.no_padding()
        self.tokens = tokens
        self.dimension = int(self.embed_batch(["dimension"]).shape[1])

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, getattr(self, "dimension", 0)), dtype=np.float32)
        encodings = [encoding.ids for encoding in self.tokenizer.encode_batch(list(texts))]
        session = self.single if len(texts) == 1 else self.session
        order = sorted(range(len(texts)), key=lambda position: -len(encodings[position]))
        vectors = np.empty((len(texts), getattr(self, "dimension", 0) or 1), dtype=np.float32)
        start = 0
        while start < len(order):
            longest = len(encodings[order[start]])
            size = max(1, self.tokens // max(longest, 1))
            positions = order[start : start + size]
            pooled = self._batch(session, [encodings[position] for position in positions], longest)
            if vectors.shape[1] != pooled.shape[1]:
                vectors = np.empty((len(texts), pooled.shape[1]), dtype=np.float32)
            vectors[positions] = pooled
            start += size
        return vectors

    @staticmethod
    def _batch(session, encodings: list[list[int]], length: int) -> np.ndarray:
        ids = np.zeros((len(encodings), length), dtype=np.int64)
        mask = np.zeros((len(encodings), length), dtype=np.int64)
        for row, encoding in enumerate(encodings):
            ids[row, : len(encoding)] = encoding
            mask[row, : len(encoding)] = 1
        hidden = session.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)})[0]
        pooled = (hidden * mask[..., None]).sum(axis=1) / np.maximum(mask.sum(axis=1, keepdims=True), 1)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
