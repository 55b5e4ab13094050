"""Dense search in a library too large to compare every vector exactly in time: the vectors kept
a second time as int8 codes (faiss's 8-bit scalar quantizer, a quarter of float32's size, mapped
into memory from the snapshot), scanned in full for RESCORED times as many candidates as asked
for, which are then scored exactly against their float32 vectors. Filters are a bitmap faiss skips
chunks by, and a filter that allows few chunks compares those exactly instead."""

from __future__ import annotations

from pathlib import Path

import numpy as np

QUANTIZED_FROM = 300_000  # chunks; smaller libraries compare every float32 vector exactly
RESCORED = 4  # times the depth asked for: candidates of the int8 scan scored exactly
EXACT_BELOW = 50_000  # a filter that allows fewer chunks compares them exactly
TRAINED_ON = 100_000  # vectors the quantizer's ranges are fitted on
BATCH = 100_000


def _faiss():
    import faiss

    faiss.omp_set_num_threads(1)  # as numpy's BLAS: on few cores, spinning threads slow the model's
    return faiss


class QuantizedVectors:
    """An int8 copy of a catalog's vectors for a fast first pass; `vectors` stay the exact ones."""

    def __init__(self, index, vectors: np.ndarray):
        self.index = index
        self.vectors = vectors

    @classmethod
    def build(cls, vectors: np.ndarray) -> QuantizedVectors:
        faiss = _faiss()
        index = faiss.IndexScalarQuantizer(vectors.shape[1], faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT)
        sample = np.random.default_rng(0).choice(len(vectors), min(len(vectors), TRAINED_ON), replace=False)
        index.train(np.ascontiguousarray(vectors[np.sort(sample)], dtype=np.float32))
        for start in range(0, len(vectors), BATCH):
            index.add(np.ascontiguousarray(vectors[start : start + BATCH], dtype=np.float32))
        return cls(index, vectors)

    def save(self, path: Path) -> None:
        _faiss().write_index(self.index, str(path))

    @classmethod
    def load(cls, path: Path, vectors: np.ndarray) -> QuantizedVectors:
        """The codes `save` wrote, mapped into memory; a ValueError when they are not those of `vectors`."""
        faiss = _faiss()
        try:
            index = faiss.read_index(str(path), faiss.IO_FLAG_MMAP_IFC)
        except RuntimeError as error:
            raise ValueError(f"{path.name} could not be read: {str(error).splitlines()[0]}") from error
        if index.ntotal != len(vectors) or index.d != vectors.shape[1]:
            raise ValueError(f"{path.name} holds {index.ntotal} × {index.d} codes for {vectors.shape} vectors")
        return cls(index, vectors)

    def search(self, query: np.ndarray, depth: int, mask: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        """Positions of the `depth` best chunks the mask allows, best first, and their exact scores."""
        if mask is not None:
            allowed = np.flatnonzero(mask)
            if len(allowed) < EXACT_BELOW:
                return _best(allowed, np.asarray(self.vectors[allowed]) @ query, depth)
        faiss = _faiss()
        parameters = None
        if mask is not None:
            bitmap = np.packbits(mask, bitorder="little")
            parameters = faiss.SearchParameters(sel=faiss.IDSelectorBitmap(len(mask), faiss.swig_ptr(bitmap)))
        _, found = self.index.search(query[None, :].astype(np.float32), RESCORED * depth, params=parameters)
        candidates = np.sort(found[0][found[0] >= 0])
        return _best(candidates, np.asarray(self.vectors[candidates]) @ query, depth)


def _best(positions: np.ndarray, scores: np.ndarray, depth: int) -> tuple[np.ndarray, np.ndarray]:
    order = np.argsort(-scores, kind="stable")[:depth]
    return positions[order], scores[order]
