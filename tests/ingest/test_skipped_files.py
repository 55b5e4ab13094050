"""A folder's files that are not transcripts are passed over, and said so once (ingest.parsing.Found)."""

from __future__ import annotations

from ingest.parsing import find_transcripts, parse_paths
from tests.conftest import DATA


def test_a_folder_says_once_which_types_it_passed_over(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "meeting.vtt").write_text((DATA / "captions.vtt").read_text())
    for n in range(9):
        (tmp_path / f"feed{n}.xml").write_text("<a/>")
    for n in range(5):
        (tmp_path / "sub" / f"table{n}.csv").write_text("a,b")
    (tmp_path / "old.bak").write_text("x")
    (tmp_path / "Makefile").write_text("all:")
    (tmp_path / ".DS_Store").write_bytes(b"\x00")  # hidden files and a README go unmentioned
    (tmp_path / "README.md").write_text("not a transcript")
    found = find_transcripts([tmp_path])
    assert found.files == [tmp_path / "meeting.vtt"]
    assert found.skipped_note() == "skipped 16 files of types .xml, .csv, (no extension), .bak: not transcripts"
    assert [type(parsed).__name__ for parsed in parse_paths([tmp_path])] == ["Transcript"]


def test_nothing_passed_over_says_nothing(tmp_path):
    (tmp_path / "one.pdf").write_text("x")
    assert find_transcripts([DATA / "captions.vtt"]).skipped_note() is None
    assert find_transcripts([tmp_path]).skipped_note() == "skipped 1 file of type .pdf: not transcripts"
