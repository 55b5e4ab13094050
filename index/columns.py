"""The catalog's chunks as columns: numbers in arrays, strings in one UTF-8 buffer with offsets,
repeated names (meetings, speakers, topics, questions) as codes into a list of names. A Chunk is
made only when one is read, so a library of a million chunks holds no million objects: opened
from a snapshot, every column is a file mapped into memory and only the pages read are loaded.
Chunk ids are found by a sorted column of 64-bit hashes."""

from __future__ import annotations

import hashlib
import json
from array import array
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import overload

import numpy as np

from core.models import Chunk
from index.keyword import checked, load_array

NAMES_FILE = "names.json"
ARRAYS = (
    "id_bytes",
    "id_offsets",
    "text_bytes",
    "text_offsets",
    "meeting",
    "turn_start",
    "turn_end",
    "speaker_offsets",
    "speaker",
    "topic",
    "question",
    "start",
    "end",
    "word_pieces",
    "id_hashes",
    "id_order",
)
NAME_KINDS = ("meetings", "speakers", "topics", "questions")


class Strings(Sequence[str]):
    """Strings in one UTF-8 buffer: string i is bytes offsets[i]..offsets[i + 1]."""

    def __init__(self, data: np.ndarray, offsets: np.ndarray):
        self.data = data
        self.offsets = offsets

    @classmethod
    def of(cls, strings: Iterable[str]) -> Strings:
        """The strings in one buffer, encoded one at a time (they may be made one at a time)."""
        data, offsets = bytearray(), array("q", [0])
        for string in strings:
            data += string.encode("utf-8")
            offsets.append(len(data))
        return cls(_column(data, np.uint8), _column(offsets, np.int64))

    def __len__(self) -> int:
        return len(self.offsets) - 1

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> list[str]: ...
    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        index = _position(index, len(self))
        return self.data[int(self.offsets[index]) : int(self.offsets[index + 1])].tobytes().decode("utf-8")


_TYPECODES = {np.int32: "i", np.int64: "q", np.float64: "d", np.uint64: "Q"}  # array's codes (Linux x86-64)


def _column(buffer: bytearray | array, dtype) -> np.ndarray:
    return np.frombuffer(buffer, dtype=dtype) if len(buffer) else np.zeros(0, dtype=dtype)


def _position(index: int, length: int) -> int:
    """A sequence index (negative from the end) as a position, or IndexError."""
    position = int(index) + (length if index < 0 else 0)
    if not 0 <= position < length:
        raise IndexError(index)
    return position


def id_hash(chunk_id: str) -> int:
    return int.from_bytes(hashlib.blake2b(chunk_id.encode("utf-8"), digest_size=8).digest(), "little")


