"""The catalog snapshot beside the store: reused when the store is unchanged, refreshed from the
changed meetings only, and rebuilt from the store when it cannot be read."""

from __future__ import annotations

import json
import logging
import pickle

import numpy as np
import pytest

from index.catalog import Catalog
from index.snapshot import FORMAT, LOCK_FILE, MANIFEST_FILE, read_snapshot, write_snapshot
from index.snapshot import load_catalog as load_from
from index.store import Store
from index.writer import ingest_paths, remove_meeting
from tests.conftest import DATA, ROOT


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
    every = [sorted(built.meetings)]  # one read of every meeting: the library is small
    assert reads == every and (settings.data_dir / "catalog" / MANIFEST_FILE).exists()
    opened = load_catalog(settings, Store.open(settings))
    assert reads == every  # nothing read from the store the second time
    assert [chunk.id for chunk in opened.chunks] == [chunk.id for chunk in built.chunks]
    assert_mirrors_store(opened, store)
    scores = opened.keyword.scores("bike lane translation budget")
    assert scores is not None and scores.max() > 0
    np.testing.assert_array_equal(scores, built.keyword.scores("bike lane translation budget"))


def test_a_library_is_rebuilt_a_few_meetings_at_a_time(library, reads, monkeypatch):
    import index.snapshot

    settings, _ = library
    monkeypatch.setattr(index.snapshot, "MEETINGS_PER_READ", 1)  # as a million chunks are read: in parts
    catalog = load_catalog(settings, Store.open(settings))
    assert reads == [[meeting_id] for meeting_id in sorted(catalog.meetings)] and len(reads) == 2
    assert_mirrors_store(catalog, Store.open(settings))
    places = [(chunk.meeting_id, chunk.turn_start, chunk.id) for chunk in catalog.chunks]
    assert places == sorted(places)  # neighbours in the catalog are neighbours in the meeting


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
    (settings.data_dir / "catalog" / MANIFEST_FILE).write_bytes(b'{"format": 3, "key": "cut sh')
    with caplog.at_level(logging.WARNING):
        rebuilt = load_catalog(settings, store)
    assert "could not be read" in caplog.text
    assert_mirrors_store(rebuilt, store)
    vectors = list((settings.data_dir / "catalog").glob("snapshot-*/vectors.npy"))
    assert len(vectors) == 1
    vectors[0].unlink()  # vectors missing: rebuilt as well
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
    calls = dropping(monkeypatch, lambda chunk, meeting_ids: len(meeting_ids) > 1 and chunk.id == victim)
    catalog = load_catalog(settings, store)  # the first read (of both meetings) loses one chunk
    assert len(calls) == 2 and len(calls[0]) == 2 and calls[1] == [victim.split(":")[0]]
    monkeypatch.undo()
    assert victim in catalog.position
    assert_mirrors_store(catalog, store)
    assert (settings.data_dir / "catalog" / MANIFEST_FILE).exists()


def test_a_catalog_still_short_is_served_but_not_saved(library, monkeypatch, caplog):
    settings, _ = library
    store = Store.open(settings)
    victim = store.chunks_with_vectors()[0][0].id
    dropping(monkeypatch, lambda chunk, meeting_ids: chunk.id == victim)
    with caplog.at_level(logging.WARNING):
        catalog = load_catalog(settings, store)
    assert "store changed while the catalog was read" in caplog.text and victim not in catalog.position
    assert not (settings.data_dir / "catalog" / MANIFEST_FILE).exists()  # the next start reads it again


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


class RunsCode:
    """Unpickled, it writes `marker`: what a crafted file in the data directory could do."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return exec, (f"open({self.marker!r}, 'w').write('ran')",)


def generation(folder):
    """The folder of the snapshot that the manifest in `folder` names."""
    return folder / json.loads((folder / MANIFEST_FILE).read_text())["folder"]


def pickled_file(folder, marker):
    """Format 2's snapshot, as an older version or an attacker would leave it."""
    with open(folder / "catalog.pickle", "wb") as handle:
        pickle.dump((2, RunsCode(marker)), handle)
    return folder / "catalog.pickle"


