"""What the command line prints: never a control character or markup that came from a transcript, one
line per ingested file, a word on the files skipped, and `onrecord list` readable at 80 columns and piped."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from typer.testing import CliRunner

from cli import app
from tests.conftest import DATA

runner = CliRunner()
TITLE_ESCAPE = "\x1b]0;PWNED\x07"  # sets the terminal's title
LINK = "\x1b]8;;http://evil.example\x1b\\here\x1b]8;;\x1b\\"  # a hyperlink
MARKUP = "[link=http://evil.example]click[/link] [bold]loud[/bold]"  # rich markup, to be shown as written
MEETING = "tenants_association"


def invoke(*args) -> str:
    result = runner.invoke(app, [str(arg) for arg in args])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def hostile_dir(tmp_path_factory, settings_for, embedder):
    """A library holding a meeting whose title, speakers and words carry terminal escapes and markup,
    written through the writer directly, as no parser would let them through."""
    from answer.library import Library
    from index.writer import ingest_transcript
    from ingest.parsing import parse_file
    from ingest.wordpieces import word_counter

    data_dir = tmp_path_factory.mktemp("hostile-cli")
    settings = settings_for(data_dir)
    library = Library(settings, embedder)
    clean = parse_file(DATA / "tenants_association.txt")

    def poisoned(turn):
        said = f"{turn.text} {TITLE_ESCAPE}{LINK} {MARKUP}"
        speaker = f"{turn.canonical_speaker}{TITLE_ESCAPE}" if turn.canonical_speaker else None
        return replace(turn, text=said, clean_text=said, canonical_speaker=speaker, speaker=speaker)

    transcript = replace(
        clean, title=f"Tenants {TITLE_ESCAPE}{MARKUP}", turns=tuple(poisoned(turn) for turn in clean.turns)
    )
    count = word_counter(settings).count
    result = ingest_transcript(transcript, library.store, embedder, count, settings.chunk_budget, settings.embedding_id)
    assert result.status == "added" and result.meeting_id == MEETING
    return data_dir


def _clean(output: str, command: str) -> None:
    assert "\x1b" not in output and "\x07" not in output, (command, output)
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", output), (command, output)


@pytest.mark.parametrize(
    "command",
    [
        ["ask", "What did the tenants decide about the rent?"],
        ["search", "rent increase"],
        ["minutes", MEETING],
        ["chapters", MEETING],
    ],
    ids=["ask", "search", "minutes", "chapters"],
)
def test_no_control_character_from_a_transcript_is_printed(hostile_dir, command):
    output = invoke(*command, "--data-dir", hostile_dir)
    _clean(output, command[0])
    if command[0] in ("ask", "search", "minutes"):  # the words are shown as written, markup and all
        assert "[link=http://evil.example]click[/link]" in output, output


def test_inspect_prints_no_control_character_nor_markup_from_the_file(tmp_path):
    hostile = tmp_path / "hostile_inspect.txt"
    said = f"Meeting: Board {MARKUP}\nAna{TITLE_ESCAPE}: We meet on Monday {LINK}.\nBen: {MARKUP} agreed.\n"
    hostile.write_text(said, encoding="utf-8")
    output = invoke("inspect", hostile)
    _clean(output, "inspect")
    assert output.startswith(f"Board {MARKUP}"), output


def test_a_file_name_holding_a_newline_stays_on_its_result_line(tmp_path, embedder):
    folder = tmp_path / "names"
    folder.mkdir()
    (folder / "board\nminutes.txt").write_text("Ana: The board meets on Monday.\nBen: Agreed.\n", encoding="utf-8")
    (folder / "broken\nfile.txt").write_bytes(b"\x00\x01\x02\xff" * 64)
    result = runner.invoke(app, ["ingest", str(folder), "--data-dir", str(tmp_path / "library")])
    lines = result.output.splitlines()
    assert result.exit_code == 1, result.output  # the broken file failed; the other was added
    added = [line for line in lines if line.startswith("added")]
    failed = [line for line in lines if line.startswith("failed") or line.lstrip().startswith(str(folder))]
    assert len(added) == 1 and "board" in added[0] and "minutes" in added[0], lines
    assert failed and all("broken\\nfile.txt" in line for line in failed), lines
    assert not any(line.startswith(("minutes", "file.txt")) for line in lines), lines
