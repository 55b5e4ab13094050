"""A logistic regression as On Record applies it: standardised features, coefficients and an
intercept, read from and written to a small JSON object (numpy only; scikit-learn fits it)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.errors import OnRecordError

DIGITS = 6  # coefficients are written rounded, so a refit on the same data gives the same file
ANSWER_REFIT = "onrecord fit answer --data ../shared/data/qmsum/train"


class ModelError(OnRecordError):
    """An answer model file that cannot be used."""


@dataclass(frozen=True)
class Logistic:
    """P(yes) = 1 / (1 + exp(-(intercept + coefficients · (x - mean) / scale)))."""

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coefficients: tuple[float, ...]
    intercept: float

    def log_odds(self, rows: np.ndarray) -> np.ndarray:
        rows = np.atleast_2d(np.asarray(rows, dtype=np.float64))
        if rows.shape[0] == 0:
            return np.zeros(0)
        return (rows - np.asarray(self.mean)) / np.asarray(self.scale) @ np.asarray(self.coefficients) + self.intercept

    def probability(self, rows: np.ndarray) -> np.ndarray:
        return 1 / (1 + np.exp(-self.log_odds(rows)))

    def to_dict(self) -> dict:
        return {
            "features": list(self.features),
            "mean": [round(v, DIGITS) for v in self.mean],
            "scale": [round(v, DIGITS) for v in self.scale],
            "coefficients": [round(v, DIGITS) for v in self.coefficients],
            "intercept": round(self.intercept, DIGITS),
        }

    @classmethod
    def from_dict(cls, data: dict, expected: tuple[str, ...], refit: str = ANSWER_REFIT) -> Logistic:
        """The model in `data`, which must be over the `expected` features; else an error naming
        the command that refits it."""
        features = tuple(data["features"])
        if features != expected:
            raise ModelError(
                f"the model was fitted on features {list(features)}, but this version computes "
                f"{list(expected)}; refit it: {refit}"
            )
        sizes = {len(data[key]) for key in ("mean", "scale", "coefficients")}
        if sizes != {len(features)}:
            raise ModelError(f"the model's mean, scale and coefficients differ in length from its features; {refit}")
        return cls(
            features,
            tuple(map(float, data["mean"])),
            tuple(float(v) or 1.0 for v in data["scale"]),
            tuple(map(float, data["coefficients"])),
            float(data["intercept"]),
        )
