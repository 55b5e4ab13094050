"""Dense search past QUANTIZED_FROM chunks (index.dense): 4-bit codes put candidates forward, their
int8 codes narrow them, their float32 vectors rank them exactly."""

from __future__ import annotations

import logging

import numpy as np
import pytest

import index.dense as dense
from index.dense import FIRST_FILE, QuantizedVectors


def clustered(count: int = 2000, dimension: int = 32, seed: int = 0) -> np.ndarray:
    """Unit vectors in 50 clusters, as a library's are (random unit vectors have no neighbours to speak of)."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((50, dimension))
    vectors = centres[rng.integers(0, 50, count)] + 0.35 * rng.standard_normal((count, dimension))
    return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)


def exact(vectors: np.ndarray, query: np.ndarray, depth: int, allowed: np.ndarray | None = None) -> list[int]:
    scores = vectors @ query
    if allowed is not None:
        scores = np.where(allowed, scores, -np.inf)
    return list(np.argsort(-scores, kind="stable")[:depth])


@pytest.fixture
def narrow(monkeypatch):
    """A first pass that keeps 20 × depth candidates of 2,000, and int8 codes in shards of 500."""
    monkeypatch.setattr(dense, "FIRST_PASS", 20)
    monkeypatch.setattr(dense, "SHARD", 500)
    monkeypatch.setattr(dense, "EXACT_BELOW", 0)
    monkeypatch.setattr(dense, "FIRST_PASS_FROM", 0)


def test_the_first_pass_narrows_the_scan_and_the_exact_ranking_survives(narrow, monkeypatch):
    vectors = clustered()
    codes = QuantizedVectors.build(vectors)
    assert codes.first is not None and codes.first.ntotal == len(vectors) and len(codes.shards) == 4
    scanned = []
    scan = QuantizedVectors._scan
    monkeypatch.setattr(
        QuantizedVectors, "_scan", lambda self, n, q, d, m: scanned.append(m.sum()) or scan(self, n, q, d, m)
    )
    for row in range(0, 2000, 97):
        narrowed = codes._first_candidates(vectors[row][None, :], 5, None)
        assert narrowed is not None and narrowed.sum() == 100  # 20 × depth of 2,000 chunks
        positions, scores = codes.search(vectors[row], 5, None)
        assert list(positions) == exact(vectors, vectors[row], 5)
        assert set(positions) <= set(np.flatnonzero(narrowed))
        np.testing.assert_allclose(scores, (vectors @ vectors[row])[positions], rtol=1e-6)
    assert set(scanned) == {100}  # the int8 pass saw the first pass's candidates only


def test_a_filter_asks_the_first_pass_for_more_and_falls_back_to_every_allowed_code(narrow, monkeypatch):
    vectors = clustered()
    codes = QuantizedVectors.build(vectors)
    half = np.arange(len(vectors)) % 2 == 0
    narrowed = codes._first_candidates(vectors[3][None, :], 5, half)
    assert narrowed is not None and not (narrowed & ~half).any() and narrowed.sum() >= 20
    assert list(codes.search(vectors[3], 5, half)[0]) == exact(vectors, vectors[3], 5, half)
    # a filter allowing chunks far from the question: few or none of the first pass's candidates
    far = np.argsort(vectors @ vectors[3])[:100]
    allowed = np.zeros(len(vectors), dtype=bool)
    allowed[far] = True
    monkeypatch.setattr(dense, "FIRST_PASS", 1)  # asks for 1 × 5 × 20 = 100 candidates, none of them allowed
    assert codes._first_candidates(vectors[3][None, :], 5, allowed) is None
    assert list(codes.search(vectors[3], 5, allowed)[0]) == exact(vectors, vectors[3], 5, allowed)


def test_several_masks_share_one_first_pass_and_rank_as_each_alone(narrow, monkeypatch):
    vectors = clustered()
    codes = QuantizedVectors.build(vectors)
    half = np.arange(len(vectors)) % 2 == 0
    asked = []
    search = codes.first.search
    monkeypatch.setattr(codes.first, "search", lambda q, k: asked.append(k) or search(q, k), raising=False)
    both = codes.search_each(vectors[3], 5, [None, half])
    assert asked == [200]  # once, for the mask that wants most: 20 × 5 over a half share
    for (positions, scores), mask in zip(both, [None, half], strict=True):
        alone = codes.search(vectors[3], 5, mask)
        assert list(positions) == list(alone[0]) == exact(vectors, vectors[3], 5, mask)
        np.testing.assert_allclose(scores, alone[1])


def test_a_small_filter_skips_the_first_pass_and_its_int8_codes_rank_it(narrow, monkeypatch):
    vectors = clustered()
    codes = QuantizedVectors.build(vectors)
    allowed = np.arange(len(vectors)) % 10 == 0  # 200 chunks
    monkeypatch.setattr(dense, "FIRST_PASS_FROM", 500)
    monkeypatch.setattr(codes.first, "search", lambda q, k: pytest.fail("the 4-bit pass ran"), raising=False)
    scanned = []
    scan = QuantizedVectors._scan
    monkeypatch.setattr(
        QuantizedVectors, "_scan", lambda self, n, q, d, m: scanned.append(m.sum()) or scan(self, n, q, d, m)
    )
    assert list(codes.search(vectors[4], 5, allowed)[0]) == exact(vectors, vectors[4], 5, allowed)
    assert scanned and set(scanned) == {200}  # every allowed int8 code, each shard given the whole mask


def test_the_codes_are_saved_and_missing_or_damaged_4_bit_codes_are_made_again(narrow, tmp_path, caplog):
    vectors = clustered()
    QuantizedVectors.build(vectors).save(tmp_path)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["0.faiss", "1.faiss", "2.faiss", "3.faiss", FIRST_FILE]
    opened = QuantizedVectors.load(tmp_path, vectors)
    assert opened.first is not None and list(opened.search(vectors[7], 5, None)[0]) == exact(vectors, vectors[7], 5)
    for damage in ("missing", "truncated"):
        if damage == "missing":
            (tmp_path / FIRST_FILE).unlink()
        else:
            (tmp_path / FIRST_FILE).write_bytes((tmp_path / FIRST_FILE).read_bytes()[:1000])
        caplog.clear()
        with caplog.at_level(logging.WARNING):
            opened = QuantizedVectors.load(tmp_path, vectors)
        assert f"{FIRST_FILE} cannot be used" in caplog.text and "coding the 2000 vectors again" in caplog.text
        assert opened.first is not None and opened.first.ntotal == 2000
        assert list(opened.search(vectors[7], 5, None)[0]) == exact(vectors, vectors[7], 5)
        assert QuantizedVectors.load(tmp_path, vectors).first.ntotal == 2000  # kept: not made a third time
    assert not list(tmp_path.glob("*.partial"))
    with pytest.raises(ValueError, match="holds 3 shards"):  # int8 codes missing: the snapshot is rebuilt
        (tmp_path / "3.faiss").unlink()
        QuantizedVectors.load(tmp_path, vectors)


def test_too_few_vectors_for_4_bit_codes_scan_every_int8_code(narrow, tmp_path):
    vectors = clustered(count=10)
    codes = QuantizedVectors.build(vectors)
    assert codes.first is None
    codes.save(tmp_path)
    assert not (tmp_path / FIRST_FILE).exists() and QuantizedVectors.load(tmp_path, vectors).first is None
    for row in range(10):
        assert list(codes.search(vectors[row], 3, None)[0]) == exact(vectors, vectors[row], 3)
