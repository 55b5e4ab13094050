"""A follow-up pointing at what was just said ("that", "those", "the first one") is read with the gist of
the last answer, where "it" takes the earlier question's subject; "And the X?" asks the last question of
"the" thing again (answer.question.thread)."""

from __future__ import annotations

from answer.question.thread import Exchange, read_followup
from core.models import Filters

STALE = Exchange(
    "Why does bread go stale?",
    "Samuel Osei: Staling is the starch crystallising again after baking. [1]",
    ("science_podcast_ep7",),
    ("Samuel Osei",),
)
BLOCKERS = Exchange(
    "What is blocking the Lantern 3.0 release?",
    "Sofia Haddad: Two blockers remain: the new plugin API and the migration guide. [1]",
    ("community_call_2024-04-18",),
)


def test_that_and_the_first_one_are_read_with_what_the_last_answer_said():
    called = read_followup("What do chemists call that?", [STALE], Filters()).standalone
    assert "starch crystallising" in called and "bread go stale" in called
    first = read_followup("Is the first one done?", [BLOCKERS], Filters()).standalone
    assert "the new plugin API" in first
    assert "[1]" not in called + first and "Sofia Haddad:" not in first  # no markers, no speaker's label


def test_it_takes_the_subject_and_not_the_answer():
    reading = read_followup("Can it be reversed?", [STALE], Filters())
    assert reading.changed and "bread go stale" in reading.standalone
    assert "starch" not in reading.standalone


def test_and_the_other_thing_asks_the_last_question_of_a_thing_again():
    """ "And the daily rate?" after "What is the weekly parking pass ...?" and a question about it asked of a
    person: the question asked of "the" thing, with the new thing in its place."""
    thread = [
        Exchange("What is the weekly parking pass at Mapleton hospital?", "Thirty dollars a week. [1]"),
        Exchange("Did Peter Vance accept the weekly parking pass at Mapleton hospital?", "He did not. [1]"),
    ]
    assert read_followup("And the daily rate?", thread, Filters()).standalone == "What is the daily rate?"
