"""Questions about a whole meeting and across meetings, and the minutes they are answered from: the
real model and a real Chroma directory of the samples; minutes of a QMSum val meeting from its file."""

from __future__ import annotations

import pytest

from answer.ask import AskOptions
from core.errors import QueryError
from core.models import Filters, Meeting, Turn
from ingest.chapters import chapters
from ingest.labels import topic_terms
from ingest.parsing import parse_file
from minutes.ballots import vote_of
from minutes.build import build_minutes
from minutes.items import owner_of
from tests.conftest import QMSUM

COUNCIL = "city_council_2024-03-12"


def test_a_summary_of_the_council_meeting_holds_both_decisions(samples_library):
    answer = samples_library.ask("Summarize the city council meeting")
    assert answer.scope == "meeting" and [m.meeting_id for m in answer.meetings] == [COUNCIL]
    assert "read as" in (answer.resolved or "") and COUNCIL in answer.resolved
    text = answer.text.casefold()
    assert "bike lane" in text and "september" in text  # approved five to nothing, with a September start
    assert "pilot" in text  # the library's Saturday hours, as a one-year pilot
    assert all(citation.turns and citation.hit.chunk.meeting_id == COUNCIL for citation in answer.citations)
    assert 60 <= len(answer.text.split()) <= 200


def test_the_council_decisions_list_both_with_the_vote(samples_library):
    answer = samples_library.ask("What decisions were made at the city council meeting?")
    assert answer.scope == "meeting" and not answer.abstained
    assert "(vote: 5–0)" in answer.text and "(vote: 4–1)" in answer.text
    assert "bike lane" in answer.text and "pilot is approved" in answer.text
    assert "All in favour?" not in answer.text  # a call for the vote is not the decision
    minutes = samples_library.minutes(COUNCIL)
    assert [d.vote for d in minutes.decisions] == ["5–0", "4–1"]
    assert {d.speaker for d in minutes.decisions} == {"Mayor Lena Ortiz"}


def test_a_meeting_named_in_words_scopes_the_answer(samples_library):
    answer = samples_library.ask("Who took part in the product sync?")
    assert answer.scope == "meeting" and [m.meeting_id for m in answer.meetings] == ["product_sync_2024-05-06"]
    assert "4 people spoke" in answer.text and "Priya Shah" in answer.text
    assert {c.hit.chunk.meeting_id for c in answer.citations} == {"product_sync_2024-05-06"}


def test_a_question_over_a_set_of_meetings_cites_only_those(samples_library):
    chosen = (COUNCIL, "product_sync_2024-05-06")
    answer = samples_library.ask("What was decided?", AskOptions(filters=Filters(meetings=chosen)))
    assert answer.scope == "meetings" and {m.meeting_id for m in answer.meetings} == set(chosen)
    assert {c.hit.chunk.meeting_id for c in answer.citations} <= set(chosen)
    assert answer.text.index("Riverton City Council") < answer.text.index("product sync")  # in date order


def test_a_speaker_filter_keeps_the_meetings_where_they_speak(samples_library):
    # the mayor speaks only at the council meeting: its minutes, not every meeting's
    answer = samples_library.ask("What was decided?", AskOptions(filters=Filters(speaker="Mayor Lena Ortiz")))
    assert answer.scope == "meeting" and [m.meeting_id for m in answer.meetings] == [COUNCIL]
    assert {c.hit.chunk.meeting_id for c in answer.citations} == {COUNCIL}


def test_a_subject_across_meetings_is_a_timeline_of_the_meetings_that_discuss_it(samples_library):
    answer = samples_library.ask("How did the bike lane plans evolve across meetings?")
    assert answer.scope == "meetings" and not answer.abstained
    assert {c.hit.chunk.meeting_id for c in answer.citations} == {COUNCIL}


def test_a_meeting_phrase_matching_none_is_a_message_naming_the_closest(samples_library):
    with pytest.raises(QueryError, match=r"no meeting matches 'the zoning hearing'; closest: "):
        samples_library.ask("Summarize the zoning hearing")
    assert samples_library.ask("When does the bike lane construction start?").scope == "needle"  # still answers


def test_none_found_is_said_never_padded(samples_library):
    answer = samples_library.ask("What decisions were made in the science podcast episode?")
    assert answer.scope == "meeting" and not answer.citations
    assert "No decisions were found in " in answer.text


