"""Follow-up questions asked with their thread through the library, as every front end asks them: the
bike-lane thread, a "why?" after a vote, a change of meeting mid-thread, a question that stands alone,
a thread too long, and a "why?" with nothing before it."""

from __future__ import annotations

from functools import partial

import pytest

from answer.ask import AskOptions, ask
from answer.question.thread import MAX_TURNS, Exchange, exchange_from, history_from
from answer.written.client import Endpoint, stream_within
from library import Library
from tests.conftest import ROOT
from tests.llm_server import ScriptedLLM

APRIL = ROOT / "eval" / "suites" / "followup_meetings" / "riverton_council_2024-04-09.txt"
MARCH = "city_council_2024-03-12"


@pytest.fixture(scope="module")
def library(tmp_path_factory, settings_for, embedder):
    """The samples and a second Riverton council meeting, a month after the sample's."""
    library = Library(settings_for(tmp_path_factory.mktemp("thread-followups")), embedder)
    library.ingest([ROOT / "samples", APRIL])
    return library


def asked_in_turn(library: Library, *questions: str):
    """Each question asked with the thread so far (the earlier questions and the answers given)."""
    history: list[Exchange] = []
    answers = []
    for question in questions:
        found = library.ask(question, AskOptions(history=tuple(history)))
        answers.append(found)
        history.append(exchange_from(found))
    return answers


def cited_meetings(found) -> set[str]:
    return {citation.hit.chunk.meeting_id for citation in found.citations}


def test_the_bike_lane_thread_is_answered_from_the_council_meeting(library):
    first, start, library_hours, pilot = asked_in_turn(
        library,
        "What did the council decide about the Harbour Street bike lane?",
        "When does construction start?",
        "And the library hours?",
        "Why only a pilot?",
    )
    assert first.standalone is None and cited_meetings(first) == {MARCH}
    assert start.standalone == "When does construction start (about the Harbour Street bike lane)?"
    assert start.to_dict()["standalone"] == start.standalone and start.question == "When does construction start?"
    assert cited_meetings(start) == {MARCH} and "construction starting the fifteenth of September" in start.text
    # the ellipsis takes the earlier question's frame; the answer is the library's, not the bike lane's
    assert library_hours.standalone == "What did the council decide about the library hours?"
    assert cited_meetings(library_hours) == {MARCH} and "Saturday opening hours" in library_hours.text
    assert pilot.standalone.startswith("Why only a pilot (about the library hours")
    assert cited_meetings(pilot) == {MARCH} and "approve it as a one-year pilot" in pilot.text


def test_why_after_a_vote_question_is_read_as_why_about_that_vote(library):
    vote, why = asked_in_turn(library, "Who voted against the Saturday library hours?", "Why?")
    assert why.standalone.startswith("Why (about the Saturday library hours")
    assert not why.abstained and cited_meetings(why) == {MARCH}  # never the podcast, as "Why?" alone was
    assert "Saturday" in why.text


def test_a_change_of_meeting_mid_thread_moves_the_answer_to_that_meeting(library):
    april, march = asked_in_turn(
        library,
        "What did the council hear about the bike lane tender in April?",
        "What was the cost estimate in March?",
    )
    assert cited_meetings(april) == {"riverton_council_2024-04-09"}
    assert cited_meetings(march) == {MARCH}  # "in March" names the sample's meeting, not the thread's
    assert "one point two million dollars" in march.text


def test_a_follow_up_stays_in_the_meeting_its_thread_was_about(library):
    april, start = asked_in_turn(
        library, "What did the council hear about the bike lane tender in April?", "When does construction start?"
    )
    assert start.standalone == "When does construction start (about the bike lane tender)?"
    assert cited_meetings(start) == {"riverton_council_2024-04-09"}
    assert cited_meetings(library.ask("When does construction start?")) == {MARCH}  # alone, the March meeting


def test_a_question_that_stands_alone_is_left_as_it_is(library):
    council, bread = asked_in_turn(
        library, "What did the council decide about the Harbour Street bike lane?", "Why does bread go stale?"
    )
    alone = library.ask("Why does bread go stale?")
    assert bread.standalone is None and bread.to_dict()["standalone"] == "Why does bread go stale?"
    assert cited_meetings(bread) == cited_meetings(alone) == {"science_podcast_ep7"}  # not the thread's meeting
    assert bread.text == alone.text


def test_why_with_nothing_before_it_asks_what_it_refers_to(library):
    for question in ("Why?", "Why not?", "And the other one?"):
        found = library.ask(question)
        assert found.abstained and not found.citations and found.to_dict()["coverage"] == "not_in_transcripts"
        assert found.text == f"“{question}” refers to something said before; ask it again saying what it is about."
    assert not library.ask("Why does bread go stale?").abstained  # a question of its own is answered


def test_a_thread_too_long_is_read_from_its_last_turns_and_says_so(library):
    filler = Exchange("What is on the agenda?", "Several items.", ("product_sync_2024-05-06",))
    council = exchange_from(library.ask("What did the council decide about the Harbour Street bike lane?"))
    many = (filler,) * 199 + (council,)
    found = library.ask("When does construction start?", AskOptions(history=many))
    assert found.notice.startswith(f"Read against the last {MAX_TURNS} turns of the thread (200 given")
    assert cited_meetings(found) == {MARCH} and "fifteenth of September" in found.text
    huge = (replace_answer(council, "Harbour Street. " * 7_000),)  # 100,000 characters in one answer
    found = library.ask("When does construction start?", AskOptions(history=huge))
    assert "characters are read" in found.notice and cited_meetings(found) == {MARCH}


def replace_answer(exchange: Exchange, answer: str) -> Exchange:
    return Exchange(exchange.question, answer, exchange.meetings, exchange.speakers)


def test_the_question_is_answered_as_the_model_rewrote_it_once_checked(library):
    server = ScriptedLLM()
    try:
        rewriter = partial(stream_within, Endpoint(server.url, "scripted", None), timeout=5)
        thread = (exchange_from(library.ask("What did the council decide about the Harbour Street bike lane?")),)
        options = AskOptions(history=thread)
        server.say("When does construction of the Harbour Street bike lane start?")
        found = ask(library.retriever, "When does construction start?", options, library.turns, rewriter=rewriter)
        assert found.standalone == "When does construction of the Harbour Street bike lane start?"
        assert "fifteenth of September" in found.text and cited_meetings(found) == {MARCH}
        server.say("When does construction of the Harbour Street tram start?")  # "tram": from nowhere
        found = ask(library.retriever, "When does construction start?", options, library.turns, rewriter=rewriter)
        assert found.standalone == "When does construction start (about the Harbour Street bike lane)?"
    finally:
        server.close()


def test_an_answer_sent_back_as_json_carries_its_meeting_into_the_follow_up(library):
    april = library.ask("What did the council hear about the bike lane tender in April?").to_dict()
    (exchange,) = history_from([april])
    assert exchange.meetings == ("riverton_council_2024-04-09",) and exchange.speakers
    found = library.ask("When does construction start?", AskOptions(history=history_from([april])))
    assert cited_meetings(found) == {"riverton_council_2024-04-09"}
    bare = library.ask(
        "When does construction start?", AskOptions(history=history_from([{"question": april["question"]}]))
    )
    assert bare.standalone == "When does construction start (about the bike lane tender)?"  # read, with no meeting
