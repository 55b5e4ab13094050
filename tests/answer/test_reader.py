"""The reader (answer.reader): the committed ONNX file loads and reads a question against a sentence;
a missing or damaged file is an error that names `onrecord fit-reader`; the fit runs end to end."""

from __future__ import annotations

import pytest

from answer.reader import READER_FILE, Reader, default_reader, sentence_text
from core.errors import OnRecordError
from tests.conftest import QMSUM


def test_the_reader_scores_a_known_answer_above_an_unrelated_sentence():
    reader = default_reader()
    question = "Who on the human rights team supports Eastern Europe?"
    scores = reader.score(
        question,
        [
            sentence_text("We have a dedicated HR fellow to support the Eastern Europe.", "Cameran Ashraf", None),
            sentence_text("Forty-eight thousand dollars a year for two part-time staff.", "Amina Yusuf", None),
        ],
    )
    assert scores[0] > scores[1] + 0.5
    assert len(reader.score(question, [])) == 0


def test_the_committed_file_is_small_and_records_its_figures():
    assert READER_FILE.stat().st_size <= 50_000_000
    figures = default_reader().figures
    assert figures["precision"] in ("int8", "fp16")
    assert figures["auc"] > 0.7 and figures["check_pairs"] > 500


@pytest.mark.parametrize("content", [None, b"not an onnx graph"], ids=["missing", "damaged"])
def test_a_missing_or_damaged_reader_file_names_the_command_that_rebuilds_it(tmp_path, content):
    path = tmp_path / "reader.onnx"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(OnRecordError, match="onrecord fit-reader"):
        Reader(path)


@pytest.mark.skipif(not (QMSUM / "train").is_dir(), reason="QMSum train is not in ../shared/data")
def test_the_fit_runs_end_to_end_on_a_small_slice_of_train(tmp_path):
    from eval.reader import training_pairs
    from eval.reader_fit import export, split_pairs, train

    pairs = training_pairs(QMSUM / "train", limit=2)
    assert {pair.label for pair in pairs} == {0.0, 1.0}
    assert any(pair.question.startswith("What did ") and pair.label == 0.0 for pair in pairs)  # speaker-swapped
    fitting, check = split_pairs(pairs)
    assert fitting and check and not {p.meeting for p in fitting} & {p.meeting for p in check}
    model, _ = train(fitting[:32])
    figures = export(model, tmp_path / "reader.onnx", check[:48])
    reader = Reader(tmp_path / "reader.onnx")
    assert reader.figures == figures and 0.0 <= figures["auc"] <= 1.0
    assert reader.score("What is the budget?", ["Someone: It is forty thousand euros."]).shape == (1,)


@pytest.mark.skipif(not (QMSUM / "train").is_dir(), reason="QMSum train is not in ../shared/data")
def test_the_committed_reader_gives_its_recorded_figures_on_the_check_slice():
    """What `onrecord fit-reader --check` compares a refit with: the figures the file records are
    the ones it gives on train's check slice (every tenth meeting, never trained on)."""
    from eval.reader import training_pairs
    from eval.reader_fit import figures, split_pairs

    _, check = split_pairs(training_pairs(QMSUM / "train"))
    recorded = default_reader().figures
    measured = figures(default_reader(), check)
    assert len(check) == recorded["check_pairs"]
    assert measured == pytest.approx({"auc": recorded["auc"], "top_is_answer": recorded["top_is_answer"]}, abs=2e-3)
