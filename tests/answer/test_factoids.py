"""Factoid questions (how much, how many, when, who, which city): answered only by a sentence that
gives what is asked, beside what the question asks about; refused when no passage does. Judged with
the real embedding model's similarities."""

from __future__ import annotations

import numpy as np
import pytest

from answer.extractive.factoids import answering, factoid_kind, gives, kind_gap, not_given
from answer.extractive.sentences import candidates
from answer.extractive.signals import Evidence
from core.models import Chunk, Hit


def _hit(text: str, speakers: tuple[str, ...], rank: int = 1) -> Hit:
    chunk = Chunk(f"m:{rank}", "m", text, rank, rank, speakers)
    return Hit(rank, 1.0 / rank, 0.6, chunk, "Meeting", None, None)


def _sentence(text: str, speaker: str | None = None):
    return candidates([_hit(f"{speaker}: {text}" if speaker else text, (speaker,) if speaker else ())])[0]


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("How much will the bike lane cost?", "number"),
        ("How many riders use Harbour Street?", "number"),
        ("What percentage of residents asked for Saturday hours?", "number"),
        ("When will construction start?", "time"),
        ("How long will 2.x get security fixes?", "time"),
        ("Who chairs the drafting committee?", "person"),
        ("In which city will the committee meet?", "name"),
        ("Which company will run the audit?", "name"),
        ("Which software company makes the picker?", "name"),  # words between "which" and what it asks
        ("What phone brand does the lab have?", "name"),
        ("What did the company decide?", None),  # asks what was decided, not for a name
        ("Who can join the drafting committee?", None),  # who is eligible: a rule, not a name
        ("What did Dana say about paint?", None),
        ("Why was the vote delayed?", None),
    ],
)
def test_the_kind_a_factoid_question_asks_for(question, kind):
    assert factoid_kind(question) == kind


@pytest.mark.parametrize(
    ("question", "text", "speaker", "given"),
    [
        ("How much will the lane cost?", "The estimated cost is one point two million dollars.", None, True),
        ("How much did the two loading zones cost?", "There are two loading zones, one at Third Street.", None, False),
        ("How many visitors come on Saturdays?", "The library will report on visitors in twelve months.", None, False),
        ("How many visitors come on Saturdays?", "About three hundred visitors come.", None, True),
        ("What percentage asked for Saturdays?", "Seventy percent asked for Saturday afternoons.", None, True),
        ("How long will fixes continue?", "Fixes continue for twelve months after the release.", None, True),
        ("How long will fixes continue?", "The release is planned for June.", None, False),
        ("When will construction start?", "We start on the fifteenth of September.", None, True),
        ("In which city will they meet in June?", "They will meet in person in June.", None, False),
        ("In which city will they meet in June?", "They will meet in Lisbon in June.", None, True),
        ("In which city will they meet in June?", "They will meet with the MSG team in June.", None, False),
        ("In which country is Riverton?", "Welcome to the Riverton City Council.", None, False),
        ("Which company built the app?", "The Riverton app was built by Acme Labs.", None, True),
        ("Which company built the Riverton app?", "The Riverton app was built in house.", None, False),
        ("Who leads Riverton?", "Welcome to the Riverton City Council.", None, False),  # the subject's own name
        ("Who chairs the committee?", "The committee is chaired by Ana Ruiz.", None, True),
        ("Who chairs the committee?", "The committee meets weekly.", "Lee", False),
        ("Who proposed a delay?", "A delay makes sense to me.", "Amina Yusuf", True),
        ("Who will rewrite the copy?", "I'll write the new copy this week.", "Grace Liu", True),
    ],
)
def test_a_sentence_gives_the_kind_only_with_something_the_question_lacks(question, text, speaker, given):
    assert gives(factoid_kind(question), _sentence(text, speaker), question) is given


@pytest.fixture(scope="module")
def similarity_to(embedder):
    def make(question: str):
        asked = embedder.embed_batch([question])[0]

        def similarity(texts):
            vectors = embedder.embed_batch(list(texts))
            return vectors @ asked / (np.linalg.norm(vectors, axis=1) * np.linalg.norm(asked))

        return Evidence(similarity=similarity)

    return make


def test_the_gate_refuses_a_subject_talked_about_without_what_is_asked(similarity_to):
    found = candidates(
        [
            _hit("Ana: The drafting committee meets weekly. Ana Ruiz chairs the drafting committee.", ("Ana",), 1),
            _hit("Lee: The rooftop garden budget is 18,500 dollars.", ("Lee",), 2),
        ]
    )
    for question, refused in (
        ("Who chairs the drafting committee?", False),
        ("How much is the rooftop garden budget?", False),
        ("How much does the drafting committee cost?", True),  # no money beside the committee
        ("When will the drafting committee vote?", True),
        ("What did the drafting committee discuss?", False),  # not factoid: not gated
    ):
        assert kind_gap(question, found, similarity_to(question)) is refused, question


def test_the_sentence_that_counts_what_is_asked_leads(similarity_to):
    question = "How many support tickets were filed about the Android crash?"
    found = candidates(
        [
            _hit(
                "Grace: Three things came up about the Android crash. "
                "We had forty-one support tickets filed on the Android crash.",
                ("Grace",),
            )
        ]
    )
    order = answering(question, found, similarity_to(question))
    assert order and "forty-one" in found[order[0]].text


def test_a_long_sentence_naming_the_whole_subject_answers(similarity_to):
    """The model's similarity is diluted by a long appositive; the question's own words all there
    still make the sentence about it. One word of the subject is not enough."""
    question = "Who hosted the office hour?"
    host = (
        "Maggie Dennis, Vice President of Community Resilience & Sustainability, a division of the Legal "
        "Department at the Wikimedia Foundation, hosted the office hour."
    )
    found = candidates([_hit(host, ())])
    assert similarity_to(question).similarity([host])[0] < 0.55  # the model alone would refuse
    assert answering(question, found, similarity_to(question)) == [0]
    partial = candidates([_hit(host.replace("hosted the office hour", "joined the hour"), ())])
    assert answering(question, partial, similarity_to(question)) == []


@pytest.mark.parametrize(
    ("question", "wanted"),
    [
        ("How much did the overruns cost?", "amount of money"),
        ("How many plugins were tested?", "number"),
        ("What percentage voted yes?", "share"),
        ("How long will the pilot run?", "duration"),
        ("When will the garage open?", "date or time"),
        ("Who chairs the committee?", "person"),
        ("In which city will they meet?", "place"),
        ("Which company runs the audit?", "name"),
    ],
)
def test_a_factoid_refusal_says_what_is_missing(question, wanted):
    assert not_given(question) == f"They speak of it, but none gives the {wanted} asked for."
