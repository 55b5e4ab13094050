"""Dense search in a library too large to compare every vector exactly in time, in three passes.
First a product quantizer's 4-bit codes of every chunk (faiss's fast scan: each pair of dimensions
coded by one of 16 centroids, 96 bytes a chunk at 384 dimensions, held in memory) are scanned for
FIRST_PASS times as many candidates as asked for; then those candidates' int8 codes (faiss's 8-bit
scalar quantizer, mapped into memory from the snapshot) are scored, for RESCORED times as many as
asked for, which are finally scored exactly against their float32 vectors. At a million chunks
the first pass takes about 6 ms where a scan of every int8 code took 23 ms on two cores (43 on
one). The int8 codes are cut into shards of SHARD chunks, scanned side by side (faiss frees the
GIL). Filters are a bitmap faiss skips chunks by; a filter that allows few chunks compares those
exactly instead, and one the first pass cannot serve (too few of its candidates allowed) has
every allowed int8 code scanned."""

from __future__ import annotations

import logging
import math
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

QUANTIZED_FROM = 300_000  # chunks; smaller libraries compare every float32 vector exactly
FIRST_PASS = 128  # times the depth asked for: candidates of the 4-bit scan, scored by their int8 codes
RESCORED = 4  # times the depth asked for: candidates of the int8 codes scored exactly
EXACT_BELOW = 1_000  # a filter that allows fewer chunks has each of their vectors read and compared exactly
# A filter that allows fewer chunks has their int8 codes scanned, without the 4-bit pass (it would
# have to put forward FIRST_PASS × depth / share candidates). Reading each allowed vector instead, as
# was done below 50,000, took 170–430 ms for a speaker of 36,000 chunks at a million (a read a row).
FIRST_PASS_FROM = 50_000
TRAINED_ON = 100_000  # vectors the quantizer's ranges are fitted on
SHARD = 250_000  # chunks per file of codes, and per scan
BATCH = 100_000  # vectors quantized at a time
FIRST_FILE = "first-pass.faiss"  # the 4-bit codes, beside the shards of int8 codes (0.faiss, 1.faiss, ...)
CENTROIDS = 16  # per pair of dimensions (4 bits); a first pass needs at least this many vectors
log = logging.getLogger(__name__)
_SCANS = ThreadPoolExecutor(min(os.cpu_count() or 1, 8), thread_name_prefix="onrecord-scan")


def _faiss():
    import faiss

    faiss.omp_set_num_threads(1)  # as numpy's BLAS: on few cores, spinning threads slow the model's
    return faiss


