"""Counting the embedding model's word pieces, the unit of the chunk budget."""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from core.errors import SettingsError
from core.settings import Settings, model_path


class WordPieceCounter:
    """Counts word pieces with the model's own fast tokenizer (no model weights loaded)."""

    def __init__(self, tokenizer_file: Path):
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "true")
        from tokenizers import Tokenizer

        try:
            self._tokenizer = Tokenizer.from_file(str(tokenizer_file))
        except Exception as error:  # tokenizers raises plain Exception on bad files
            raise SettingsError(f"cannot read the tokenizer {tokenizer_file}: {error}") from error
        self._tokenizer.no_truncation()
        self._tokenizer.no_padding()

    def count(self, texts: Sequence[str]) -> list[int]:
        """Word pieces in each text, without the two special tokens."""
        if not texts:
            return []
        encodings = self._tokenizer.encode_batch(list(texts), add_special_tokens=False)
        return [len(encoding.ids) for encoding in encodings]


@cache
def counter_for(model_dir: Path) -> WordPieceCounter:
    tokenizer_file = model_dir / "tokenizer.json"
    if not tokenizer_file.exists():
        raise SettingsError(f"{model_dir} has no tokenizer.json; give a sentence-transformers model folder")
    return WordPieceCounter(tokenizer_file)


def word_counter(settings: Settings) -> WordPieceCounter:
    """The word-piece counter of the model the settings name."""
    return counter_for(model_path(settings.model))
