"""The catalog saved beside the store, so that opening a large library neither reads every chunk
back from Chroma nor indexes its keywords again (at 100,000 chunks: 1 to 1.5 s instead of 28 s).

A snapshot is keyed by what the store holds: the content hash of each complete meeting. When the
key differs, the chunks and vectors of unchanged meetings come from the catalog in memory or the
snapshot, and only the meetings that changed are read from the store. The store stays the source
of truth: a snapshot that cannot be read is ignored and rebuilt, and one that cannot be written is
only a warning.

A snapshot is plain data, never a pickle, so that what it holds cannot run code when it is opened:
a JSON manifest (format version, key, counts, file names) naming a folder that holds the chunks as
columns (index.columns: .npy arrays and a JSON list of names), the meetings as JSON, the vectors as
.npy, and the keyword index's vocabulary (JSON), term ids (.npy) and bm25s's matrix (bm25s's own
JSON and .npy), every array mapped into memory. A snapshot of another format, one cut short, or one
whose files disagree is rebuilt with a warning.
"""

from __future__ import annotations

import fcntl
import fnmatch
import hashlib
import json
import logging
import os
import re
import secrets
import shutil
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date as Date
from pathlib import Path

import numpy as np

from core.models import Chunk, Meeting
from index.catalog import Catalog
from index.columns import ChunkTable, Documents
from index.dense import QUANTIZED_FROM, QuantizedVectors
from index.keyword import KeywordIndex, load_array
from index.names import SpeakerNames, named_chunk, named_meeting, named_turns, names_digest
from index.store import COMPLETE, MEETINGS_PER_READ, MeetingRecord, Store

FORMAT = 6  # raised whenever what a snapshot holds changes
MANIFEST_FILE = "manifest.json"
LOCK_FILE = "snapshot.lock"
FILES = {
    "chunks": "chunks",
    "meetings": "meetings.json",
    "vectors": "vectors.npy",
    "keyword": "keyword",
    "turns": "turns",
    "quantized": "vectors.int8",  # shards of codes, only in a snapshot of more than QUANTIZED_FROM chunks
}
LEGACY_FILE = "catalog.pickle"  # format 2's, never opened: anything could be in it
_GENERATION = re.compile(r"snapshot-[0-9a-f]{16}")
# What a writer deletes beside the snapshot it wrote: older snapshots (format 2's pickle and vectors
# among them) and what a writer that stopped part-way left.
_STALE = ("snapshot-*", ".*.tmp", LEGACY_FILE, "vectors-*.npy")
log = logging.getLogger(__name__)


def load_catalog(
    store: Store,
    folder: Path | None,
    previous: Catalog | None = None,
    model: str | None = None,
    records: list[MeetingRecord] | None = None,
    names: SpeakerNames | None = None,
) -> Catalog:
    """The catalog of the store's complete meetings (those embedded by `model`, when given: vectors
    of two models are never searched together): from the snapshot in `folder` when the store has
    not changed since, else rebuilt, reading from the store only the meetings that changed since
    `previous` or the snapshot. `records` are the store's meeting records when already read; `names`
    (index.names), the speaker names applied to what is read (a meeting renamed is read again)."""
    records = store.meetings() if records is None else records
    names = names or SpeakerNames()
    applied = {
        record.meeting.meeting_id: names.applied(record.meeting.meeting_id, record.meeting.speakers)
        for record in records
    }
    meetings = [
        named_meeting(record.meeting, applied[record.meeting.meeting_id])
        for record in records
        if record.status == COMPLETE and (model is None or record.meeting.model == model)
    ]
    state = {
        meeting.meeting_id: f"{meeting.content_hash}:{meeting.model}{names_digest(applied[meeting.meeting_id])}"
        for meeting in meetings
    }
    key = store_key(state)
    if previous is not None and previous.key == key:
        return previous
    saved = read_snapshot(folder) if folder is not None else None
    if saved is not None and saved.key == key:
        return saved
    catalog = build(store, meetings, state, key, previous if previous is not None else saved, applied)
    short = incomplete(catalog.chunks, meetings)
    if short:
        log.warning(
            "the store changed while the catalog was read (%s); this catalog is not saved, the next start reads "
            "those meetings again",
            ", ".join(short[:3]),
        )
    elif folder is not None:
        write_snapshot(folder, catalog)
    return catalog