def pickled_vectors(folder, marker):
    """A .npy of Python objects, which only np.load(allow_pickle=True) would unpickle."""
    path = generation(folder) / "vectors.npy"
    np.save(path, np.array([RunsCode(marker)], dtype=object), allow_pickle=True)
    return path


def pickled_bm25_matrix(folder, marker):
    path = generation(folder) / "keyword" / "data.csc.index.npy"
    np.save(path, np.array([RunsCode(marker)], dtype=object), allow_pickle=True)
    return path


@pytest.mark.parametrize("plant", [pickled_file, pickled_vectors, pickled_bm25_matrix])
def test_a_pickle_planted_in_the_snapshot_is_never_unpickled(library, tmp_path, reads, caplog, plant):
    settings, _ = library
    store = Store.open(settings)
    folder = settings.data_dir / "catalog"
    if plant is pickled_file:
        folder.mkdir(parents=True)
    else:
        load_catalog(settings, store)
    marker = tmp_path / "marker"
    planted = plant(folder, marker)
    reads.clear()
    with caplog.at_level(logging.WARNING):
        catalog = load_catalog(settings, store)
    assert not marker.exists()  # nothing ran
    assert "rebuilding it" in caplog.text and reads == [sorted(catalog.meetings)]
    assert_mirrors_store(catalog, store)
    assert not planted.exists()  # the next start opens the snapshot written in its place
    reads.clear()
    assert load_catalog(settings, store).key == catalog.key and reads == []


def older_format(folder):
    manifest = json.loads((folder / MANIFEST_FILE).read_text())
    (folder / MANIFEST_FILE).write_text(json.dumps({**manifest, "format": 2}))


def truncated_vectors(folder):
    path = generation(folder) / "vectors.npy"
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def a_chunk_missing(folder):
    path = generation(folder) / "chunks" / "turn_start.npy"
    np.save(path, np.load(path)[:-1])


def a_turn_number_of_another_kind(folder):
    path = generation(folder) / "chunks" / "turn_start.npy"
    np.save(path, np.load(path).astype(np.float64))


def a_speaker_code_outside_the_names(folder):
    path = generation(folder) / "chunks" / "speaker.npy"
    np.save(path, np.load(path) + 1000)


def texts_cut_short(folder):
    path = generation(folder) / "chunks" / "text_bytes.npy"
    np.save(path, np.load(path)[:-10])


def turns_of_other_meetings(folder):
    path = generation(folder) / "turns" / "names.json"
    path.write_text(json.dumps([f"other-{name}" for name in json.loads(path.read_text())]))


def other_bm25_parameters(folder):
    path = generation(folder) / "keyword" / "params.index.json"
    path.write_text(json.dumps({**json.loads(path.read_text()), "k1": 0.9}))


def term_ids_outside_the_vocabulary(folder):
    path = generation(folder) / "keyword" / "terms.npy"
    np.save(path, np.load(path) + 1_000_000)


def a_file_outside_the_snapshot(folder):
    manifest = json.loads((folder / MANIFEST_FILE).read_text())
    (folder / MANIFEST_FILE).write_text(json.dumps({**manifest, "folder": "../../elsewhere"}))


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (older_format, f"format 2, this version reads format {FORMAT}"),
        (turns_of_other_meetings, "its turns are of"),
        (truncated_vectors, "vectors.npy"),
        (a_chunk_missing, "turn_start.npy holds"),
        (a_turn_number_of_another_kind, "turn_start.npy holds float64"),
        (a_speaker_code_outside_the_names, "speaker.npy names speakers outside"),
        (texts_cut_short, "text_offsets.npy does not cut text_bytes.npy"),
        (other_bm25_parameters, "other parameters (k1)"),
        (term_ids_outside_the_vocabulary, "outside the vocabulary"),
        (a_file_outside_the_snapshot, "another layout"),
    ],
)
def test_a_snapshot_of_another_format_or_damaged_is_rebuilt_with_a_warning(library, reads, caplog, damage, reason):
    settings, _ = library
    store = Store.open(settings)
    built = load_catalog(settings, store)
    damage(settings.data_dir / "catalog")
    reads.clear()
    with caplog.at_level(logging.WARNING):
        rebuilt = load_catalog(settings, store)
    assert "could not be read" in caplog.text and reason in caplog.text and "rebuilding it" in caplog.text
    assert reads == [sorted(rebuilt.meetings)]  # read again from the store
    assert_mirrors_store(rebuilt, store)
    assert [chunk.id for chunk in rebuilt.chunks] == [chunk.id for chunk in built.chunks]
    reads.clear()
    assert load_catalog(settings, store).key == built.key and reads == []  # the snapshot was written again


