"""`onrecord fit topics` and `onrecord eval topics` on a slice of QMSum, in process."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from cli import app
from ingest.boundaries import FEATURES
from ingest.segmenting import load_model
from tests.conftest import QMSUM

runner = CliRunner()


def test_fit_topics_refuses_val_and_writes_a_model_fitted_on_train(tmp_path):
    refused = runner.invoke(app, ["fit", "topics", "--data", str(QMSUM / "val")])
    assert refused.exit_code == 2 and "val is for reporting" in refused.output
    out = tmp_path / "topic_model.json"
    fitted = runner.invoke(app, ["fit", "topics", "--data", str(QMSUM / "train"), "--limit", "2", "--out", str(out)])
    assert fitted.exit_code == 0, fitted.output
    model = load_model(out)
    assert model.price > 0 and model.short_price > 0 and "QMSum train, 2 meetings" in model.fitted_on
    boundary = model.boundary_model()  # fitted on the two meetings' gaps
    assert boundary is not None and boundary.features == FEATURES and any(boundary.coefficients)


def test_eval_topics_writes_a_report_beside_the_baselines(tmp_path):
    result = runner.invoke(
        app, ["eval", "topics", "--data", str(QMSUM / "val"), "--limit", "2", "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    systems = json.loads((tmp_path / "results.json").read_text())["systems"]
    names = [system["name"] for system in systems]
    assert names == [
        "On Record (automatic topics)",
        "previous release (partition without the boundary model)",
        "one segment per meeting",
        "even split at the gold count",
        "NLTK TextTiling",
    ]
    assert all(0 <= system["pk"] <= 1 for system in systems) and systems[0]["label_rouge1"] is not None
    assert "| On Record (automatic topics) |" in (tmp_path / "summary.md").read_text()


def test_fitting_is_one_group_listed_once_in_help():
    listed = runner.invoke(app, ["--help"]).output
    assert not any(f"fit-{name}" in listed for name in ("topics", "minutes", "fusion", "verifier"))
    group = runner.invoke(app, ["fit", "--help"]).output
    assert all(name in group for name in ("answer", "fusion", "topics", "verifier", "minutes")), group
