"""`onrecord chat` driven with stdin (a thread until /new or /quit, Ctrl-D or Ctrl-C), and `onrecord ask
--batch` rows carrying `history`, on a real store of the samples."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

from typer.testing import CliRunner

from cli import app
from tests.conftest import ROOT

runner = CliRunner()
BIKE_LANE = "What did the council decide about the Harbour Street bike lane?"
FOLLOW_UP = "When does construction on it start?"
READ_AS = "Read as: When does construction on the Harbour Street bike lane start?"


def chat(data_dir, lines: list[str], *options: str):
    return runner.invoke(app, ["chat", "--data-dir", str(data_dir), *options], input="\n".join(lines) + "\n")


def flat(text: str) -> str:
    return " ".join(text.split())


def test_chat_keeps_a_thread_until_new_and_ends_at_quit(samples_data_dir):
    result = chat(samples_data_dir, [BIKE_LANE, FOLLOW_UP, "/new", FOLLOW_UP, "/quit", "Who is worried?"])
    assert result.exit_code == 0, result.output
    output = flat(result.stdout)
    assert output.count("Read as:") == 1 and READ_AS in output  # the follow-up read; after /new, as asked
    assert "New thread." in output
    assert output.count("fifteenth of September") >= 2 and "[1] " in output and "support:" in output
    after = result.stdout.split("New thread.")[1].splitlines()
    assert sum(line.startswith("[1] ") for line in after) == 1  # the line after /quit was never asked


def test_chat_goes_on_after_a_bad_question_and_ends_at_the_end_of_the_input(samples_data_dir):
    result = chat(samples_data_dir, [BIKE_LANE, "x" * 3000, FOLLOW_UP])  # no /quit: Ctrl-D
    assert result.exit_code == 0, result.output
    assert "over the limit of 2,000; ask a shorter question" in flat(result.stderr)
    assert READ_AS in flat(result.stdout)  # the thread went on past the question that could not be asked
    assert "Traceback" not in result.output


def test_chat_scoped_to_a_meeting_and_an_unknown_one_said_at_once(samples_data_dir):
    scoped = chat(samples_data_dir, ["What was decided?"], "--meeting", "product_sync_2024-05-06")
    assert scoped.exit_code == 0, scoped.output
    cited = [line for line in scoped.stdout.splitlines() if line.startswith("[1] ")]
    assert cited and "2024-05-06" in cited[0]
    unknown = chat(samples_data_dir, ["What was decided?"], "--meeting", "nope")
    assert unknown.exit_code == 1 and "no meeting named 'nope'" in flat(unknown.stderr)
    assert "Traceback" not in unknown.output


def test_chat_ends_quietly_at_ctrl_c(samples_data_dir):
    environment = {**os.environ, "PYTHONUNBUFFERED": "1", "ONRECORD_CHROMA_HOST": ""}
    command = [sys.executable, "-m", "cli", "chat", "--data-dir", str(samples_data_dir)]
    process = subprocess.Popen(
        command, cwd=ROOT, env=environment, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert "/new starts a new thread" in process.stdout.readline().decode()  # waiting for the first question
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err.decode()
    assert "Traceback" not in err.decode() and "KeyboardInterrupt" not in err.decode()


def test_batch_rows_carry_their_history_and_a_bad_one_is_that_rows_error(samples_data_dir, tmp_path):
    earlier = {"question": BIKE_LANE, "answer": "Then the motion is to approve the Harbour Street bike lane. [1]"}
    rows = [
        {"query": BIKE_LANE},
        {"query": FOLLOW_UP, "history": [earlier]},
        {"query": FOLLOW_UP, "history": "the bike lane"},
        {"query": FOLLOW_UP, "history": [earlier, {"answer": "In September."}]},
        {"query": FOLLOW_UP, "history": [earlier] * 25},
    ]
    batch = tmp_path / "thread.jsonl"
    batch.write_text("\n".join(json.dumps(row) for row in rows) + "\n")
    result = runner.invoke(app, ["ask", "--batch", str(batch), "--json", "--data-dir", str(samples_data_dir)])
    assert result.exit_code == 1  # two rows failed, and said so
    first, followed, not_a_list, no_question, long = (json.loads(line) for line in result.stdout.splitlines())
    assert first["standalone"] == BIKE_LANE and set(followed) == set(first)  # the batch shape, with standalone
    assert followed["question"] == FOLLOW_UP and "harbour street bike lane" in followed["standalone"].casefold()
    assert "fifteenth of September" in followed["answer"]
    assert not_a_list == {
        "line": 3,
        "query": FOLLOW_UP,
        "error": not_a_list["error"],
    } and not_a_list["error"].startswith("history must be a list of earlier turns, not str")
    assert no_question["line"] == 4 and no_question["error"].startswith("history turn 2 has no question")
    assert "last 20 turns of the thread (25 given" in long["notice"] and set(long) == set(first)
    assert "2 line(s) of" in flat(result.stderr)
