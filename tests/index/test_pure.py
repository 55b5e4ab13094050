"""Fusion, score conversion, links, name matching and the answer's word caps: pure functions, no model."""

from __future__ import annotations

import math

import pytest

from index.fusion import rrf
from index.links import deep_link
from index.mentions import mentioned_speakers
from index.store import cosine_from_llama


def test_rrf_scores_one_for_first_everywhere_and_orders_by_fused_rank():
    fused = dict(rrf([["a", "b", "c"], ["a", "c"], ["c", "a"]], k=60))
    assert fused["a"] == pytest.approx((1 / 61 + 1 / 61 + 1 / 62) / (3 / 61))
    assert list(dict(rrf([["a", "b"], ["a", "b"]])).items())[0] == ("a", 1.0)
    assert dict(rrf([["a", "b", "c"], ["c", "a"]]))["b"] == pytest.approx((1 / 62) / (2 / 61))


def test_rrf_item_in_no_ranking_is_absent_and_empty_input_is_empty():
    assert "z" not in dict(rrf([["a"], ["b"]]))
    assert rrf([]) == []


def test_llama_similarity_back_to_cosine():
    # LlamaIndex reports exp(-d) for Chroma's cosine distance d = 1 - cosine.
    assert cosine_from_llama(math.exp(-0.0)) == pytest.approx(1.0)  # same direction
    assert cosine_from_llama(math.exp(-1.0)) == pytest.approx(0.0)  # unrelated (orthogonal)
    assert cosine_from_llama(math.exp(-2.0)) == pytest.approx(-1.0)  # opposite


@pytest.mark.parametrize(
    "url, seconds, expected",
    [
        ("https://www.youtube.com/watch?v=abc", 75.4, "https://www.youtube.com/watch?v=abc&t=75s"),
        ("https://youtu.be/abc?t=3", 75, "https://youtu.be/abc?t=75"),
        ("https://example.org/talk.mp3", 10, "https://example.org/talk.mp3#t=10"),
        ("https://example.org/talk.mp3", None, "https://example.org/talk.mp3"),
        ("javascript:alert(1)", 10, None),
        (None, 10, None),
    ],
)
def test_deep_links(url, seconds, expected):
    assert deep_link(url, seconds) == expected


SPEAKERS = ["Maggie Dennis", "Cameran Ashraf", "Quim Gil", "Anne/Risker", "Project Manager", "Marketing", "Roy Smith"]


@pytest.mark.parametrize(
    "question, expected",
    [
        ("What did Quim Gil say about grants?", ["Quim Gil"]),
        ("Cameran Ashraf's view on jurisdictions", ["Cameran Ashraf"]),
        ("What did Camran Ashraf say?", ["Cameran Ashraf"]),  # misspelled
        ("What did Ashraf say?", ["Cameran Ashraf"]),  # partial
        ("What did Risker say about the charter?", ["Anne/Risker"]),
        ("What did the Project Manager say about cost?", ["Project Manager"]),
        ("What is the marketing strategy?", []),  # a role word, not capitalised as a name
        ("How is the Foundation supporting Ukraine?", []),
    ],
)
def test_mentioned_speakers(question, expected):
    assert mentioned_speakers(question, SPEAKERS)[:1] == expected


def test_speaker_index_finds_the_same_names_with_fewer_comparisons():
    from index.mentions import SpeakerIndex

    index = SpeakerIndex(SPEAKERS + [f"Grad {letter}" for letter in "ABCDEFG"])
    assert index.mentioned("What did Camran Ashraf say?") == ["Cameran Ashraf"]
    assert index.mentioned("What did the Project Manager say about cost?") == ["Project Manager"]
    assert index.mentioned("How is the Foundation supporting Ukraine?") == []


def test_answer_sentences_do_not_end_at_titles_or_abbreviations():
    from core.text import sentences

    text = 'My guest is Dr. Samuel Osei. He said "yes." Then e.g. this. Ok?'
    assert sentences(text) == ["My guest is Dr. Samuel Osei.", 'He said "yes."', "Then e.g. this.", "Ok?"]


def test_a_keyword_index_rebuilt_from_a_previous_one_scores_as_a_fresh_one(monkeypatch):
    import numpy as np

    import index.keyword as keyword

    texts = ["The bike lane on Harbour Street", "Bread goes stale in the fridge", "Grant receipts above a hundred"]
    first = keyword.KeywordIndex(texts)
    changed = [texts[2], "A new text about bread and bikes", texts[0]]
    tokenized = []
    tokenize = keyword.terms
    monkeypatch.setattr(keyword, "terms", lambda text: tokenized.append(text) or tokenize(text))
    rebuilt = keyword.KeywordIndex(changed, first, [2, -1, 0])
    assert tokenized == [changed[1]]  # the two texts it already had are not tokenized again
    fresh = keyword.KeywordIndex(changed)
    for query in ("bike lane", "bread", "grant receipts", "stale fridge", "hundred bikes"):
        expected = fresh.scores(query)
        assert (rebuilt.scores(query) is None) == (expected is None)
        if expected is not None:
            np.testing.assert_allclose(rebuilt.scores(query), expected)
    assert rebuilt.idf("stale") == fresh.idf("stale") == fresh.idf("never-seen")  # in no chunk now
    assert rebuilt.scores("bread").max() > 0


