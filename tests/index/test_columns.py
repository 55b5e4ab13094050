"""The catalog's chunks as columns: what goes in comes out, ids are found, filters are masks."""

from __future__ import annotations

import numpy as np

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
    assert list(catalog.mask(Filters(meeting="m2"))) == [False, False, True, True]
    assert list(catalog.mask(Filters(exclude=("m1",)))) == [False, False, True, True]
    assert catalog.speakers == {"ana": "Ana", "bo": "Bo", "cy": "Cy"}
    assert catalog.topics == {"opening": "Opening", "budget": "Budget"}
