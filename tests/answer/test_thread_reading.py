"""How a follow-up is read against its thread (answer.question.thread), without a model: the history's
rows and their bad forms, the limits on what is read, the meeting carried or changed, a question left as
it is, and a language model's rewrite checked against the thread (a real local OpenAI-style server)."""

from __future__ import annotations

from datetime import date
from functools import partial

import pytest

from answer.question.thread import (
    MAX_CHARS,
    MAX_TURNS,
    Exchange,
    checked_rewrite,
    history_from,
    kept_turns,
    read_followup,
)
from answer.written.client import Endpoint, stream_within
from core.errors import QueryError
from core.models import Filters, Meeting
from tests.llm_server import Script, ScriptedLLM


def meeting(meeting_id: str, title: str, when: date, *speakers: str) -> Meeting:
    return Meeting(meeting_id, title, when, f"{meeting_id}.txt", "plain", None, speakers, (), 10, 3, "hash")


MARCH = meeting("city_council_2024-03-12", "Riverton City Council, regular session, 12 March 2024", date(2024, 3, 12))
APRIL = meeting(
    "riverton_council_2024-04-09", "Riverton City Council, regular session", date(2024, 4, 9), "Councillor Raj Patel"
)
PODCAST = meeting("science_podcast_ep7", "Science podcast ep7", date(2024, 1, 5), "Hannah Cole", "Samuel Osei")
SYNC = meeting(
    "product_sync_2024-05-06", "Mobile app weekly product sync", date(2024, 5, 6), "Grace Liu", "Marco Bianchi"
)
NAMES = (MARCH, APRIL, PODCAST, SYNC)
BIKE_LANE = Exchange(
    "What did the council decide about the Harbour Street bike lane?",
    "Mayor Lena Ortiz: Then the motion is to approve the Harbour Street protected bike lane. [1]",
    (MARCH.meeting_id,),
    ("Mayor Lena Ortiz",),
)
SAID = {
    MARCH.meeting_id: {"construct", "start", "harbour", "street", "cost", "estim"},
    APRIL.meeting_id: {"cost", "estim", "tender"},
    PODCAST.meeting_id: {"bread", "stale"},
}


def said(term: str, meeting_id: str) -> bool:
    return term in SAID.get(meeting_id, set())


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ("What was decided?", "history must be a list of earlier turns, not str"),
        ({"question": "What?"}, "history must be a list of earlier turns, not dict"),
        ([{"answer": "Approved."}], "history turn 1 has no question"),
        ([{"question": "Ok?"}, "not a turn"], "history turn 2 has no question"),
        ([{"question": "  "}], "history turn 1 has no question"),
        ([{"question": "Ok?", "answer": 3}], "history turn 1's answer is int"),
        ([{"question": "Ok?", "meetings": {"a": 1}}], "history turn 1's meetings must be a list of names"),
    ],
)
def test_a_history_that_is_not_a_list_of_turns_is_one_line_naming_the_fix(rows, message):
    with pytest.raises(QueryError) as raised:
        history_from(rows)
    assert str(raised.value).startswith(message) and "\n" not in str(raised.value)


def test_history_rows_become_exchanges_read_as_asked_or_as_read():
    rows = [
        {"question": "What did the council decide?", "answer": "Approved.", "meetings": [MARCH.meeting_id]},
        {"question": "Why?", "standalone": "Why did the council approve it?", "speakers": "Mayor Lena Ortiz"},
    ]
    first, second = history_from(rows)
    assert first == Exchange("What did the council decide?", "Approved.", (MARCH.meeting_id,))
    assert second == Exchange("Why did the council approve it?", "", (), ("Mayor Lena Ortiz",))
    assert history_from(None) == () and history_from([first]) == (first,)


def test_the_last_turns_within_the_limits_are_read_and_the_notice_says_which():
    turns = tuple(Exchange(f"Question {n}?", "An answer.") for n in range(200))
    kept, notice = kept_turns(turns)
    assert kept == turns[-MAX_TURNS:]
    assert notice == (
        f"Read against the last {MAX_TURNS} turns of the thread (200 given; at most {MAX_TURNS} turns and "
        f"{MAX_CHARS:,} characters are read)."
    )
    huge = (Exchange("First?", "x" * 50_000), Exchange("Second?", "y" * 50_000))
    kept, notice = kept_turns(huge)
    assert [e.question for e in kept] == ["Second?"] and len(kept[0].answer) + len("Second?") == MAX_CHARS
    assert notice.startswith("Read against the last 1 turn of the thread (2 given")
    assert kept_turns(turns[:3]) == (turns[:3], None)


