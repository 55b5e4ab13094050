"""Suites load, and On Record clears floors on the seed suite and a QMSum subset (real model, real store).

The floors sit well below what the full runs reach (docs/evaluation.md), so they catch a
broken system, not noise: runs are deterministic."""

from __future__ import annotations

import json

import pytest

from eval.report import write_report
from eval.run import evaluate
from eval.runner import summarize
from eval.suites import SuiteError, load_suite, qmsum_suite, resolve_suite
from library import Library
from tests.conftest import QMSUM, SEED


def test_seed_suite_loads_with_its_transcript_and_unanswerable_questions():
    suite = resolve_suite("seed")
    assert suite.transcripts == (SEED.resolve(),)
    assert len(suite.questions) >= 30
    assert sum(not q.answerable for q in suite.questions) >= 2
    assert sum(q.speaker is not None for q in suite.questions) >= 10


def test_the_shapes_suite_keeps_a_third_aside_and_asks_it_alone():
    whole = resolve_suite("shapes")
    held_out = resolve_suite("shapes:held_out")
    assert len(whole.questions) >= 40 and held_out.name == "shapes-held_out"
    assert 3 * len(held_out.questions) == len(whole.questions)
    assert {q.id for q in held_out.questions} < {q.id for q in whole.questions}
    answerable = sum(q.answerable for q in held_out.questions)
    assert answerable == len(held_out.questions) - answerable
    with pytest.raises(SuiteError, match="no questions with split 'nowhere'"):
        resolve_suite("shapes:nowhere")


def test_qmsum_suite_keeps_specific_queries_with_spans_and_says_what_it_left_out():
    suite = qmsum_suite(QMSUM / "val")
    data = json.loads((QMSUM / "val" / "Bed002.json").read_text())
    bed002 = [q for q in suite.questions if q.meeting == "Bed002"]
    assert len(bed002) == len(data["specific_query_list"])
    assert bed002[0].gold_turns == tuple(
        (int(a), int(b)) for a, b in data["specific_query_list"][0]["relevant_text_span"]
    )
    assert "general queries" in suite.notes[0] and suite.notes[0].startswith("35 ")
    assert {q.domain for q in suite.questions} == {"academic", "product", "committee"}
    assert len(qmsum_suite(QMSUM / "val", limit=3).transcripts) == 3


def test_a_user_suite_file_and_its_errors(tmp_path):
    transcript = tmp_path / "talk.srt"
    transcript.write_text("1\n00:00:01,000 --> 00:00:02,000\nAna: The budget stays at ten thousand.\n")
    suite_file = tmp_path / "mine.json"
    suite_file.write_text(
        json.dumps({"transcripts": ["talk.srt"], "questions": [{"question": "Budget?", "gold_turns": [[0, 0]]}]})
    )
    suite = load_suite(suite_file)
    assert suite.name == "mine" and suite.transcripts == (transcript,)
    suite_file.write_text(json.dumps({"questions": []}))
    with pytest.raises(SuiteError, match="needs 'transcripts'"):
        load_suite(suite_file)
    with pytest.raises(SuiteError, match="no suite named"):
        resolve_suite("nonexistent")


@pytest.fixture(scope="module")
def seed_run(tmp_path_factory, settings_for, embedder, counter):
    suite = resolve_suite("seed")
    settings = settings_for(tmp_path_factory.mktemp("eval-seed"))
    return suite, evaluate(suite, Library(settings, embedder))


def test_seed_floors(seed_run):
    _suite, results = seed_run
    row = summarize(results)["onrecord-hybrid"]
    assert row["Hit@5"] >= 0.85
    assert row["MRR@10"] >= 0.75
    assert row["turn_recall@2000w"] >= 0.85
    assert row["any_correct_citation"] >= 0.8
    assert row["speaker_attribution"] >= 0.6
    # 15 unanswerable questions, 12 of them in the seed's own domain (s36–s47): the fitted model
    # refuses about a quarter; the open part of issue 11 (docs/notes/coverage.md)
    assert row["abstention_accuracy"] >= 0.25
    assert row["false_refusal"] <= 0.15
    assert row["ROUGE-1"] >= 0.15


def test_report_files(seed_run, tmp_path):
    suite, results = seed_run
    write_report(tmp_path, suite, results, {"chunk budget": 192})
    written = json.loads((tmp_path / "results.json").read_text())
    assert len(written["results"]) == len(suite.questions)
    assert "| onrecord-hybrid |" in (tmp_path / "summary.md").read_text()
    for plot in ("recall_vs_budget.png", "scores_by_domain.png"):
        assert (tmp_path / plot).read_bytes()[:4] == b"\x89PNG"


def test_qmsum_subset_floors_and_the_naive_baseline(tmp_path, settings_for, embedder, counter):
    suite = qmsum_suite(QMSUM / "val", limit=3)
    results = evaluate(suite, Library(settings_for(tmp_path), embedder), compare=True)
    summary = summarize(results)
    ours, naive = summary["onrecord-hybrid"], summary["naive-llamaindex"]
    assert set(summary) == {
        "onrecord-hybrid",
        "onrecord-previous-release",
        "onrecord-fitted-fusion",
        "onrecord-before-coverage",
        "onrecord-library",
        "onrecord-dense",
        "onrecord-keyword",
        "naive-llamaindex",
        "gold-span-ceiling",
    }
    assert ours["Hit@5"] >= 0.7
    assert ours["MRR@10"] >= 0.5
    assert ours["turn_recall@2000w"] >= 0.5
    assert ours["turn_recall@2000w"] > naive["turn_recall@2000w"]
    ceiling = summary["gold-span-ceiling"]
    assert ceiling["ROUGE-1"] > ours["ROUGE-1"] and ceiling.get("Hit@5") is None  # it ranks nothing
