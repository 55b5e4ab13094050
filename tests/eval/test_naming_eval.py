"""The naming evaluation (eval.naming): scoring per label against hand-computed figures, the stripped
transcripts' labels, and the held-out figures on a small part of the suite."""

from __future__ import annotations

import json

from core.models import Turn
from eval.naming import GoldMeeting, evaluate_naming, figures, load_suite, plain, score, strip_speakers

GOLD = {
    "SPEAKER_00": {"name": "Ruth Calloway", "accept": ["Mayor Calloway"]},
    "SPEAKER_01": {"name": None},
    "SPEAKER_02": {"name": "Councillor Moss", "accept": ["Moss"]},
    "SPEAKER_03": {"name": "Sofia Haddad", "optional": True},
    "SPEAKER_04": {"name": "Walter"},
}


def fixed(names: dict[str, str | None]):
    def namer(_turns):
        return names

    return namer


def test_scores_per_label_as_counted_by_hand():
    meeting = GoldMeeting("m", "held_out", False, (), GOLD)
    names = {"SPEAKER_00": "mayor calloway", "SPEAKER_01": "Clerk", "SPEAKER_02": "Moss", "SPEAKER_03": "Sofia"}
    scored = score([meeting], fixed(names))
    # suggestions: 4, right: Calloway (title and case ignored) and Moss; Clerk (unnameable) and Sofia wrong
    assert (scored["suggestions"], scored["right"], scored["precision"]) == (4, 2, 0.5)
    # nameable: Calloway, Moss, Walter (Sofia is optional): 2 of 3 named
    assert (scored["nameable"], scored["named"], scored["unnameable_named"]) == (3, 0.667, 1)


def test_plain_ignores_case_and_one_leading_title():
    assert plain("Mayor  Ruth Calloway") == plain("ruth calloway") == "ruth calloway"
    assert plain("Mayor") == "mayor"  # a title alone stays


def test_stripped_speakers_get_labels_in_order_of_first_appearance():
    turns = [
        Turn(0, "Helen Marsh", "Helen Marsh", "Hello.", "Hello."),
        Turn(1, None, None, "[applause]", "[applause]"),
        Turn(2, "Chair Marsh", "Helen Marsh", "Thanks, Tom.", "Thanks, Tom."),
        Turn(3, "Tom Ng", "Tom Ng", "Sure.", "Sure."),
    ]
    stripped = strip_speakers(turns)
    assert [t.speaker for t in stripped] == ["SPEAKER_00", None, "SPEAKER_00", "SPEAKER_01"]
    assert [t.text for t in stripped] == [t.text for t in turns]


def test_held_out_figures_on_a_small_part_of_the_suite(tmp_path):
    meetings = load_suite(meetings=["interview_platform_engineer_2024-06-20", "ashford_zoning_hearing_2024-07-17"])
    assert {m.split for m in meetings} == {"held_out"}
    held_out = figures(meetings)["on record"]["held_out"]
    assert held_out["precision"] >= 0.95 and held_out["named"] >= 0.85
    assert held_out["unnameable_named"] == 0
    baseline = figures(meetings)["first name in the first turn"]["held_out"]
    assert baseline["named"] < held_out["named"]


def test_evaluate_naming_writes_its_report(tmp_path):
    suite = tmp_path / "naming.json"
    (tmp_path / "m.txt").write_text(
        "SPEAKER_00: Hi, I'm Colette Ferreira from the housing office.\nSPEAKER_01: Welcome, Colette.\n",
        encoding="utf-8",
    )
    labels = {"SPEAKER_00": {"name": "Colette Ferreira"}, "SPEAKER_01": {"name": None}}
    entry = {"meeting": "m", "file": "m.txt", "split": "held_out", "labels": labels}
    suite.write_text(json.dumps({"meetings": [entry], "stripped": []}), encoding="utf-8")
    summary = evaluate_naming(tmp_path / "out", suite)
    results = json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8"))
    held_out = results["on record"]["held_out"]
    assert (held_out["precision"], held_out["named"], held_out["unnameable_named"]) == (1.0, 1.0, 0)
    assert "| on record | held_out | 2 | 1 | 1.000 | 1.000 | 0 |" in summary
    assert (tmp_path / "out" / "summary.md").read_text(encoding="utf-8").startswith("# Naming speakers")