def test_the_snapshot_holds_json_and_npy_files_only(library):
    settings, _ = library
    load_catalog(settings, Store.open(settings))
    folder = settings.data_dir / "catalog"
    files = sorted(path for path in folder.rglob("*") if path.is_file())
    expected = {MANIFEST_FILE, LOCK_FILE, "names.json", "text_bytes.npy", "vectors.npy", "terms.npy"}
    assert {path.name for path in files} >= expected
    for path in files:
        if path.suffix == ".npy":
            array = np.load(path, allow_pickle=False)
            assert array.dtype != object
        elif path.name == LOCK_FILE:
            assert path.read_bytes() == b""
        else:
            assert path.suffix == ".json", path
            json.loads(path.read_text(encoding="utf-8"))


def test_an_empty_catalog_is_saved_and_opened(tmp_path):
    empty = Catalog([], [], np.zeros((0, 0), dtype=np.float32), {}, "empty")
    write_snapshot(tmp_path, empty)
    opened = read_snapshot(tmp_path)
    assert opened is not None and opened.key == "empty" and len(opened) == 0
    assert opened.keyword.scores("budget") is None


@pytest.fixture
def quantized_library(library, monkeypatch):
    """The library as one past QUANTIZED_FROM chunks: int8 codes in shards of 2 chunks, filters passed
    to faiss however few chunks they allow."""
    import index.dense as dense
    import index.snapshot as snapshot

    monkeypatch.setattr(snapshot, "QUANTIZED_FROM", 0)
    monkeypatch.setattr(dense, "SHARD", 2)
    monkeypatch.setattr(dense, "EXACT_BELOW", 0)
    return library