def store_key(state: dict[str, str]) -> str:
    """What the catalog mirrors: the complete meetings and their content hashes (which cover their
    chunk ids), and the versions of what tokenizes and scores them. Every change to a meeting's
    chunks happens while its record says `writing`."""
    facts = [*versions(), sorted(state.items())]
    return hashlib.sha1(json.dumps(facts).encode()).hexdigest()


def versions() -> list:
    """What else a snapshot depends on: its format and the versions of what tokenizes and scores."""
    from importlib.metadata import version

    return [FORMAT, version("bm25s"), version("PyStemmer")]


MeetingChunks = tuple[str, list[Chunk], np.ndarray]  # a meeting's id, chunks and their vectors


def build(
    store: Store,
    meetings: list[Meeting],
    state: dict[str, str],
    key: str,
    base: Catalog | None,
    applied: dict[str, dict[str, str]] | None = None,
) -> Catalog:
    """A catalog of `meetings`, taking unchanged meetings' chunks and vectors from `base` and reading
    the others from the store MEETINGS_PER_READ meetings at a time. It is made meeting by meeting in
    id order, so that no more chunks are held as objects than one read returns: a million-chunk
    library is rebuilt in bounded memory (the chunks' columns, vectors and term ids). `applied`: the
    speaker names of each meeting read (index.names)."""
    applied = applied or {}
    known = base.state if base is not None else {}
    kept = {meeting_id for meeting_id, digest in state.items() if known.get(meeting_id) == digest}
    blocks = _blocks(base, kept) if base is not None and kept else {}
    counts = {meeting.meeting_id: meeting.chunk_count for meeting in meetings}
    read = _read(store, sorted(set(state) - kept), counts)
    vectors: list[np.ndarray] = []

    def chunks() -> Iterator[Chunk]:
        pending = next(read, None)
        for meeting_id in sorted(state):
            if meeting_id in blocks:
                vectors.append(np.asarray(base.vectors[blocks[meeting_id]]))
                yield from (base.chunks[position] for position in blocks[meeting_id])
            elif pending is not None and pending[0] == meeting_id:
                vectors.append(pending[2])
                yield from (named_chunk(chunk, applied.get(meeting_id, {})) for chunk in pending[1])
                pending = next(read, None)

    table = ChunkTable.of(chunks())
    filled = [block for block in vectors if len(block)]
    vectors = np.concatenate(filled) if filled else np.zeros((0, 0), dtype=np.float32)
    read_turns = _turns(store, sorted(state), kept, base)
    turns = Documents.of(
        (m, document if m in kept else named_turns(document, applied.get(m, {}))) for m, document in read_turns
    )
    return Catalog(table, meetings, vectors, state, key, base, turns=turns)


def _turns(store: Store, meeting_ids: list[str], kept: set[str], base: Catalog | None) -> Iterator[tuple[str, str]]:
    """Each meeting's turns as the store's JSON, in the order of `meeting_ids`: a kept meeting's from
    `base`, the others' read from the store a few meetings at a time."""
    saved = base.turns if base is not None and base.turns is not None else Documents.of({})
    kept = {meeting_id for meeting_id in kept if meeting_id in saved}
    read = store.each_turn_document([meeting_id for meeting_id in meeting_ids if meeting_id not in kept])
    for meeting_id in meeting_ids:
        yield (meeting_id, saved.get(meeting_id) or "") if meeting_id in kept else next(read)


def _blocks(base: Catalog, kept: set[str]) -> dict[str, np.ndarray]:
    """The positions in `base` of each kept meeting's chunks, in the catalog's order."""
    codes = np.asarray(base.chunks.arrays["meeting"])
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(base.chunks.meeting_ids) + 1))
    return {
        meeting_id: order[bounds[code] : bounds[code + 1]]
        for code, meeting_id in enumerate(base.chunks.meeting_ids)
        if meeting_id in kept
    }


