"""The naming, who-question and follow-up suites (issues 45 and 46) hold together: every transcript they
name exists and parses, every gold quote is in the turns it points at, every label and turn has its
fields, and about a third of each is kept aside."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import pytest

from eval.suites import load_suite
from ingest.parsing import parse_file

SUITES = Path(__file__).resolve().parents[2] / "eval" / "suites"
PARTS = {"tuning", "held_out"}
TITLES = {"mayor", "councillor", "dr.", "ms.", "mrs.", "mr.", "professor", "chair", "trustee", "member"}


def suite_data(name: str) -> dict:
    return json.loads((SUITES / f"{name}.json").read_text(encoding="utf-8"))


@cache
def transcripts_of(name: str) -> dict:
    """Meeting id -> parsed transcript, for every file or folder the suite lists."""
    found = {}
    for entry in suite_data(name)["transcripts"]:
        path = (SUITES / entry).resolve()
        assert path.exists(), f"{name}: {entry} does not exist"
        for file in sorted(path.iterdir()) if path.is_dir() else [path]:
            transcript = parse_file(file)
            assert transcript.turns, f"{file} parsed to no turns"
            found[transcript.meeting_id] = transcript
    return found


def flat(text: str) -> str:
    return " ".join(text.split())


def turns_text(transcript, ranges) -> str:
    return " ".join(flat(transcript.turns[i].text) for first, last in ranges for i in range(first, last + 1))


def held_out_share(items) -> float:
    parts = [item["split"] for item in items]
    assert set(parts) <= PARTS, set(parts) - PARTS
    return parts.count("held_out") / len(parts)


def name_words(name: str) -> list[str]:
    return [word for word in name.split() if word.lower() not in TITLES]


def label_order(transcript) -> dict[str, str]:
    """The stripping rule: SPEAKER_nn per canonical speaker, in order of first appearance."""
    order: dict[str, str] = {}
    for turn in transcript.turns:
        person = turn.canonical_speaker or turn.speaker
        if person and person not in order:
            order[person] = f"SPEAKER_{len(order):02d}"
    return order


# --- naming ---------------------------------------------------------------------------------------


def test_naming_meetings_are_diarized_whisper_json_with_a_name_or_null_for_every_label():
    data = suite_data("naming")
    meetings = data["meetings"]
    parsed = transcripts_of("naming")
    assert len(meetings) >= 12 and len({m["kind"] for m in meetings}) == len(meetings)
    for meeting in meetings:
        raw = json.loads((SUITES / meeting["file"]).read_text(encoding="utf-8"))
        assert 15 <= len(raw["segments"]) <= 60, meeting["meeting"]
        transcript = parsed[meeting["meeting"]]
        assert transcript.source_path.endswith(Path(meeting["file"]).name)
        spoken = {turn.speaker for turn in transcript.turns}
        assert spoken == set(meeting["labels"]), (meeting["meeting"], spoken ^ set(meeting["labels"]))
        text = flat(" ".join(turn.text for turn in transcript.turns))
        for label, entry in meeting["labels"].items():
            assert re.fullmatch(r"SPEAKER_\d\d|\d+", label)
            if entry["name"] is None:
                assert entry["why"], (meeting["meeting"], label)
                continue
            assert entry["cues"], (meeting["meeting"], label)
            words = {
                word.rstrip(".") for form in [entry["name"], *entry.get("accept", [])] for word in name_words(form)
            }
            assert all(word in text for word in words), f"{meeting['meeting']} {label}: {words} not all said"
            for turn in entry["evidence"]:
                said = transcript.turns[turn].text
                assert any(word in said for word in words), f"{meeting['meeting']} {label}: turn {turn} names no one"


def test_naming_covers_the_hard_cases_and_keeps_about_a_third_aside():
    meetings = suite_data("naming")["meetings"]
    labels = [entry for meeting in meetings for entry in meeting["labels"].values()]
    cues = {cue for entry in labels for cue in entry.get("cues", [])}
    assert {"self_intro", "addressed_before", "thanked_after", "called_on", "roll_call", "chair_calls_on"} <= cues
    assert sum(entry["name"] is None for entry in labels) >= 8
    assert any(all(entry["name"] is None for entry in m["labels"].values()) for m in meetings)
    first_names = [entry["name"] for entry in labels if entry["name"] and len(entry["name"].split()) == 1]
    assert len(first_names) >= 5
    firsts = [entry["name"].split()[0] for entry in labels if entry["name"] and len(entry["name"].split()) > 1]
    assert any(firsts.count(first) > 1 for first in firsts), "two people with the same first name"
    assert all(m["traps"] for m in meetings)
    assert 0.28 <= held_out_share(meetings) <= 0.4
    named = [e for m in meetings if m["split"] == "held_out" for e in m["labels"].values() if e["name"]]
    assert len(named) >= 10


def test_the_stripped_seed_and_samples_map_each_label_to_the_speaker_it_replaces():
    stripped = suite_data("naming")["stripped"]
    assert {Path(entry["file"]).parent.name for entry in stripped} == {"seed", "samples"}
    assert len([e for e in stripped if "samples" in e["file"]]) == len(list((SUITES / "../../samples").iterdir()))
    for entry in stripped:
        transcript = parse_file((SUITES / entry["file"]).resolve())
        assert transcript.meeting_id == entry["meeting"] and entry["split"] in PARTS
        order = label_order(transcript)
        assert {label: e["speaker"] for label, e in entry["labels"].items()} == {v: k for k, v in order.items()}
        text = flat(" ".join(turn.text for turn in transcript.turns))
        for label, gold in entry["labels"].items():
            if gold["name"] is None:
                assert not any(word in text for word in name_words(gold["speaker"])), (entry["meeting"], label)
            else:
                assert all(word in text for word in name_words(gold["name"])), (entry["meeting"], label)


# --- who ------------------------------------------------------------------------------------------


def naming_gold() -> dict[tuple[str, str], str | None]:
    return {
        (meeting["meeting"], label): entry["name"]
        for meeting in suite_data("naming")["meetings"]
        for label, entry in meeting["labels"].items()
    }


def test_who_questions_rest_on_a_turn_of_the_person_they_name():
    suite = load_suite(SUITES / "who.json")
    questions = suite_data("who")["questions"]
    assert len(suite.questions) == len(questions) >= 36
    parsed = transcripts_of("who")
    names = naming_gold()
    for question in questions:
        assert question["expected"] in {"answered", "refused"} and question["split"] in PARTS
        transcript = parsed[question["meeting"]]
        if question["expected"] == "refused":
            assert question["gold_turns"] == [] and question["note"], question["id"]
            continue
        assert flat(question["quote"]) in turns_text(transcript, question["gold_turns"]), question["id"]
        said_by = {transcript.turns[i].speaker for a, b in question["gold_turns"] for i in range(a, b + 1)}
        people = question.get("speakers", [question["speaker"]])
        if "label" in question:
            assert question["label"] in said_by and names[(question["meeting"], question["label"])] == people[0]
        else:
            assert set(people) <= said_by, question["id"]


def test_who_questions_on_diarized_meetings_are_kept_aside_with_their_meeting():
    splits = {meeting["meeting"]: meeting["split"] for meeting in suite_data("naming")["meetings"]}
    on_labels = [q for q in suite_data("who")["questions"] if q["meeting"] in splits]
    assert len(on_labels) >= 6
    assert all(q["split"] == splits[q["meeting"]] for q in on_labels)


def test_who_questions_cover_each_kind_refusals_and_a_third_aside():
    questions = suite_data("who")["questions"]
    assert {q["kind"] for q in questions} == {"commitment", "vote", "proposal", "report", "objection"}
    for kind in ("commitment", "vote", "proposal", "report", "objection"):
        assert sum(q["kind"] == kind and q["expected"] == "answered" for q in questions) >= 4, kind
    assert sum(q["expected"] == "refused" for q in questions) >= 8
    assert 0.3 <= held_out_share(questions) <= 0.4
    held_out = load_suite(SUITES / "who.json", split="held_out").questions
    assert sum(not q.answerable for q in held_out) >= 3


# --- follow-ups -----------------------------------------------------------------------------------


def test_followup_turns_have_a_standalone_question_and_gold_evidence_in_the_transcript():
    threads = suite_data("followups")["threads"]
    parsed = transcripts_of("followups")
    assert len(threads) >= 45 and len({t["id"] for t in threads}) == len(threads)
    for thread in threads:
        assert 2 <= len(thread["turns"]) <= 5 and thread["split"] in PARTS
        first, *follow_ups = thread["turns"]
        assert first["standalone"] == first["question"] and "phenomena" not in first
        for turn in thread["turns"]:
            assert turn["question"].strip() and turn["standalone"].strip(), thread["id"]
            transcript = parsed[turn["meeting"]]
            if turn["expected"] == "refused":
                assert turn["gold_turns"] == [], thread["id"]
                continue
            assert turn["expected"] == "answered" and turn["answer"], thread["id"]
            assert flat(turn["quote"]) in turns_text(transcript, turn["gold_turns"]), (thread["id"], turn["quote"])
        for turn in follow_ups:
            assert turn["phenomena"], thread["id"]
            if "standalone" not in turn["phenomena"]:
                assert turn["standalone"] != turn["question"], (thread["id"], turn["question"])


def test_followups_cover_each_phenomenon_and_keep_a_third_aside():
    threads = suite_data("followups")["threads"]
    follow_ups = [turn for thread in threads for turn in thread["turns"][1:]]
    seen = {p for turn in follow_ups for p in turn["phenomena"]}
    wanted = {"pronoun", "ellipsis", "why", "other_one", "those_dates", "meeting_change", "speaker_change"}
    wanted.add("standalone")
    assert wanted <= seen, wanted - seen
    assert sum("meeting_change" in turn["phenomena"] for turn in follow_ups) >= 5
    assert sum(turn["expected"] == "refused" for turn in follow_ups) >= 2
    assert {thread["turns"][0]["meeting"] for thread in threads} >= {
        "city_council_2024-03-12",
        "product_sync_2024-05-06",
        "science_podcast_ep7",
        "community_call_2024-04-18",
        "office_hours_2022-03-24",
    }
    assert 0.3 <= held_out_share(threads) <= 0.4
    aside = {turn["meeting"] for thread in threads if thread["split"] == "held_out" for turn in thread["turns"]}
    kept = {turn["meeting"] for thread in threads if thread["split"] == "tuning" for turn in thread["turns"]}
    assert {"fairhaven_parks_committee_2024-12-03", "riverton_council_2024-04-09"} <= aside - kept


@pytest.mark.parametrize("name", ["naming", "who", "followups"])
def test_each_suite_says_it_was_written_before_tuning_and_keeps_its_meetings_out_of_the_minutes_folder(name):
    """`onrecord minutes eval` ingests eval/suites/meetings/ whole: meetings there would join its timelines."""
    data = suite_data(name)
    assert data["written_before_tuning"] is True and data["name"] == name and "held_out" in data["about"]
    minutes_folder = SUITES / "meetings"
    for transcript in transcripts_of(name).values():
        assert not Path(transcript.source_path).resolve().is_relative_to(minutes_folder), transcript.source_path
