"""What a follow-up costs over the question it was read as (`onrecord bench`), measured on the samples
and judged against its target."""

from __future__ import annotations

from bench.harness import targets
from bench.measures import FOLLOW_UPS, bench_followups

NAME = "a follow-up read against its thread, over the question it was read as (median, no language model)"


def test_a_follow_up_costs_its_reading_and_no_second_search(samples_library):
    figures = bench_followups(samples_library, FOLLOW_UPS[:3], repeat=2)
    assert figures["follow_ups"] == 3
    assert 0 < figures["reading_median_ms"] < 20  # no language model, no retrieval: a few regular expressions
    assert figures["added_median_ms"] < 20


def test_the_follow_up_target_is_judged_from_its_figure():
    report: dict = {"ingest": {"embed_chunks_per_s": 50.0, "beyond_embedding": 0.1}, "scale": [], "startup": []}
    for added, met in ((3.5, True), (25.0, False)):
        report["followups"] = {"follow_ups": 8, "added_median_ms": added, "reading_median_ms": 0.5}
        (target,) = [target for target in targets(report) if target.name == NAME]
        assert target.met is met and target.goal == "≤ 20 ms" and target.scope == "query"
        assert target.measured == f"{added:+.1f} ms (reading alone: 0.5 ms)"
