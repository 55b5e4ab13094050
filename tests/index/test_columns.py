"""The catalog's chunks as columns: what goes in comes out, ids are found, filters are masks."""

from __future__ import annotations

import numpy as np
import pytest

from core.models import Chunk, Filters, Meeting
from index.catalog import Catalog
from index.columns import ChunkTable, Strings

CHUNKS = [
    Chunk("m1:0-1:a", "m1", "Ana: Café opens at nine.", 0, 1, ("Ana", "Bo"), "Opening", None, 0.0, 12.5, 9),
    Chunk("m1:2-2:b", "m1", "Bo: Наш бюджет — 40 000.", 2, 2, ("Bo",), "Budget", "How much?", 12.5, None, 11),
    Chunk("m2:0-0:c", "m2", "Cy: no topic, no time", 0, 0, ("Cy",), None, None, None, None, 6),
    Chunk("m2:1-3:d", "m2", "", 1, 3, (), "budget", None, 30.0, 31.0, 0),
]


def test_a_table_gives_back_every_chunk_as_it_was(tmp_path):
    table = ChunkTable.of(CHUNKS)
    assert list(table) == CHUNKS and table[-1] == CHUNKS[-1] and table[1:3] == CHUNKS[1:3]
    table.save(tmp_path / "chunks")
    opened = ChunkTable.load(tmp_path / "chunks", len(CHUNKS))
    assert isinstance(opened.arrays["text_bytes"], np.memmap)  # mapped, not read into memory
    assert list(opened) == CHUNKS
    assert [opened.position(chunk.id) for chunk in CHUNKS] == [0, 1, 2, 3]
    assert opened.position("m1:0-1:z") is None and opened.position("") is None


def test_strings_cut_one_buffer():
    strings = Strings.of(["", "é", "long " * 50, "日本"])
    assert list(strings) == ["", "é", "long " * 50, "日本"] and len(strings) == 4 and strings[-1] == "日本"


def test_filters_are_masks_over_the_code_columns():
    meetings = [Meeting(m, m, None, f"{m}.txt", "plain", None, (), (), 2, 2, "hash") for m in ("m1", "m2")]
    catalog = Catalog(CHUNKS, meetings, np.eye(4, dtype=np.float32))
    assert catalog.position["m2:0-0:c"] == 2 and "nope" not in catalog.position
    assert list(catalog.mask(Filters(speaker="Bo"))) == [True, True, False, False]
    assert list(catalog.mask(Filters(topic="Budget"))) == [False, True, False, True]  # either spelling
    assert list(catalog.mask(Filters.within("m2"))) == [False, False, True, True]
    assert list(catalog.mask(Filters(exclude=("m1",)))) == [False, False, True, True]
    assert catalog.speakers == {"ana": "Ana", "bo": "Bo", "cy": "Cy"}
    assert catalog.topics == {"opening": "Opening", "budget": "Budget"}


def test_large_files_read_at_random_are_read_row_by_row(tmp_path, monkeypatch):
    """Past READ_ROWS_FROM bytes, a .npy read at random is read with pread (FileRows), giving the
    same rows as the array; one cut short is a ValueError naming it."""
    import index.keyword as keyword
    from index.keyword import FileRows, load_array

    vectors = np.arange(40 * 6, dtype=np.float32).reshape(40, 6)
    np.save(tmp_path / "vectors.npy", vectors)
    monkeypatch.setattr(keyword, "READ_ROWS_FROM", 100)
    rows = load_array(tmp_path / "vectors.npy", random=True)
    assert isinstance(rows, FileRows) and rows.shape == (40, 6) and len(rows) == 40
    assert np.array_equal(rows[3], vectors[3]) and np.array_equal(rows[-1], vectors[-1])
    assert np.array_equal(rows[5:9], vectors[5:9]) and np.array_equal(rows[[7, 0, -2]], vectors[[7, 0, -2]])
    assert np.array_equal(np.asarray(rows), vectors)
    assert isinstance(load_array(tmp_path / "vectors.npy"), np.memmap)  # read whole: mapped
    text = Strings.of(["één", "two"])
    np.save(tmp_path / "bytes.npy", np.asarray(text.data))
    assert Strings(load_array(tmp_path / "bytes.npy", random=True), text.offsets)[0] == "één"
    path = tmp_path / "vectors.npy"
    path.write_bytes(path.read_bytes()[:-50])
    with pytest.raises(ValueError):
        np.asarray(load_array(path, random=True)[39])


def test_turn_documents_are_found_by_meeting(tmp_path):
    from index.columns import Documents

    documents = Documents.of({"m1": '[{"index": 0}]', "m2": "", "m3": "ünïcode"})
    documents.save(tmp_path / "turns")
    opened = Documents.load(tmp_path / "turns")
    assert [opened.get(m) for m in ("m1", "m2", "m3", "m4")] == ['[{"index": 0}]', "", "ünïcode", None]
    made = iter([("m1", '[{"index": 0}]'), ("m2", ""), ("m3", "ünïcode")])  # made one at a time, as a rebuild does
    streamed = Documents.of(made)
    assert streamed.meeting_ids == ["m1", "m2", "m3"] and streamed.get("m3") == "ünïcode" and streamed.get("m2") == ""


def test_one_meeting_or_several_is_one_field():
    from dataclasses import fields

    assert "meeting" not in {field.name for field in fields(Filters)}
    assert Filters.within("m2") == Filters(meetings=("m2",)) and Filters.within(None) == Filters.within("") == Filters()
