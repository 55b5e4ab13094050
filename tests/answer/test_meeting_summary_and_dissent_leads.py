"""A meeting-level answer follows the minutes: a summary of the length asked for is the minutes'
own recipe (its strongest decisions first). The real model and a real Chroma directory of the samples."""

from __future__ import annotations

from answer.library import Library
from answer.overview import meeting_answer
from core.minutes import Scope
from minutes.build import summary_of

SYNC = "product_sync_2024-05-06"


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
