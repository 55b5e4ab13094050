from __future__ import annotations

import json

from typer.testing import CliRunner

from cli import app
from tests.conftest import DATA, QMSUM, SEED

runner = CliRunner()


def test_inspect_prints_speakers_topics_and_chunk_sizes():
    result = runner.invoke(app, ["inspect", str(SEED)])
    assert result.exit_code == 0, result.output
    for expected in ["Maggie Dennis", "Cameran Ashraf", "UCoC (part 2)", "Trust and Safety", "chunks; word pieces"]:
        assert expected in result.output


def test_inspect_json_has_meeting_turns_and_chunks():
    result = runner.invoke(app, ["inspect", "--json", str(DATA / "plain.txt")])
    assert result.exit_code == 0, result.output
    dumped = json.loads(result.stdout)
    assert dumped["meeting"]["meeting_id"] == "plain"
    assert dumped["meeting"]["media_url"].startswith("https://www.youtube.com/")
    turn = dumped["turns"][1]
    assert {"index", "speaker", "text", "topic", "start", "end"} <= set(turn)
    assert (turn["index"], turn["speaker"], turn["start"]) == (1, "Tom Becker", 12.0)
    chunk = dumped["chunks"][0]
    assert {"id", "text", "turn_start", "turn_end", "speakers", "topic"} <= set(chunk)
    # "Thank you. First item is…" announces an agenda item after a courtesy: a topic starts at turn 1
    assert chunk["speakers"] == ["Chair Amy Lin"] and chunk["turn_end"] == 0
    assert dumped["turns"][1]["topic"] != dumped["turns"][0]["topic"]
    # a plain transcript has no headings: its topics are found, as ingest finds them, and marked so
    assert {t["topic_source"] for t in dumped["turns"]} == {"auto"} and all(t["topic"] for t in dumped["turns"])
    assert chunk["topic"] == dumped["turns"][chunk["turn_start"]]["topic"]


def test_inspect_json_marks_a_transcripts_own_topics_as_its_source():
    dumped = json.loads(runner.invoke(app, ["inspect", "--json", str(SEED)]).stdout)
    assert "Trust and Safety" in {t["topic"] for t in dumped["turns"]}
    # the headings' topics are the transcript's own; the opening before the first heading gets found ones
    sources = {t["topic"]: t["topic_source"] for t in dumped["turns"]}
    assert sources["Trust and Safety"] == "source" and dumped["turns"][0]["topic_source"] == "auto"
    assert all(t["topic"] for t in dumped["turns"])


def test_inspect_forced_format_and_budget():
    result = runner.invoke(
        app, ["inspect", "--json", "--budget", "32", "--format", "qmsum", str(QMSUM / "val" / "Bed002.json")]
    )
    dumped = json.loads(result.stdout)
    assert dumped["meeting"]["format"] == "qmsum"
    assert max(chunk["word_pieces"] for chunk in dumped["chunks"]) <= 32


def test_bad_file_is_a_message_and_a_non_zero_exit(tmp_path):
    empty = tmp_path / "empty.vtt"
    empty.write_text("")
    result = runner.invoke(app, ["inspect", str(empty)])
    assert result.exit_code == 1
    assert "empty.vtt" in result.output and "empty" in result.output
    assert "Traceback" not in result.output


def test_broken_caption_names_the_line():
    result = runner.invoke(app, ["inspect", str(DATA / "broken.vtt")])
    assert result.exit_code == 1
    assert "broken.vtt:6" in result.output


def test_out_of_range_budget_is_a_settings_message():
    result = runner.invoke(app, ["inspect", "--budget", "5", str(SEED)])
    assert result.exit_code == 1
    assert "chunk budget of 5" in result.output


def test_bench_parse_prints_figures_and_lists_bad_files(tmp_path):
    (tmp_path / "ok.srt").write_text((DATA / "captions.srt").read_text())
    (tmp_path / "bad.srt").write_text("1\nnot a timing\nhello\n")
    result = runner.invoke(app, ["bench", "parse", str(tmp_path)])
    assert result.exit_code == 1
    assert "Parse and chunk" in result.output
    assert "bad.srt" in result.output
