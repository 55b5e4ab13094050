"""What the command line prints: never a control character or markup that came from a transcript, one
line per ingested file, a word on the files skipped, and `onrecord list` readable at 80 columns and piped."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import replace

import pytest
from typer.testing import CliRunner

from cli import app
from tests.conftest import DATA, ROOT

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
    from index.writer import ingest_transcript
    from ingest.parsing import parse_file
    from ingest.wordpieces import word_counter
    from library import Library

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
        ["list"],
        ["minutes", MEETING],
        ["chapters", MEETING],
    ],
    ids=["ask", "search", "list", "minutes", "chapters"],
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


def test_files_of_other_types_in_a_folder_are_said_once(tmp_path, embedder):
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "meeting.txt").write_text("Ana: The board meets on Monday.\nBen: Agreed.\n", encoding="utf-8")
    for name in ("a.csv", "b.csv", "c.xml", "d.bak"):
        (folder / name).write_text("not a transcript", encoding="utf-8")
    output = invoke("ingest", folder, "--data-dir", tmp_path / "library")
    assert output.count("skipped") == 1, output
    assert "skipped 4 files of types .csv, .bak, .xml" in output, output
    (tmp_path / "none").mkdir()
    (tmp_path / "none" / "e.xml").write_text("<x/>", encoding="utf-8")
    refused = runner.invoke(app, ["ingest", str(tmp_path / "none"), "--data-dir", str(tmp_path / "library")])
    assert refused.exit_code == 1 and "skipped 1 file of type .xml" in refused.output, refused.output


def test_list_piped_prints_plain_tab_separated_columns(samples_data_dir):
    result = runner.invoke(app, ["list", "--data-dir", str(samples_data_dir)], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    assert rows[0] == ["meeting", "title", "date", "format", "turns", "chunks", "speakers", "topics", "model"]
    assert len(rows) == 5 and all(len(row) == 9 for row in rows), rows
    council = next(row for row in rows if row[0] == "city_council_2024-03-12")
    assert council[2] == "2024-03-12" and council[3] == "vtt" and "Council" in council[1]
    assert "…" not in result.stdout and "─" not in result.stdout


def _on_a_terminal(args: list[str], columns: int) -> str:
    """The command run with its output on a pseudo-terminal this many columns wide."""
    import pty

    leader, follower = pty.openpty()
    environment = {**os.environ, "COLUMNS": str(columns), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "cli", *args], cwd=ROOT, stdout=follower, stderr=follower, env=environment
    )
    os.close(follower)
    printed = b""
    while True:
        try:
            piece = os.read(leader, 65536)
        except OSError:  # the command ended and closed the terminal
            break
        if not piece:
            break
        printed += piece
    process.wait(timeout=120)
    os.close(leader)
    return re.sub(r"\x1b\[[0-9;]*m", "", printed.decode())  # without the colours


@pytest.mark.parametrize("columns", [80, 200])
def test_list_on_a_terminal_wraps_rather_than_cutting(samples_data_dir, columns):
    shown = _on_a_terminal(["list", "--data-dir", str(samples_data_dir)], columns)
    assert "…" not in shown, shown
    assert all(len(line) <= columns for line in shown.splitlines()), shown
    words = " ".join(shown.split())
    for meeting in ("city_council_2024-03-12", "community_call_2024-04-18", "product_sync_2024-05-06"):
        assert meeting in words, shown
    assert "Riverton City Council" in words or "Riverton" in shown, shown
    assert "all-MiniLM-L6-v2" in shown


def test_help_shows_each_options_environment_variable_and_default():
    """Square brackets in help are rich markup and vanish: the environment variables are written in parentheses."""
    shown = " ".join(invoke("serve", "--help").replace("│", " ").split())
    assert "(env ONRECORD_HOST; default 127.0.0.1)" in shown and "--no-auth" in shown
    assert "(env ONRECORD_DATA_DIR; default .onrecord)" in shown


def test_how_a_file_was_read_is_said_under_its_line(tmp_path, embedder):
    stray = tmp_path / "stray.txt"
    stray.write_bytes("Zoë Müller: The café opens at nine.\nBen: Agreed \xff.\n".encode().replace(b"\xc3\xbf", b"\xff"))
    output = invoke("ingest", stray, "--data-dir", tmp_path / "library")
    added = output.splitlines().index(next(line for line in output.splitlines() if line.startswith("added")))
    note = output.splitlines()[added + 1]
    assert note.strip().startswith("note:") and "replaced" in note and "line 2" in note, output


def test_json_output_escapes_what_a_terminal_would_act_on():
    from cli.options import json_text

    shown = json_text({"text": "Zoë \x9d0;PWNED\x9c \x7f \u202eevil \x1b[2J"})
    assert json.loads(shown)["text"] == "Zoë \x9d0;PWNED\x9c \x7f \u202eevil \x1b[2J"
    assert "Zoë" in shown and not any(0x7F <= ord(c) <= 0x9F or c in "\u202e\x1b" for c in shown)
