"""Decisions said only as a chair's result, first-person commitments as action items, who voted
against a decision, and the minutes of a two-turn meeting: transcripts of our own under tests/data
(a parks board, a two-turn residents' vote), the fitted detectors as shipped, the real model and
a real Chroma directory for the question asked of a library."""

from __future__ import annotations

import pytest

from core.models import Meeting, Turn
from ingest.chapters import chapters
from ingest.parsing import parse_file
from minutes.ballots import ballots
from minutes.build import build_minutes
from minutes.items import detect
from tests.conftest import DATA

PARKS = DATA / "minutes_votes_parks_board.txt"
TWO_TURNS = DATA / "minutes_two_turn_meeting.txt"


def _turns(*said: tuple[str, str]) -> list[Turn]:
    return [Turn(i, speaker, speaker, text, text) for i, (speaker, text) in enumerate(said)]


def _parks() -> list[Turn]:
    return list(parse_file(PARKS).turns)


def _vote_on(result: str) -> list[Turn]:
    """A motion moved, seconded and voted on, the chair's result said as `result`."""
    return _turns(
        (
            "Chair Ann Lee",
            "The next item is the new playground equipment for Riverside Park, at forty thousand dollars.",
        ),
        ("Tom Berg", "I move that we buy the playground equipment from the reserve fund."),
        ("Priya Shah", "Second."),
        ("Chair Ann Lee", result),
        ("Tom Berg", "The next item is the budget for the summer concerts in the park, which staff will present."),
    )


@pytest.mark.parametrize(
    "result",
    [
        "All in favour? Unanimous. Carried.",
        "Carried.",
        "Motion carried unanimously.",
        "All in favour? That passes.",
        "All in favour? Opposed? None. It's carried.",
        "The ayes have it.",
        "Those in favour? Against? Motion fails.",
        "All in favour? Opposed? Defeated.",
        "The noes have it, two to three.",
    ],
)
def test_a_chair_result_without_the_motion_carries_is_a_decision(result):
    decisions, _ = detect(_vote_on(result))
    assert [(d.turn, d.moved_by) for d in decisions] == [(3, "Tom Berg")]
    assert "?" not in decisions[0].text  # the call for the vote is not the decision


@pytest.mark.parametrize(
    "said",
    ["All in favour, say aye.", "The parks budget carried over from last year, and it passed review in March."],
)
def test_a_call_to_vote_or_a_report_is_no_decision(said):
    decisions, _ = detect(_vote_on(said))
    assert decisions == []


def test_the_parks_board_decisions_with_their_results_as_said():
    decisions, _ = detect(_parks())
    assert [(d.turn, d.text) for d in decisions] == [
        (3, "Unanimous. Carried."),
        (13, "Carried, five to one, Commissioner Okafor opposed."),
        (19, "The ayes have it."),
        (21, "Defeated."),
    ]
    assert [d.vote for d in decisions] == ["unanimous", "5–1", None, None]


def test_first_person_commitments_are_action_items_of_the_speaker_with_their_due_date():
    _, actions = detect(_parks())
    assert [(a.turn, a.owner, a.due) for a in actions] == [
        (14, "Commissioner Dana Okafor", "for next month's packet"),
        (20, "Commissioner Grace Whitlock", "before our next meeting"),
        (22, "Commissioner Victor Osei", "by Friday"),
    ]
    assert actions[0].task == "pull together the maintenance invoices for next month's packet"


def test_taking_on_a_task_and_we_will_with_a_named_owner():
    turns = _turns(
        ("Chair Ann Lee", "The contractor still has not sent the revised drawings for the pavilion roof."),
        ("Chair Ann Lee", "Someone needs to call the contractor about the roof before the next meeting."),
        ("Dana Okafor", "I can take that."),
        ("Tom Berg", "We will have the pavilion drawings in the packet, Priya and I, by the end of next week."),
        ("Chair Ann Lee", "The next item is the budget for the summer concerts in the park, which staff will present."),
    )
    _, actions = detect(turns)
    owners = {a.turn: a.owner for a in actions}
    assert owners[2] == "Dana Okafor" and owners[3] == "Tom Berg"  # "Priya and I": the speaker among them
    assert owners.get(1, "Dana Okafor") == "Dana Okafor"  # the open request is whoever takes it on
    assert next(a.due for a in actions if a.turn == 3) == "by the end of next week"


