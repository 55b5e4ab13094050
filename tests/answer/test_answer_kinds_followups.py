"""Kinds of question answered right, found on the follow-up suite's tuning part: a "how many" answered by
the sentence that counts the thing asked for even when its subject is a pronoun ("forty-one support
tickets about it"), a question answered by a sentence that tells rather than one that asks, and what was
decided by a decision's words."""

from __future__ import annotations

import pytest

from answer.extractive.compose import Scored, _first_where, _with_followers
from answer.extractive.factoids import answering, counted, follower, gives
from answer.extractive.sentences import asks, asks_decision, candidates, decides
from tests.answer import test_factoids
from tests.answer.test_factoids import _hit

similarity_to = test_factoids.similarity_to  # the model's similarity to a question (a fixture)


@pytest.mark.parametrize(
    ("question", "terms"),
    [
        ("How many support tickets did the Android crash cause?", {"support", "ticket"}),
        ("How many births did the unit have last year?", {"birth"}),
        ("How many tickets did it cause (about the Android crash)?", {"ticket"}),
        ("What did the crash cause?", set()),
    ],
)
def test_what_a_how_many_question_counts(question, terms):
    assert counted(question) == terms


def test_the_sentence_counting_what_is_asked_answers_though_it_says_it(similarity_to):
    """ "We had forty-one support tickets about it" is far from the question in the model's eyes (its
    subject is "it"), yet it counts the tickets asked for; a number counting something else does not."""
    question = "How many support tickets did the Android crash cause?"
    found = candidates(
        [
            _hit("Marco: The fix is to pin the picker to the previous version for old devices.", ("Marco",), 1),
            _hit(
                "Grace: We had forty-one support tickets about it this week, so the sooner the better.", ("Grace",), 2
            ),
        ]
    )
    tickets = next(i for i, sentence in enumerate(found) if "forty-one" in sentence.text)
    assert similarity_to(question).similarity([found[tickets].text])[0] < 0.55  # the model alone leaves it out
    assert answering(question, found, similarity_to(question)) == [tickets]
    births = "How many births did the unit have last year?"
    assert answering(births, found, similarity_to(births)) == []


def telling(sentence) -> bool:
    return not asks(sentence.text)


def test_a_sentence_that_asks_answers_after_one_that_tells():
    assert asks("So, is stale bread just bread that has dried out?")
    assert asks("Today we're asking why bread goes stale, and my guest is a food chemist.")
    assert not asks("Staling is the starch crystallising again after baking.")
    found = candidates(
        [
            _hit(
                "Hannah: So, is stale bread just bread that has dried out?\n"
                "Sam: Staling is the starch crystallising again after baking.",
                ("Hannah", "Sam"),
            )
        ]
    )
    scored = Scored(tuple(found), (0.34, 0.22), 0.8, (0, 0))
    told = _first_where(scored, 0.05, telling)
    assert told.sentences == (found[1], found[0]) and told.probabilities == (0.22, 0.34)
    assert _first_where(scored, 0.3, telling) == scored  # none that tells passes the bar: left as it is


def test_a_date_said_of_it_in_the_next_sentence_answers_when(similarity_to):
    """ "It's due in January." names nothing of the question; the sentence before it in the same turn
    does: it is read after that sentence, and joins the shortlist after it."""
    question = "When is the safety review of the birthing unit closure due?"
    found = candidates(
        [
            _hit(
                "Caroline: The safety review is being done by the regional obstetrics network. It's due in January. "
                "No decision will be taken before the board sees it.",
                ("Caroline",),
            )
        ]
    )
    review, due = found[0], found[1]
    assert follower(review, found) == due and follower(due, found) is None  # "No decision" points nowhere
    shortlisted = Scored((review,), (0.2,), 0.7, (-1,))
    widened = _with_followers(shortlisted, found)
    assert widened.sentences == (review, due) and widened.probabilities == (0.2, 0.2)
    assert answering(question, widened.sentences, similarity_to(question)) == [1]
    assert answering(question, shortlisted.sentences, similarity_to(question)) == []


@pytest.mark.parametrize(
    ("question", "text", "given"),
    [
        ("Who pays for the free parking?", "Free parking there, paid for by the parking fund, for a year.", True),
        ("Who pays half of the cost?", "The library foundation has offered to cover half of it.", True),
        ("Who pays for the free parking?", "Free parking there for shoppers, for the first year.", False),
        ("Who chairs the committee?", "The committee is funded by the parking fund.", False),  # a payer, not a chair
    ],
)
def test_who_pays_is_answered_by_whoever_pays_person_or_not(question, text, given):
    assert gives("person", candidates([_hit(text, ())])[0], question) is given


def test_what_was_decided_is_answered_in_a_decisions_words():
    assert asks_decision("So what was decided?") and asks_decision("What was agreed about the pricing page?")
    assert not asks_decision("Who decides the budget?")
    found = candidates(
        [
            _hit(
                "Grace: We tested showing the yearly price first against the monthly price first.\n"
                "Priya: Then let's keep yearly-first but make the billing period clearer.",
                ("Grace", "Priya"),
            )
        ]
    )
    assert [decides(sentence.text) for sentence in found] == [False, True]
    scored = Scored(tuple(found), (0.3, 0.2), 0.8, (0, 0))
    assert _first_where(scored, 0.05, lambda sentence: decides(sentence.text)).sentences == (found[1], found[0])
