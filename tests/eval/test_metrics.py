"""The metric code on a three-query example whose values were computed by hand."""

from __future__ import annotations

import math

import pytest

from eval.metrics import (
    Passage,
    citation_metrics,
    ranking_metrics,
    reading_cost,
    rouge,
    turn_recall_precision,
    turns_within,
)


def p(name, turns, words=100, speakers=()):
    return Passage(name, frozenset(turns), words, tuple(speakers))


# q1: the only relevant passage is second; q2: both passages relevant, ranked first and second;
# q3: nothing relevant retrieved.
QUERIES = [
    ([p("A", {1, 2}), p("B", {5}), p("C", {9})], frozenset({5}), ["B"]),
    ([p("D", {3}), p("E", {4})], frozenset({3, 4}), ["D", "E"]),
    ([p("F", {7})], frozenset({1}), ["G"]),
]


def test_three_query_example_by_hand():
    rows = [ranking_metrics(ranked, gold, relevant) for ranked, gold, relevant in QUERIES]
    mean = {key: sum(row[key] for row in rows) / 3 for key in rows[0]}
    assert [row["Hit@1"] for row in rows] == [0, 1, 0]
    assert [row["Hit@5"] for row in rows] == [1, 1, 0]
    assert [row["MRR@10"] for row in rows] == [0.5, 1.0, 0.0]
    # nDCG@10, q1: DCG = 1/log2(3), ideal = 1; q2: DCG = ideal = 1 + 1/log2(3)
    assert rows[0]["nDCG@10"] == pytest.approx(1 / math.log2(3))
    assert rows[1]["nDCG@10"] == pytest.approx(1.0)
    assert mean["Hit@1"] == pytest.approx(1 / 3)
    assert mean["Hit@5"] == pytest.approx(2 / 3)
    assert mean["MRR@10"] == pytest.approx(0.5)
    assert mean["nDCG@10"] == pytest.approx((1 / math.log2(3) + 1) / 3)


def test_ndcg_counts_relevant_passages_that_were_not_retrieved():
    row = ranking_metrics([p("A", {1}), p("B", {9})], frozenset({1, 2}), ["A", "Z"])
    # DCG = 1; ideal with two relevant = 1 + 1/log2(3)
    assert row["nDCG@10"] == pytest.approx(1 / (1 + 1 / math.log2(3)))


def test_turns_within_a_word_budget():
    words = {1: 30, 2: 70, 5: 50, 6: 50, 9: 100}
    ranked = [p("A", {1, 2}, 100), p("B", {5, 6}, 100), p("C", {9}, 100)]
    assert turns_within(ranked, 100, words) == {1, 2}
    assert turns_within(ranked, 150, words) == {1, 2, 5}  # the second passage read up to the budget
    assert turns_within(ranked, 1000, words) == {1, 2, 5, 6, 9}
    recall, precision = turn_recall_precision({1, 2, 5}, frozenset({5, 6}))
    assert (recall, precision) == (0.5, pytest.approx(1 / 3))


def test_citation_metrics():
    cited = [p("A", {1}, speakers=["Ana"]), p("B", {5}, speakers=["Bo"])]
    result = citation_metrics(cited, frozenset({5}), "Bo")
    assert result == {"citation_precision": 0.5, "any_correct_citation": 1.0, "speaker_attribution": 0.5}
    assert citation_metrics([], frozenset({5}), None)["any_correct_citation"] == 0.0
    # at turn level: a passage of four turns holding one gold turn is a quarter right
    coarse = citation_metrics([p("C", {4, 5, 6, 7}), p("D", {5})], frozenset({5}), None)
    assert coarse["citation_precision"] == pytest.approx((1 / 4 + 1) / 2)


def test_reading_cost_by_hand():
    words = {1: 30, 2: 70, 5: 100, 8: 40, 9: 60}
    q1, gold1, _ = QUERIES[0]  # A {1,2} then B {5}: the gold turn 5 after A's 100 words
    assert reading_cost(q1, gold1, words) == {
        "words_per_passage": 100.0,
        "words_before_gold": 100,
        "gold_within_200w": 1.0,
    }
    late = [p("X", {1}, 250), p("Y", {8, 9}, 100)]  # gold 9 after X's 250 words and turn 8's 40
    assert reading_cost(late, frozenset({9}), words)["words_before_gold"] == 290
    assert reading_cost(late, frozenset({9}), words)["gold_within_200w"] == 0.0
    never = reading_cost(QUERIES[2][0], QUERIES[2][1], words)
    assert never["words_before_gold"] is None and never["gold_within_200w"] == 0.0


def test_rouge_ignores_citation_markers_and_stems():
    scores = rouge("The cats were running [1] home. [2]", "the cat runs home")
    # stemmed tokens: the cat were run home / the cat run home -> 4 shared of 5 and 4
    assert scores["ROUGE-1"] == pytest.approx(2 * (4 / 5) * 1.0 / (4 / 5 + 1.0))


class _FailsOnSecond:
    """A system that answers the first question perfectly and fails on the second."""

    name = "flaky"

    def run(self, question):
        from core.errors import QueryError
        from eval.metrics import Passage
        from eval.systems import Outcome

        if question.id == "q2":
            raise QueryError("the store went away")
        passage = Passage("p1", frozenset({1, 2}), 40, ("Ana",))
        return Outcome([passage], ["p1"], "Ana said so [1]", False, [passage])


def test_an_errored_query_counts_as_a_miss_and_is_reported():
    from pathlib import Path

    from eval.runner import run_suite, summarize
    from eval.suites import Question, Suite

    questions = (Question("q1", "first?", ((1, 2),), "m"), Question("q2", "second?", ((1, 2),), "m"))
    results = run_suite(Suite("tiny", (Path("m.txt"),), questions), [_FailsOnSecond()], {"m": {1: 20, 2: 20}})
    row = summarize(results)["flaky"]
    assert row["errors"] == 1 and row["queries"] == 2
    assert row["Hit@5"] == 0.5 and row["turn_recall@2000w"] == 0.5  # the failure is a miss, not left out
    assert row["false_refusal"] == 0.5  # and it answered nothing
