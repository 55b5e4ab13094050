"""Issue 44 step 5: the eval answers through Library.ask, the path the CLI, page, API and MCP take,
and its suites come from one registry that feeds the CLI and the page."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from answer.ask import AskOptions
from cli import app
from cli.evaluation import APART, _print_summary
from cli.options import console
from core.models import Filters
from eval.run import evaluate, systems_asked
from eval.suites import Question, Suite, resolve_suite, suites
from tests.conftest import QMSUM, ROOT

COUNCIL = "city_council_2024-03-12"
SAMPLES = tuple(sorted((ROOT / "samples").iterdir()))


@pytest.fixture(scope="module")
def asked(samples_library):
    questions = (
        # a question about the whole meeting: users get its minutes (scope routing); the eval's own
        # copy of the passage path answered it from eight passages instead
        Question("decided", "What was decided?", ((0, 4),), meeting=COUNCIL),
        Question("needle", "What did the council say about the library budget?", ((0, 4),), meeting=COUNCIL),
    )
    suite = Suite("one-path", SAMPLES, questions)
    return suite, evaluate(suite, samples_library, compare=True)


def test_every_answer_scored_is_the_one_users_get(asked, samples_library):
    suite, results = asked
    ours = {r.id: r for r in results if r.system == "onrecord-hybrid"}
    for question in suite.questions:
        users = samples_library.ask(question.question, AskOptions(filters=Filters.within(question.meeting)))
        assert ours[question.id].answer == users.text
        assert ours[question.id].abstained == users.abstained
    whole = samples_library.ask("What was decided?", AskOptions(filters=Filters.within(COUNCIL)))
    assert whole.scope == "meeting"  # routed by its scope, as users are


def test_the_comparison_systems_ask_through_the_library_too(asked, samples_library):
    """The previous release's answer cites whole passages (no turns), on the users' path: a
    meeting-level question is answered from the minutes by every variant alike."""
    suite, results = asked
    by = {(r.system, r.id): r for r in results}
    assert by[("onrecord-previous-release", "decided")].answer == by[("onrecord-hybrid", "decided")].answer
    assert by[("onrecord-before-coverage", "decided")].answer == by[("onrecord-hybrid", "decided")].answer
    dense = samples_library.ask("What was decided?", AskOptions(mode="dense", filters=Filters.within(COUNCIL)))
    assert by[("onrecord-dense", "decided")].answer == dense.text
    ranked = by[("onrecord-hybrid", "needle")].top
    searched = samples_library.search(suite.questions[1].question, 30, Filters.within(COUNCIL))
    assert ranked and ranked == [hit.chunk.id for hit in searched][: len(ranked)]  # Library.search's order


def test_the_progress_counts_every_system_run(asked):
    suite, results = asked
    assert len(results) == len(suite.questions) * systems_asked(suite, compare=True)
    qmsum = resolve_suite("qmsum", QMSUM / "val", 3)
    assert systems_asked(qmsum) == 2  # hybrid, and the whole library (`onrecord-library`): one short before
    assert systems_asked(qmsum, compare=True, written=True) == 10


def test_the_suites_come_from_one_registry_that_feeds_the_cli():
    names = set(suites())
    assert {"seed", "samples", "shapes", "who", "qmsum"} <= names
    assert "minutes" not in names and "followups" not in names  # not files of questions
    result = CliRunner().invoke(app, ["eval", "--help"], env={"COLUMNS": "300"})
    assert all(name in result.output for name in [*names, *APART])
    result = CliRunner().invoke(app, ["eval", "nowhere"])
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert "no suite named 'nowhere'" in result.output and "shapes" in result.output


def test_the_table_shows_whether_library_answers_cite_their_own_meeting():
    summary = {"onrecord-hybrid": {"Hit@5": 0.9}, "onrecord-library": {"cites_own_meeting": 0.54}}
    with console.capture() as captured:
        _print_summary("qmsum-val", summary)
    text = captured.get()
    assert "own mtg" in text and "0.540" in text


def test_the_table_is_not_cut_when_piped():
    """Piped to a file (not a terminal), every column of the evaluation table keeps its whole
    header and figures on one line, rather than cut to 80 columns."""
    columns = ["Hit@5", "MRR@10", "words_per_passage", "gold_within_200w", "turn_recall@2000w", "ROUGE-1"]
    row = {column: 0.123 for column in columns} | {"cites_own_meeting": 0.54, "median_ms": 812.0}
    assert not console.is_terminal
    with console.capture() as captured:
        _print_summary("qmsum-val", {"onrecord-hybrid": row, "naive-llamaindex": row})
    lines = captured.get().splitlines()
    header = next(line for line in lines if "system" in line)
    assert all(name in header for name in ("Hit@5", "MRR", "w/psg", "R@2kw", "R-1", "own mtg", "ms")), header
    assert any("naive-llamaindex" in line and "812" in line for line in lines)


def test_latency_is_the_answer_users_wait_for_not_the_deeper_ranking(samples_library):
    """On Record ranks 30 passages for Hit@k apart from its answer; the latency an evaluation
    reports is Library.ask's alone, what a user waits for."""
    import time

    from eval.runner import run_suite
    from eval.systems import OnRecord, Outcome

    question = Question("needle", "What did the council say about the library budget?", ((0, 4),), meeting=COUNCIL)
    outcome = OnRecord(samples_library).run(question)
    assert outcome.answer_ms is not None and outcome.answer_ms > 0

    class Slow:
        name = "slow-ranking"

        def run(self, _question: Question) -> Outcome:
            time.sleep(0.05)  # ranking apart from the answer
            return Outcome([], [], "an answer", False, [], answer_ms=5.0)

    [result] = run_suite(Suite("one", SAMPLES, (question,)), [Slow()], {})
    assert result.latency_ms == 5.0
