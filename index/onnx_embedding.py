"""ONNX Runtime embedders: the bundled model exported offline with its attention and layer norms
fused, in fp32 (the same vectors as PyTorch, without loading PyTorch) or with int8 weights
(quantized per channel: about 1.5x the speed, vectors at cosine 0.99 of fp32's; README)."""

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

MAX_LENGTH = 256


def onnx_model(model_dir: Path, cache_dir: Path, int8: bool) -> Path:
    """The fused (and, with `int8`, quantized) ONNX file for a model folder, exported once and kept
    in `cache_dir`."""
    weights = model_dir / "model.safetensors"
    stamp = f"{model_dir.resolve()}:{weights.stat().st_size if weights.exists() else 0}"
    target = cache_dir / f"embedding-{hashlib.sha1(stamp.encode()).hexdigest()[:12]}-{'int8' if int8 else 'fp32'}.onnx"
    if target.exists():
        return target
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="onrecord-onnx-") as scratch, _quiet():
            plain, fused = Path(scratch) / "model.onnx", Path(scratch) / "fused.onnx"
            _export(model_dir, plain)
            _fuse(model_dir, plain, fused)
            partial = target.with_suffix(".partial")
            if int8:
                _quantize(fused, partial)
            else:
                os.replace(fused, partial)
            os.replace(partial, target)
    except (OSError, RuntimeError, ValueError) as error:
        raise SettingsError(
            f"cannot build the int8 ONNX model from {model_dir}: {error}; use ONRECORD_BACKEND=torch"
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


def _fuse(model_dir: Path, source: Path, target: Path) -> None:
    import json

    from onnxruntime.transformers.optimizer import optimize_model

    config = json.loads((model_dir / "config.json").read_text())
    optimized = optimize_model(
        str(source), model_type="bert", num_heads=config["num_attention_heads"], hidden_size=config["hidden_size"]
    )
    optimized.save_model_to_file(str(target))


def _quantize(source: Path, target: Path) -> None:
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
    """Mean-pooled, normalized embeddings from an ONNX model, batched by length on the CPU."""

    def __init__(self, onnx_path: Path, tokenizer_file: Path, batch_size: int = 32, threads: int | None = None):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or os.cpu_count() or 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.session = ort.InferenceSession(str(onnx_path), options, providers=["CPUExecutionProvider"])
        self.tokenizer = Tokenizer.from_file(str(tokenizer_file))
        self.tokenizer.enable_truncation(MAX_LENGTH)
        self.tokenizer.enable_padding()
        self.batch_size = batch_size
        self.dimension = int(self.embed_batch(["dimension"]).shape[1])

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, getattr(self, "dimension", 0)), dtype=np.float32)
        order = np.argsort([-len(text) for text in texts], kind="stable")
        vectors: list[np.ndarray] = [np.empty(0)] * len(texts)
        for start in range(0, len(texts), self.batch_size):
            positions = order[start : start + self.batch_size]
            for position, vector in zip(positions, self._batch([texts[p] for p in positions]), strict=True):
                vectors[position] = vector
        return np.stack(vectors).astype(np.float32)

    def _batch(self, texts: list[str]) -> np.ndarray:
        encodings = self.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        hidden = self.session.run(
            None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        )[0]
        pooled = (hidden * mask[..., None]).sum(axis=1) / np.maximum(mask.sum(axis=1, keepdims=True), 1)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
