"""Each passage of a meeting seen three ways, as unit vectors that topic segmentation compares: the
embedding model's vector, who speaks (each speaker's share of the words) and which words (TF-IDF,
hashed to a fixed number of dimensions)."""

from __future__ import annotations

import zlib
from collections.abc import Sequence

import numpy as np

from core.models import Turn
from ingest.labels import topic_terms

HASHED_DIMENSIONS = 512
SPEAKER_DIMENSIONS = 256  # of the who-speaks view; bounds its cost when thousands speak


def views(texts: Sequence[str], vectors: np.ndarray, voices: Sequence[dict[str, int]]) -> list[np.ndarray]:
    """Each passage as a unit vector in the three views: the model's, who speaks (words by speaker,
    from `voices`), which words."""
    columns = _speaker_columns(voices)
    share = np.zeros((len(texts), max(len(set(columns.values())), 1)), dtype=np.float32)
    for row, voice in enumerate(voices):
        for name, count in voice.items():
            share[row, columns[name]] += count
    return [normalized(np.asarray(vectors, dtype=np.float32)), normalized(share), normalized(hashed_terms(texts))]


def _speaker_columns(voices: Sequence[dict[str, int]]) -> dict[str, int]:
    """Each speaker's column in the who-speaks view, in order of first appearance. Past
    SPEAKER_DIMENSIONS speakers, those who say least share the columns of the least-speaking half
    of the others, so that the view's width, and the partition's time, stay bounded."""
    words: dict[str, int] = {}
    for voice in voices:
        for name, count in voice.items():
            words[name] = words.get(name, 0) + count
    if len(words) <= SPEAKER_DIMENSIONS:
        return {name: column for column, name in enumerate(words)}
    half = SPEAKER_DIMENSIONS // 2
    ranked = sorted(words, key=lambda name: -words[name])
    return {
        name: rank if rank < SPEAKER_DIMENSIONS else SPEAKER_DIMENSIONS - 1 - (rank - SPEAKER_DIMENSIONS) % half
        for rank, name in enumerate(ranked)
    }


def voice(turns: Sequence[Turn]) -> dict[str, int]:
    voice: dict[str, int] = {}
    for turn in turns:
        name = turn.canonical_speaker or ""
        voice[name] = voice.get(name, 0) + len(turn.clean_text.split()) + 1
    return voice


def hashed_terms(texts: Sequence[str]) -> np.ndarray:
    """TF-IDF of each text's content words (sublinear counts, IDF over these texts), each word
    hashed to one signed dimension, so that no vocabulary is kept."""
    bags = [topic_terms(text) for text in texts]
    frequency: dict[str, int] = {}
    for bag in bags:
        for term in set(bag):
            frequency[term] = frequency.get(term, 0) + 1
    matrix = np.zeros((len(texts), HASHED_DIMENSIONS), dtype=np.float32)
    for row, bag in enumerate(bags):
        counts: dict[str, int] = {}
        for term in bag:
            counts[term] = counts.get(term, 0) + 1
        for term, count in counts.items():
            code = zlib.crc32(term.encode())
            sign = 1.0 if code & 1 else -1.0
            idf = np.log((len(texts) + 1) / (frequency[term] + 1)) + 1
            matrix[row, (code >> 1) % HASHED_DIMENSIONS] += sign * (1 + np.log(count)) * idf
    return matrix


def normalized(matrix: np.ndarray) -> np.ndarray:
    """Each row scaled to length 1 (rows of zeros stay zeros)."""
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms > 0, norms, 1.0)
