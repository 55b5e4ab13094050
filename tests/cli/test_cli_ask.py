"""The search, ask, list and remove commands, in process, on a real store."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from cli import app
from index.snapshot import read_snapshot
from tests.conftest import CITATION_KEYS, DATA, HIT_KEYS

runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, [str(arg) for arg in args])


def test_ask_json_has_the_documented_shape(seed_library, seed_data_dir):
    result = invoke("ask", "What did Quim Gil say about grants?", "--json", "--data-dir", seed_data_dir)
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert {"question", "answer", "abstained", "coverage", "citations"} <= set(answer)
    assert answer["coverage"] == "answered"
    citation = answer["citations"][0]
    assert set(citation) >= CITATION_KEYS
    assert citation["n"] == 1 and "Quim Gil" in citation["speakers"]
    assert "[1]" in answer["answer"]


def test_ask_says_what_the_transcripts_give_of_what_was_asked(seed_library, seed_data_dir):
    result = invoke("ask", "Who on the human rights team supports Eastern Europe?", "--data-dir", seed_data_dir)
    output = " ".join(result.output.split())
    assert result.exit_code == 0 and "dedicated HR fellow" in output and "coverage: partial" in output
    result = invoke("ask", "What did Roy Smith say about the Movement Charter?", "--json", "--data-dir", seed_data_dir)
    answer = json.loads(result.stdout)
    assert answer["abstained"] and answer["coverage"] == "not_in_transcripts"
    assert answer["answer"].startswith("Roy Smith does not speak of the Movement Charter")


def test_search_json_ranks_passages(seed_library, seed_data_dir):
    result = invoke("search", "friendly space policy", "--k", 3, "--json", "--data-dir", seed_data_dir)
    hits = json.loads(result.stdout)["hits"]
    assert [hit["rank"] for hit in hits] == [1, 2, 3]
    assert hits[0]["turn_start"] <= 19 <= hits[0]["turn_end"]
    assert set(hits[0]) >= HIT_KEYS


def test_ask_prints_answer_and_citations(seed_library, seed_data_dir):
    result = invoke("ask", "What did Cameran Ashraf say about jurisdictions?", "--data-dir", seed_data_dir)
    assert result.exit_code == 0
    output = " ".join(result.output.split())
    assert "Cameran Ashraf" in output and "[1]" in output and "Human Rights" in output


def test_batch_runs_each_line_in_order_and_reports_bad_lines(seed_library, seed_data_dir, tmp_path):
    batch = tmp_path / "questions.jsonl"
    lines = [
        {"query": "What happens if the enforcement vote fails?", "meeting": "office_hours_2022-03-24"},
        {"query": "tides", "k": 2},
        {"query": "grants", "speaker": "Nobody Atall"},
        {"question": "no query key"},
    ]
    batch.write_text("\n".join(json.dumps(line) for line in lines) + "\nnot json\n")
    result = invoke("search", "--batch", batch, "--json", "--data-dir", seed_data_dir)
    assert result.exit_code == 1
    outputs = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(outputs) == 5
    assert outputs[0]["query"] == lines[0]["query"] and outputs[0]["hits"]
    assert len(outputs[1]["hits"]) == 2 and outputs[1]["hits"][0]["meeting_id"] == "captions"
    assert "no speaker named 'Nobody Atall'" in outputs[2]["error"]
    assert 'needs a "query"' in outputs[3]["error"] and "invalid JSON" in outputs[4]["error"]
    answers = invoke("ask", "--batch", batch, "--data-dir", seed_data_dir)
    first = json.loads(answers.stdout.splitlines()[0])
    assert first["question"] == lines[0]["query"] and first["citations"]


def test_user_errors_are_messages_not_tracebacks(seed_library, seed_data_dir, tmp_path):
    cases = [
        (["ask", "", "--data-dir", seed_data_dir], "the question is empty"),
        (["ask", "x" * 10_000, "--data-dir", seed_data_dir], "10,000 characters long"),
        (["ask", "grants", "--speaker", "Quim Gill", "--data-dir", seed_data_dir], "closest known: Quim Gil"),
        (["search", "grants", "--mode", "fuzzy", "--data-dir", seed_data_dir], "unknown retrieval mode"),
        (["ask", "grants", "--from", "March 2022", "--data-dir", seed_data_dir], "not YYYY-MM-DD"),
        (["ask", "anything", "--data-dir", tmp_path / "empty"], "ingest something first: onrecord ingest PATH"),
        (["remove", "nope", "--data-dir", seed_data_dir], "no meeting named 'nope'"),
        (["ingest", tmp_path / "missing.vtt", "--data-dir", tmp_path / "x"], "no such file"),
    ]
    for args, message in cases:
        result = invoke(*args)
        assert result.exit_code == 1, (args, result.output)
        assert message in " ".join(result.output.split()), (args, result.output)
        assert "Traceback" not in result.output


def test_ingest_list_and_remove(tmp_path):
    store = tmp_path / "store"
    result = invoke("ingest", DATA / "notes.txt", DATA / "whisper.json", "--data-dir", store)
    assert result.exit_code == 0, result.output
    assert "2 added" in result.output
    assert set(read_snapshot(store / "catalog").meetings) == {"notes", "whisper"}  # brought up to date
    listed = json.loads(invoke("list", "--json", "--data-dir", store).stdout)
    assert {(m["meeting_id"], m["turn_count"]) for m in listed} == {("notes", 10), ("whisper", 2)}
    assert all(m["chunk_count"] >= 1 and m["status"] == "complete" for m in listed)
    again = invoke("ingest", DATA / "notes.txt", "--data-dir", store)
    assert "1 unchanged" in again.output
    assert invoke("remove", "whisper", "--data-dir", store).exit_code == 0
    assert set(read_snapshot(store / "catalog").meetings) == {"notes"}
    assert [m["meeting_id"] for m in json.loads(invoke("list", "--json", "--data-dir", store).stdout)] == ["notes"]


def test_ask_prints_transcript_brackets_as_said(tmp_path):
    transcript = tmp_path / "budget.txt"
    transcript.write_text(
        "Title: Budget line\n"
        "Dana: The budget line [12] covers the rooftop garden, about four thousand dollars in all.\n"
    )
    store = tmp_path / "store"
    assert invoke("ingest", transcript, "--data-dir", store).exit_code == 0
    result = invoke("ask", "What does the budget line cover?", "--data-dir", store)
    assert result.exit_code == 0, result.output
    assert "budget line [12] covers" in result.stdout and "\\[" not in result.stdout
    assert "[12]" in result.stdout.split("\n\n")[0] and "[1]" in result.stdout


def test_the_answerer_option_names_every_answerer_the_path_takes():
    """The command line names the answerers by hand (it starts without the answer floor): they must be
    those of answer.ask.ANSWERERS, and an unknown one is refused where the options are made."""
    from answer.ask import ANSWERERS, AskOptions
    from cli.options import ANSWERERS_HELP
    from core.errors import QueryError

    named = {word for word in ANSWERERS_HELP.replace(":", " ").replace(",", " ").split() if word in ANSWERERS}
    assert named == set(ANSWERERS)
    with pytest.raises(QueryError, match="unknown answerer 'oracle'; use one of: extractive, llm"):
        AskOptions(answerer="oracle")
    with pytest.raises(QueryError, match="unknown retrieval mode 'fuzzy'"):
        AskOptions(mode="fuzzy")
