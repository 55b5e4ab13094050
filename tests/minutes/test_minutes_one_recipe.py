"""The minutes package on its own floor: one recipe for a meeting's summary, a decision's quote that
keeps the vote call its dissenter answers, and the Markdown of minutes that the CLI takes from here
rather than from web/."""

from __future__ import annotations

import ast

from core.models import Meeting
from ingest.chapters import chapters
from ingest.parsing import parse_file
from minutes.build import SUMMARY_WORDS, build_minutes, summary_of
from minutes.items import detect
from minutes.markdown import minutes_markdown
from tests.conftest import DATA, ROOT

JUNE = DATA / "timelines" / "pool_board_2025-06-02.txt"
COUNCIL = ROOT / "samples" / "city_council_2024-03-12.vtt"


def _meeting(path) -> tuple[Meeting, list]:
    transcript = parse_file(path)
    turns = list(transcript.turns)
    meeting = Meeting(
        transcript.meeting_id, transcript.title, transcript.date, "", "plain", None, (), (), len(turns), 1, ""
    )
    return meeting, turns


def test_the_minutes_summary_is_the_one_recipe_at_its_default_length():
    meeting, turns = _meeting(COUNCIL)
    found = chapters(turns)
    minutes = build_minutes(meeting, turns, found)
    assert minutes.summary and minutes.decisions
    assert (minutes.overview, minutes.summary) == summary_of(turns, found, minutes.decisions, SUMMARY_WORDS)
    # the strongest decisions are quoted first: each one's turn is in the summary
    shorter = summary_of(turns, found, minutes.decisions, 70)[1]
    strongest = max(minutes.decisions, key=lambda item: item.probability)
    assert strongest.turn in {line.turn for line in shorter}


def test_a_decision_quote_keeps_the_vote_call_that_names_the_dissenter():
    _, turns = _meeting(JUNE)
    decisions, _ = detect(turns)
    assert [item.turn for item in decisions] == [6]
    decision = decisions[0]
    # "All in favour? Four. Opposed? Member Raman. The motion carries four to one.": the name answers "Opposed?"
    assert decision.text == "Opposed? Member Raman. The motion carries four to one."
    assert decision.against == ("Member Priya Raman",) and decision.vote == "4–1"
    assert decision.dissent() == "Member Priya Raman against"


def test_the_minutes_markdown_lives_with_the_minutes_not_the_web():
    meeting, turns = _meeting(JUNE)
    markdown = minutes_markdown(build_minutes(meeting, turns, chapters(turns)))
    assert "vote 4–1; Member Priya Raman against" in markdown
    tree = ast.parse((ROOT / "cli" / "minutes.py").read_text(encoding="utf-8"))
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    assert "minutes.markdown" in imported and not any(name.startswith("web") for name in imported)
