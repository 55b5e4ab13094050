"""The boundary model's features on hand-made chunks, the gold marks it is fitted to, and the
fitted model as the partition uses it."""

from __future__ import annotations

import numpy as np
import pytest

from core.logistic import Logistic, ModelError
from core.models import Chunk, Turn
from ingest.boundaries import FEATURES, gap_rows, start_marks
from ingest.segmenting import AGENDA, SPOKEN_HEADING, TopicModel, boundary_bonus, by_chunks, load_model, units_of

TEXTS = [f"Ana: garden beds and soil number {i}" for i in range(5)] + [
    "Ben: Okay, so the parking budget is next.",
    *(f"Ana: parking budget and fees number {i}" for i in range(4)),
]


def meeting() -> tuple[list[Chunk], list[Turn], list[np.ndarray]]:
    """Ten one-turn chunks whose vectors change at the sixth, where Ben opens with "Okay, so"."""
    turns = [Turn(i, text[:3], text[:3], text[5:], text[5:]) for i, text in enumerate(TEXTS)]
    chunks = [Chunk(f"c{i}", "m", text, i, i, (text[:3],)) for i, text in enumerate(TEXTS)]
    model = np.array([[1.0, 0.0]] * 5 + [[0.0, 1.0]] * 5)
    speaker = np.array([[0.0, 1.0] if i == 5 else [1.0, 0.0] for i in range(10)])
    return chunks, turns, [model, speaker, model]


def column(rows: np.ndarray, name: str) -> np.ndarray:
    return rows[:, FEATURES.index(name)]


def test_the_gap_where_the_vectors_change_is_the_least_alike_and_the_deepest():
    chunks, turns, views = meeting()
    rows = gap_rows(chunks, turns, views, AGENDA, SPOKEN_HEADING)
    assert rows.shape == (10, len(FEATURES)) and not rows[0].any()
    for width in (1, 2, 4, 8):
        cosine, depth = column(rows, f"model_cosine@{width}"), column(rows, f"model_depth@{width}")
        assert int(np.argmin(cosine[1:])) + 1 == 5 and int(np.argmax(depth[1:])) + 1 == 5
        assert cosine[5] == pytest.approx(0.0)
    assert column(rows, "model_cosine@2")[2] == pytest.approx(1.0)  # both windows inside the first topic
    assert column(rows, "model_z@1")[5] < -2


def test_a_gap_knows_its_cue_word_its_speaker_change_and_where_it_lies():
    chunks, turns, views = meeting()
    rows = gap_rows(chunks, turns, views, AGENDA, SPOKEN_HEADING)
    assert column(rows, "opens_okay")[5] == 1 and column(rows, "opens_okay").sum() == 1
    assert list(np.flatnonzero(column(rows, "speaker_change"))) == [5, 6]
    assert column(rows, "main_speaker")[5] == 0 and column(rows, "main_speaker")[4] == 1
    assert column(rows, "position")[5] == pytest.approx(0.5) and column(rows, "edge")[1] == pytest.approx(np.log(2))


def test_each_gold_start_marks_the_chunk_nearest_it_never_the_first():
    chunks = [Chunk(f"c{i}", "m", "A: x", start, start + 2, ("A",)) for i, start in enumerate((0, 3, 6, 9))]
    assert list(start_marks(chunks, [4, 8, 1])) == [0, 1, 0, 1]


def test_the_fitted_odds_become_the_partitions_bonus_and_draw_the_cut_to_the_changing_gap():
    chunks, turns, views = meeting()
    coefficients = [3.0 if name == "model_depth@1" else 0.0 for name in FEATURES]
    fitted = Logistic(FEATURES, (0.0,) * len(FEATURES), (1.0,) * len(FEATURES), tuple(coefficients), -1.0)
    model = TopicModel(price=50.0, boundary=fitted.to_dict(), boundary_weight=60.0)
    bonus = boundary_bonus(chunks, turns, views, model)
    assert int(np.argmax(bonus)) == 5
    units = units_of(turns)
    assert by_chunks(units, chunks, views, model, bonus) == [5]
    assert by_chunks(units, chunks, views, TopicModel(price=50.0)) == []  # no boundary model: the price wins


def test_a_boundary_model_over_other_features_names_the_command_that_refits_it():
    stale = Logistic(("old",), (0.0,), (1.0,), (1.0,), 0.0).to_dict()
    with pytest.raises(ModelError, match="onrecord fit topics"):
        TopicModel(boundary=stale).boundary_model()


def test_the_committed_topic_model_has_a_boundary_model_fitted_on_train():
    model = load_model()
    assert model.boundary_model() is not None and "QMSum train" in model.fitted_on
