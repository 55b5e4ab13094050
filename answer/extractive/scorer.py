"""The fitted answer model: a logistic regression over `answer.extractive.signals.SENTENCE_FEATURES` (does
this sentence answer the question?), one over `RERANK_FEATURES` for the likeliest few (the same
with the sentence's own similarity to the question), one over `QUESTION_FEATURES` (does the library
answer it?), the bars each quoted sentence must pass, and the probability below which On Record
refuses.

`answer/extractive/answer_model.json` holds them; `onrecord fit answer --data ../shared/data/qmsum/train` writes it
(see `eval.fit`). Only numpy is needed to apply it."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from answer.extractive.signals import QUESTION_FEATURES, RERANK_FEATURES, SENTENCE_FEATURES
from core.logistic import DIGITS, Logistic, ModelError

MODEL_FILE = Path(__file__).resolve().with_name("answer_model.json")


@dataclass(frozen=True)
class AnswerModel:
    sentence: Logistic
    rerank: Logistic
    question: Logistic
    sentence_bar: float  # a quoted sentence, after the first, needs at least this probability
    relative_bar: float  # and at least this share of the first one's
    same_kind: bool  # when the first holds the kind of answer asked for, the others must too
    abstain_below: float  # below this question probability, the answer is a refusal
    kind_gate: bool  # factoid questions answered only by sentences giving what they ask, else refused (factoids)
    support: tuple[tuple[float, str], ...]  # (lowest probability, word), highest first
    fitted_on: str = ""  # what it was fitted on, by which command
    kind_gate_false_refusals: float = 0.0  # the share of answerable train askings the factoid rule refuses in addition

    def support_word(self, probability: float) -> str:
        return next((word for lowest, word in self.support if probability >= lowest), "none")

    def to_dict(self) -> dict:
        return {
            "fitted_on": self.fitted_on,
            "sentence_bar": round(self.sentence_bar, DIGITS),
            "relative_bar": round(self.relative_bar, DIGITS),
            "same_kind": self.same_kind,
            "abstain_below": round(self.abstain_below, DIGITS),
            "kind_gate": self.kind_gate,
            "kind_gate_false_refusals": round(self.kind_gate_false_refusals, DIGITS),
            "support": [[round(lowest, DIGITS), word] for lowest, word in self.support],
            "sentence": self.sentence.to_dict(),
            "rerank": self.rerank.to_dict(),
            "question": self.question.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: dict) -> AnswerModel:
        try:
            return cls(
                Logistic.from_dict(data["sentence"], SENTENCE_FEATURES),
                Logistic.from_dict(data["rerank"], RERANK_FEATURES),
                Logistic.from_dict(data["question"], QUESTION_FEATURES),
                float(data["sentence_bar"]),
                float(data["relative_bar"]),
                bool(data["same_kind"]),
                float(data["abstain_below"]),
                bool(data["kind_gate"]),
                tuple((float(lowest), str(word)) for lowest, word in data["support"]),
                str(data.get("fitted_on", "")),
                float(data["kind_gate_false_refusals"]),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise ModelError(
                f"the answer model file is incomplete ({error!r}); refit it with onrecord fit answer"
            ) from error

    def difference(self, other: AnswerModel) -> float:
        """The largest difference between two models' numbers; infinite when their shapes or words differ.
        A refit differs from the file by rounding at most (the model's float arithmetic varies in its
        last bits with how sentences are batched)."""
        return largest_difference(self.to_dict(), other.to_dict())

    def save(self, path: Path = MODEL_FILE) -> None:
        path.write_text(json.dumps(self.to_dict(), indent=1) + "\n", encoding="utf-8")


def largest_difference(a: object, b: object) -> float:
    """The largest difference between the numbers of two fitted files' contents (`fitted_on` aside);
    infinite when their shapes or words differ."""
    if isinstance(a, dict) and isinstance(b, dict):
        if a.keys() != b.keys():
            return math.inf
        return max((largest_difference(a[key], b[key]) for key in a if key != "fitted_on"), default=0.0)
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return math.inf
        return max((largest_difference(x, y) for x, y in zip(a, b, strict=True)), default=0.0)
    if isinstance(a, bool) or isinstance(b, bool):
        return 0.0 if a == b else math.inf
    if isinstance(a, int | float) and isinstance(b, int | float):
        return abs(float(a) - float(b))
    return 0.0 if a == b else math.inf


def load_model(path: Path = MODEL_FILE) -> AnswerModel:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise ModelError(f"cannot read the answer model {path}: {error}; refit it with onrecord fit answer") from error
    return AnswerModel.from_dict(data)


@cache
def default_model() -> AnswerModel:
    return load_model(MODEL_FILE)