class ChunkTable(Sequence[Chunk]):
    """Chunks as columns; `table[i]` is chunk i, `table.position(id)` where a chunk id lies."""

    def __init__(self, arrays: dict[str, np.ndarray], names: dict[str, list[str]]):
        self.arrays = arrays
        self.names = names
        self.ids = Strings(arrays["id_bytes"], arrays["id_offsets"])
        self.texts = Strings(arrays["text_bytes"], arrays["text_offsets"])
        self.meeting_ids = names["meetings"]

    @classmethod
    def of(cls, chunks: Iterable[Chunk]) -> ChunkTable:
        """A table of the chunks, read in one pass: they may be made one at a time (a catalog rebuilt
        from the store never holds a Chunk for each of its chunks)."""
        codes: dict[str, dict[str, int]] = {kind: {} for kind in NAME_KINDS}

        def code(kind: str, name: str | None) -> int:
            return -1 if name is None else codes[kind].setdefault(name, len(codes[kind]))

        id_bytes, text_bytes = bytearray(), bytearray()
        built = {name: array(_TYPECODES[EXPECTED[name]]) for name in (*PER_CHUNK, "speaker", "id_hashes")}
        offsets = {name: array("q", [0]) for name in ("id_offsets", "text_offsets", "speaker_offsets")}
        for chunk in chunks:
            id_bytes += chunk.id.encode("utf-8")
            text_bytes += chunk.text.encode("utf-8")
            built["speaker"].extend(code("speakers", speaker) for speaker in chunk.speakers)
            for name, filled in (
                ("id_offsets", id_bytes),
                ("text_offsets", text_bytes),
                ("speaker_offsets", built["speaker"]),
            ):
                offsets[name].append(len(filled))
            built["meeting"].append(code("meetings", chunk.meeting_id))
            built["topic"].append(code("topics", chunk.topic))
            built["question"].append(code("questions", chunk.question))
            built["turn_start"].append(chunk.turn_start)
            built["turn_end"].append(chunk.turn_end)
            built["start"].append(np.nan if chunk.start is None else chunk.start)
            built["end"].append(np.nan if chunk.end is None else chunk.end)
            built["word_pieces"].append(chunk.word_pieces)
            built["id_hashes"].append(id_hash(chunk.id))
        arrays = {name: _column(found, EXPECTED[name]) for name, found in (*built.items(), *offsets.items())}
        arrays["id_bytes"], arrays["text_bytes"] = _column(id_bytes, np.uint8), _column(text_bytes, np.uint8)
        order = np.argsort(arrays["id_hashes"], kind="stable")
        arrays["id_hashes"], arrays["id_order"] = arrays["id_hashes"][order], order.astype(np.int64)
        return cls(arrays, {kind: list(found) for kind, found in codes.items()})

    def __len__(self) -> int:
        return len(self.arrays["meeting"])

    def __iter__(self) -> Iterator[Chunk]:
        return (self[position] for position in range(len(self)))

    @overload
    def __getitem__(self, index: int) -> Chunk: ...
    @overload
    def __getitem__(self, index: slice) -> list[Chunk]: ...
    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        index = _position(index, len(self))
        a, names = self.arrays, self.names
        speakers = a["speaker"][int(a["speaker_offsets"][index]) : int(a["speaker_offsets"][index + 1])]
        topic, question = int(a["topic"][index]), int(a["question"][index])
        start, end = float(a["start"][index]), float(a["end"][index])
        return Chunk(
            id=self.ids[index],
            meeting_id=self.meeting_ids[int(a["meeting"][index])],
            text=self.texts[index],
            turn_start=int(a["turn_start"][index]),
            turn_end=int(a["turn_end"][index]),
            speakers=tuple(names["speakers"][int(code)] for code in speakers),
            topic=None if topic < 0 else names["topics"][topic],
            question=None if question < 0 else names["questions"][question],
            start=None if np.isnan(start) else start,
            end=None if np.isnan(end) else end,
            word_pieces=int(a["word_pieces"][index]),
        )

    def place(self, index: int) -> tuple[int, int]:
        """Chunk `index`'s meeting and question (as codes): where in the library it lies."""
        return int(self.arrays["meeting"][index]), int(self.arrays["question"][index])

    def position(self, chunk_id: str) -> int | None:
        """Where the chunk of this id lies, or None."""
        hashes = self.arrays["id_hashes"]
        wanted = np.uint64(id_hash(chunk_id))
        at = int(np.searchsorted(hashes, wanted))
        while at < len(hashes) and hashes[at] == wanted:
            position = int(self.arrays["id_order"][at])
            if self.ids[position] == chunk_id:
                return position
            at += 1
        return None

    def take(self, positions: Sequence[int]) -> list[Chunk]:
        return [self[position] for position in positions]

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / NAMES_FILE).write_text(json.dumps(self.names, ensure_ascii=False), encoding="utf-8")
        for name in ARRAYS:
            np.save(folder / f"{name}.npy", np.asarray(self.arrays[name]), allow_pickle=False)

    @classmethod
    def load(cls, folder: Path, count: int) -> ChunkTable:
        """A table that `save` wrote, its arrays mapped into memory; a ValueError when its files
        disagree with each other or with `count` chunks."""

        names = json.loads((folder / NAMES_FILE).read_text(encoding="utf-8"))
        if not isinstance(names, dict) or set(names) != set(NAME_KINDS):
            raise ValueError(f"{NAME_KINDS} are not what {NAMES_FILE} holds")
        if not all(isinstance(found, list) and all(isinstance(n, str) for n in found) for found in names.values()):
            raise ValueError(f"{NAMES_FILE} holds a name that is not a string")
        arrays = {name: load_array(folder / f"{name}.npy", random=True) for name in ARRAYS}
        _check(arrays, names, count)
        return cls(arrays, names)


EXPECTED = {
    "id_bytes": np.uint8,
    "text_bytes": np.uint8,
    "id_offsets": np.int64,
    "text_offsets": np.int64,
    "speaker_offsets": np.int64,
    "meeting": np.int32,
    "turn_start": np.int32,
    "turn_end": np.int32,
    "speaker": np.int32,
    "topic": np.int32,
    "question": np.int32,
    "start": np.float64,
    "end": np.float64,
    "word_pieces": np.int32,
    "id_hashes": np.uint64,
    "id_order": np.int64,
}
PER_CHUNK = ("meeting", "turn_start", "turn_end", "topic", "question", "start", "end", "word_pieces")