def _read(store: Store, meeting_ids: list[str], counts: dict[str, int]) -> Iterator[MeetingChunks]:
    """Each meeting's chunks in turn order and their vectors, in the order of `meeting_ids`. A meeting
    read with fewer or more chunks than its record counts (another process wrote while the store was
    paged through) is read again on its own."""
    for start in range(0, len(meeting_ids), MEETINGS_PER_READ):
        group = meeting_ids[start : start + MEETINGS_PER_READ]
        chunks, vectors = store.chunks_with_vectors(group)
        rows: dict[str, list[int]] = {}
        for row, chunk in enumerate(chunks):
            rows.setdefault(chunk.meeting_id, []).append(row)
        for meeting_id in group:
            own, own_vectors = [chunks[row] for row in rows.get(meeting_id, [])], vectors[rows.get(meeting_id, [])]
            if len(own) != counts[meeting_id]:
                own, own_vectors = store.chunks_with_vectors([meeting_id])
            order = sorted(range(len(own)), key=lambda row: (own[row].turn_start, own[row].id))
            yield meeting_id, [own[row] for row in order], np.asarray(own_vectors[order]) if order else own_vectors[:0]
        del chunks, vectors


def incomplete(chunks: Sequence[Chunk], meetings: list[Meeting]) -> list[str]:
    """Meetings whose chunks here are not as many as their records count."""
    if isinstance(chunks, ChunkTable):
        found = np.bincount(chunks.arrays["meeting"], minlength=len(chunks.meeting_ids))
        counts = Counter(dict(zip(chunks.meeting_ids, map(int, found), strict=True)))
    else:
        counts = Counter(chunk.meeting_id for chunk in chunks)
    return [meeting.meeting_id for meeting in meetings if counts[meeting.meeting_id] != meeting.chunk_count]


def read_snapshot(folder: Path) -> Catalog | None:
    """The catalog saved in `folder`, or None when there is none or it cannot be used (then with a
    warning; load_catalog rebuilds it from the store). Nothing in it is unpickled."""
    if not (folder / MANIFEST_FILE).exists():
        if (folder / LEGACY_FILE).exists():
            log.warning("the catalog snapshot in %s is an older version's pickle, not opened; rebuilding it", folder)
        return None
    try:
        with _locked(folder, fcntl.LOCK_SH):  # no writer replaces the files while they are read
            return _open(folder)
    except Exception as error:  # another format, cut short, damaged or foreign: rebuilt
        log.warning("the catalog snapshot in %s could not be read (%s); rebuilding it", folder, error)
        return None


def _open(folder: Path) -> Catalog:
    manifest = json.loads((folder / MANIFEST_FILE).read_text(encoding="utf-8"))
    found = manifest.get("format") if isinstance(manifest, dict) else None
    if found != FORMAT:
        raise ValueError(f"it is format {found!r}, this version reads format {FORMAT}")
    count, dimensions, key = manifest["chunks"], manifest["dimensions"], manifest["key"]
    if not isinstance(key, str):
        raise ValueError(f"its manifest names no key but {key!r}")
    path = _paths(folder, manifest)
    chunks = ChunkTable.load(path["chunks"], count)
    meetings, state = _meetings_from(json.loads(path["meetings"].read_text(encoding="utf-8")), manifest["meetings"])
    vectors = load_array(path["vectors"], random=count > QUANTIZED_FROM)  # scanned whole below it
    if vectors.shape != (count, dimensions) or vectors.dtype.kind != "f":
        raise ValueError(f"its vectors are {vectors.shape} {vectors.dtype}, not {count} × {dimensions} floats")
    keyword = KeywordIndex.load(path["keyword"])
    if keyword.size != count:
        raise ValueError(f"its keyword index holds {keyword.size} texts for {count} chunks")
    quantized = QuantizedVectors.load(path["quantized"], vectors) if count > QUANTIZED_FROM else None
    turns = Documents.load(path["turns"])
    if set(turns.meeting_ids) != set(state):
        raise ValueError(f"its turns are of {len(turns.meeting_ids)} meetings, not of the {len(state)} it holds")
    return Catalog(chunks, meetings, vectors, state, key, keyword=keyword, quantized=quantized, turns=turns)


