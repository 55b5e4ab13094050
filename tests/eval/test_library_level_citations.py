"""The library-level figures: each question asked of the whole library as users ask it
(Library.ask), its citations scored against its own meeting's gold turns, and whether they include
that meeting. Real model, real Chroma directory of the board meetings in tests/data/votes/."""

from __future__ import annotations

import pytest

from eval.metrics import Passage, citation_metrics
from eval.runner import run_suite, summarize
from eval.suites import Question, Suite
from eval.systems import LibraryAsked
from library import Library
from tests.conftest import DATA

JANUARY, MARCH = "library_board_2025-01-13", "library_board_2025-03-10"


def test_a_citation_of_another_meeting_holds_no_gold_turn():
    own = Passage("a#5", frozenset({5}), 20, meeting=JANUARY)
    other = Passage("b#5", frozenset({5, 6}), 30, meeting=MARCH)  # the same turn numbers, another meeting
    found = citation_metrics([own, other], frozenset({5}), None, JANUARY)
    assert found["citation_precision"] == pytest.approx((1 + 0) / 2)
    assert citation_metrics([other], frozenset({5}), None, JANUARY)["any_correct_citation"] == 0.0
    # without the gold's meeting, as within one meeting: turn numbers alone
    assert citation_metrics([other], frozenset({5}), None)["citation_precision"] == pytest.approx(1 / 2)


@pytest.fixture(scope="module")
def boards(tmp_path_factory, settings_for, embedder):
    library = Library(settings_for(tmp_path_factory.mktemp("library-level-store")), embedder)
    assert {r.status for r in library.ingest(sorted((DATA / "votes").glob("*.txt")))} == {"added"}
    return library


def test_library_level_answers_say_whether_they_cite_the_questions_meeting(boards):
    asked = "Who voted against the budget amendment?"  # answered from January: turns 5 (a no) and 7 (the count)
    questions = (
        Question("own", asked, ((5, 7),), JANUARY),
        Question("elsewhere", asked, ((5, 7),), MARCH),  # as if its gold were March's same turns
    )
    suite = Suite("library-level", tuple(sorted((DATA / "votes").glob("*.txt"))), questions)
    results = {r.id: r for r in run_suite(suite, [LibraryAsked(boards)], {})}
    assert results["own"].metrics["cites_own_meeting"] == 1.0
    assert results["own"].metrics["citation_precision"] == 1.0 and results["own"].metrics["timelines"] == 0.0
    assert results["elsewhere"].metrics["cites_own_meeting"] == 0.0
    assert results["elsewhere"].metrics["citation_precision"] == 0.0
    assert summarize(list(results.values()))["onrecord-library"]["cites_own_meeting"] == 0.5
