"""A speaker the question names rises in every mode, not only in hybrid (real model, seed library)."""

from __future__ import annotations

from dataclasses import replace

import pytest


def first_rank_of(speaker: str, hits) -> int:
    return next((hit.rank for hit in hits if speaker in hit.chunk.speakers), len(hits) + 1)


@pytest.mark.parametrize("mode", ["hybrid", "dense", "keyword"])
def test_a_named_speakers_passages_rise_in_every_mode(seed_library, mode):
    query = seed_library.prepare("How will the enforcement guidelines be ratified by the community?")
    assert query.speakers == ()  # no name in it: the plain ranking
    plain = seed_library.retrieve_query(query, 10, mode)
    leading = {speaker for hit in plain[:3] for speaker in hit.chunk.speakers}
    speaker = next(s for hit in reversed(plain) for s in hit.chunk.speakers if s not in leading)
    named = seed_library.retrieve_query(replace(query, speakers=(speaker,)), 10, mode)
    assert first_rank_of(speaker, named) < first_rank_of(speaker, plain)
    assert first_rank_of(speaker, named) <= 3
