"""Writing to a real Chroma directory: idempotence, changes, crashes, locks, removal, server mode."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from answer.ask import ask
from core.errors import ConflictError, QueryError, StoreError
from index.snapshot import load_catalog
from index.store import COMPLETE, WRITING, Store
from index.writer import ingest_transcript, remove_meeting, write_lock
from ingest.chunking import chunk_transcript
from ingest.parsing import parse_file
from library import Library
from tests.conftest import DATA, QMSUM, ROOT


def run_ingest(settings, embedder, counter, paths):
    return Library(settings, embedder).ingest(paths)


def expected_ids(path, counter, settings):
    return {c.id for c in chunk_transcript(parse_file(path), settings.chunk_budget, counter.count)}


def test_reingesting_an_unchanged_file_embeds_and_adds_nothing(tmp_path, settings_for, embedder, counter):
    settings = settings_for(tmp_path / "store")
    first = run_ingest(settings, embedder, counter, [DATA / "notes.txt", DATA / "captions.srt"])
    before = Store.open(settings).chunk_ids()
    again = run_ingest(settings, embedder, counter, [DATA / "notes.txt", DATA / "captions.srt"])
    assert [r.status for r in first] == ["added", "added"]
    assert [(r.status, r.embedded) for r in again] == [("unchanged", 0), ("unchanged", 0)]
    assert Store.open(settings).chunk_ids() == before


def test_a_changed_file_replaces_its_meetings_chunks(tmp_path, settings_for, embedder, counter):
    settings = settings_for(tmp_path / "store")
    notes = tmp_path / "call.txt"
    notes.write_text((DATA / "notes.txt").read_text())
    run_ingest(settings, embedder, counter, [notes])
    notes.write_text(notes.read_text().replace("About three weeks", "About five weeks"))
    (result,) = run_ingest(settings, embedder, counter, [notes])
    assert (result.status, result.embedded, result.removed) == ("updated", 1, 1)
    store = Store.open(settings)
    assert store.chunk_ids("call") == expected_ids(notes, counter, settings)
    texts = " ".join(chunk.text for chunk in store.chunks_with_vectors()[0])
    assert "five weeks" in texts and "three weeks" not in texts


def test_a_run_left_half_way_is_repaired_by_the_next(tmp_path, settings_for, embedder, counter):
    settings = settings_for(tmp_path / "store")
    store = Store.open(settings)
    path = QMSUM / "val" / "Bed002.json"
    transcript = parse_file(path)
    chunks = chunk_transcript(transcript, settings.chunk_budget, counter.count)
    # the state a killed run leaves: record marked writing, some chunks written, a stale one left over
    store.put_meeting(transcript, len(chunks), "old", WRITING, settings.embedding_id)
    vectors = embedder.embed_batch([c.text for c in chunks[:10]])
    store.add_chunks(chunks[:10], vectors, transcript, settings.embedding_id)
    stale = chunks[10].__class__(**{**chunks[10].__dict__, "id": "Bed002:0-0:stale", "text": "stale text"})
    store.add_chunks([stale], embedder.embed_batch([stale.text]), transcript, settings.embedding_id)
    assert len(load_catalog(store, None)) == 0  # a meeting being written is kept out of search
    result = ingest_transcript(transcript, store, embedder, counter.count, settings.chunk_budget, settings.embedding_id)
    assert (result.embedded, result.removed) == (len(chunks) - 10, 1)
    assert store.chunk_ids("Bed002") == {c.id for c in chunks}
    assert store.meeting("Bed002").status == COMPLETE


def test_a_killed_ingest_then_a_clean_run_leaves_no_duplicates(tmp_path, settings_for, embedder, counter):
    settings = settings_for(tmp_path / "store")
    paths = [QMSUM / "val" / name for name in ("Bed002.json", "Bed015.json", "Bmr012.json")]
    command = [sys.executable, "-m", "cli", "ingest", "--data-dir", str(settings.data_dir), *map(str, paths)]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, cwd=ROOT)
    try:
        for line in process.stderr:
            if line.startswith("added"):
                break
        time.sleep(1.5)  # well inside the second meeting's embedding
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    killed = {record.meeting.meeting_id: record.status for record in Store.open(settings).meetings()}
    assert killed.get("Bed002") == COMPLETE
    assert WRITING in killed.values()
    results = run_ingest(settings, embedder, counter, paths)
    assert {r.meeting_id: r.status for r in results}["Bed002"] == "unchanged"
    store = Store.open(settings)
    for path in paths:
        assert store.chunk_ids(path.stem) == expected_ids(path, counter, settings)
    assert store.count() == sum(len(expected_ids(p, counter, settings)) for p in paths)
    assert {record.status for record in store.meetings()} == {COMPLETE}


def test_remove_deletes_a_meeting_and_its_chunks(tmp_path, settings_for, embedder, counter):
    settings = settings_for(tmp_path / "store")
    run_ingest(settings, embedder, counter, [DATA / "notes.txt", DATA / "plain.txt"])
    store = Store.open(settings)
    assert remove_meeting(store, "NOTES") == len(expected_ids(DATA / "notes.txt", counter, settings))
    assert [record.meeting.meeting_id for record in store.meetings()] == ["plain"]
    assert store.chunk_ids("notes") == set() and store.turns("notes") == []
    with pytest.raises(QueryError, match="no meeting named 'nots'"):
        remove_meeting(store, "nots")


def test_turns_are_read_apart_from_meeting_records_and_from_the_older_layout(tmp_path, settings_for, embedder, counter):
    settings = settings_for(tmp_path / "store")
    run_ingest(settings, embedder, counter, [DATA / "plain.txt"])
    store = Store.open(settings)
    turns = store.turns("plain")
    parsed = parse_file(DATA / "plain.txt").turns  # a plain transcript has no topics: they are found at ingest
    assert [replace(turn, topic=None, topic_source=None) for turn in turns] == list(parsed)
    assert {turn.topic_source for turn in turns} == {"auto"} and all(turn.topic for turn in turns)
    assert store._meetings.get(ids=["plain"], include=["documents"])["documents"] == [None]  # records stay small
    # a store written before turns had their own collection kept them as the meeting record's document
    older = store._turns.get(ids=["plain"], include=["documents"])["documents"][0]
    store._turns.delete(ids=["plain"])
    store._meetings.update(ids=["plain"], embeddings=[[1.0]], documents=[older])
    assert store.turns("plain") == turns


def test_two_files_with_one_meeting_id_is_a_conflict_and_the_first_is_kept(tmp_path, settings_for, embedder, counter):
    settings = settings_for(tmp_path / "store")
    results = run_ingest(settings, embedder, counter, [DATA / "captions.srt", DATA / "captions.vtt"])
    assert [r.status for r in results] == ["added", "failed"]
    refused = results[1].message  # names the refused file first, then the file that holds the id
    assert refused.startswith(
        f"{DATA / 'captions.vtt'}: meeting id 'captions' is already used by {DATA / 'captions.srt'};"
    )
    assert Store.open(settings).meeting("captions").meeting.format == "srt"
    with pytest.raises(ConflictError):
        store = Store.open(settings)
        ingest_transcript(parse_file(DATA / "captions.vtt"), store, embedder, counter.count, 192, settings.embedding_id)


def test_an_upload_clashing_with_a_server_file_is_told_its_name_not_its_path(tmp_path, settings_for, embedder, counter):
    """A meeting ingested from the command line holds the id; an upload of that id is refused, the
    server file named by its file name alone: the uploader never learns where it lies."""
    from index.writer import UPLOAD

    settings = settings_for(tmp_path / "store")
    private = tmp_path / "private-board-files"
    private.mkdir()
    shutil.copy(DATA / "captions.srt", private / "captions.srt")
    library = Library(settings, embedder)
    assert [r.status for r in library.ingest([private / "captions.srt"])] == ["added"]
    staged = tmp_path / "staged"
    staged.mkdir()
    shutil.copy(DATA / "captions.vtt", staged / "captions.vtt")
    (result,) = library.ingest(
        [staged / "captions.vtt"], within=[staged], uploads={str(staged / "captions.vtt"): "captions.vtt"}
    )
    assert (result.status, result.path) == ("failed", UPLOAD + "captions.vtt")
    assert result.message.startswith("captions.vtt: meeting id 'captions' is already used by captions.srt;"), result
    assert str(tmp_path) not in result.message
    assert Store.open(settings).meeting("captions").meeting.source_path == str(private / "captions.srt")


def test_bad_files_do_not_stop_good_ones_or_touch_the_index(tmp_path, settings_for, embedder, counter):
    settings = settings_for(tmp_path / "store")
    run_ingest(settings, embedder, counter, [DATA / "plain.txt"])
    before = Store.open(settings).chunk_ids()
    (tmp_path / "empty.vtt").write_text("")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)))
    results = run_ingest(
        settings, embedder, counter, [tmp_path / "empty.vtt", tmp_path / "binary.txt", DATA / "whisper.json"]
    )
    assert [r.status for r in results] == ["failed", "failed", "added"]
    assert before < Store.open(settings).chunk_ids()


def test_only_one_writer_at_a_time(tmp_path):
    script = (
        "import sys\nfrom index.writer import write_lock\nfrom core.errors import StoreError\n"
        f"try:\n    with write_lock({str(tmp_path)!r}): print('locked')\nexcept StoreError as error: print(error)"
    )
    with write_lock(tmp_path):
        other = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT)
    assert "locked by another On Record process (pid" in other.stdout
    after = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT)
    assert after.stdout.strip() == "locked"


def test_store_directory_that_cannot_be_written(settings_for):
    # /proc accepts no new directories, even from root
    with pytest.raises(StoreError, match="cannot create the store directory /proc/onrecord"):
        Store.open(settings_for(Path("/proc/onrecord")))


def test_store_directory_that_is_a_file(tmp_path, settings_for):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(StoreError, match="cannot create the store directory"):
        Store.open(settings_for(blocker))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture()
def chroma_server(tmp_path):
    """A real `chroma run` server on a free loopback port."""
    port = free_port()
    executable = shutil.which("chroma", path=str(Path(sys.executable).parent)) or "chroma"
    process = subprocess.Popen(
        [executable, "run", "--path", str(tmp_path / "server"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.2)
    else:
        process.kill()
        pytest.fail("chroma run did not start")
    yield port
    process.terminate()
    process.wait(timeout=10)


def test_server_mode_ingest_and_ask(tmp_path, chroma_server, embedder, counter):
    from core.settings import load_settings

    settings = load_settings(data_dir=tmp_path / "local", chroma_host="127.0.0.1", chroma_port=chroma_server)
    results = run_ingest(settings, embedder, counter, [DATA / "notes.txt", DATA / "captions.vtt"])
    assert [r.status for r in results] == ["added", "added"]
    assert [r.status for r in run_ingest(settings, embedder, counter, [DATA / "notes.txt"])] == ["unchanged"]
    retriever = Library(settings, embedder).retriever  # keyword index rebuilt from what the server holds
    assert len(retriever.catalog) == Store.open(settings).count()
    result = ask(retriever, "How long does it take to approve a small grant?")
    assert not result.abstained
    assert result.citations[0].hit.chunk.meeting_id == "notes"
    assert "Luis Ferreira" in result.citations[0].hit.chunk.speakers
    assert not (tmp_path / "local" / "chroma").exists()  # nothing was written locally


def test_server_down_is_a_clear_error(tmp_path):
    from core.settings import load_settings

    settings = load_settings(data_dir=tmp_path, chroma_host="127.0.0.1", chroma_port=free_port())
    with pytest.raises(StoreError, match="cannot reach the Chroma server at 127.0.0.1"):
        Store.open(settings)


def test_a_files_identity_is_its_content_not_how_its_path_is_written(tmp_path, settings_for, embedder, counter):
    settings = settings_for(tmp_path / "store")
    relative = Path(os.path.relpath(DATA / "notes.txt"))
    copy = tmp_path / "elsewhere" / "notes.txt"
    copy.parent.mkdir()
    copy.write_text((DATA / "notes.txt").read_text())
    assert [r.status for r in run_ingest(settings, embedder, counter, [relative])] == ["added"]
    again = run_ingest(settings, embedder, counter, [(DATA / "notes.txt").resolve(), copy])
    assert [(r.status, r.embedded) for r in again] == [("unchanged", 0), ("unchanged", 0)]
    copy.write_text(copy.read_text().replace("About three weeks", "About five weeks"))
    (changed,) = run_ingest(settings, embedder, counter, [copy])
    assert changed.status == "failed" and "already used by" in changed.message  # other content, same id


def test_changing_the_model_embeds_again_and_never_mixes_vectors(tmp_path, settings_for, embedder, counter):
    from cli import app

    torch_settings = settings_for(tmp_path / "store")
    int8_settings = settings_for(tmp_path / "store", backend="onnx-int8")
    int8_model = int8_settings.embedding_id
    assert int8_model != torch_settings.embedding_id
    run_ingest(torch_settings, embedder, counter, [DATA / "notes.txt", DATA / "captions.vtt"])
    int8 = Library(int8_settings)
    (result,) = int8.ingest([DATA / "notes.txt"])
    assert result.status == "updated" and result.embedded == result.chunks > 0
    store = Store.open(torch_settings)
    assert store.chunk_ids("notes", int8_model) == store.chunk_ids("notes")  # every chunk embedded again
    assert set(int8.catalog.meetings) == {"notes"}  # only what this model embedded is searched
    assert set(Library(torch_settings, embedder).catalog.meetings) == {"captions"}
    listed = CliRunner().invoke(app, ["list", "--json", "--data-dir", str(torch_settings.data_dir)])
    assert {m["meeting_id"]: m["model"] for m in json.loads(listed.stdout)}["notes"] == int8_model
    Library(torch_settings, embedder).remove("captions")
    with pytest.raises(QueryError, match="embedded by another model"):
        Library(torch_settings, embedder).ask("How long does a small grant take?")


def test_an_unchanged_file_reports_the_turns_and_chunks_its_meeting_has(tmp_path, settings_for, embedder):
    # a meeting whose topics are found at ingest is chunked again within them: the stored counts stand
    library = Library(settings_for(tmp_path / "store"), embedder)
    files = [DATA / "plain.txt", ROOT / "samples" / "city_council_2024-03-12.vtt"]
    library.ingest(files)
    again = library.ingest(files)
    assert [result.status for result in again] == ["unchanged", "unchanged"]
    for result in again:
        meeting = library.meeting(result.meeting_id)
        assert (result.turns, result.chunks) == (meeting.turn_count, meeting.chunk_count)


def test_how_a_file_was_read_reaches_its_result(tmp_path, settings_for, embedder):
    # an encoding guessed is said in the ingest line, the page's row and the MCP tool's answer
    library = Library(settings_for(tmp_path / "store"), embedder)
    legacy, plain = library.ingest([DATA / "cp1252.txt", DATA / "plain.txt"])
    assert legacy.status == "added" and any("not UTF-8" in notice for notice in legacy.notices)
    assert plain.notices == ()