def test_a_decision_names_who_voted_against_from_the_vote_call():
    decisions, _ = detect(_parks())
    pool = next(d for d in decisions if d.turn == 13)
    assert pool.against == ("Commissioner Dana Okafor",)  # "I will vote no", "All opposed? — No.", the count
    assert pool.in_favour == ("Commissioner Victor Osei", "Commissioner Grace Whitlock")
    data = pool.to_dict()
    assert data["against"] == ["Commissioner Dana Okafor"] and data["abstained"] == [] and data["vote"] == "5–1"
    assert {"kind", "text", "turn", "speaker", "vote", "moved_by", "motion", "motion_turn"} <= set(data)
    assert pool.dissent() == "Commissioner Dana Okafor against"
    minutes = next(d for d in decisions if d.turn == 3)
    assert minutes.against == minutes.in_favour == minutes.abstained == () and minutes.dissent() is None


def test_a_roll_call_in_one_turn_names_each_vote():
    fence = next(d for d in detect(_parks())[0] if d.turn == 19)
    assert fence.against == ("Commissioner Dana Okafor",) and fence.abstained == ("Brandt",)  # Brandt is no speaker
    assert fence.in_favour == ("Commissioner Victor Osei", "Commissioner Grace Whitlock", "Chair Alma Reyes")
    assert fence.dissent() == "Commissioner Dana Okafor against; Brandt abstained"


def test_a_roll_call_across_turns_and_members_saying_how_they_vote():
    turns = _turns(
        ("Chair Ann Lee", "I move that the library open on Sundays. Clerk, please call the roll."),
        ("Clerk Joe Park", "Trustee Shah?"),
        ("Trustee Priya Shah", "Aye."),
        ("Clerk Joe Park", "Trustee Berg?"),
        ("Trustee Tom Berg", "No. It costs too much."),
        ("Clerk Joe Park", "Trustee Kim?"),
        ("Trustee Mina Kim", "I abstain."),
        ("Chair Ann Lee", "I vote yes as well. The motion carries, two to one."),
    )
    assert ballots(turns, 7) == (("Trustee Priya Shah", "Chair Ann Lee"), ("Trustee Tom Berg",), ("Trustee Mina Kim",))


def test_the_decision_quote_keeps_the_vote_call_that_names_the_dissenters():
    turns = _turns(
        ("Councillor Raj Patel", "I move that we award the concession to Lakeside Snacks for three seasons."),
        ("Councillor Amina Yusuf", "Second."),
        (
            "Mayor Lena Ortiz",
            "Those in favour? Patel, Yusuf and myself. Against? Councillor Kowalski. The motion carries three to one.",
        ),
    )
    (decision,) = detect(turns)[0]
    assert decision.text == (
        "Those in favour? Patel, Yusuf and myself. Against? Councillor Kowalski. The motion carries three to one."
    )
    assert decision.against == ("Councillor Kowalski",)  # not a speaker here: as said
    assert decision.in_favour == ("Councillor Raj Patel", "Councillor Amina Yusuf", "Mayor Lena Ortiz")


def test_a_two_turn_meeting_has_its_decision_and_action_item_but_no_summary():
    turns = list(parse_file(TWO_TURNS).turns)
    meeting = Meeting("orchard", "Orchard Lane", None, "", "plain", None, (), (), 2, 1, "")
    minutes = build_minutes(meeting, turns, chapters(turns))
    assert [(d.turn, d.text) for d in minutes.decisions] == [(0, "The motion carries.")]
    assert [(a.turn, a.owner, a.due) for a in minutes.actions] == [(1, "Treasurer Ivan Petrov", "by Friday")]
    assert minutes.notes == ("this meeting has only 2 turns: too short for a summary",)
    assert not minutes.summary and minutes.overview is None


def test_what_a_two_turn_meeting_decided_is_answered_from_its_turn(tmp_path, settings_for, embedder):
    from library import Library

    library = Library(settings_for(tmp_path / "store"), embedder)
    assert [r.status for r in library.ingest([TWO_TURNS])] == ["added"]
    answer = library.ask("What did the Orchard Lane residents meeting decide?")
    assert answer.scope == "meeting" and not answer.abstained
    assert "The motion carries." in answer.text and "None found" not in answer.text
    assert [citation.turns for citation in answer.citations][:1] and answer.citations[0].hit.chunk.turn_start == 0
