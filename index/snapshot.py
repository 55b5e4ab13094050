"""The catalog saved beside the store, so that opening a large library neither reads every chunk
back from Chroma nor indexes its keywords again (at 100,000 chunks: about 1 s instead of 28 s).

A snapshot is keyed by what the store holds: the content hash of each complete meeting. When the
key differs, the chunks and vectors of unchanged meetings come from the catalog in memory or the
snapshot, and only the meetings that changed are read from the store. The store stays the source
of truth: a snapshot that cannot be read is ignored and rebuilt, and one that cannot be written is
only a warning. The snapshot is a pickle, as trusted as the Chroma files beside it in the data
directory.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import pickle
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from core.models import Chunk, Meeting
from index.catalog import Catalog
from index.store import COMPLETE, Store

FORMAT = 2  # raised whenever what a snapshot holds changes
CATALOG_FILE = "catalog.pickle"
LOCK_FILE = "snapshot.lock"
log = logging.getLogger(__name__)


def load_catalog(
    store: Store, folder: Path | None, previous: Catalog | None = None, model: str | None = None
) -> Catalog:
    """The catalog of the store's complete meetings (those embedded by `model`, when given: vectors
    of two models are never searched together): from the snapshot in `folder` when the store has
    not changed since, else rebuilt, reading from the store only the meetings that changed since
    `previous` or the snapshot."""
    records = store.meetings()
    meetings = [
        record.meeting
        for record in records
        if record.status == COMPLETE and (model is None or record.meeting.model == model)
    ]
    state = {meeting.meeting_id: f"{meeting.content_hash}:{meeting.model}" for meeting in meetings}
    key = store_key(state)
    if previous is not None and previous.key == key:
        return previous
    saved = read_snapshot(folder) if folder is not None else None
    if saved is not None and saved.key == key:
        return saved
    catalog = build(store, meetings, state, key, previous if previous is not None else saved)
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
    from importlib.metadata import version

    facts = [FORMAT, version("bm25s"), version("PyStemmer"), sorted(state.items())]
    return hashlib.sha1(json.dumps(facts).encode()).hexdigest()


Part = tuple[list[Chunk], np.ndarray]


def build(store: Store, meetings: list[Meeting], state: dict[str, str], key: str, base: Catalog | None) -> Catalog:
    """A catalog of `meetings`, taking unchanged meetings' chunks and vectors from `base`. A meeting
    read with fewer or more chunks than its record counts (another process wrote while the store was
    paged through) is read again on its own."""
    known = base.state if base is not None else {}
    kept = {meeting_id for meeting_id, digest in state.items() if known.get(meeting_id) == digest}
    parts: list[Part] = []
    if base is not None and kept:
        positions = [position for position, chunk in enumerate(base.chunks) if chunk.meeting_id in kept]
        parts.append(([base.chunks[position] for position in positions], np.asarray(base.vectors[positions])))
    changed = sorted(set(state) - kept)
    if changed:
        parts.append(_read(store, changed if kept else None, state))
    short = set(incomplete([chunk for chunks, _ in parts for chunk in chunks], meetings))
    if short:
        parts = [_rows_where(part, lambda chunk: chunk.meeting_id not in short) for part in parts]
        parts.append(_read(store, sorted(short), state))
    chunks = [chunk for part_chunks, _ in parts for chunk in part_chunks]
    order = sorted(range(len(chunks)), key=lambda row: (chunks[row].meeting_id, chunks[row].turn_start, chunks[row].id))
    filled = [vectors for _, vectors in parts if len(vectors)]
    vectors = np.concatenate(filled)[order] if filled else np.zeros((0, 0), dtype=np.float32)
    ordered = [chunks[row] for row in order]
    return Catalog(ordered, meetings, np.ascontiguousarray(vectors), state, key, base)


def incomplete(chunks: list[Chunk], meetings: list[Meeting]) -> list[str]:
    """Meetings whose chunks here are not as many as their records count."""
    counts = Counter(chunk.meeting_id for chunk in chunks)
    return [meeting.meeting_id for meeting in meetings if counts[meeting.meeting_id] != meeting.chunk_count]


def _read(store: Store, meeting_ids: list[str] | None, state: dict[str, str]) -> Part:
    """Chunks and vectors of these meetings (of all when None), keeping the complete meetings'."""
    return _rows_where(store.chunks_with_vectors(meeting_ids), lambda chunk: chunk.meeting_id in state)


def _rows_where(part: Part, keep) -> Part:
    chunks, vectors = part
    rows = [row for row, chunk in enumerate(chunks) if keep(chunk)]
    return [chunks[row] for row in rows], (np.asarray(vectors[rows]) if rows else np.asarray(vectors[:0]))


def read_snapshot(folder: Path) -> Catalog | None:
    if not (folder / CATALOG_FILE).exists():
        return None
    try:
        with _locked(folder, fcntl.LOCK_SH):  # no writer replaces the files between the two reads
            with open(folder / CATALOG_FILE, "rb") as handle:
                saved_format, catalog = pickle.load(handle)
            if saved_format != FORMAT or not isinstance(catalog, Catalog):
                return None
            catalog.vectors = np.load(folder / _vectors_file(catalog.key), mmap_mode="r")
        if catalog.vectors.shape[0] != len(catalog.chunks):
            return None
        return catalog
    except Exception as error:  # a snapshot from another version, cut short, or damaged: rebuilt
        log.warning("the catalog snapshot in %s could not be read (%s); rebuilding it", folder, error)
        return None


def write_snapshot(folder: Path, catalog: Catalog) -> None:
    """Vectors first, then the catalog naming them, each replaced atomically, then the older vectors
    deleted; one process at a time."""
    name = _vectors_file(catalog.key)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with _locked(folder, fcntl.LOCK_EX):
            _replace(folder / name, lambda handle: np.save(handle, np.asarray(catalog.vectors)))
            _replace(folder / CATALOG_FILE, lambda handle: pickle.dump((FORMAT, catalog), handle, protocol=5))
            for old in folder.glob("vectors-*.npy"):
                if old.name != name:
                    old.unlink(missing_ok=True)
    except OSError as error:
        log.warning("could not save the catalog snapshot in %s (%s); the next start rebuilds it", folder, error)


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


def _vectors_file(key: str) -> str:
    return f"vectors-{key[:16]}.npy"


def _replace(path: Path, write) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(temporary, "wb") as handle:
            write(handle)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