def test_minutes_of_a_qmsum_val_meeting():
    transcript = parse_file(QMSUM / "val" / "Bed002.json")
    turns = list(transcript.turns)
    meeting = Meeting("Bed002", "Bed002", None, "", "qmsum", None, (), (), len(turns), 0, "")
    minutes = build_minutes(meeting, turns, chapters(turns))
    assert minutes.overview and minutes.overview.startswith("The meeting covered ")
    assert 40 <= sum(len(line.text.split()) for line in minutes.summary) <= 140
    assert [line.turn for line in minutes.summary] == sorted(line.turn for line in minutes.summary)
    quoted = [set(topic_terms(line.text)) <= set(topic_terms(turns[line.turn].clean_text)) for line in minutes.summary]
    assert all(quoted) and not any(line.text.rstrip().endswith("?") for line in minutes.summary)
    assert abs(sum(share for _, share in minutes.speakers) - 1) < 1e-6 and not minutes.notes
    data = minutes.to_dict()
    assert set(data) >= {"summary", "decisions", "action_items", "chapters", "speakers"}


def _turns(*said: tuple[str, str]) -> list[Turn]:
    return [Turn(i, speaker, speaker, text, text) for i, (speaker, text) in enumerate(said)]


def test_a_meeting_of_two_turns_has_no_summary_and_invents_no_items():
    turns = _turns(("Ann", "Hello everyone, thanks for coming."), ("Bob", "Thanks, see you next week."))
    meeting = Meeting("short", "Short", None, "", "plain", None, (), (), 2, 1, "")
    minutes = build_minutes(meeting, turns, chapters(turns))
    assert minutes.notes == ("this meeting has only 2 turns: too short for a summary",)
    assert not minutes.summary and not minutes.decisions and not minutes.actions and minutes.overview is None


def test_a_meeting_of_two_turns_keeps_what_it_decided():
    turns = _turns(
        ("Ann", "All in favour of the new fence? The motion carries."), ("Bob", "I'll call the fencer by Friday.")
    )
    meeting = Meeting("short", "Short", None, "", "plain", None, (), (), 2, 1, "")
    minutes = build_minutes(meeting, turns, chapters(turns))
    assert [d.text for d in minutes.decisions] == ["The motion carries."]
    assert [(a.owner, a.due) for a in minutes.actions] == [("Bob", "by Friday")] and not minutes.summary


def test_a_transcript_in_another_language_gets_a_summary_and_a_note_on_the_detectors():
    said = [
        ("Ana", "Buenas tardes a todos, empezamos la reunión del consejo vecinal con el presupuesto del parque."),
        ("Luis", "El presupuesto del parque sube a cuarenta mil euros este año por las obras del estanque."),
        ("Ana", "Votamos la propuesta del estanque y queda aprobada por cinco votos contra dos."),
        ("Marta", "Yo enviaré el informe del estanque a los vecinos antes del viernes próximo."),
    ]
    turns = _turns(*said)
    meeting = Meeting("es", "Consejo", None, "", "plain", None, (), (), 4, 1, "")
    minutes = build_minutes(meeting, turns, chapters(turns))
    assert minutes.summary and not minutes.decisions and not minutes.actions
    assert any("English only" in note for note in minutes.notes)


def test_the_vote_and_the_owner_as_said():
    assert vote_of("That is five in favour, none against. The motion carries unanimously.") == "5–0"
    assert vote_of("The motion is defeated, two to three.") == "2–3"
    assert vote_of("That's unanimous.") == "unanimous" and vote_of("We talked it over.") is None
    tom, ann = Turn(0, "Tom", "Tom", "", ""), Turn(1, "Ann", "Ann", "Sure.", "Sure.")
    speakers = ["Tom", "Ann", "Priya Shah"]
    assert owner_of("I will send the cost estimate by February twenty-fourth.", tom, ann, speakers) == "Tom"
    assert owner_of("Priya will update the roadmap.", tom, ann, speakers) == "Priya Shah"
    assert owner_of("Can you book the room for Friday?", tom, ann, speakers) == "Ann"  # asked, and accepted
    assert owner_of("Let's revisit this next week.", tom, ann, speakers) == "the team"


def test_a_decision_names_its_motion_and_who_moved_it():
    from minutes.items import detect

    turns = _turns(
        ("Chair Ann Lee", "The next item is the library budget for the coming year."),
        ("Priya Shah", "I move that we adopt the library budget as presented by staff."),
        ("Tom Berg", "Second."),
        ("Chair Ann Lee", "All in favour? Opposed? The motion carries four to one."),
    )
    decisions, _ = detect(turns)
    (decision,) = decisions
    assert (decision.turn, decision.speaker, decision.vote) == (3, "Chair Ann Lee", "4–1")
    assert decision.moved_by == "Priya Shah" and decision.motion_turn == 1
    assert decision.motion == "I move that we adopt the library budget as presented by staff."
