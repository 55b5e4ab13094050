"""A meeting-level answer is written in sentences: a note of the minutes is a sentence of its own,
never glued to the next ("… too short for minutes None found in …"), and nothing found is said in a
sentence ("No decisions were found in …")."""

from __future__ import annotations

from answer.overview import as_sentence, meeting_answer
from answer.question.scope import scope_of
from core.minutes import Minutes
from core.models import Meeting, Turn
from ingest.chapters import chapters
from minutes.build import build_minutes

SHORT = Meeting("board_short", "Board, short session", None, "", "plain", None, (), (), 2, 1, "")


def _own_parts(answer) -> list[str]:
    return [part.text for part in answer.parts if part.n is None]


def test_what_a_two_turn_meeting_decided_is_said_in_sentences():
    said = [("Chair Ada Park", "We are here for the paving contract. All in favour?"), ("Clerk", "The motion carries.")]
    turns = [Turn(i, who, who, text, text) for i, (who, text) in enumerate(said)]
    minutes = build_minutes(SHORT, turns, chapters(turns))
    question = "What did it decide?"
    answer = meeting_answer(question, scope_of(question), minutes, [], turns)
    assert "None found" not in answer.text and "minutes None" not in answer.text
    for text in _own_parts(answer):  # each of our own pieces is a sentence: capitalized, ended
        assert text[0].isupper() and text.rstrip()[-1] in ".!?", answer.text
    if not minutes.decisions:
        assert "No decisions were found in Board, short session: " in answer.text, answer.text


def test_a_note_and_nothing_found_are_two_sentences():
    note = "this meeting has only 2 turns: too short for minutes"
    minutes = Minutes(SHORT, None, (), (), (), (), (), (note,))
    question = "What are the action items?"
    answer = meeting_answer(question, scope_of(question), minutes, [], [])
    assert answer.text == (
        "This meeting has only 2 turns: too short for minutes. "
        "No action items were found in Board, short session: no one commits to or is given a task."
    )
    assert as_sentence("done already.") == "Done already." and as_sentence("") == ""
