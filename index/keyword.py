"""Keyword search with bm25s, built from the chunks the store holds, so it can always be rebuilt."""

from __future__ import annotations

import contextlib
import json
import logging
import math
import os
from array import array
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np

from core.text import stemmer, stop_words, words

logging.getLogger("bm25s").setLevel(logging.WARNING)
VOCABULARY_FILE = "vocabulary.json"
TERMS_FILE = "terms.npy"
OFFSETS_FILE = "offsets.npy"
BM25_PARAMETERS = ("k1", "b", "delta", "method", "idf_method", "dtype", "int_dtype", "backend")


def terms(text: str) -> list[str]:
    """The lower-cased, stemmed terms of a text with English stop words removed."""
    stop = stop_words(extended=False)
    return stemmer().stemWords([word for word in words(text.lower()) if len(word) > 1 and word not in stop])


class KeywordIndex:
    """BM25 over chunk texts (speaker names included), as bm25s scores it.

    Each text's terms are kept as ids into the index's vocabulary (one int32 array, about 40 MB at
    100,000 chunks), so that an index of mostly the same texts is built again without tokenizing
    them: `reused[i]` is the position in `previous` of text i, or -1 for a new text."""

    def __init__(self, texts: Sequence[str], previous: KeywordIndex | None = None, reused: Sequence[int] | None = None):
        import bm25s

        self.size = len(texts)
        self.vocab: dict[str, int] = dict(previous.vocab) if previous is not None else {}
        found = array("i")  # every text's term ids in a row: no list per text (4 GiB at a million chunks)
        offsets = np.zeros(self.size + 1, dtype=np.int64)
        for position, text in enumerate(texts):
            old = reused[position] if previous is not None and reused is not None else -1
            if old >= 0:
                kept = previous._ids[previous._offsets[old] : previous._offsets[old + 1]]
                found.frombytes(np.asarray(kept, dtype=np.int32).tobytes())
            else:
                found.extend(self.vocab.setdefault(term, len(self.vocab)) for term in terms(text))
            offsets[position + 1] = len(found)
        ids = np.frombuffer(found, dtype=np.int32) if len(found) else np.zeros(0, dtype=np.int32)
        bm25 = bm25s.BM25()
        if self.size:
            bm25.index(_TermLists(ids, offsets, dict(self.vocab)), show_progress=False)
        self._hold(ids, offsets, bm25)

    def _hold(self, ids: np.ndarray, offsets: np.ndarray, bm25) -> None:
        self._ids = ids
        self._offsets = offsets
        self._bm25 = bm25
        self._df = np.zeros(len(self.vocab), dtype=np.int64)
        if self.size:
            self._df = np.diff(bm25.scores["indptr"])  # chunks holding each term: its column's entries

    def save(self, folder: Path) -> None:
        """The index as plain files in `folder`: its vocabulary as JSON, each text's term ids as .npy,
        and bm25s's matrix through bm25s's own `save` (JSON and .npy, no pickles)."""
        folder.mkdir(parents=True, exist_ok=True)
        (folder / VOCABULARY_FILE).write_text(json.dumps(list(self.vocab), ensure_ascii=False), encoding="utf-8")
        np.save(folder / TERMS_FILE, self._ids, allow_pickle=False)
        np.save(folder / OFFSETS_FILE, self._offsets, allow_pickle=False)
        if self.size:
            self._bm25.save(folder, allow_pickle=False, show_progress=False)

    @classmethod
    def load(cls, folder: Path) -> KeywordIndex:
        """An index that `save` wrote, its arrays mapped into memory and never unpickled; a
        ValueError when the files do not agree with each other or with how this version scores."""
        vocabulary = json.loads((folder / VOCABULARY_FILE).read_text(encoding="utf-8"))
        if not isinstance(vocabulary, list) or not all(isinstance(term, str) for term in vocabulary):
            raise ValueError(f"{VOCABULARY_FILE} is not a list of terms")
        ids, offsets = np.asarray(load_array(folder / TERMS_FILE)), np.asarray(load_array(folder / OFFSETS_FILE))
        index = cls.__new__(cls)
        index.size = len(offsets) - 1
        index.vocab = {term: position for position, term in enumerate(vocabulary)}
        if len(index.vocab) != len(vocabulary):
            raise ValueError(f"{VOCABULARY_FILE} names a term twice")
        _check_terms(ids, offsets, len(vocabulary))
        index._hold(ids, offsets, _load_bm25(folder, index.vocab, index.size))
        return index

    def document_frequency(self, term: str) -> int:
        index = self.vocab.get(term)
        return int(self._df[index]) if index is not None and index < len(self._df) else 0

    def occurs(self, term: str, allowed: np.ndarray | None = None) -> bool:
        """Whether some text holds the term (among the `allowed` ones, when a mask is given)."""
        index = self.vocab.get(term)
        if index is None or index >= len(self._df) or not self._df[index]:
            return False
        if allowed is None:
            return True
        matrix = self._bm25.scores
        return bool(allowed[matrix["indices"][matrix["indptr"][index] : matrix["indptr"][index + 1]]].any())

    def idf(self, term: str) -> float:
        df = self.document_frequency(term)
        return math.log(1 + (self.size - df + 0.5) / (df + 0.5))

    def scores(self, query: str) -> np.ndarray | None:
        """The BM25 score of every chunk for the query, or None when no query term is indexed."""
        query_terms = [term for term in terms(query) if self.document_frequency(term)]
        if not self.size or not query_terms:
            return None
        if self._bm25.nonoccurrence_array is not None:  # BM25L and BM25+ score absent terms too
            return self._bm25.get_scores(query_terms)
        # bm25s's own sum (np.add.at) took 11 ms at a million chunks; a term's entries name each
        # chunk once, so a plain indexed add gives the same sums, in the same order, in 2
        matrix = self._bm25.scores
        data, indices, indptr = matrix["data"], matrix["indices"], matrix["indptr"]
        scores = np.zeros(self.size, dtype=np.dtype(self._bm25.dtype))
        for term in self._bm25.get_tokens_ids(query_terms):
            start, end = indptr[term], indptr[term + 1]
            scores[indices[start:end]] += data[start:end]
        return scores


