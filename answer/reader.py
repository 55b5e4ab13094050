"""The reader: a cross-encoder that reads a question and a sentence (with its speaker and the turn
around it) or a passage together and scores how well one answers the other. It was fine-tuned from
the bundled all-MiniLM-L6-v2 on QMSum train (`onrecord fit-reader`, eval/reader_fit.py) and ships as
one ONNX file, run by ONNX Runtime; its tokenizer is the bundled model's."""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import numpy as np

from answer.sentences import Sentence
from core.errors import SettingsError

READER_FILE = Path(__file__).resolve().parent / "reader.onnx"
MAX_LENGTH = 160  # word pieces of a question and what it is read against, together
CONTEXT_WORDS = 20  # words of the turn around a sentence that the reader sees after it
PAIRS_PER_BATCH = 16
REFIT = "run `onrecord fit-reader --data ../shared/data/qmsum/train` to build it again"


def sentence_text(text: str, speaker: str | None, turn_text: str | None) -> str:
    """What the reader reads for a sentence: its speaker, the sentence, then the words of its turn
    around it (the same for training and answering)."""
    said = f"{speaker or 'Someone'}: {text}"
    if not turn_text or turn_text.strip() == text.strip():
        return said
    words = turn_text.split()
    at = turn_text.find(text[:40])
    middle = len(turn_text[:at].split()) if at >= 0 else 0
    start = max(0, middle - CONTEXT_WORDS // 2)
    return f"{said} | {' '.join(words[start : start + CONTEXT_WORDS])}"


class Reader:
    """Scores (question, text) pairs: a logit, higher where the text answers the question."""

    def __init__(self, onnx_path: Path = READER_FILE, tokenizer_file: Path | None = None, threads: int = 1):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        if not Path(onnx_path).exists():
            raise SettingsError(f"the reader model {onnx_path} is missing; {REFIT}")
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        try:
            self.session = ort.InferenceSession(str(onnx_path), options, providers=["CPUExecutionProvider"])
            meta = self.session.get_modelmeta().custom_metadata_map
            self.figures = json.loads(meta.get("figures", "{}"))
        except Exception as error:  # ONNX Runtime raises its own exception types for a damaged file
            raise SettingsError(f"the reader model {onnx_path} cannot be loaded ({error}); {REFIT}") from error
        self.tokenizer = Tokenizer.from_file(str(tokenizer_file or _bundled_tokenizer()))
        self.tokenizer.enable_truncation(MAX_LENGTH, strategy="only_second")
        self.tokenizer.no_padding()

    def score(self, question: str, texts: Sequence[str]) -> np.ndarray:
        """The reader's logit for each text against the question."""
        if not texts:
            return np.zeros(0, dtype=np.float32)
        encodings = self.tokenizer.encode_batch([(question, text) for text in texts])
        order = sorted(range(len(texts)), key=lambda position: -len(encodings[position].ids))
        scores = np.empty(len(texts), dtype=np.float32)
        for start in range(0, len(order), PAIRS_PER_BATCH):
            positions = order[start : start + PAIRS_PER_BATCH]
            scores[positions] = self._batch([encodings[position] for position in positions])
        return scores

    def _batch(self, encodings: list) -> np.ndarray:
        length = max(len(encoding.ids) for encoding in encodings)
        ids, mask, types = (np.zeros((len(encodings), length), dtype=np.int64) for _ in range(3))
        for row, encoding in enumerate(encodings):
            size = len(encoding.ids)
            ids[row, :size], mask[row, :size], types[row, :size] = encoding.ids, 1, encoding.type_ids
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
        return self.session.run(None, feeds)[0].reshape(-1)


def _bundled_tokenizer() -> Path:
    from core.settings import DEFAULT_MODEL, model_path

    return Path(model_path(DEFAULT_MODEL)) / "tokenizer.json"


def reader_texts(sentences: Sequence[Sentence]) -> list[str]:
    """What the reader reads for each candidate sentence: its speaker, itself and its line of the passage."""
    texts = []
    for sentence in sentences:
        line = sentence.hit.chunk.text.split("\n")[sentence.line]
        label = f"{sentence.speaker}: "
        texts.append(sentence_text(sentence.text, sentence.speaker, line.removeprefix(label)))
    return texts


@cache
def default_reader() -> Reader:
    """The committed reader, loaded once."""
    return Reader(READER_FILE)
