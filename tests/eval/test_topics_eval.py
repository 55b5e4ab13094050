"""The topic measures against hand-computed numbers, and the baselines on a tiny case."""

from __future__ import annotations

import pytest

from core.models import Transcript, Turn
from eval.topics import (
    Case,
    boundaries,
    even_split,
    label_rouge,
    one_segment,
    pk_windowdiff,
    score_system,
    text_tiling,
    window,
)


def case(gold: list[str]) -> Case:
    turns = tuple(Turn(i, "A", "A", f"words of {topic} here", f"words of {topic} here") for i, topic in enumerate(gold))
    return Case(Transcript("m", "m", turns, "m.json", "qmsum"), tuple(gold))


def test_boundaries_mark_each_turn_that_starts_a_segment():
    assert boundaries(["a", "a", "b", "b", "a"]) == "00101"
    assert window("0000100000") == 2  # half the mean gold segment length (10 turns, 2 segments)


def test_pk_and_windowdiff_by_hand():
    reference = "0000100000"  # k = 2: nine windows, the gold boundary at 4 inside windows 3 and 4
    assert pk_windowdiff(reference, reference) == (0.0, 0.0)
    assert pk_windowdiff(reference, "0" * 10) == pytest.approx((2 / 9, 2 / 9))
    assert pk_windowdiff(reference, "0000010000") == pytest.approx((2 / 9, 2 / 9))  # one turn late


def test_the_baselines_one_segment_and_even_splits_at_the_gold_count():
    gold = case(["a"] * 4 + ["b"] * 6)
    assert one_segment(gold) == [0] * 10
    assert even_split(gold) == [0] * 5 + [1] * 5
    tiled = text_tiling(case(["a"] * 3))  # too short to tile: one segment
    assert tiled == [0, 0, 0]


def test_label_rouge_compares_each_label_with_the_gold_topic_it_overlaps_most():
    gold = ["budget"] * 3 + ["garden"] * 3
    assert label_rouge(gold, ["Budget gap"] * 3 + ["Roof garden"] * 3) == pytest.approx(2 / 3)
    assert label_rouge(gold, ["Budget gap"] * 4 + ["Roof garden"] * 2) == pytest.approx(2 / 3)


def test_score_system_counts_segments_against_the_gold_count():
    gold = case(["a"] * 4 + ["b"] * 6)
    score = score_system("x", [(gold, [0] * 4 + [1] * 3 + [2] * 3)])
    assert (score.segments, score.gold_segments) == (3.0, 2.0)
    assert score.pk > 0 and score.label_rouge1 is None
