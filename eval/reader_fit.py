"""Fitting the reader (`answer.reader`): a sentence-transformers CrossEncoder built on the bundled
all-MiniLM-L6-v2 encoder with a new scoring head, trained one epoch on pairs of QMSum train
(`eval.reader`) with fixed seeds on one thread, exported to ONNX and quantized to int8 where its
area under the ROC curve on the check slice stays within INT8_TOLERANCE of fp32's (else fp16). The figures go into the
file's metadata, so `onrecord fit-reader --check` compares a refit with the committed file."""

from __future__ import annotations

import json
import random
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from answer.reader import MAX_LENGTH, Reader
from core.settings import DEFAULT_MODEL, model_path
from eval.reader import SEED, Pair
from index.onnx_embedding import fuse_bert, quantize_int8

TRAIN_PAIRS = 12000  # pairs trained on, at most (about 15 minutes on one thread)
CHECK_EVERY = 10  # every tenth train meeting is the check slice: never trained on, only measured
BATCH = 16
LEARNING_RATE = 5e-5
HEAD_LEARNING_RATE = 1e-3
INT8_TOLERANCE = 0.005


def split_pairs(pairs: Sequence[Pair]) -> tuple[list[Pair], list[Pair]]:
    """Training pairs (a fixed sample of at most TRAIN_PAIRS) and the check slice's pairs."""
    meetings = sorted({pair.meeting for pair in pairs})
    checked = set(meetings[::CHECK_EVERY])
    train = [pair for pair in pairs if pair.meeting not in checked]
    train = random.Random(SEED).sample(train, min(TRAIN_PAIRS, len(train)))
    return train, [pair for pair in pairs if pair.meeting in checked]


def train(pairs: Sequence[Pair], on_step: Callable[[], None] | None = None):
    """The scorer after one epoch over `pairs`, in batches of similar length: the CrossEncoder's BERT
    encoder with a new head over its mean-pooled states (the bundled model was trained to mean-pool;
    a head on its untrained [CLS] pooler learned only the share of positives in 4,000 pairs)."""
    import torch
    from sentence_transformers import CrossEncoder

    torch.set_num_threads(1)
    torch.manual_seed(SEED)
    random.seed(SEED)
    np.random.seed(SEED)
    cross = CrossEncoder(
        str(model_path(DEFAULT_MODEL)), num_labels=1, max_length=MAX_LENGTH, device="cpu", local_files_only=True
    )
    tokenizer = cross.tokenizer
    model = _with_head(cross.model.bert)
    batches = _batches(pairs, tokenizer)
    groups = [
        {"params": model.encoder.parameters(), "lr": LEARNING_RATE},
        {"params": model.head.parameters(), "lr": HEAD_LEARNING_RATE},
    ]
    optimizer = torch.optim.AdamW(groups, weight_decay=0.01)
    warmup = max(1, len(batches) // 10)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: min((step + 1) / warmup, max(0.0, (len(batches) - step) / (len(batches) - warmup)))
    )
    model.train()
    for batch in batches:
        encoded = tokenizer(
            [pair.question for pair in batch],
            [pair.text for pair in batch],
            truncation="only_second",
            max_length=MAX_LENGTH,
            padding=True,
            return_tensors="pt",
        )
        logits = model(encoded["input_ids"], encoded["attention_mask"], encoded["token_type_ids"]).view(-1)
        labels = torch.tensor([pair.label for pair in batch], dtype=torch.float32)
        loss = torch.nn.functional.binary_cross_entropy_with_logits(logits, labels)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        schedule.step()
        optimizer.zero_grad()
        if on_step:
            on_step()
    return model.eval(), tokenizer


