"""A meeting-level answer follows the minutes: a summary of the length asked for is the minutes'
own recipe (its strongest decisions first), and a decision's lead says who dissented. The real model
and real Chroma directories (the samples; the June pool board meeting of tests/data/timelines)."""

from __future__ import annotations

import pytest

from answer.overview import meeting_answer
from core.minutes import Scope
from library import Library
from minutes.build import summary_of
from tests.conftest import DATA

SYNC = "product_sync_2024-05-06"
JUNE = DATA / "timelines" / "pool_board_2025-06-02.txt"


def _answer(library: Library, meeting_id: str, scope: Scope):
    minutes = library.minutes(meeting_id)
    return minutes, meeting_answer(
        scope.question, scope, minutes, library.passages(meeting_id), library.turns(meeting_id)
    )


def test_a_summary_of_the_length_asked_is_the_minutes_recipe(samples_library):
    scope = Scope("meeting", "summary", 70, question="Briefly, what happened in the product sync?")
    minutes, answer = _answer(samples_library, SYNC, scope)
    head, lines = summary_of(samples_library.turns(SYNC), minutes.chapters, minutes.decisions, 70)
    cited = sorted({turn.index for citation in answer.citations for turn in citation.turns})
    assert cited == sorted({line.turn for line in lines}), answer.text
    strongest = max(minutes.decisions, key=lambda item: item.probability)
    assert strongest.turn in cited, answer.text  # the decision first, as the minutes' own summary has it
    assert head is None or answer.text.startswith(head)


@pytest.fixture(scope="module")
def june(tmp_path_factory, settings_for, embedder):
    library = Library(settings_for(tmp_path_factory.mktemp("june-board")), embedder)
    assert [result.status for result in library.ingest([JUNE])] == ["added"]
    return library


def test_a_decision_lead_says_who_voted_against(june):
    scope = Scope("meeting", "decisions", 110, question="What was decided?")
    _, answer = _answer(june, "pool_board_2025-06-02", scope)
    leads = [part.text for part in answer.parts if part.n is None]
    assert "(moved by Member Theo Grant; vote: 4–1; Member Priya Raman against)" in leads, answer.text
    assert "Opposed? Member Raman. The motion carries four to one." in answer.text
