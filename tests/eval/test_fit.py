"""The answer model: its features, its fit on a slice of QMSum train, its coefficients file and the
command that writes and checks it (real model, real store)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from answer.extractive.sentences import candidates
from answer.extractive.signals import (
    QUESTION_FEATURES,
    RERANK_FEATURES,
    SENTENCE_FEATURES,
    Evidence,
    answer_kind,
    holds_kind,
    question_features,
    sentence_features,
)
from core.models import Chunk, Hit
from tests.conftest import QMSUM

runner = CliRunner()


def _hit(text: str, speakers: tuple[str, ...], similarity: float = 0.6, rank: int = 1) -> Hit:
    chunk = Chunk(f"m:{rank}", "m", text, rank, rank, speakers)
    return Hit(rank, 1.0 / rank, similarity, chunk, "Meeting", None, None)


@pytest.mark.parametrize(
    ("question", "kind", "holding", "lacking"),
    [
        ("When will the garden open?", "time", "It opens on the fifth of June, next week.", "It opens soon."),
        ("How much is the garden budget?", "number", "The budget is 18,500 dollars.", "The budget is generous."),
        ("Who chairs the committee?", "person", "The committee is chaired by Ana Ruiz.", "the committee has a chair."),
        ("Why was the vote delayed?", "reason", "It was delayed because the results were late.", "It was delayed."),
        ("What did Dana say about paint?", None, "", ""),
    ],
)
def test_the_kind_of_answer_a_question_asks_for(question, kind, holding, lacking):
    assert answer_kind(question) == kind
    if kind:
        assert holds_kind(kind, holding) == 1 and holds_kind(kind, lacking) == -1
    else:
        assert holds_kind(kind, "anything") == 0


def test_sentence_features_see_words_speakers_and_kind():
    hits = [
        _hit("Dana: The garden budget is 18,500 dollars. We like plants.", ("Dana",), 0.7, 1),
        _hit("Lee: The bike lane budget is tight.", ("Lee",), 0.4, 2),
    ]
    found = candidates(hits)
    rows = sentence_features("How much is the garden budget, Dana?", found, hits, Evidence(speakers=("Dana",)))
    column = {name: rows[:, i] for i, name in enumerate(SENTENCE_FEATURES)}
    assert rows.shape == (3, len(SENTENCE_FEATURES))
    assert column["overlap"][0] > column["overlap"][2] > column["overlap"][1] == 0
    assert column["answer_kind"].tolist() == [1, -1, -1]
    assert column["by_named"].tolist() == [1, 1, 0] and column["by_other"].tolist() == [0, 0, 1]
    assert column["relative_similarity"][2] == pytest.approx(0.4 / 0.7)


def test_question_features_see_words_the_library_lacks():
    hits = [_hit("Dana: The garden budget is 18,500 dollars.", ("Dana",))]
    found = candidates(hits)
    library_words = {"garden", "budget", "dollar", "zeppelin"}
    evidence = Evidence(occurs=library_words.__contains__)
    row = question_features("How much is the zeppelin budget?", hits, evidence, found, 0.3, 0.5)
    column = dict(zip(QUESTION_FEATURES, row, strict=True))
    assert column["absent"] == 0 and 0 < column["absent_in_passages"] < 1  # the library has it, the passages not
    assert column["best_sentence"] == 0.3 and column["best_cosine"] == 0.5 and column["answer_kind"] == 1
    assert column["kind_content"] == column["best_content"] > 0
    evidence = Evidence(occurs={"garden", "budget", "dollar"}.__contains__)
    row = question_features("How much is the zeppelin budget?", hits, evidence, found, 0.3, 0.5)
    column = dict(zip(QUESTION_FEATURES, row, strict=True))
    assert column["rarest_absent"] == 1 and 0 < column["absent"] < 1
    row = question_features("How much is the garden budget?", hits, evidence, found, 0.3, 0.5)
    column = dict(zip(QUESTION_FEATURES, row, strict=True))
    assert column["absent"] == column["absent_in_passages"] == 0
    assert column["best_content"] == 1.0 and column["kind_content"] == 1.0


@pytest.fixture(scope="module")
def train_slice(tmp_path_factory, settings_for, embedder):
    from eval.fit import collect
    from eval.suites import qmsum_suite
    from library import Library

    suite = qmsum_suite(QMSUM / "train", limit=2)
    library = Library(settings_for(tmp_path_factory.mktemp("train-slice")), embedder)
    library.ingest(list(suite.transcripts))
    return suite, library, collect(suite, library)


def test_every_question_is_asked_within_its_meeting_of_the_library_and_without_it(train_slice):
    suite, _library, examples = train_slice
    ways = {(e.asked.question.id, e.asked.way) for e in examples}
    for question in suite.questions:
        assert {(question.id, "meeting"), (question.id, "library")} <= ways
    without = [e for e in examples if e.asked.way == "without"]
    assert without and all(
        not e.asked.answerable and e.asked.question.meeting in e.asked.filters.exclude for e in without
    )
    assert all(not e.labels.any() for e in examples if e.asked.way != "meeting")  # gold only within its meeting
    assert sum(e.labels.sum() for e in examples) > 0


def test_a_fit_is_reproducible_and_ranks_gold_sentences_higher(train_slice):
    from answer.extractive.scorer import AnswerModel
    from eval.fit import fit

    _suite, library, examples = train_slice
    model = fit(examples, "slice")
    assert fit(examples, "slice").difference(model) <= 1e-6
    assert AnswerModel.from_dict(json.loads(json.dumps(model.to_dict()))).to_dict() == model.to_dict()
    within = [e for e in examples if e.asked.way == "meeting" and e.labels.any() and not e.labels.all()]
    gold = np.concatenate([model.sentence.probability(e.rows)[e.labels == 1] for e in within])
    other = np.concatenate([model.sentence.probability(e.rows)[e.labels == 0] for e in within])
    assert gold.mean() > other.mean()
    unsaid = [e for e in examples if e.asked.way == "unsaid"]  # its gold span's passages left out
    assert unsaid and all(
        not e.asked.unsaid & set(range(hit.chunk.turn_start, hit.chunk.turn_end + 1)) for e in unsaid for hit in e.hits
    )
    assert 0 < model.abstain_below < 1 and model.support[-1] == (model.abstain_below, "weak")


def test_the_committed_model_file_is_a_train_fit_of_these_features():
    from answer.extractive.scorer import MODEL_FILE, load_model

    model = load_model(MODEL_FILE)
    assert model.sentence.features == SENTENCE_FEATURES and model.question.features == QUESTION_FEATURES
    assert model.rerank.features == RERANK_FEATURES
    assert "QMSum train" in model.fitted_on and "--data ../shared/data/qmsum/train" in model.fitted_on
    from eval.fit import GATE_FALSE_REFUSALS

    assert model.kind_gate is (model.kind_gate_false_refusals <= GATE_FALSE_REFUSALS)


def test_the_fit_command_writes_then_reproduces_and_catches_a_changed_file(tmp_path, train_slice):
    from cli import app

    _suite, library, _examples = train_slice
    out = tmp_path / "model.json"
    store = str(library.settings.data_dir)
    common = ["fit", "answer", "--data", str(QMSUM / "train"), "--limit", "2", "--data-dir", store]
    written = runner.invoke(app, [*common, "--out", str(out)])
    assert written.exit_code == 0, written.output
    said = " ".join(written.output.split())  # the console wraps its lines
    assert "factoid rule" in said and "more answerable askings" in said
    assert runner.invoke(app, [*common, "--out", str(out), "--check"]).exit_code == 0
    changed = json.loads(out.read_text())
    changed["sentence_bar"] += 0.05
    out.write_text(json.dumps(changed))
    checked = runner.invoke(app, [*common, "--out", str(out), "--check"])
    assert checked.exit_code == 1 and "differs" in checked.output
    refused = runner.invoke(app, ["fit", "answer", "--data", str(QMSUM / "val"), "--out", str(out)])
    assert refused.exit_code == 2 and "val is for reporting" in refused.output