def test_int8_codes_are_saved_in_shards_and_rank_as_the_exact_vectors(quantized_library, monkeypatch):
    import index.dense as dense

    settings, _ = quantized_library
    built = load_catalog(settings, Store.open(settings))
    opened = read_snapshot(settings.data_dir / "catalog")
    assert opened is not None and len(opened) == len(built) >= 5
    codes = opened.quantized()
    assert len(codes.shards) == -(-len(opened) // 2) >= 3
    vectors = np.asarray(opened.vectors)
    for row in (0, 2, len(opened) - 1):  # a chunk of the first, second and last shard finds itself
        positions, scores = codes.search(vectors[row], 3, None)
        exact = np.argsort(-(vectors @ vectors[row]), kind="stable")[:3]
        assert positions[0] == row and list(positions) == list(exact)
        np.testing.assert_allclose(scores, (vectors @ vectors[row])[exact], rtol=1e-6)
    mask = np.zeros(len(opened), dtype=bool)
    mask[[0, 2, 3]] = True  # a filter that cuts across shards
    positions, _ = codes.search(vectors[1], 2, mask)
    allowed = np.flatnonzero(mask)
    assert list(positions) == list(allowed[np.argsort(-(vectors[allowed] @ vectors[1]), kind="stable")[:2]])
    monkeypatch.setattr(dense, "RESCORED", 1)  # each shard's best 2, of which the best 2 of all are rescored
    for row in range(len(opened)):
        assert list(codes.search(vectors[row], 2, None)[0]) == list(np.argsort(-(vectors @ vectors[row]))[:2])


def test_a_shard_of_codes_missing_is_rebuilt_with_a_warning(quantized_library, reads, caplog):
    settings, _ = quantized_library
    store = Store.open(settings)
    load_catalog(settings, store)
    (generation(settings.data_dir / "catalog") / "vectors.int8" / "1.faiss").unlink()
    reads.clear()
    with caplog.at_level(logging.WARNING):
        rebuilt = load_catalog(settings, store)
    assert (
        "vectors.int8 holds" in caplog.text and "rebuilding it" in caplog.text and reads == [sorted(rebuilt.meetings)]
    )
    assert len(rebuilt.quantized().shards) == -(-len(rebuilt) // 2)


def test_an_up_to_date_library_answers_from_its_snapshot_without_opening_chroma(tmp_path, settings_for, embedder):
    """A library whose last writer finished opens from the snapshot alone: its answers cite turns
    (kept in the snapshot) and it never opens the store. A writer cut short, or a store changed
    behind the snapshot's back, sends the next reader to the store."""
    from index.generation import GENERATION_FILE
    from library import Library

    settings = settings_for(tmp_path / "store")
    Library(settings, embedder).ingest([DATA / "notes.txt", DATA / "captions.srt"])
    fresh = Library(settings, embedder)
    answer = fresh.ask("Will the translation budget grow next year?")
    assert answer.citations and all(c.turn_start <= c.turn_end for c in answer.citations)
    assert fresh.turns(answer.citations[0].hit.chunk.meeting_id)  # turns from the snapshot
    assert fresh._store is None  # Chroma never opened
    stamp = json.loads((settings.data_dir / GENERATION_FILE).read_text())
    assert stamp["key"] == fresh.catalog.key and stamp["model"] == settings.embedding_id

    (settings.data_dir / GENERATION_FILE).write_text(json.dumps({"writing": 1}))  # a writer stopped part-way
    cut_short = Library(settings, embedder)
    assert len(cut_short.catalog) == len(fresh.catalog) and cut_short._store is not None

    Store.open(settings).delete_meeting("captions")  # the store changed without a library's stamp
    (settings.data_dir / GENERATION_FILE).write_text(json.dumps({**stamp, "key": "another"}))
    behind = Library(settings, embedder)
    assert "captions" not in behind.catalog.meetings and behind._store is not None


def test_the_cli_answers_without_importing_chroma(tmp_path, settings_for, embedder):
    import subprocess
    import sys

    from library import Library

    settings = settings_for(tmp_path / "store")
    Library(settings, embedder).ingest([DATA / "notes.txt"])
    question = "Will the translation budget grow next year?"
    script = (
        f"import sys; from cli import main; sys.argv = ['onrecord', 'ask', {question!r}, '--data-dir', "
        f"{str(settings.data_dir)!r}, '--json']\ntry:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('chromadb' in sys.modules, 'torch' in sys.modules, 'gradio' in sys.modules, file=sys.stderr)"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert json.loads(done.stdout)["citations"], done.stderr
    assert done.stderr.strip().splitlines()[-1] == "False False False"


def test_what_is_kept_per_meeting_is_made_once_per_basis_and_bounded():
    import threading

    from library.kept import TURNS_KEPT, Kept

    kept, made = Kept(threading.RLock()), []
    basis = object()
    assert kept.get("m", basis, lambda: made.append(1) or "first") == "first"
    assert kept.get("m", basis, lambda: made.append(1) or "again") == "first" and len(made) == 1
    assert kept.get("m", object(), lambda: "remade") == "remade"  # its basis changed: made again
    for number in range(TURNS_KEPT + 5):
        kept.get(f"k{number}", basis, lambda: "v")
    assert len(kept._values) == TURNS_KEPT and "m" not in kept._values  # the oldest go first


def test_a_meeting_view_is_its_turns_chapters_and_minutes_named_once(samples_library):
    view = samples_library.view("CITY_council_2024-03-12")  # any case, resolved once
    assert view.meeting.meeting_id == "city_council_2024-03-12"
    assert view.turns is samples_library.turns("city_council_2024-03-12")
    assert view.chapters == samples_library.chapters("city_council_2024-03-12")[1]
    assert view.minutes is samples_library.minutes("city_council_2024-03-12")  # made once for those turns
