"""Contested claims say who made them: checked sentences against the passages a model was shown, where
one participant says the budget passed and the chair that the vote was deferred (answer.written.attribution)."""

from __future__ import annotations

import pytest

from answer.written.attribution import Quote, according_to, attributed, disagree, stance
from answer.written.verify import Shown
from core.models import Check

MEMBER, CHAIR = "Member Priya Shah", "Chair Dana Ruiz"
SHOWN = [
    Shown(1, "For the record, the 2025 budget passed at the December meeting.", (MEMBER,)),
    Shown(2, "To be clear, the budget vote was deferred in December and nothing was approved.", (CHAIR,)),
    Shown(3, "The dredging contract came in at three hundred and ten thousand dollars.", ("Treasurer Omar Haddad",)),
]
KNOWN = [MEMBER, CHAIR, "Treasurer Omar Haddad"]


def test_a_claim_resting_on_one_participant_names_them_and_the_other_side_is_quoted():
    checks, quotes = attributed([Check("The 2025 budget passed in December.", (1,), True)], SHOWN, KNOWN)
    assert [check.sentence for check in checks] == [f"According to {MEMBER}, the 2025 budget passed in December."]
    assert checks[0].supported
    assert quotes == [
        Quote(f"{CHAIR}: To be clear, the budget vote was deferred in December and nothing was approved.", 2)
    ]


def test_the_ruling_side_is_named_too_where_the_passages_disagree():
    checks, quotes = attributed([Check("The budget vote was deferred.", (2,), True)], SHOWN, KNOWN)
    assert checks[0].sentence == f"According to {CHAIR}, the budget vote was deferred."
    assert quotes == [Quote(f"{MEMBER}: For the record, the 2025 budget passed at the December meeting.", 1)]


def test_a_claim_whose_cited_passage_says_otherwise_is_dropped():
    (check,), quotes = attributed([Check("The committee approved the budget.", (2,), True)], SHOWN, KNOWN)
    assert not check.supported and check.reason.startswith(f"the passage it cites ({CHAIR}) says otherwise")
    assert quotes == []  # nothing of it is shown, so nothing to set beside it


def test_both_sides_in_one_sentence_with_their_speakers_stand_as_written():
    sentence = f"{MEMBER} said the budget had passed, but {CHAIR} said the vote was deferred."
    checks, quotes = attributed([Check(sentence, (1, 2), True)], SHOWN, KNOWN)
    assert checks == [Check(sentence, (1, 2), True)] and quotes == []


def test_an_uncontested_sentence_and_a_dropped_one_are_left_alone():
    given = [
        Check("The dredging contract came in at three hundred and ten thousand dollars.", (3,), True),
        Check("The budget passed.", (1,), False, "cites no passage"),
    ]
    checks, quotes = attributed(given, SHOWN, KNOWN)
    assert checks == given and quotes == []


@pytest.mark.parametrize(
    ("one", "other", "opposed"),
    [
        ("The committee approved the budget.", "Nothing was approved; the budget vote was deferred.", True),
        ("The lease is signed.", "The lease is not signed.", True),
        ("The launch is on the first of May.", "The launch is postponed to the ninth of June.", True),
        ("Legal cleared the story.", "Legal has not cleared the hospital story.", True),
        ("The committee approved the budget.", "The committee approved the budget in full.", False),
        ("The committee approved the budget.", "I propose we reject the budget.", False),  # a proposal
        ("The roof repair was approved.", "The parking plan was rejected.", False),  # another subject
        ("Construction starts on the fifteenth of September.", "Construction in July would close the street.", False),
    ],
)
def test_opposite_claims_about_one_subject_disagree(one, other, opposed):
    assert disagree(stance(one), stance(other)) is opposed


def test_according_to_lowers_a_plain_first_word_and_keeps_a_name():
    passages = "the budget passed"
    assert according_to(["A"], "The budget passed.", passages) == "According to A, the budget passed."
    assert according_to(["A", "B"], "Marlow Marine won.", passages) == "According to A and B, Marlow Marine won."
