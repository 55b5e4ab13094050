"""`onrecord speakers`: the JSON contract per label, the table, accept / rename / reset, merges, a
person's meetings, and bad input as one line that changes nothing."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from cli import app
from tests.conftest import DATA

runner = CliRunner()
HARBOUR, FOLLOWUP = DATA / "speakers_harbour_committee.json", DATA / "speakers_ferry_followup.txt"
MEETING = "speakers_harbour_committee"
FIELDS = {"label", "name", "suggestion", "confidence", "evidence", "turns", "share"}


@pytest.fixture
def data_dir(tmp_path, settings_for, embedder):
    from library import Library

    Library(settings_for(tmp_path), embedder).ingest([HARBOUR, FOLLOWUP])
    return tmp_path


def run(data_dir, *args):
    result = runner.invoke(app, ["speakers", *args, "--data-dir", str(data_dir)])
    return result


def speakers_json(data_dir, *args):
    result = run(data_dir, MEETING, *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_the_json_names_every_label_with_its_suggestion_and_evidence(data_dir):
    found = speakers_json(data_dir)
    assert found["meeting"] == MEETING
    rows = {row["label"]: row for row in found["speakers"]}
    assert list(rows) == ["SPEAKER_00", "SPEAKER_01", "SPEAKER_02", "SPEAKER_03"]
    assert all(set(row) == FIELDS for row in rows.values())
    assert rows["SPEAKER_00"]["suggestion"] == "Helen Marsh"  # "I'm Helen Marsh": a self-introduction
    assert any(e["cue"] == "introduction" and e["turn"] == 0 for e in rows["SPEAKER_00"]["evidence"])
    assert rows["SPEAKER_02"]["suggestion"] == "Bruno"  # "Thank you, Bruno." after their turn
    assert {e["turn"] for e in rows["SPEAKER_02"]["evidence"]} >= {4}
    assert rows["SPEAKER_03"]["suggestion"] is None and rows["SPEAKER_03"]["evidence"] == []
    assert all(row["name"] is None for row in rows.values())
    assert [row["turns"] for row in rows.values()] == [4, 2, 2, 1]
    assert sum(row["share"] for row in rows.values()) == pytest.approx(1.0, abs=0.01)
    table = run(data_dir, MEETING).stdout
    assert "not named in the" in table and "Helen Marsh" in table  # the cell wraps on a narrow terminal


def test_accept_rename_and_reset_round_trip(data_dir):
    names = {row["label"]: row["name"] for row in speakers_json(data_dir, "--accept")["speakers"]}
    assert names == {"SPEAKER_00": "Helen Marsh", "SPEAKER_01": None, "SPEAKER_02": "Bruno", "SPEAKER_03": None}
    found = speakers_json(data_dir, "--rename", "SPEAKER_01=Ana Souza", "--rename", "Bruno=Bruno Salgado")
    names = {row["label"]: row["name"] for row in found["speakers"]}
    assert names == {
        "SPEAKER_00": "Helen Marsh",
        "SPEAKER_01": "Ana Souza",
        "SPEAKER_02": "Bruno Salgado",
        "SPEAKER_03": None,
    }
    listed = json.loads(runner.invoke(app, ["list", "--json", "--data-dir", str(data_dir)]).stdout)
    assert ["Helen Marsh", "Ana Souza", "Bruno Salgado", "SPEAKER_03"] in [m["speakers"] for m in listed]
    assert all(row["name"] is None for row in speakers_json(data_dir, "--reset")["speakers"])


def test_a_merge_shows_in_the_suggested_merges_and_the_persons_page(data_dir):
    speakers_json(data_dir, "--accept")
    suggested = json.loads(run(data_dir, "--merges", "--json").stdout)["merges"]
    assert {"person": "Helen Marsh", "names": ["Chair Helen Marsh", "Helen Marsh"]}.items() <= suggested[0].items()
    assert run(data_dir, "--merge", "Helen Marsh", "Chair Helen Marsh").exit_code == 0
    assert json.loads(run(data_dir, "--json").stdout)["merges"] == []  # nothing left to merge
    person = json.loads(run(data_dir, "--person", "Chair Helen Marsh", "--json").stdout)
    assert person["person"] == "Helen Marsh" and person["names"] == ["Chair Helen Marsh"]
    assert {m["meeting"] for m in person["meetings"]} == {MEETING, "speakers_ferry_followup"}
    assert any("dock repair" in q["quote"] for m in person["meetings"] for t in m["topics"] for q in t["quotes"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((MEETING, "--rename", "SPEAKER_00="), "cannot be empty"),
        ((MEETING, "--rename", "SPEAKER_00=" + "x" * 500), "longer than"),
        ((MEETING, "--rename", "SPEAKER_07=Ana"), "no speaker labelled 'SPEAKER_07'"),
        ((MEETING, "--rename", "Ana"), "is not LABEL=NAME"),
        (("no_such_meeting", "--accept"), "no meeting named 'no_such_meeting'"),
        (("--merge", "Ines Alvarez", "Ines Alvarez"), "already one person"),
        (("--merge", "Ines Alvarez", "Nobody Here"), "no speaker named 'Nobody Here'"),
        ((MEETING, "--accept", "--reset"), "one of --accept"),
    ],
)
def test_bad_input_is_one_line_and_changes_nothing(data_dir, args, message):
    speakers_json(data_dir, "--rename", "SPEAKER_01=Ana Souza")
    before = (data_dir / "speakers.json").read_text()
    result = run(data_dir, *args)
    assert result.exit_code == 1
    assert result.stderr.startswith("error:") and message in result.stderr, result.stderr
    assert "Traceback" not in result.output and len(result.stderr.strip().splitlines()) <= 2  # a long line wraps
    assert (data_dir / "speakers.json").read_text() == before
