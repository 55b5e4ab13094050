"""Who-questions answered by who said it (answer.extractive.who, answer.votes over minutes.ballots): the
real model and a real Chroma directory of a harbour board meeting written for these tests
(tests/data/who_harbour_board_2025-03-04.txt)."""

from __future__ import annotations

import pytest

from answer.extractive.who import acts_in, matching, who_asked
from core.models import Turn
from library import Library
from tests.conftest import DATA

HARBOUR = DATA / "who_harbour_board_2025-03-04.txt"


@pytest.fixture(scope="module")
def harbour(tmp_path_factory, settings_for, embedder):
    library = Library(settings_for(tmp_path_factory.mktemp("who-store")), embedder)
    results = library.ingest([HARBOUR])
    assert {r.status for r in results} == {"added"}, results
    return library


def _cited(answer) -> dict[int, str]:
    """The cited turns: their index and speaker."""
    return {turn.index: turn.speaker for citation in answer.citations for turn in citation.turns}


def test_a_vote_question_names_who_said_i_will_vote_no_and_the_count_names(harbour):
    # the question calls Saltline "the vendor", as the chair does once; the vote's turns never do
    answer = harbour.ask("Who voted against the vendor's price rise?")
    assert not answer.abstained and answer.text.startswith("Voted against: Marta Reyes."), answer.text
    cited = _cited(answer)
    turns = {turn.index: turn for turn in harbour.turns(harbour.meetings()[0].meeting_id)}
    own = [i for i, who in cited.items() if who == "Marta Reyes" and "I will vote no" in turns[i].clean_text]
    count = [i for i in cited if "Councillor Reyes opposed" in turns[i].clean_text]
    assert own and count, answer.text


def test_a_short_form_who_question_is_answered_by_the_speaker_who_commits(harbour):
    answer = harbour.ask("Who will contact the vendor?")
    assert not answer.abstained, answer.text
    assert answer.text.startswith("Marta Reyes: I will tell Saltline this week"), answer.text
    assert list(_cited(answer).values()) == ["Marta Reyes"], answer.text
    other = harbour.ask("Who will contact the harbour master?")  # the same task, of another subject
    assert other.text.startswith("Daniel Okoro: I'll call the harbour master"), other.text


def test_a_title_and_surname_in_the_count_is_the_meetings_speaker(harbour):
    answer = harbour.ask("Who abstained on the boathouse lease?")
    assert not answer.abstained and answer.text.startswith("Abstained: Daniel Okoro."), answer.text
    assert "Councillor Okoro abstaining" in answer.text


def test_a_who_question_no_one_answers_is_refused_naming_no_one(harbour):
    answer = harbour.ask("Who will repaint the boathouse?")
    assert answer.abstained and answer.covers == "not_in_transcripts", answer.text
    speakers = {turn.speaker for turn in harbour.turns(harbour.meetings()[0].meeting_id)}
    assert not any(name.split()[-1] in answer.text for name in speakers), answer.text


def _turns(*said: tuple[str, str]) -> list[Turn]:
    return [Turn(i, who, who, text, text) for i, (who, text) in enumerate(said)]


def test_a_task_taken_on_answers_for_the_task_the_turn_before_names():
    turns = _turns(
        ("Chair Ann Lee", "The chief executive's evaluation is due. We need someone to lead the evaluation."),
        ("Trustee Bo Kim", "I'll take that on. I did it two years ago."),
        ("Trustee Cy Diaz", "I'll bring the budget to the next meeting."),
    )
    found = matching(who_asked("Who will lead the CEO evaluation?"), acts_in(turns), turns)
    assert [turns[act.position].speaker for _, act in found] == ["Trustee Bo Kim"]
    assert matching(who_asked("Who will sign the CEO evaluation?"), acts_in(turns), turns) == []


def test_a_seconder_and_a_mover_are_told_apart():
    turns = _turns(
        ("Member Ann Lee", "I move that we fence the dog park."),
        ("Member Bo Kim", "I'll second that."),
    )
    acts = acts_in(turns)
    moved = matching(who_asked("Who moved to fence the dog park?"), acts, turns)
    seconded = matching(who_asked("Who seconded the dog park motion?"), acts, turns)
    assert [turns[act.position].speaker for _, act in moved] == ["Member Ann Lee"]
    assert [turns[act.position].speaker for _, act in seconded] == ["Member Bo Kim"]
