"""The rename measure of `onrecord bench`: a rename in a diarized meeting embeds no chunk, and the
speaker filter finds the new name at once."""

from __future__ import annotations

from bench.renames import bench_rename, diarized_meeting


def test_a_rename_is_measured_with_nothing_embedded(embedder):
    timing = bench_rename(120, embedder)
    assert timing.turns == 120 and timing.chunks > 1
    assert timing.rename_embedded == 0 and timing.reset_embedded == 0
    assert timing.filter_finds_name
    assert timing.rename_s > 0 and "0 chunks embedded" in timing.lines()[0]


def test_the_measured_meeting_is_diarized():
    segments = diarized_meeting(1000)["segments"]
    assert len(segments) == 1000 and {s["speaker"] for s in segments} == {f"SPEAKER_0{n}" for n in range(4)}


def test_the_rename_target_is_judged_from_its_figure():
    from bench.harness import targets

    report: dict = {"ingest": {"embed_chunks_per_s": 50.0, "beyond_embedding": 0.1}, "scale": [], "startup": []}
    for embedded, met in ((0, True), (113, False)):
        report["renames"] = {"rename_embedded": embedded, "rename_s": 0.123}
        (target,) = [target for target in targets(report) if target.name.startswith("renaming a speaker")]
        assert target.met is met and target.goal == "0" and target.measured == f"{embedded} (123 ms)"
