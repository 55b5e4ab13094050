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

import hashlib
import json
import logging
import os
import pickle
from pathlib import Path

import numpy as np

from index.catalog import Catalog
from index.store import COMPLETE, Store
from onrecord.models import Chunk, Meeting

FORMAT = 2  # raised whenever what a snapshot holds changes
CATALOG_FILE = "catalog.pickle"
log = logging.getLogger(__name__)


def load_catalog(store: Store, folder: Path | None, previous: Catalog | None = None) -> Catalog:
    records = store.meetings()
    meetings = [record.meeting for record in records if record.status == COMPLETE]
    state = {meeting.meeting_id: meeting.content_hash for meeting in meetings}
    key = store_key(state)
    if previous is not None and previous.key == key:
        return previous
    saved = read_snapshot(folder) if folder is not None else None
    if saved is not None and saved.key == key:
        return saved
    catalog = build(store, meetings, state, key, previous if previous is not None else saved)
    if folder is not None:
        write_snapshot(folder, catalog)
    return catalog


def store_key(state: dict[str, str]) -> str:
    """What the catalog mirrors: the complete meetings and their content hashes (which cover their
    chunk ids). Every change to a meeting's chunks happens while its record says `writing`."""
    import bm25s

    facts = [FORMAT, bm25s.__version__, sorted(state.items())]
    return hashlib.sha1(json.dumps(facts).encode()).hexdigest()


def build(store: Store, meetings: list[Meeting], state: dict[str, str], key: str, base: Catalog | None) -> Catalog:
    """A catalog of `meetings`, taking unchanged meetings' chunks and vectors from `base`."""
    kept = {
        meeting_id for meeting_id, digest in state.items() if base is not None and base.state.get(meeting_id) == digest
    }
    parts: list[tuple[list[Chunk], np.ndarray]] = []
    if base is not None and kept:
        positions = [position for position, chunk in enumerate(base.chunks) if chunk.meeting_id in kept]
        parts.append(([base.chunks[position] for position in positions], np.asarray(base.vectors[positions])))
    changed = sorted(set(state) - kept)
    if changed:
        chunks, vectors = store.chunks_with_vectors(changed if kept else None)
        rows = [row for row, chunk in enumerate(chunks) if chunk.meeting_id in state]
        parts.append(([chunks[row] for row in rows], vectors[rows] if rows else vectors[:0]))
    chunks = [chunk for part_chunks, _ in parts for chunk in part_chunks]
    order = sorted(range(len(chunks)), key=lambda row: (chunks[row].meeting_id, chunks[row].turn_start, chunks[row].id))
    filled = [vectors for _, vectors in parts if len(vectors)]
    vectors = np.concatenate(filled)[order] if filled else np.zeros((0, 0), dtype=np.float32)
    ordered = [chunks[row] for row in order]
    return Catalog(ordered, meetings, np.ascontiguousarray(vectors), state, key, base)


def read_snapshot(folder: Path) -> Catalog | None:
    try:
        with open(folder / CATALOG_FILE, "rb") as handle:
            saved_format, catalog = pickle.load(handle)
        if saved_format != FORMAT or not isinstance(catalog, Catalog):
            return None
        catalog.vectors = np.load(folder / _vectors_file(catalog.key), mmap_mode="r")
        if catalog.vectors.shape[0] != len(catalog.chunks):
            return None
        return catalog
    except FileNotFoundError:
        return None
    except Exception as error:  # a snapshot from another version, cut short, or damaged: rebuilt
        log.warning("the catalog snapshot in %s could not be read (%s); rebuilding it", folder, error)
        return None


def write_snapshot(folder: Path, catalog: Catalog) -> None:
    """Vectors first, then the catalog naming them, each replaced atomically; older vectors go last."""
    name = _vectors_file(catalog.key)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _replace(folder / name, lambda handle: np.save(handle, np.asarray(catalog.vectors)))
        _replace(folder / CATALOG_FILE, lambda handle: pickle.dump((FORMAT, catalog), handle, protocol=5))
        for old in folder.glob("vectors-*.npy"):
            if old.name != name:
                old.unlink(missing_ok=True)
    except OSError as error:
        log.warning("could not save the catalog snapshot in %s (%s); the next start rebuilds it", folder, error)


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
