"""MCP ingest reads only inside --allow-dir: links out of it (to files, to folders), `..` and a
link swapped in between the check and the read are refused, the rest of the folder ingested."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import DATA
from tests.web.mcp.conftest import run_apart

SECRET = "root:x:0:0:root:/root:/bin/bash nologin"


@pytest.fixture
def folders(tmp_path) -> tuple[Path, Path]:
    """An allowed folder with a transcript, links leading out of it, a loop and files of other types;
    beside it, a folder outside holding a secret and a transcript."""
    allowed, elsewhere = tmp_path / "allowed", tmp_path / "elsewhere"
    allowed.mkdir()
    elsewhere.mkdir()
    (elsewhere / "passwd.txt").write_text(f"Admin: {SECRET}\n")
    (elsewhere / "hidden_meeting.txt").write_text(f"Admin: {SECRET}\n")
    (allowed / "notes.txt").write_text((DATA / "notes.txt").read_text())
    (allowed / "secrets.txt").symlink_to(elsewhere / "passwd.txt")  # a link to a file outside
    (allowed / "up.txt").symlink_to(Path("..") / "elsewhere" / "passwd.txt")  # the same, by `..`
    (allowed / "linked").symlink_to(elsewhere, target_is_directory=True)  # a link to a folder outside
    (allowed / "loop").symlink_to(allowed, target_is_directory=True)  # a loop: never entered
    (allowed / "same.txt").symlink_to(allowed / "notes.txt")  # a link inside: fine
    (allowed / "table.csv").write_text("a,b\n")
    (allowed / "feed.xml").write_text("<a/>\n")
    (allowed / "more.xml").write_text("<b/>\n")
    return allowed, elsewhere


def call(library, allowed: Path, tool: str, arguments: dict):
    from mcp import Client

    from web.agents import agent_server

    async def run():
        async with Client(agent_server(library, [allowed])) as client:
            return await client.call_tool(tool, arguments)

    return run_apart(run)


def test_a_folder_is_ingested_without_what_its_links_lead_to(folders, tmp_path, settings_for, embedder):
    from library import Library

    allowed, elsewhere = folders
    library = Library(settings_for(tmp_path / "store"), embedder)
    result = call(library, allowed, "ingest", {"paths": [str(allowed)]})
    assert not result.is_error, result.content
    rows = {Path(row["path"]).name: row for row in result.structured_content["results"]}
    assert rows["notes.txt"]["status"] == "added"
    for name in ("secrets.txt", "up.txt", "linked"):
        assert rows[name]["status"] == "failed", rows
        assert rows[name]["message"] == (
            f"{allowed / name}: it leads outside the folders allowed for reading (a link); skipped "
            "(put the file itself in one of them)"
        )
    assert set(rows) <= {"notes.txt", "same.txt", "secrets.txt", "up.txt", "linked"}  # nothing through loop/
    assert result.structured_content["notes"] == ["skipped 3 files of types .xml, .csv: not transcripts"]
    assert "\n" not in " ".join(row["message"] for row in rows.values())

    hits = call(library, allowed, "search", {"query": "root bin bash nologin", "k": 50}).structured_content["hits"]
    assert hits and not any("nologin" in hit["text"] for hit in hits)
    assert {meeting.meeting_id for meeting in library.meetings()} <= {"notes", "same"}

    listed = call(library, allowed, "list_meetings", {}).structured_content["meetings"]
    assert {meeting["meeting_id"]: meeting["source_path"] for meeting in listed}["notes"] == "notes.txt"
    assert str(tmp_path) not in repr(listed)  # an agent is told each file's name, never where it lies


def test_a_hard_link_to_a_file_outside_is_not_read(folders, tmp_path, settings_for, embedder):
    """A hard link's name lies inside the allowed folder, but the file is the secret outside it."""
    import os

    from library import Library

    allowed, elsewhere = folders
    os.link(elsewhere / "hidden_meeting.txt", allowed / "hard.txt")
    library = Library(settings_for(tmp_path / "store"), embedder)
    result = call(library, allowed, "ingest", {"paths": [str(allowed)]})
    rows = {Path(row["path"]).name: row for row in result.structured_content["results"]}
    assert rows["hard.txt"]["status"] == "failed", rows
    assert rows["hard.txt"]["message"] == (
        f"{allowed / 'hard.txt'}: it has other names (a hard link); skipped (copy the file itself into the folder)"
    )
    assert rows["notes.txt"]["status"] == "added"
    assert {meeting.meeting_id for meeting in library.meetings()} <= {"notes", "same"}


def test_a_clash_with_a_file_outside_names_it_without_its_path(folders, tmp_path, settings_for, embedder):
    """A meeting ingested from the command line, outside the allowed folder, holds the id: the agent is
    told that file's name, never where it lies on the server."""
    from library import Library

    allowed, elsewhere = folders
    (elsewhere / "notes.txt").write_text((DATA / "notes.txt").read_text().replace("three weeks", "five weeks"))
    library = Library(settings_for(tmp_path / "store"), embedder)
    assert [result.status for result in library.ingest([elsewhere / "notes.txt"])] == ["added"]
    result = call(library, allowed, "ingest", {"paths": [str(allowed / "notes.txt")]})
    (row,) = result.structured_content["results"]
    assert row["status"] == "failed"
    assert row["message"].startswith(f"{allowed / 'notes.txt'}: meeting id 'notes' is already used by notes.txt;")
    assert str(elsewhere) not in row["message"]


def test_given_paths_outside_are_refused_before_anything_is_read(folders, tmp_path, settings_for, embedder):
    from library import Library

    allowed, elsewhere = folders
    library = Library(settings_for(tmp_path / "store"), embedder)
    for given in (
        allowed / "linked" / "passwd.txt",
        allowed / "sub" / ".." / ".." / "elsewhere",
        allowed / "secrets.txt",
    ):
        result = call(library, allowed, "ingest", {"paths": [str(given)]})
        assert result.is_error
        assert result.content[0].text.startswith(f"{given} is outside the folders this server may ingest from")
    assert library.meetings() == []


def test_a_link_swapped_in_after_the_check_is_not_followed(folders, tmp_path, settings_for, embedder):
    """The check (the folder expanded) passes; then the file becomes a link out, and then its folder
    does: ingest reads from the opened file, so both are refused and nothing outside is read."""
    from ingest.parsing import find_transcripts
    from library import Library

    allowed, elsewhere = folders
    inner = allowed / "inner"
    inner.mkdir()
    (inner / "meeting.txt").write_text((DATA / "notes.txt").read_text())
    checked = find_transcripts([inner], [allowed])
    assert checked.files == [inner / "meeting.txt"] and not checked.outside

    (inner / "meeting.txt").unlink()
    (inner / "meeting.txt").symlink_to(elsewhere / "passwd.txt")
    library = Library(settings_for(tmp_path / "store"), embedder)
    (result,) = library.ingest(checked.files, within=[allowed])
    assert result.status == "failed" and "leads outside the folders allowed for reading" in result.message

    inner.rename(allowed / "was_inner")
    inner.symlink_to(elsewhere, target_is_directory=True)
    (elsewhere / "meeting.txt").write_text(f"Admin: {SECRET}\n")
    (result,) = library.ingest(checked.files, within=[allowed])
    assert result.status == "failed" and "leads outside the folders allowed for reading" in result.message
    assert library.meetings() == []
