"""The who-suite's figure (eval/who.py) on a three-question suite of our own, against numbers computed by hand."""

from __future__ import annotations

import json

from eval.who import first_named, who_figures
from tests.conftest import DATA

HARBOUR = DATA / "who_harbour_board_2025-03-04.txt"
MEETING = "who_harbour_board_2025-03-04"


def test_the_first_person_named_is_the_answer_with_or_without_a_title():
    speakers = ["Chair Tomas Lindqvist", "Marta Reyes", "Daniel Okoro"]
    said = "Tomas Lindqvist: The motion carries, Councillor Reyes opposed. Marta Reyes: I will vote no."
    assert first_named(said, speakers) == ["Chair Tomas Lindqvist", "Marta Reyes"]


def test_right_person_right_label_and_refusals_per_split(tmp_path):
    suite = tmp_path / "who.json"
    questions = [
        {"id": "q1", "question": "Who will contact the vendor?", "meeting": MEETING, "split": "tuning",
         "speaker": "Marta Reyes", "expected": "answered", "gold_turns": [[2, 2]]},
        {"id": "q2", "question": "Who moved it?", "meeting": MEETING, "split": "tuning",
         "speaker": "Daniel Okoro", "expected": "answered", "gold_turns": [[3, 3]]},
        {"id": "q3", "question": "Who will repaint the boathouse?", "meeting": MEETING, "split": "held_out",
         "expected": "refused", "gold_turns": []},
    ]  # fmt: skip
    suite.write_text(json.dumps({"transcripts": [str(HARBOUR)], "questions": questions}))
    results = [
        {"id": "q1", "answer": "Marta Reyes: I will tell Saltline this week. [1]", "abstained": False},
        # names the mover second, after the chair: not the person asked for
        {"id": "q2", "answer": "Chair Tomas Lindqvist: It's been moved. Daniel Okoro: I move. [1]", "abstained": False},
        {"id": "q3", "answer": "The transcripts do not say who will repaint the boathouse.", "abstained": True},
    ]
    figures = who_figures(results, suite)
    assert figures["tuning"]["answered_right_person"] == 0.5 and figures["tuning"]["answered_right_person_of"] == 2
    assert figures["tuning"]["refused_unanswerable"] is None
    assert figures["held_out"]["refused_unanswerable"] == 1.0 and figures["held_out"]["answered_right_person"] is None
    assert figures["all"]["answered_right_person_of"] == 2 and figures["all"]["refused_unanswerable_of"] == 1


def test_onrecord_eval_who_prints_and_writes_the_who_figures(tmp_path):
    """`onrecord eval who` shows the suite's own figure beside the usual table, and writes who.json."""
    from cli.evaluation import _print_who
    from cli.options import console
    from eval.who import WHO_SUITE

    asked = [q for q in json.loads(WHO_SUITE.read_text())["questions"] if q.get("speaker") and not q.get("label")]
    right, wrong = asked[:2]
    results = [
        {"id": right["id"], "system": "onrecord-hybrid", "answer": f"{right['speaker']}: Yes. [1]", "abstained": False},
        {"id": wrong["id"], "system": "onrecord-hybrid", "answer": "Nobody: no. [1]", "abstained": False},
    ]
    with console.capture() as captured:
        _print_who(tmp_path, results)
    shown = captured.get()
    assert "right person" in shown and "0.500 of 2" in shown, shown
    assert json.loads((tmp_path / "who.json").read_text())["all"]["answered_right_person"] == 0.5