def test_a_follow_up_takes_its_subject_and_meeting_from_the_thread():
    reading = read_followup("When does construction start?", [BIKE_LANE], Filters(), NAMES, said)
    assert reading.standalone == "When does construction start (about the Harbour Street bike lane)?"
    assert reading.filters == Filters(meetings=(MARCH.meeting_id,)) and reading.changed and not reading.unresolved
    pronoun = read_followup("How many parking spaces does it remove?", [BIKE_LANE], Filters(), NAMES, said)
    assert pronoun.standalone == "How many parking spaces does the Harbour Street bike lane remove?"
    other = read_followup("And the library hours?", [BIKE_LANE], Filters(), NAMES, said)
    assert other.standalone == "What did the council decide about the library hours?"
    person = read_followup("What else did she say?", [BIKE_LANE], Filters(), NAMES, said)
    assert person.standalone.startswith("What else did Lena Ortiz say")


def test_words_naming_another_meeting_move_the_follow_up_there():
    april = Exchange("What did the council hear about the bike lane tender?", "Staff put it out.", (APRIL.meeting_id,))
    reading = read_followup("What was the cost estimate in March?", [april], Filters(), NAMES, said)
    assert reading.filters.meetings == (MARCH.meeting_id,)
    same = read_followup("What was the cost estimate?", [april], Filters(), NAMES, said)
    assert same.filters.meetings == (APRIL.meeting_id,)
    chosen = Filters(meetings=(SYNC.meeting_id,))  # the user's own scope is never replaced
    assert read_followup("What was the cost estimate in March?", [april], chosen, NAMES, said).filters == chosen


def test_a_question_that_stands_alone_is_unchanged_and_not_narrowed_to_the_thread():
    reading = read_followup("Why does bread go stale?", [BIKE_LANE], Filters(), NAMES, said)
    assert reading.standalone == "Why does bread go stale?" and not reading.changed
    assert reading.filters == Filters()  # its words are not said in the council meeting
    named = read_followup("And in the Lantern call, when is version 3.0 coming?", [BIKE_LANE], Filters(), NAMES, said)
    assert named.standalone == "And in the Lantern call, when is version 3.0 coming?" and not named.changed


def test_a_follow_up_with_nothing_to_refer_to_is_unresolved():
    assert read_followup("Why?", [], Filters(), NAMES).unresolved
    assert read_followup("And the other one?", (), Filters(), NAMES).unresolved
    assert not read_followup("Why does bread go stale?", [], Filters(), NAMES).unresolved
    assert not read_followup("Why?", [BIKE_LANE], Filters(), NAMES).unresolved
    assert read_followup("How much?", [], Filters(), NAMES).unresolved
    for whole in ("Who was there?", "Who won?", "What happened?"):  # about a whole meeting, not back in a thread
        assert not read_followup(whole, [], Filters(), NAMES).unresolved


def rewriter_of(server: ScriptedLLM):
    return partial(stream_within, Endpoint(server.url, "scripted", None), timeout=5)


def test_a_model_rewrite_that_keeps_the_words_and_adds_only_the_thread_is_used(server):
    good = "When does construction of the Harbour Street bike lane start?"
    server.say(good)
    reading = read_followup("When does construction start?", [BIKE_LANE], Filters(), NAMES, said, rewriter_of(server))
    assert reading.standalone == good and reading.filters.meetings == (MARCH.meeting_id,)
    prompt = server.requests[-1]["messages"]
    assert (
        BIKE_LANE.question in prompt[1]["content"]
        and "Last question: When does construction start?" in (prompt[1]["content"])
    )


@pytest.mark.parametrize(
    "rewrite",
    [
        "When does construction of the Harbour Street tram start?",  # "tram": a word from nowhere
        "When does the Harbour Street bike lane open?",  # the follow-up's own "construction" and "start" lost
        "",
    ],
)
def test_a_model_rewrite_adding_a_word_from_nowhere_is_refused_for_the_resolver(server, rewrite):
    resolver = read_followup("When does construction start?", [BIKE_LANE], Filters(), NAMES, said)
    server.say(Script(rewrite) if rewrite else Script(status=500))
    reading = read_followup("When does construction start?", [BIKE_LANE], Filters(), NAMES, said, rewriter_of(server))
    assert reading == resolver
    assert checked_rewrite(rewrite, "When does construction start?", [BIKE_LANE]) is None


def test_an_overlong_follow_up_is_measured_as_typed(samples_library):
    """The limit on a question's length is said of the question typed, not of its reading."""
    from answer.ask import AskOptions
    from answer.question.thread import Exchange
    from core.errors import QueryError

    typed = "And what about " + "the parking " * 250 + "?"
    thread = (Exchange("What did the council decide about the Harbour Street bike lane?"),)
    with pytest.raises(QueryError) as refused:
        samples_library.ask(typed, AskOptions(history=thread))
    assert f"{len(' '.join(typed.split())):,} characters long" in str(refused.value)