def _with_head(encoder):
    """The encoder with a new scoring head: a linear layer over its mean-pooled token states."""
    import torch

    class Scorer(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = encoder
            self.head = torch.nn.Linear(encoder.config.hidden_size, 1)

        def forward(self, input_ids, attention_mask, token_type_ids):
            states = self.encoder(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)[0]
            mask = attention_mask.unsqueeze(-1).to(states.dtype)
            return self.head((states * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1.0))

    return Scorer()


def _batches(pairs: Sequence[Pair], tokenizer) -> list[list[Pair]]:
    """Batches of pairs of similar length (less padding), in a fixed shuffled order."""
    chooser = random.Random(SEED)
    shuffled = list(pairs)
    chooser.shuffle(shuffled)
    lengths = [
        len(tokenizer(p.question, p.text, truncation="only_second", max_length=MAX_LENGTH)["input_ids"])
        for p in shuffled
    ]
    batches = []
    window = BATCH * 32
    for start in range(0, len(shuffled), window):
        block = sorted(range(start, min(start + window, len(shuffled))), key=lambda i: lengths[i])
        batches.extend([shuffled[i] for i in block[j : j + BATCH]] for j in range(0, len(block), BATCH))
    chooser.shuffle(batches)
    return batches


def export(model, target: Path, check: Sequence[Pair]) -> dict:
    """Write the model to `target` as ONNX (int8, or fp16 where int8 strays), its figures on the
    check slice in the file's metadata; returns the figures."""
    import onnx

    with tempfile.TemporaryDirectory(prefix="onrecord-reader-") as scratch:
        plain, fused, int8 = (Path(scratch) / name for name in ("plain.onnx", "fused.onnx", "int8.onnx"))
        _export_graph(model, plain)
        fuse_bert(Path(model_path(DEFAULT_MODEL)), plain, fused)
        full = figures(Reader(fused), check)
        quantize_int8(fused, int8)
        small = figures(Reader(int8), check)
        chosen, precision = int8, "int8"
        if abs(full["auc"] - small["auc"]) > INT8_TOLERANCE:  # the continuous figure (a top-1 share moves in steps)
            chosen, precision = Path(scratch) / "fp16.onnx", "fp16"
            _half(fused, chosen)
            small = figures(Reader(chosen), check)
        result = {**small, "precision": precision, "fp32": full, "check_pairs": len(check)}
        graph = onnx.load(str(chosen))
        onnx.helper.set_model_props(graph, {"figures": json.dumps(result)})
        onnx.save(graph, str(target))
    return result


def figures(reader: Reader, pairs: Sequence[Pair]) -> dict:
    """On `pairs`: the area under the ROC curve, and the share of questions whose best-scored text
    is a positive (among questions with one)."""
    from sklearn.metrics import roc_auc_score

    scores = np.concatenate(
        [reader.score(question, [p.text for p in group]) for question, group in _by_question(pairs).items()]
    )
    ordered = [p for group in _by_question(pairs).values() for p in group]
    labels = np.array([p.label for p in ordered])
    tops, start = [], 0
    for group in _by_question(pairs).values():
        part = scores[start : start + len(group)]
        if any(p.label for p in group):
            tops.append(group[int(np.argmax(part))].label)
        start += len(group)
    return {"auc": round(float(roc_auc_score(labels, scores)), 4), "top_is_answer": round(float(np.mean(tops)), 4)}


def _by_question(pairs: Sequence[Pair]) -> dict[str, list[Pair]]:
    grouped: dict[str, list[Pair]] = {}
    for pair in pairs:
        grouped.setdefault(f"{pair.meeting}\n{pair.question}", []).append(pair)
    return grouped


def _export_graph(model, path: Path) -> None:
    import torch

    sample = torch.ones((2, 16), dtype=torch.long)
    names = ["input_ids", "attention_mask", "token_type_ids"]
    torch.onnx.export(
        model,
        (sample, sample, torch.zeros_like(sample)),
        str(path),
        input_names=names,
        output_names=["logits"],
        dynamic_axes={**{name: {0: "batch", 1: "tokens"} for name in names}, "logits": {0: "batch"}},
        opset_version=17,
        dynamo=False,
    )


def _half(source: Path, target: Path) -> None:
    import onnx
    from onnxruntime.transformers.float16 import convert_float_to_float16

    onnx.save(convert_float_to_float16(onnx.load(str(source)), keep_io_types=True), str(target))