def _paths(folder: Path, manifest: dict) -> dict[str, Path]:
    """The files the manifest names, in the snapshot's own folder beside it."""
    generation = manifest["folder"]
    if not isinstance(generation, str) or not _GENERATION.fullmatch(generation) or manifest["files"] != FILES:
        raise ValueError(f"its manifest names files of another layout ({generation!r}, {manifest['files']!r})")
    return {part: folder / generation / name for part, name in FILES.items()}


def _meetings_from(saved: object, count: int) -> tuple[list[Meeting], dict[str, str]]:
    if not isinstance(saved, dict) or not isinstance(saved["meetings"], list) or len(saved["meetings"]) != count:
        raise ValueError(f"its meetings file does not hold {count} meetings")
    meetings = [
        Meeting(
            **{
                **record,
                "date": Date.fromisoformat(record["date"]) if record["date"] else None,
                "speakers": tuple(record["speakers"]),
                "topics": tuple(record["topics"]),
            }
        )
        for record in saved["meetings"]
    ]
    state = saved["state"]
    if not isinstance(state, dict) or not all(isinstance(digest, str) for digest in state.values()):
        raise ValueError("its meetings file holds no content hash for each meeting")
    return meetings, state


def write_snapshot(folder: Path, catalog: Catalog) -> None:
    """The catalog's files in a folder of their own, written under a temporary name and renamed, then
    the manifest naming them replaced atomically (so a reader never sees a manifest naming files not
    yet there), then older snapshots deleted; one process at a time."""
    generation = f"snapshot-{secrets.token_hex(8)}"
    vectors = np.asarray(catalog.vectors)
    manifest = {
        "format": FORMAT,
        "key": catalog.key,
        "chunks": len(catalog.chunks),
        "meetings": len(catalog.meetings),
        "dimensions": vectors.shape[1] if vectors.ndim == 2 else 0,
        "folder": generation,
        "files": FILES,
    }
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with _locked(folder, fcntl.LOCK_EX):
            temporary = folder / f".{generation}.tmp"
            try:
                _write_files(temporary, catalog, vectors)
                temporary.rename(folder / generation)
            finally:
                shutil.rmtree(temporary, ignore_errors=True)
            _replace(folder / MANIFEST_FILE, lambda handle: handle.write(json.dumps(manifest, indent=1).encode()))
            _remove_stale(folder, generation)
    except (OSError, TypeError, ValueError) as error:
        log.warning("could not save the catalog snapshot in %s (%s); the next start rebuilds it", folder, error)


def _write_files(target: Path, catalog: Catalog, vectors: np.ndarray) -> None:
    target.mkdir()
    catalog.chunks.save(target / FILES["chunks"])
    meetings = {"meetings": [meeting.to_dict() for meeting in catalog.meetings.values()], "state": catalog.state}
    (target / FILES["meetings"]).write_text(json.dumps(meetings, ensure_ascii=False), encoding="utf-8")
    np.save(target / FILES["vectors"], vectors, allow_pickle=False)
    catalog.keyword.save(target / FILES["keyword"])
    (catalog.turns or Documents.of({})).save(target / FILES["turns"])
    if len(catalog) > QUANTIZED_FROM:
        catalog.quantized().save(target / FILES["quantized"])


def _remove_stale(folder: Path, kept: str) -> None:
    for path in folder.iterdir():
        if path.name != kept and any(fnmatch.fnmatchcase(path.name, pattern) for pattern in _STALE):
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)


@contextmanager
def _locked(folder: Path, kind: int) -> Iterator[None]:
    """A lock on the snapshot between processes; none when the folder is read-only (then nobody
    writes the snapshot either)."""
    try:
        handle = open(folder / LOCK_FILE, "a+")  # noqa: SIM115 - held for the whole block
    except OSError:
        yield
        return
    with handle:
        fcntl.flock(handle, kind)
        yield


def _replace(path: Path, write) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(temporary, "wb") as handle:
            write(handle)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
