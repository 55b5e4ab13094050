"""`eval qmsum --answerer llm`: written answers scored beside the extractive ones, with the share of
the sentences the model wrote that their citations support (a scripted model over real HTTP)."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from cli import app
from eval.run import evaluate
from eval.runner import summarize
from eval.suites import qmsum_suite
from library import Library
from tests.conftest import QMSUM
from tests.llm_server import ScriptedLLM

PASSAGE = re.compile(r"^\[(\d+)\] [^:]+\): (.+)$")


def half_true(request: dict) -> str:
    """The longest sentence of the first passage shown, cited to it, then an invented one."""
    for line in request["messages"][-1]["content"].splitlines():
        found = PASSAGE.match(line)
        if found:
            longest = max(re.split(r"(?<=[.!?])\s+", found.group(2)), key=len).rstrip(".!? …")
            n = found.group(1)
            return f"{longest} [{n}]. The committee spent forty million dollars on lunch [{n}]."
    raise AssertionError("no passage shown")


@pytest.fixture(scope="module")
def server():
    scripted = ScriptedLLM()
    scripted.default = type(scripted.default)(half_true)
    yield scripted
    scripted.close()


def test_written_answers_are_scored_beside_the_extractive_ones(tmp_path, settings_for, embedder, server):
    suite = qmsum_suite(QMSUM / "val", limit=1)
    settings = settings_for(tmp_path, llm_url=server.url, llm_model="scripted", llm_timeout=10)
    library = Library(settings, embedder)
    results = evaluate(suite, library, written=True)
    summary = summarize(results)
    assert set(summary) == {"onrecord-hybrid", "onrecord-llm"}
    written = summary["onrecord-llm"]
    asked = [r for r in results if r.system == "onrecord-llm" and r.answerable and not r.abstained]
    assert asked and len(server.requests) == len(asked)  # no model call where the gate refused
    assert written["generated_sentences"] == pytest.approx(2.0)
    assert written["sentence_support"] == pytest.approx(0.5)  # the true sentence kept, the invented one not
    assert written["written_shown"] == pytest.approx(1.0) and written["model_failed"] == pytest.approx(0.0)
    assert all("forty million" not in (r.answer or "") for r in asked)
    assert written.get("Hit@5") is None  # its retrieval is the hybrid row's
    assert written["any_correct_citation"] is not None


def test_the_command_says_how_to_configure_a_model_when_none_is(tmp_path, monkeypatch):
    for name in ("ONRECORD_LLM_URL", "ONRECORD_LLM_PATH"):
        monkeypatch.delenv(name, raising=False)
    result = CliRunner().invoke(
        app, ["eval", "qmsum", "--data", str(QMSUM / "val"), "--limit", "1", "--answerer", "llm",
              "--data-dir", str(tmp_path / "store"), "--out", str(tmp_path / "report")],
    )  # fmt: skip
    assert result.exit_code != 0
    assert "ONRECORD_LLM_URL" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "report").exists()