def load_array(path: Path, random: bool = False) -> np.ndarray:
    """A .npy file mapped into memory, never unpickled; a ValueError naming the file when it cannot be.
    With `random` (rows read here and there), a large file is read row by row instead (FileRows):
    a page of a mapped file brings the page cache's whole folio with it, so 400 vectors scored out
    of a million took 600 MiB of resident memory where they need 0.6."""
    try:
        array = np.load(path, mmap_mode="r", allow_pickle=False)
    except ValueError as error:  # cut short, or an array of Python objects
        raise ValueError(f"{path.name}: {error}") from error
    if random and array.nbytes > READ_ROWS_FROM and isinstance(array, np.memmap) and array.ndim in (1, 2):
        return FileRows(path, array.offset, array.shape, array.dtype)
    return array


READ_ROWS_FROM = 256 * 2**20  # bytes; a smaller file is mapped whole


class FileRows:
    """The rows of a large .npy file, read with pread when asked for (an index, a slice, a list or
    array of positions): nothing of the file is kept in this process's memory."""

    def __init__(self, path: Path, offset: int, shape: tuple[int, ...], dtype: np.dtype):
        self.path, self.offset, self.shape, self.dtype = path, offset, shape, np.dtype(dtype)
        self.ndim = len(shape)
        self.row_bytes = int(np.prod(shape[1:], dtype=np.int64)) * self.dtype.itemsize
        self._fd = os.open(path, os.O_RDONLY)
        self.nbytes = self.row_bytes * shape[0]

    def __del__(self) -> None:
        with contextlib.suppress(OSError, AttributeError):
            os.close(self._fd)

    def __len__(self) -> int:
        return self.shape[0]

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        return self[0 : len(self)] if dtype is None else self[0 : len(self)].astype(dtype)

    def __getitem__(self, index):
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self))
            if step != 1:
                return self[np.arange(start, stop, step)]
            return self._read(start, max(stop - start, 0))
        if isinstance(index, (int, np.integer)):
            position = int(index) + (len(self) if index < 0 else 0)
            if not 0 <= position < len(self):
                raise IndexError(index)
            return self._read(position, 1)[0]
        positions = np.asarray(index, dtype=np.int64).reshape(-1)
        positions = np.where(positions < 0, positions + len(self), positions)
        rows = np.empty((len(positions), *self.shape[1:]), dtype=self.dtype)
        for row, position in enumerate(positions):
            rows[row] = self._read(int(position), 1)[0]
        return rows

    def _read(self, start: int, count: int) -> np.ndarray:
        data = os.pread(self._fd, count * self.row_bytes, self.offset + start * self.row_bytes)
        if len(data) != count * self.row_bytes:
            raise ValueError(f"{self.path.name} is cut short")
        return np.frombuffer(data, dtype=self.dtype).reshape(count, *self.shape[1:])


