"""The learned fusion of hybrid retrieval: its signals by hand, its fit on a slice of QMSum train
(reproduced by the command, refused on val), and the committed file."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from cli import app
from index.fusion import FUSION_FEATURES, FUSION_FILE, Signals, fusion_rows
from index.retrieval import Retriever, Tuning, fusion_model
from tests.conftest import QMSUM

runner = CliRunner()


def test_the_signals_of_a_candidate_by_hand():
    signals = Signals(
        cosine={0: 0.2, 1: 0.5, 2: 0.8, 3: 0.4},
        keyword=np.array([0.0, 2.0, 4.0, 0.0]),
        dense_ranking=[2, 1],
        keyword_ranking=[2, 1],
        neighbours={1: [0, 2], 3: []},
        named={1: True},
        length={1: 96.0, 3: 192.0},
    )
    first, second = fusion_rows([1, 3], [0.9, 0.1], signals)
    row = dict(zip(FUSION_FEATURES, first, strict=True))
    assert row["rrf"] == 0.9 and row["cosine"] == 0.5 and row["cosine_below_best"] == pytest.approx(-0.3)
    assert row["keyword"] == 0.5 and row["keyword_any"] == 1.0
    assert row["dense_rank"] == pytest.approx(1 / 62) and row["keyword_rank"] == pytest.approx(1 / 62)
    assert row["neighbour_cosine_below_best"] == pytest.approx(0.0)  # its neighbour is the best chunk
    assert row["neighbour_keyword"] == 1.0 and row["named_speaker"] == 1.0 and row["length"] == 0.5
    alone = dict(zip(FUSION_FEATURES, second, strict=True))
    assert alone["keyword_any"] == 0.0 and alone["dense_rank"] == pytest.approx(1 / 160)
    assert alone["neighbour_cosine_below_best"] == pytest.approx(-0.8) and alone["named_speaker"] == 0.0


def test_the_committed_fusion_is_a_train_fit_that_prefers_what_both_rankings_like():
    data = json.loads(FUSION_FILE.read_text())
    assert "QMSum train" in data["fitted_on"] and "--data ../shared/data/qmsum/train" in data["fitted_on"]
    model = fusion_model()
    assert model.features == FUSION_FEATURES
    weights = dict(zip(FUSION_FEATURES, model.coefficients, strict=True))
    assert weights["rrf"] > 0 and weights["neighbour_cosine_below_best"] > 0


def test_hybrid_search_orders_its_candidates_by_the_fusion(seed_library):
    retriever = seed_library
    plain = Retriever(retriever.embedder, retriever.catalog, Tuning(learned_fusion=False, merge_adjacent=1))
    learned = Retriever(retriever.embedder, retriever.catalog, Tuning(learned_fusion=True, merge_adjacent=1))
    query = learned.prepare("What happens if the enforcement vote fails?")
    ranked, _, rows = learned.candidates(query, 40, rows=True)
    chances = fusion_model().probability(rows)
    expected = [ranked[i][0] for i in np.argsort(-chances, kind="stable")][:5]
    assert [hit.chunk.id for hit in learned.retrieve_query(query, 5)] == expected
    by_rrf = [chunk_id for chunk_id, _ in ranked[:5]]
    assert [hit.chunk.id for hit in plain.retrieve_query(query, 5)] == by_rrf
    assert expected != by_rrf  # the fusion reorders what reciprocal rank fusion would give


def test_the_fit_command_writes_then_reproduces_and_refuses_val(tmp_path, settings_for, embedder):
    from eval.suites import qmsum_suite
    from library import Library

    suite = qmsum_suite(QMSUM / "train", limit=2)
    library = Library(settings_for(tmp_path / "store"), embedder)
    library.ingest(list(suite.transcripts))
    out = tmp_path / "fusion.json"
    common = ["fit", "fusion", "--data", str(QMSUM / "train"), "--limit", "2", "--data-dir", str(tmp_path / "store")]
    written = runner.invoke(app, [*common, "--out", str(out)])
    assert written.exit_code == 0, written.output
    fitted = json.loads(out.read_text())
    assert fitted["model"]["features"] == list(FUSION_FEATURES) and "--limit 2" in fitted["fitted_on"]
    assert runner.invoke(app, [*common, "--out", str(out), "--check"]).exit_code == 0
    fitted["model"]["intercept"] += 0.05
    out.write_text(json.dumps(fitted))
    checked = runner.invoke(app, [*common, "--out", str(out), "--check"])
    assert checked.exit_code == 1 and "differs" in checked.output
    refused = runner.invoke(app, ["fit", "fusion", "--data", str(QMSUM / "val"), "--out", str(out)])
    assert refused.exit_code == 2 and "val is for reporting" in refused.output
