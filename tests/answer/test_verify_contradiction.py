"""The verifier reading contradiction: an outcome against its opposite or its negation, a decision
against a proposal, numbers and dates, who said it; against every passage the model was shown, not
only the one a sentence cites. Each altered sentence is dropped beside a true one that is kept."""

from __future__ import annotations

import pytest

from answer.written.contradiction import DONE, UNDONE, contradicting, outcomes
from answer.written.verify import Shown, verify

CLAIM = Shown(1, "Honestly the library budget passed last week, everyone knows it passed.", ("Dana Whitfield",))
CHAIR = Shown(
    2, "To be clear, the vote on the library budget was deferred to June and nothing was approved.", ("Maria Lopez",)
)
PARKING = Shown(3, "We are no longer paying for the parking study, it ran out of money.", ("Tom Reyes",))
REPAIRS = Shown(
    4, "The roof repair contract passed with seven votes, and work started on the fourth of March.", ("Ana Kim",)
)
BRANCH = Shown(5, "Maybe we could open the new branch library on Saturdays, I would suggest that.", ("Tom Reyes",))
SHOWN = [CLAIM, CHAIR, PARKING, REPAIRS, BRANCH]
SPEAKERS = ["Dana Whitfield", "Maria Lopez", "Tom Reyes", "Ana Kim"]


@pytest.fixture(scope="module")
def embed(embedder):
    return embedder.embed_batch


def checked(embed, text: str) -> list[tuple[bool, str | None]]:
    return [(check.supported, check.reason) for check in verify(text, SHOWN, embed, SPEAKERS)]


def test_an_approval_cited_to_the_chairs_deferral_is_removed(embed):
    (approved, deferred) = checked(
        embed,
        "The committee approved the budget [2]. "
        "Maria Lopez said the vote on the library budget was deferred to June [2].",
    )
    assert approved[0] is False and "passage [2]" in approved[1] and "nothing was approved" in approved[1]
    assert deferred == (True, None)


def test_a_sentence_contradicted_by_a_passage_it_does_not_cite_is_removed(embed):
    # the participant's claim as fact, cited to the participant's turn: the chair's turn, shown but
    # not cited, says otherwise; said as the participant's claim, it is what the turn says
    (fact, claimed) = checked(
        embed, "The library budget passed last week [1]. Dana Whitfield said the library budget passed last week [1]."
    )
    assert fact[0] is False and "passage [2] says otherwise" in fact[1]
    assert claimed == (True, None)


@pytest.mark.parametrize(
    ("kind", "true", "altered", "reason"),
    [
        (
            "negation",
            "Tom Reyes said the town is no longer paying for the parking study [3].",
            "The town is still paying for the parking study [3].",
            "passage [3] says otherwise",
        ),
        (
            "outcome",
            "The roof repair contract passed with seven votes [4].",
            "The roof repair contract failed with seven votes [4].",
            "passage [4] says otherwise",
        ),
        (
            "modality",
            "Tom Reyes suggested opening the new branch library on Saturdays [5].",
            "The committee decided to open the new branch library on Saturdays [5].",
            "only propose",
        ),
        (
            "refusal",
            "Tom Reyes suggested opening the new branch library on Saturdays [5].",
            "The committee refused to open the new branch library on Saturdays [5].",
            "it says “refused”, but the cited passages refuse, defer or negate nothing",
        ),
        (
            "number",
            "The roof repair contract passed with seven votes [4].",
            "The roof repair contract passed with nine votes [4].",
            "gives 9",
        ),
        (
            "date",
            "Work on the roof repair started on the fourth of March [4].",
            "Work on the roof repair started on the fourth of April [4].",
            "gives April",
        ),
        (
            "speaker",
            "Tom Reyes said the town is no longer paying for the parking study [3].",
            "Ana Kim said the town is no longer paying for the parking study [3].",
            "attributes words to Ana Kim",
        ),
    ],
)
def test_each_kind_of_contradiction_is_caught_beside_a_true_sentence_kept(embed, kind, true, altered, reason):
    kept, dropped = checked(embed, f"{true} {altered}")
    assert kept == (True, None), kind
    assert dropped[0] is False and reason in dropped[1], (kind, dropped)


def test_a_negation_governs_what_it_says_and_a_question_or_condition_states_nothing():
    (nothing,) = [said for said in outcomes("Nothing was approved tonight.") if said.word == "approved"]
    assert nothing.claim == UNDONE and nothing.universal
    assert [said.claim for said in outcomes("The motion did not pass.") if said.word == "pass"] == [UNDONE]
    assert [said.claim for said in outcomes("The budget passed.") if said.word == "passed"] == [DONE]
    assert outcomes("Was the budget deferred?") == ()
    assert not [said for said in outcomes("If we defer the budget, we lose the grant.") if said.word == "defer"]
    assert not [said for said in outcomes("The budget could be deferred.") if said.word == "deferred"]
    # amendments "tabled by" a member are put forward (as in Westminster), not set aside
    assert contradicting("The amendment was approved.", [(1, "Amendment 2 was tabled by Ms Evans.")]) is None
    assert contradicting("The amendment was approved.", [(1, "Amendment 2 was tabled until the spring.")]) == (
        1,
        "Amendment 2 was tabled until the spring.",
    )


def test_an_outcome_about_something_else_is_no_contradiction():
    passages = [(1, "The parking study was rejected, but the library budget carried.")]
    assert contradicting("The library budget was approved.", passages) is None
    assert contradicting("The parking study was approved.", passages) == (1, passages[0][1])


def test_a_claim_only_another_passage_contradicts_can_be_kept_as_contested_for_the_writer(embed):
    # the writer says who claimed what: it asks for contested sentences back rather than dropped
    (fact, approved) = verify(
        "The library budget passed last week [1]. The committee approved the budget [2].",
        SHOWN,
        embed,
        SPEAKERS,
        keep_contested=True,
    )
    assert fact.supported and fact.reason.startswith("contested: passage [2] says otherwise")
    assert not approved.supported and "passage [2] says otherwise" in approved.reason  # its own passage: dropped


def test_a_deferral_said_twice_in_other_words_is_no_contradiction():
    # "deferring it again" holds what "deferred again" says: neither the -ing form nor the words
    # after a deferral are read as denied
    again = [(8, "We are deferring it again until March, when the harbour fee figures are revised.")]
    assert contradicting("The budget vote was deferred again until March.", again) is None
    assert contradicting("The committee refused to revise the harbour fee figures.", again) == again[0]