class QuantizedVectors:
    """A catalog's vectors coded twice for fast passes: 4-bit codes (`first`, None below CENTROIDS
    vectors) and int8 codes as shards of SHARD chunks each; `vectors` stay the exact ones."""

    def __init__(self, shards: list, vectors: np.ndarray, first=None):
        self.shards = shards
        self.vectors = vectors
        self.first = first
        self.starts = np.cumsum([0, *(shard.ntotal for shard in shards)])[:-1]

    @classmethod
    def build(cls, vectors: np.ndarray) -> QuantizedVectors:
        faiss = _faiss()
        quantizer, metric = faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT
        trained = faiss.IndexScalarQuantizer(vectors.shape[1], quantizer, metric)
        sample = _training_rows(vectors)
        trained.train(sample)
        shards = []
        for start in range(0, len(vectors), SHARD):
            shard = faiss.clone_index(trained)
            for batch in range(start, min(start + SHARD, len(vectors)), BATCH):
                shard.add(np.ascontiguousarray(vectors[batch : min(batch + BATCH, start + SHARD)], dtype=np.float32))
            shards.append(shard)
        return cls(shards, vectors, first_pass(vectors, sample))

    def save(self, folder: Path) -> None:
        """One file of codes per shard in `folder`, named by its number."""
        faiss = _faiss()
        folder.mkdir(parents=True, exist_ok=True)
        for number, shard in enumerate(self.shards):
            faiss.write_index(shard, str(folder / f"{number}.faiss"))
        if self.first is not None:
            faiss.write_index(self.first, str(folder / FIRST_FILE))

    @classmethod
    def load(cls, folder: Path, vectors: np.ndarray) -> QuantizedVectors:
        """The codes `save` wrote, the int8 ones mapped into memory; a ValueError when they are not
        those of `vectors`. Missing or damaged 4-bit codes (as in a snapshot written before them)
        are made again from the vectors, with a warning, and kept."""
        faiss = _faiss()
        count = len(list(folder.glob("[0-9]*.faiss"))) if folder.is_dir() else 0
        if count != -(-len(vectors) // SHARD):
            raise ValueError(f"{folder.name} holds {count} shards of codes for {len(vectors)} vectors")
        shards = []
        for number in range(count):
            path = folder / f"{number}.faiss"
            try:
                shards.append(faiss.read_index(str(path), faiss.IO_FLAG_MMAP_IFC))
            except RuntimeError as error:
                reason = str(error).splitlines()[0]
                raise ValueError(f"{folder.name}/{path.name} could not be read: {reason}") from error
        held = sum(shard.ntotal for shard in shards)
        if held != len(vectors) or any(shard.d != vectors.shape[1] for shard in shards):
            raise ValueError(f"{folder.name} holds {held} codes of {shards[0].d} for {vectors.shape} vectors")
        return cls(shards, vectors, _first_pass_of(folder, vectors))

    def search(self, query: np.ndarray, depth: int, mask: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        """Positions of the `depth` best chunks the mask allows, best first, and their exact scores."""
        return self.search_each(query, depth, [mask])[0]

    def search_each(
        self, query: np.ndarray, depth: int, masks: Sequence[np.ndarray | None]
    ) -> list[tuple[np.ndarray, np.ndarray]]:
        """`search` for each mask, the 4-bit pass run once for all of them (a question naming a
        speaker searches the whole library and that speaker's chunks): its candidates in order, of
        which each mask takes as many as it would have asked for."""
        question = query[None, :].astype(np.float32)
        wanted = [self._wanted(depth, mask) for mask in masks]
        ranked = self._first_ranked(question, max((w for w in wanted if w), default=0))
        return [
            self._search(query, question, depth, mask, None if w is None or ranked is None else ranked[:w])
            for mask, w in zip(masks, wanted, strict=True)
        ]

    def _search(
        self, query: np.ndarray, question: np.ndarray, depth: int, mask: np.ndarray | None, ranked: np.ndarray | None
    ) -> tuple[np.ndarray, np.ndarray]:
        if mask is not None and np.count_nonzero(mask) < EXACT_BELOW:
            positions = np.flatnonzero(mask)
            return _best(positions, np.asarray(self.vectors[positions]) @ query, depth)
        narrowed = None if ranked is None else self._narrowed(ranked, depth, mask)
        scanned = mask if narrowed is None else narrowed
        scans = list(_SCANS.map(lambda number: self._scan(number, question, depth, scanned), range(len(self.shards))))
        approximate = np.concatenate([scores for scores, _ in scans])
        found = np.concatenate([positions for _, positions in scans])
        if len(found) > RESCORED * depth:  # the best of all shards, as one scan of all codes would find
            found = found[np.argpartition(-approximate, RESCORED * depth - 1)[: RESCORED * depth]]
        candidates = np.sort(found)
        return _best(candidates, np.asarray(self.vectors[candidates]) @ query, depth)

    def _wanted(self, depth: int, mask: np.ndarray | None) -> int | None:
        """How many candidates the 4-bit pass is to put forward for a mask (FIRST_PASS × depth of
        those it allows, asking for as many more as it leaves out), or None when it is not to run:
        no 4-bit codes, or a mask allowing fewer than FIRST_PASS_FROM chunks."""
        if self.first is None:
            return None
        allowed = len(self.vectors) if mask is None else int(np.count_nonzero(mask))
        if mask is not None and allowed < FIRST_PASS_FROM:
            return None
        return min(len(self.vectors), math.ceil(FIRST_PASS * depth * len(self.vectors) / max(allowed, 1)))

    def _first_ranked(self, question: np.ndarray, wanted: int) -> np.ndarray | None:
        """The 4-bit pass's `wanted` best chunks, best first; None when it is not to run."""
        if self.first is None or not wanted:
            return None
        found = self.first.search(question, wanted)[1][0]
        return found[found >= 0]

    def _first_candidates(self, question: np.ndarray, depth: int, mask: np.ndarray | None) -> np.ndarray | None:
        """Which chunks the 4-bit scan puts forward for a mask, as a mask (see `_narrowed`)."""
        wanted = self._wanted(depth, mask)
        ranked = None if wanted is None else self._first_ranked(question, wanted)
        return None if ranked is None else self._narrowed(ranked, depth, mask)

    def _narrowed(self, ranked: np.ndarray, depth: int, mask: np.ndarray | None) -> np.ndarray | None:
        """The first pass's candidates that the mask allows, as a mask; None when every allowed int8
        code is to be scanned: fewer allowed candidates than the int8 pass keeps."""
        found = ranked if mask is None else ranked[mask[ranked]]
        if len(found) < min(RESCORED * depth, len(self.vectors)):
            return None
        narrowed = np.zeros(len(self.vectors), dtype=bool)
        narrowed[found] = True
        return narrowed

    def _scan(
        self, number: int, question: np.ndarray, depth: int, mask: np.ndarray | None
    ) -> tuple[np.ndarray, np.ndarray]:
        """One shard's best RESCORED × depth candidates: their int8 scores and positions in the catalog."""
        faiss = _faiss()
        shard, start = self.shards[number], int(self.starts[number])
        parameters = bitmap = None
        if mask is not None:
            bitmap = np.packbits(mask[start : start + shard.ntotal], bitorder="little")
            parameters = faiss.SearchParameters(sel=faiss.IDSelectorBitmap(shard.ntotal, faiss.swig_ptr(bitmap)))
        scores, found = shard.search(question, RESCORED * depth, params=parameters)
        kept = found[0] >= 0
        return scores[0][kept], found[0][kept] + start


def first_pass(vectors: np.ndarray, sample: np.ndarray | None = None):
    """4-bit codes of every vector (faiss's IndexPQFastScan, a centroid per pair of dimensions,
    trained on `sample`, the rows _training_rows picks), or None for fewer than CENTROIDS vectors."""
    if len(vectors) < CENTROIDS:
        return None
    faiss = _faiss()
    dimension = vectors.shape[1]
    pairs = dimension // 2 if dimension % 2 == 0 else dimension
    index = faiss.IndexPQFastScan(dimension, pairs, 4, faiss.METRIC_INNER_PRODUCT)
    index.train(_training_rows(vectors) if sample is None else sample)
    for start in range(0, len(vectors), BATCH):
        index.add(np.ascontiguousarray(vectors[start : start + BATCH], dtype=np.float32))
    return index


def _training_rows(vectors: np.ndarray) -> np.ndarray:
    """TRAINED_ON of the vectors, the same ones every time, that both quantizers are fitted on."""
    rows = np.random.default_rng(0).choice(len(vectors), min(len(vectors), TRAINED_ON), replace=False)
    return np.ascontiguousarray(vectors[np.sort(rows)], dtype=np.float32)


def _first_pass_of(folder: Path, vectors: np.ndarray):
    """The 4-bit codes saved in `folder`, or made again (and saved there when it can be written)."""
    if len(vectors) < CENTROIDS:
        return None
    faiss = _faiss()
    path = folder / FIRST_FILE
    try:
        index = faiss.read_index(str(path))
        if index.ntotal == len(vectors) and index.d == vectors.shape[1]:
            return index
        reason = f"it holds {index.ntotal} codes of {index.d} for {vectors.shape} vectors"
    except RuntimeError as error:
        reason = "it is missing" if not path.exists() else str(error).splitlines()[0]
    log.warning("%s/%s cannot be used (%s): coding the %d vectors again", folder.name, FIRST_FILE, reason, len(vectors))
    index = first_pass(vectors)
    partial = path.with_name(f"{FIRST_FILE}.{os.getpid()}.partial")
    try:  # written aside, then renamed: a reader beside this one never finds half a file
        faiss.write_index(index, str(partial))
        os.replace(partial, path)
    except (RuntimeError, OSError) as error:
        log.warning("could not keep %s: %s", path, str(error).splitlines()[0])
    return index


def _best(positions: np.ndarray, scores: np.ndarray, depth: int) -> tuple[np.ndarray, np.ndarray]:
    order = np.argsort(-scores, kind="stable")[:depth]
    return positions[order], scores[order]
