"""Citations at turn level: each [n] names the turn that holds its quote, inside the passage kept
as its context (real model, the seed library)."""

from __future__ import annotations

import pytest

from library import Library

QUESTIONS = [
    "What happens if the enforcement vote fails?",
    "What did Cameran Ashraf say about jurisdictions?",
    "What did Quim Gil say about grants?",
    "How will the enforcement guidelines be ratified?",
    "Who can join the drafting committee?",
    "What causes spring tides?",
]


@pytest.fixture(scope="module")
def library(seed_library, seed_data_dir, settings_for, embedder):
    return Library(settings_for(seed_data_dir), embedder)


@pytest.mark.parametrize("question", QUESTIONS)
def test_every_marker_cites_the_turn_that_holds_its_quote(library, question):
    answer = library.ask(question)
    assert not answer.abstained and answer.parts
    by_number = {citation.n: citation for citation in answer.citations}
    spans = {(c.hit.chunk.meeting_id, c.turn_start, c.turn_end) for c in answer.citations}
    assert len(spans) == len(answer.citations)  # [n] numbers distinct turn spans
    for part in answer.parts:
        citation = by_number[part.n]
        assert len(citation.turns) == 1
        (turn,) = citation.turns
        chunk = citation.hit.chunk
        assert chunk.turn_start <= turn.index <= chunk.turn_end  # inside the passage, its context
        quote = part.text.removeprefix(f"{turn.canonical_speaker}: ") if turn.canonical_speaker else part.text
        said = " ".join(turn.clean_text.split())
        for piece in quote.split(" … "):
            assert " ".join(piece.split()) in said, (part.n, piece, said)
    cited = answer.to_dict()["citations"][0]
    assert cited["turn_start"] == cited["turn_end"] and cited["text"] == by_number[1].turns[0].clean_text
    assert cited["context"]["text"] == by_number[1].hit.chunk.text
