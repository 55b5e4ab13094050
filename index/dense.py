"""Dense search in a library too large to compare every vector exactly in time: the vectors kept
a second time as int8 codes (faiss's 8-bit scalar quantizer, a quarter of float32's size, mapped
into memory from the snapshot), scanned in full for RESCORED times as many candidates as asked
for, which are then scored exactly against their float32 vectors. The codes are cut into shards
of SHARD chunks, scanned side by side (faiss frees the GIL, and scans one question on one core):
at a million chunks, 23 ms on two cores where one scan took 43. Filters are a bitmap faiss skips
chunks by, and a filter that allows few chunks compares those exactly instead."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

QUANTIZED_FROM = 300_000  # chunks; smaller libraries compare every float32 vector exactly
RESCORED = 4  # times the depth asked for: candidates of the int8 scan scored exactly
EXACT_BELOW = 50_000  # a filter that allows fewer chunks compares them exactly
TRAINED_ON = 100_000  # vectors the quantizer's ranges are fitted on
SHARD = 250_000  # chunks per file of codes, and per scan
BATCH = 100_000  # vectors quantized at a time
_SCANS = ThreadPoolExecutor(min(os.cpu_count() or 1, 8), thread_name_prefix="onrecord-scan")


def _faiss():
    import faiss

    faiss.omp_set_num_threads(1)  # as numpy's BLAS: on few cores, spinning threads slow the model's
    return faiss


class QuantizedVectors:
    """An int8 copy of a catalog's vectors for a fast first pass, as shards of SHARD chunks each;
    `vectors` stay the exact ones."""

    def __init__(self, shards: list, vectors: np.ndarray):
        self.shards = shards
        self.vectors = vectors
        self.starts = np.cumsum([0, *(shard.ntotal for shard in shards)])[:-1]

    @classmethod
    def build(cls, vectors: np.ndarray) -> QuantizedVectors:
        faiss = _faiss()
        quantizer, metric = faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT
        trained = faiss.IndexScalarQuantizer(vectors.shape[1], quantizer, metric)
        sample = np.random.default_rng(0).choice(len(vectors), min(len(vectors), TRAINED_ON), replace=False)
        trained.train(np.ascontiguousarray(vectors[np.sort(sample)], dtype=np.float32))
        shards = []
        for start in range(0, len(vectors), SHARD):
            shard = faiss.clone_index(trained)
            for batch in range(start, min(start + SHARD, len(vectors)), BATCH):
                shard.add(np.ascontiguousarray(vectors[batch : min(batch + BATCH, start + SHARD)], dtype=np.float32))
            shards.append(shard)
        return cls(shards, vectors)

    def save(self, folder: Path) -> None:
        """One file of codes per shard in `folder`, named by its number."""
        faiss = _faiss()
        folder.mkdir(parents=True, exist_ok=True)
        for number, shard in enumerate(self.shards):
            faiss.write_index(shard, str(folder / f"{number}.faiss"))

    @classmethod
    def load(cls, folder: Path, vectors: np.ndarray) -> QuantizedVectors:
        """The codes `save` wrote, mapped into memory; a ValueError when they are not those of `vectors`."""
        faiss = _faiss()
        count = len(list(folder.glob("*.faiss"))) if folder.is_dir() else 0
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
        return cls(shards, vectors)

    def search(self, query: np.ndarray, depth: int, mask: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        """Positions of the `depth` best chunks the mask allows, best first, and their exact scores."""
        if mask is not None:
            allowed = np.flatnonzero(mask)
            if len(allowed) < EXACT_BELOW:
                return _best(allowed, np.asarray(self.vectors[allowed]) @ query, depth)
        question = query[None, :].astype(np.float32)
        scans = list(_SCANS.map(lambda number: self._scan(number, question, depth, mask), range(len(self.shards))))
        approximate = np.concatenate([scores for scores, _ in scans])
        found = np.concatenate([positions for _, positions in scans])
        if len(found) > RESCORED * depth:  # the best of all shards, as one scan of all codes would find
            found = found[np.argpartition(-approximate, RESCORED * depth - 1)[: RESCORED * depth]]
        candidates = np.sort(found)
        return _best(candidates, np.asarray(self.vectors[candidates]) @ query, depth)

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


def _best(positions: np.ndarray, scores: np.ndarray, depth: int) -> tuple[np.ndarray, np.ndarray]:
    order = np.argsort(-scores, kind="stable")[:depth]
    return positions[order], scores[order]
