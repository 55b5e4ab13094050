"""The gold-span extraction ceiling's sentence choice, by hand."""

from __future__ import annotations

from eval.ceiling import best_sentences

SENTENCES = ["The budget is four thousand dollars.", "We met on Tuesday.", "It covers soil and seeds."]
REFERENCE = "The budget of four thousand dollars covers soil and seeds"


def test_it_adds_sentences_while_rouge_rises_and_keeps_their_order():
    assert best_sentences(SENTENCES, REFERENCE) == [SENTENCES[0], SENTENCES[2]]


def test_it_stays_within_the_word_limit():
    assert best_sentences(SENTENCES, REFERENCE, limit=8) == [SENTENCES[0]]
    assert best_sentences(SENTENCES, REFERENCE, limit=3) == []
