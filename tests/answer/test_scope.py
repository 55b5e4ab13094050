"""The scope of a question and the meeting its words name: pure functions, no model."""

from __future__ import annotations

from datetime import date

import pytest

from answer.question.meetings import is_particular, resolve
from answer.question.scope import length_asked, scope_of
from core.errors import QueryError
from core.models import Meeting


@pytest.mark.parametrize(
    ("question", "kind", "aspect"),
    [
        ("Summarize the city council meeting", "meeting", "summary"),
        ("Give me a quick recap of yesterday's call", "meeting", "summary"),
        ("What was the session about?", "meeting", "summary"),
        ("What decisions were made at the city council meeting?", "meeting", "decisions"),
        ("Did the committee vote on anything at its hearing?", "meeting", "decisions"),
        ("What are the next steps from the product sync?", "meeting", "actions"),
        ("Who is responsible for what after the stand-up?", "meeting", "actions"),
        ("Which questions are still open after the review?", "meeting", "open_questions"),
        ("Who attended the board meeting?", "meeting", "participants"),
        ("When does the bike lane construction start?", "needle", "subject"),
        # one fact about a meeting named in the question is found in that meeting, not its summary
        ("When is the council's next regular session?", "needle", "subject"),
        ("How long did the March board meeting run?", "needle", "subject"),
        ("Where will the next school board meeting be held?", "needle", "subject"),
        ("What happens if the enforcement vote fails?", "needle", "subject"),
        ("What did the council decide about the bike lane?", "needle", "subject"),
        ("Summarize the discussion about the remote's battery", "needle", "discussion"),
        ("How did the cafeteria contract decision unfold?", "meetings", "subject"),
        ("How has the budget debate changed over time?", "meetings", "subject"),
        ("What was said about parking across the council meetings?", "meetings", "subject"),
        ("Which motions failed in any of the meetings?", "meetings", "decisions"),
        # a timeline only when the question asks across meetings, in so many words
        ("What happened with the author series over the meetings?", "meetings", "subject"),
        ("How did the budget amendment change between meetings?", "meetings", "subject"),
        ("What was said about parking during the last three meetings?", "meetings", "subject"),
        ("What has the board said about the library hours so far?", "meetings", "subject"),
        ("What did they say about the remote control's buttons?", "needle", "subject"),
        ("Summarize the discussion about scheduling meetings going forward", "needle", "discussion"),
        ("What did the group talk about as their reflection on the meetings?", "needle", "discussion"),
    ],
)
def test_the_scope_of_questions_in_varied_words(question, kind, aspect):
    scope = scope_of(question)
    assert (scope.kind, scope.aspect) == (kind, aspect), scope


def test_a_speakers_main_points_need_the_speaker_named():
    scope = scope_of("What did Maggie Dennis say in the office hours?", ["Maggie Dennis"])
    assert (scope.kind, scope.aspect, scope.speaker) == ("meeting", "speaker_points", "Maggie Dennis")
    assert scope_of("What did Maggie Dennis say about the charter?", ["Maggie Dennis"]).kind == "needle"


def test_the_length_asked_for():
    assert length_asked("Summarize the meeting in one sentence") < length_asked("Briefly, what happened?")
    assert (
        length_asked("Briefly, what happened?")
        < length_asked("Summarize the meeting")
        < length_asked("Describe the meeting in detail")
    )
    assert length_asked("Summarize it in 50 words") == 50


def _meeting(meeting_id: str, title: str, when: date | None) -> Meeting:
    return Meeting(meeting_id, title, when, "", "plain", None, (), (), 10, 2, "")


MEETINGS = [
    _meeting("city_council_2024-03-12", "City Council regular session", date(2024, 3, 12)),
    _meeting("product_sync_2024-05-06", "Mobile app weekly product sync", date(2024, 5, 6)),
    _meeting("board_2024-02-13", "School Board meeting", date(2024, 2, 13)),
    _meeting("board_2024-03-19", "School Board meeting", date(2024, 3, 19)),
]


@pytest.mark.parametrize(
    ("phrase", "meeting_id"),
    [
        ("the city council meeting", "city_council_2024-03-12"),
        ("last Tuesday's council session", "city_council_2024-03-12"),  # 12 March 2024 was a Tuesday
        ("the product sync", "product_sync_2024-05-06"),
        ("the February school board meeting", "board_2024-02-13"),
        ("the last school board meeting", "board_2024-03-19"),
        ("the board meeting on the 19th", "board_2024-03-19"),
    ],
)
def test_a_meeting_named_in_words_is_resolved(phrase, meeting_id):
    assert [m.meeting_id for m in resolve(phrase, MEETINGS)] == [meeting_id]


def test_a_phrase_naming_none_or_several_meetings_is_a_message_with_the_closest():
    with pytest.raises(QueryError, match=r"2 meetings match 'the school board meeting': board_2024-02-13"):
        resolve("the school board meeting", MEETINGS)
    with pytest.raises(QueryError, match=r"no meeting matches 'the zoning hearing'; closest: .*onrecord list"):
        resolve("the zoning hearing", MEETINGS)
    assert not is_particular("the meeting") and is_particular("the product sync")
