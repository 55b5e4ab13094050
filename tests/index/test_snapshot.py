"""The catalog snapshot beside the store: reused when the store is unchanged, refreshed from the
changed meetings only, and rebuilt from the store when it cannot be read."""

from __future__ import annotations

import logging

import numpy as np
import pytest

from index.snapshot import load_catalog as load_from
from index.store import Store
from index.writer import ingest_paths, remove_meeting
from tests.conftest import DATA


def load_catalog(settings, store, previous=None):
    """The catalog as a process opening this library loads it."""
    return load_from(store, settings.data_dir / "catalog", previous)


@pytest.fixture
def library(tmp_path, settings_for, embedder, counter):
    settings = settings_for(tmp_path / "store")

    def ingest(*names):
        store = Store.open(settings)
        ingest_paths(
            [DATA / name for name in names],
            store,
            embedder,
            counter.count,
            settings.chunk_budget,
            settings.embedding_id,
        )
        return store

    ingest("notes.txt", "captions.srt")
    return settings, ingest


@pytest.fixture
def reads(monkeypatch):
    """The meeting ids each read of chunks from the store asked for (None: every chunk)."""
    calls = []
    original = Store.chunks_with_vectors

    def recorded(self, meeting_ids=None):
        calls.append(None if meeting_ids is None else sorted(meeting_ids))
        return original(self, meeting_ids)

    monkeypatch.setattr(Store, "chunks_with_vectors", recorded)
    return calls


def assert_mirrors_store(catalog, store):
    chunks, vectors = store.chunks_with_vectors()
    row_of = {chunk.id: row for row, chunk in enumerate(chunks)}
    assert sorted(chunk.id for chunk in catalog.chunks) == sorted(row_of)
    stored = vectors[[row_of[chunk.id] for chunk in catalog.chunks]]
    np.testing.assert_allclose(np.asarray(catalog.vectors), stored, atol=1e-6)
    assert catalog.keyword.size == len(chunks)


def test_an_unchanged_store_opens_from_the_snapshot_without_reading_chunks(library, reads):
    settings, _ = library
    store = Store.open(settings)
    built = load_catalog(settings, store)
    assert reads == [None] and (settings.data_dir / "catalog" / "catalog.pickle").exists()
    opened = load_catalog(settings, Store.open(settings))
    assert reads == [None]  # nothing read from the store the second time
    assert [chunk.id for chunk in opened.chunks] == [chunk.id for chunk in built.chunks]
    assert_mirrors_store(opened, store)
    scores = opened.keyword.scores("bike lane translation budget")
    assert scores is not None and scores.max() > 0
    np.testing.assert_array_equal(scores, built.keyword.scores("bike lane translation budget"))


def test_after_an_ingest_only_the_new_meeting_is_read(library, reads):
    settings, ingest = library
    before = load_catalog(settings, Store.open(settings))
    reads.clear()
    store = ingest("whisper.json")
    after = load_catalog(settings, store)  # as a new process would: the snapshot, then the change
    added = sorted(set(after.meetings) - set(before.meetings))
    assert len(added) == 1 and reads == [added]
    assert_mirrors_store(after, store)
    reads.clear()
    refreshed = load_catalog(settings, ingest("plain.txt"), previous=after)  # as the app does after an upload
    assert len(reads) == 1 and len(reads[0]) == 1 and reads[0][0] in refreshed.meetings
    assert reads[0][0] not in after.meetings
    assert_mirrors_store(refreshed, store)


def test_a_removed_meeting_leaves_the_catalog_without_reading_the_store(library, reads):
    settings, _ = library
    store = Store.open(settings)
    before = load_catalog(settings, store)
    gone = sorted(before.meetings)[0]
    remove_meeting(store, gone)
    reads.clear()
    after = load_catalog(settings, store)
    assert reads == [] and gone not in after.meetings
    assert all(chunk.meeting_id != gone for chunk in after.chunks)
    assert_mirrors_store(after, store)


def test_a_damaged_snapshot_is_rebuilt_from_the_store(library, caplog):
    settings, _ = library
    store = Store.open(settings)
    load_catalog(settings, store)
    (settings.data_dir / "catalog" / "catalog.pickle").write_bytes(b"\x80\x05not a pickle")
    with caplog.at_level(logging.WARNING):
        rebuilt = load_catalog(settings, store)
    assert "could not be read" in caplog.text
    assert_mirrors_store(rebuilt, store)
    for vectors in (settings.data_dir / "catalog").glob("vectors-*.npy"):
        vectors.unlink()  # vectors missing: rebuilt as well
    assert_mirrors_store(load_catalog(settings, store), store)


def dropping(monkeypatch, lost):
    """Reads of the store that miss the chunks `lost` picks, as when another process deletes rows
    while the store is paged through."""
    original = Store.chunks_with_vectors
    calls = []

    def read(self, meeting_ids=None):
        chunks, vectors = original(self, meeting_ids)
        calls.append(meeting_ids)
        rows = [row for row, chunk in enumerate(chunks) if not lost(chunk, meeting_ids)]
        return [chunks[row] for row in rows], vectors[rows]

    monkeypatch.setattr(Store, "chunks_with_vectors", read)
    return calls


def test_a_meeting_read_short_while_the_store_changes_is_read_again(library, monkeypatch):
    settings, _ = library
    store = Store.open(settings)
    victim = store.chunks_with_vectors()[0][0].id
    calls = dropping(monkeypatch, lambda chunk, meeting_ids: meeting_ids is None and chunk.id == victim)
    catalog = load_catalog(settings, store)
    assert calls[0] is None and len(calls) == 2 and calls[1] == [victim.split(":")[0]]
    monkeypatch.undo()
    assert victim in catalog.position
    assert_mirrors_store(catalog, store)
    assert (settings.data_dir / "catalog" / "catalog.pickle").exists()


def test_a_catalog_still_short_is_served_but_not_saved(library, monkeypatch, caplog):
    settings, _ = library
    store = Store.open(settings)
    victim = store.chunks_with_vectors()[0][0].id
    dropping(monkeypatch, lambda chunk, meeting_ids: chunk.id == victim)
    with caplog.at_level(logging.WARNING):
        catalog = load_catalog(settings, store)
    assert "store changed while the catalog was read" in caplog.text and victim not in catalog.position
    assert not (settings.data_dir / "catalog" / "catalog.pickle").exists()  # the next start reads it again


def test_a_reader_waits_while_another_process_writes_the_snapshot(library):
    import fcntl
    import threading

    from index.snapshot import LOCK_FILE, read_snapshot

    settings, _ = library
    load_catalog(settings, Store.open(settings))
    folder = settings.data_dir / "catalog"
    read = {}
    with open(folder / LOCK_FILE, "a+") as handle:  # what write_snapshot holds while it replaces the files
        fcntl.flock(handle, fcntl.LOCK_EX)
        reader = threading.Thread(target=lambda: read.setdefault("catalog", read_snapshot(folder)))
        reader.start()
        reader.join(0.5)
        assert reader.is_alive() and not read
    reader.join(10)
    assert read["catalog"] is not None and len(read["catalog"].chunks) > 0
