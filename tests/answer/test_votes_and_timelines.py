"""Who voted against a motion, timelines grouped per meeting, and meeting-level answers in
sentences: the real model and a real Chroma directory of three board meetings written for these
tests (tests/data/votes/, with their vote questions in questions.json, written before the rules)."""

from __future__ import annotations

import json
import re
from dataclasses import replace

import pytest

from answer.ask import AskOptions
from answer.overview import vote_answer
from core.minutes import Item, Minutes
from core.models import Filters, Meeting, Turn
from library import Library
from minutes.ballots import votes_in
from tests.conftest import DATA

VOTES = DATA / "votes"
QUESTIONS = json.loads((VOTES / "questions.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def boards(tmp_path_factory, settings_for, embedder):
    """A library of the three board meetings."""
    library = Library(settings_for(tmp_path_factory.mktemp("votes-store")), embedder)
    results = library.ingest(sorted(VOTES.glob("*.txt")))
    assert {r.status for r in results} == {"added"}, results
    return library


def _against(boards, asked: dict) -> None:
    answer = boards.ask(asked["question"])
    against, text = asked["against"], answer.text
    cited = {(c.hit.chunk.meeting_id, t.index) for c in answer.citations for t in c.turns}
    if against:  # named, citing the turns in which they vote no
        assert not answer.abstained and answer.support == "strong", text
        assert text.startswith(f"Voted against: {', '.join(against)}."), text
        for name in against:  # their own no, or a count that names them
            saying = {
                (m.meeting_id, t.index)
                for m in boards.meetings()
                for t in boards.turns(m.meeting_id)
                if _says_against(t, name)
            }
            assert saying & cited, (name, text)
    elif against == []:  # a vote no one voted against: said so, quoting the count
        assert answer.abstained and answer.covers == "not_in_transcripts", text
        assert text.startswith("No one voted against it in "), text
        assert any(
            "unanimous" in t.clean_text or "nothing" in t.clean_text or "none" in t.clean_text
            for c in answer.citations
            for t in c.turns
        ), text
    else:  # no vote taken
        assert answer.abstained and text.startswith("No vote on "), text


def _says_against(turn, name: str) -> bool:
    """Whether a turn is `name` voting no, or a count naming them (or its speaker, as "myself") against."""
    own, surname = turn.canonical_speaker == name, name.split()[-1]
    return (
        own
        and re.search(r"\b(?:no|against)\b|(?:opposed|against)\?[^.]*\bmyself\b", turn.clean_text, re.I) is not None
        or re.search(rf"\b{surname}\b.*\b(?:opposed|no|against)\b", turn.clean_text) is not None
        or re.search(rf"\b(?:opposed|against)\?.*\b{surname}\b", turn.clean_text, re.I) is not None
        or re.search(rf"\b{surname}\? No\b", turn.clean_text) is not None
    )


@pytest.mark.parametrize("asked", QUESTIONS["dev"], ids=[q["question"] for q in QUESTIONS["dev"]])
def test_who_voted_against(boards, asked):
    _against(boards, asked)


@pytest.mark.parametrize("asked", QUESTIONS["aside"], ids=[q["question"] for q in QUESTIONS["aside"]])
def test_who_voted_against_in_questions_set_aside(boards, asked):
    _against(boards, asked)


def test_a_vote_question_within_its_meeting(boards):
    options = AskOptions(filters=Filters.within("school_board_2025-02-10"))
    answer = boards.ask("Did anyone vote no?", options)
    assert answer.text.startswith("Voted against: Member Rafael Alvarez, Member Tessa Brooks."), answer.text
    named = boards.ask("Did anyone vote no at the Eastfield school board meeting?")  # the meeting named in words
    assert named.text.startswith("Voted against: Member Rafael Alvarez, Member Tessa Brooks."), named.text
    assert "school_board_2025-02-10" in (named.resolved or "")


@pytest.fixture(scope="module")
def pool(tmp_path_factory, settings_for, embedder):
    """A library of three meetings of a recreation board on its pool renovation."""
    library = Library(settings_for(tmp_path_factory.mktemp("timelines-store")), embedder)
    results = library.ingest(sorted((DATA / "timelines").glob("*.txt")))
    assert {r.status for r in results} == {"added"}, results
    return library


def test_a_timeline_is_one_block_per_meeting_decisions_first_then_turn_order(pool):
    answer = pool.ask("How did the community pool renovation evolve over the meetings?")
    assert answer.scope == "meetings" and not answer.abstained, answer.text
    meetings = [m.meeting_id for m in answer.meetings]
    assert meetings == sorted(meetings) and len(meetings) >= 2, meetings
    blocks: dict[str, list] = {}
    for part in answer.parts:  # every part names its meeting, each meeting's parts together
        assert part.meeting in meetings, part
        assert not blocks or part.meeting == list(blocks)[-1] or part.meeting not in blocks, answer.parts
        blocks.setdefault(part.meeting, []).append(part)
    assert list(blocks) == meetings
    cited = {c.n: c for c in answer.citations}
    for meeting_id, parts in blocks.items():
        assert parts[0].n is None and parts[0].text.endswith(":"), parts[0]  # the meeting's title and date
        decisions = {d.turn for d in pool.minutes(meeting_id).decisions} | {
            d.motion_turn for d in pool.minutes(meeting_id).decisions
        }
        order = [cited[p.n].turns[0].index for p in parts if p.n is not None]
        assert all(cited[p.n].hit.chunk.meeting_id == meeting_id for p in parts if p.n is not None)
        first = [i for i in order if i in decisions]
        assert order[: len(first)] == first, (meeting_id, order)  # its decisions first
        assert order[len(first) :] == sorted(order[len(first) :]), (meeting_id, order)  # then in turn order
        text = " ".join(p.text for p in parts).casefold()
        assert "to order" not in text and "roll" not in text and "quorum" not in text, text
    may = " ".join(p.text for p in blocks["pool_board_2025-05-05"])
    assert "postpone" in may, may  # its decision, not its call to order
    data = answer.to_dict()["parts"]
    assert {part["meeting"] for part in data} == set(meetings)


def test_what_was_said_of_a_subject_is_answered_from_one_meeting(pool):
    # the pool renovation runs through all three meetings, but the question does not ask across them
    for question in ("What was said about the pool renovation?", "What did they say about the pool's filtration?"):
        answer = pool.ask(question)
        assert answer.scope == "needle" and not answer.abstained, answer.text
        assert len({c.hit.chunk.meeting_id for c in answer.citations}) == 1, answer.text
    assert pool.ask("What was said about the pool renovation over the meetings?").scope == "meetings"


def _board(*said: tuple[str, str]) -> tuple[Minutes, list[Turn]]:
    turns = [Turn(i, who, who, text, text) for i, (who, text) in enumerate(said)]
    meeting = Meeting("board", "Board", None, "", "plain", None, (), (), len(turns), 1, "")
    return Minutes(meeting, None, (), (), (), (), ()), turns


def test_a_count_that_names_no_one_says_so_and_the_minutes_names_are_taken():
    minutes, turns = _board(
        ("Trustee Ann Lee", "I move that we buy the new van."),
        ("Trustee Bo Kim", "Second."),
        ("Chair Cy Diaz", "All in favour? Opposed? The motion carries four to one."),
    )
    votes = votes_in(turns)
    assert votes == [(0, 2)]
    unnamed = vote_answer("Who voted against the van?", minutes, turns, [], votes)
    assert unnamed.abstained and unnamed.text == "1 voted against it in Board, but the transcript does not say who."
    decided = Item("decision", "The motion carries four to one.", 2, "Chair Cy Diaz", 0.9, against=("Trustee Bo Kim",))
    named = vote_answer("Who voted against the van?", replace(minutes, decisions=(decided,)), turns, [], votes)
    assert not named.abstained and named.text.startswith("Voted against: Trustee Bo Kim."), named.text
