"""Answers that say what is there and what is not (answer.coverage), on the seed transcript: a named
speaker who never speaks of the subject, the kind asked for given without a name, and an answer found."""

from __future__ import annotations

import pytest

from answer.coverage import subject_of
from answer.library import ask
from web.render import answer_html


def test_a_speaker_who_never_speaks_of_the_subject_is_said_so_with_what_they_did_say(seed_library):
    # "What did Roy Smith say about the Movement Charter?" (issue 38's example) is still answered with
    # his sentence on friendly-space policies: the reader does not tell it apart (README)
    result = ask(seed_library, "What did Patrick Earley say about the situation in Ukraine?")
    assert result.abstained and result.covers == "not_in_transcripts"
    lead = "Patrick Earley does not speak of the situation in Ukraine in these transcripts."
    assert result.text.startswith(lead), result.text
    assert result.text.endswith("[1]") and "Patrick Earley" in result.citations[0].hit.chunk.speakers
    assert result.to_dict()["coverage"] == "not_in_transcripts"
    assert "Not in these transcripts" in answer_html(result) and 'data-cite="1"' in answer_html(result)


@pytest.mark.xfail(strict=True, reason="issue 38, open: the fitted model refuses it (probability below its threshold)")
def test_the_kind_asked_for_given_without_a_name_is_an_answer_that_says_what_is_not_given(seed_library):
    result = ask(seed_library, "Who on the human rights team supports Eastern Europe?")
    assert not result.abstained and result.covers == "partial", result.text
    assert "dedicated HR fellow" in result.text
    assert result.text.endswith("None of them gives the person asked for.")
    assert "Cameran Ashraf" in result.citations[0].hit.chunk.speakers
    assert "Partly answered" in answer_html(result)


@pytest.mark.xfail(strict=True, reason="issue 38, open: answered with his friendly-space sentence, marked weak")
def test_roy_smith_on_the_movement_charter_is_said_not_to_be_in_the_transcripts(seed_library):
    result = ask(seed_library, "What did Roy Smith say about the Movement Charter?")
    assert result.abstained and result.text.startswith("Roy Smith does not speak of the Movement Charter")


def test_an_answer_found_is_marked_answered(seed_library):
    result = ask(seed_library, "What did Cameran Ashraf say about jurisdictions?")
    assert not result.abstained and result.covers == "answered"
    assert result.to_dict()["coverage"] == "answered"
    assert "Partly answered" not in answer_html(result)


def test_a_plain_refusal_is_not_in_the_transcripts(seed_library):
    result = ask(seed_library, "Which programming language is the new editor written in?")
    assert result.abstained and result.covers == "not_in_transcripts"


def test_the_subject_of_a_question():
    assert subject_of("What did Roy Smith say about the Movement Charter?") == "the Movement Charter"
    assert subject_of("Why did the vote fail?") == "this"
