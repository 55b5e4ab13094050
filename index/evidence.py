"""What answering a question can consult beside its passages, as retrieval gathers it for the
answer (answer.extractive.signals weighs it)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from core.models import Hit
from index.keyword import KeywordIndex

Occurs = Callable[[str], bool]  # whether a term occurs anywhere in what the question may search
Similarity = Callable[[Sequence[str]], np.ndarray]  # each text's cosine similarity to the question
SaidBy = Callable[[str, str], list[Hit]]  # a speaker's passages likeliest about a text, within the question's filters


@dataclass(frozen=True)
class Evidence:
    """What answering a question can consult beside its passages: the keyword index (word rarity),
    the speakers the question names, whether a word occurs in the library, the model's similarity
    of a sentence to the question, and a named speaker's own passages. Missing parts count as unknown."""

    keyword: KeywordIndex | None = None
    speakers: tuple[str, ...] = ()
    occurs: Occurs | None = None
    similarity: Similarity | None = None
    said_by: SaidBy | None = None
    vectors: Callable[[Sequence[str]], np.ndarray] | None = None  # texts as the model's unit vectors
    fused: bool = True  # the passages' scores are hybrid fused scores (dense and keyword scores mean other things)


NO_EVIDENCE = Evidence()