CHECKED_UP_TO = 20_000_000  # entries; larger arrays are checked by their shape and ends, not every value


def checked(array: np.ndarray) -> np.ndarray:
    """The array itself when small enough to check every value (min, max) cheaply; else its first
    and last entries. Reading every value of a large mapped array would bring all of it into memory."""
    return array if len(array) <= CHECKED_UP_TO else np.asarray(array[[0, -1]])


def _check_terms(ids: np.ndarray, offsets: np.ndarray, vocabulary_size: int) -> None:
    if ids.dtype != np.int32 or offsets.dtype != np.int64 or ids.ndim != 1 or offsets.ndim != 1 or not len(offsets):
        raise ValueError(f"{TERMS_FILE} or {OFFSETS_FILE} holds arrays of another kind")
    if offsets[0] != 0 or offsets[-1] != len(ids) or (np.diff(offsets) < 0).any():
        raise ValueError(f"{OFFSETS_FILE} does not cut the {len(ids)} term ids into texts")
    if len(ids) and (checked(ids).min() < 0 or checked(ids).max() >= vocabulary_size):
        raise ValueError(f"{TERMS_FILE} names terms outside the vocabulary of {vocabulary_size}")


class _TermLists:
    """Each text's term ids as bm25s reads a tokenized corpus (its `ids` and `vocab`), one text's
    list made at a time from the flat array."""

    def __init__(self, ids: np.ndarray, offsets: np.ndarray, vocab: dict[str, int]):
        self.ids = self
        self.vocab = vocab
        self._flat, self._offsets = ids, offsets

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def __iter__(self) -> Iterator[list[int]]:
        flat, offsets = self._flat, self._offsets
        return (flat[offsets[row] : offsets[row + 1]].tolist() for row in range(len(self)))


def _load_bm25(folder: Path, vocab: dict[str, int], size: int):
    """bm25s's index of `size` texts over `vocab` from bm25s's own files (JSON, and .npy loaded
    without pickles); an empty index when there are no texts."""
    import bm25s

    fresh = bm25s.BM25()
    if not size:
        return fresh
    try:
        bm25 = bm25s.BM25.load(folder, mmap=True, allow_pickle=False, load_corpus=False, show_progress=False)
    except (OSError, TypeError, ValueError) as error:
        raise ValueError(f"bm25s's index could not be loaded: {error}") from error
    changed = [name for name in BM25_PARAMETERS if getattr(bm25, name) != getattr(fresh, name)]
    if changed:
        raise ValueError(f"bm25s's index was built with other parameters ({', '.join(changed)})")
    data, indices, indptr = (bm25.scores[name] for name in ("data", "indices", "indptr"))
    if bm25.scores["num_docs"] != size or len(indptr) != len(vocab) + 1 or bm25.vocab_dict != {**vocab, "": len(vocab)}:
        raise ValueError(f"bm25s's index is not that of these {size} texts and {len(vocab)} terms")
    if indptr[0] != 0 or indptr[-1] != len(data) or len(indices) != len(data) or (np.diff(indptr) < 0).any():
        raise ValueError("bm25s's matrix is cut short or out of order")
    if len(indices) and (checked(indices).min() < 0 or checked(indices).max() >= size):
        raise ValueError(f"bm25s's matrix names texts outside the {size} indexed")
    return bm25