def test_keyword_scores_are_bm25s_own_sums():
    import numpy as np

    import index.keyword as keyword

    texts = ["The bike lane on Harbour Street", "Bike racks by the lane", "Grant receipts", "bike bike bike"] * 3
    index = keyword.KeywordIndex(texts)
    for query in ("bike lane", "bike bike grant", "receipts on Harbour Street"):
        query_terms = [term for term in keyword.terms(query) if index.document_frequency(term)]
        np.testing.assert_array_equal(index.scores(query), index._bm25.get_scores(query_terms))
    assert index.scores("bike bike")[3] == 2 * index.scores("bike")[3] > 0  # a repeated term counts twice


def test_best_positions_are_the_highest_allowed_scores_in_order():
    import numpy as np

    from index.fusion import best_positions

    scores = np.array([0.5, 0.9, 0.0, 0.9, 0.7, -0.2])
    assert best_positions(scores, 3).tolist() == [1, 3, 4]  # ties keep their order
    assert best_positions(np.array([0.9, 0.5, 0.9, 0.9]), 2).tolist() == [0, 2]  # ties at the cut: the first
    assert best_positions(scores, 10, above=0.0).tolist() == [1, 3, 4, 0]
    mask = np.array([True, False, True, False, True, True])
    assert best_positions(scores, 2, mask).tolist() == [4, 0]
    assert best_positions(scores, 3, np.zeros(6, dtype=bool)).tolist() == []


def _one_speaker_hit(text: str):
    from core.models import Chunk, Hit

    return Hit(1, 0.8, 0.8, Chunk("m:0", "m", f"Dana: {text}", 0, 0, ("Dana",)), "Meeting", None, None)


def _quoted_words(text: str) -> list[str]:
    from eval.metrics import strip_markers

    return strip_markers(text).removeprefix("Dana: ").split()


FILLER = "we went over the usual items on the list and then talked about how the week went for everyone"


def filler(count: int) -> str:
    return " ".join((FILLER.split() * 10)[:count])


def test_an_unpunctuated_caption_is_quoted_within_the_word_cap():
    from answer.extractive.compose import MAX_WORDS, answer

    text = f"{filler(72)} the zeppelin hangar needs paint {filler(73)}"
    assert len(text.split()) == 150
    result = answer("Does the zeppelin hangar need paint?", [_one_speaker_hit(text)], model=answering())
    quoted = _quoted_words(result.text)
    assert not result.abstained and len(quoted) <= MAX_WORDS
    assert "zeppelin hangar needs paint" in " ".join(quoted)


def test_no_answer_quotes_more_than_the_word_cap():
    from answer.extractive.compose import MAX_WORDS, answer

    sentences = [" ".join(["zeppelin", *(f"w{n}x{i}" for i in range(39))]) + "." for n in range(3)]
    result = answer("What about the zeppelin?", [_one_speaker_hit(" ".join(sentences))], model=answering())
    assert 0 < len(_quoted_words(result.text)) <= MAX_WORDS


def test_a_long_sentence_is_cut_at_a_clause_end():
    from answer.extractive.compose import answer

    before, after = f"{filler(30)},", f"the zeppelin hangar needs paint {filler(25)}"
    result = answer("Does the zeppelin hangar need paint?", [_one_speaker_hit(f"{before} {after}")], model=answering())
    quoted = [part.text.removeprefix("Dana: ") for part in result.parts]
    assert after in quoted and set(quoted) <= {before, after}  # the 55 words cut after the comma


def answering():
    """The fitted model, never refusing: these tests are about how an answer is composed, not whether."""
    from dataclasses import replace

    from answer.extractive.scorer import default_model

    return replace(default_model(), abstain_below=0.0)


@pytest.mark.parametrize(
    ("spoken", "shown"),
    [
        ("Um, so I think the the budget is, you know, fine.", "So I think the budget is fine."),
        ("Uh I- I think we- we should go.", "I think we should go."),
        ("Yeah, um, that was it, you know.", "Yeah, that was it."),
        ("Do you know the answer?", "Do you know the answer?"),  # a question, not a filler
        ("We had had enough, and that that was that.", "We had had enough, and that that was that."),
        ("The umbrella stays.", "The umbrella stays."),
        ("Hmm.", "Hmm."),  # nothing but a filler: kept as said
        ("It was, you know, fine. … Then the the vote.", "It was fine. … Then the vote."),  # the gap stays
    ],
)
def test_fillers_and_false_starts_are_left_out_and_nothing_else(spoken, shown):
    from core.text import without_fillers

    assert without_fillers(spoken) == shown