def _check(arrays: dict[str, np.ndarray], names: dict[str, list[str]], count: int) -> None:
    """Every column of the kind and length it should be, offsets that cut their buffers, codes that
    name names: a table read from disk is whole before any chunk is made from it."""
    for name, dtype in EXPECTED.items():
        if arrays[name].dtype != dtype or arrays[name].ndim != 1:
            raise ValueError(f"{name}.npy holds {arrays[name].dtype} in {arrays[name].ndim} dimensions, not {dtype}")
    for name in (*PER_CHUNK, "id_hashes", "id_order"):
        if len(arrays[name]) != count:
            raise ValueError(f"{name}.npy holds {len(arrays[name])} values for {count} chunks")
    for offsets, data in (("id_offsets", "id_bytes"), ("text_offsets", "text_bytes"), ("speaker_offsets", "speaker")):
        if not _cuts(arrays[offsets], len(arrays[data]), count):
            raise ValueError(f"{offsets}.npy does not cut {data}.npy into {count} parts")
    coded = (
        ("meeting", "meetings", 0),
        ("speaker", "speakers", 0),
        ("topic", "topics", -1),
        ("question", "questions", -1),
    )
    for column, kind, least in coded:  # -1: no topic, no question
        codes = checked(arrays[column])
        if len(codes) and (codes.min() < least or codes.max() >= len(names[kind])):
            raise ValueError(f"{column}.npy names {kind} outside the {len(names[kind])} in {NAMES_FILE}")
    order, hashes = arrays["id_order"], arrays["id_hashes"]
    if count and (checked(order).min() < 0 or checked(order).max() >= count or (hashes[1:] < hashes[:-1]).any()):
        raise ValueError("id_hashes.npy or id_order.npy is out of order")


def _cuts(offsets: np.ndarray, size: int, count: int) -> bool:
    """Whether `offsets` cut a buffer of `size` into `count` parts, in order."""
    return len(offsets) == count + 1 and offsets[0] == 0 and offsets[-1] == size and not (np.diff(offsets) < 0).any()


class Documents:
    """One string per meeting (its turns as the store's JSON document), found by meeting id."""

    def __init__(self, meeting_ids: list[str], documents: Strings):
        self.meeting_ids = meeting_ids
        self.documents = documents
        self._row = {meeting_id: row for row, meeting_id in enumerate(meeting_ids)}

    @classmethod
    def of(cls, documents: dict[str, str] | Iterable[tuple[str, str]]) -> Documents:
        """Documents by meeting id, from a mapping or from (meeting id, document) pairs made one at a time."""
        meeting_ids: list[str] = []

        def each() -> Iterator[str]:
            for meeting_id, document in documents.items() if isinstance(documents, dict) else documents:
                meeting_ids.append(meeting_id)
                yield document

        strings = Strings.of(each())
        return cls(meeting_ids, strings)

    def __contains__(self, meeting_id: object) -> bool:
        return meeting_id in self._row

    def get(self, meeting_id: str) -> str | None:
        row = self._row.get(meeting_id)
        return None if row is None else self.documents[row]

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / NAMES_FILE).write_text(json.dumps(self.meeting_ids, ensure_ascii=False), encoding="utf-8")
        np.save(folder / "text_bytes.npy", np.asarray(self.documents.data), allow_pickle=False)
        np.save(folder / "text_offsets.npy", np.asarray(self.documents.offsets), allow_pickle=False)

    @classmethod
    def load(cls, folder: Path) -> Documents:
        meeting_ids = json.loads((folder / NAMES_FILE).read_text(encoding="utf-8"))
        if not isinstance(meeting_ids, list) or not all(isinstance(m, str) for m in meeting_ids):
            raise ValueError(f"the turns' {NAMES_FILE} is not a list of meeting ids")
        data = load_array(folder / "text_bytes.npy", random=True)
        offsets = np.asarray(load_array(folder / "text_offsets.npy"))
        if data.dtype != np.uint8 or offsets.dtype != np.int64 or not _cuts(offsets, len(data), len(meeting_ids)):
            raise ValueError("the turns' files do not hold one document per meeting")
        return cls(meeting_ids, Strings(data, offsets))
