"""Automatic topics at ingest, with the real model and a real Chroma directory: the samples, the
topic filter, chapters on the command line, and a few QMSum val meetings against their gold topics."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from core.models import Filters
from ingest.chapters import chapters
from web.library_tab import meetings_rows

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
COUNCIL = "city_council_2024-03-12"
VAL = Path(__file__).resolve().parents[3] / "shared" / "data" / "qmsum" / "val"


@pytest.fixture(scope="module")
def samples_library(tmp_path_factory, settings_for, embedder):
    from library import Library

    settings = settings_for(tmp_path_factory.mktemp("samples-store"))
    library = Library(settings, embedder)
    assert {r.status for r in library.ingest([SAMPLES])} == {"added"}
    return library


def topic_of(turns, words: str) -> str:
    return next(turn.topic for turn in turns if words in turn.text)


def test_the_bike_lane_and_the_library_hours_items_land_in_different_automatic_topics(samples_library):
    turns = samples_library.turns(COUNCIL)
    assert {turn.topic_source for turn in turns} == {"auto"}
    bike, library = topic_of(turns, "protected bike lane on Harbour"), topic_of(turns, "Saturday opening hours")
    assert bike != library
    assert topic_of(turns, "twenty-two parking spaces") == bike
    assert topic_of(turns, "Seventy percent asked for Saturday") == library
    # the mayor closed the vote and opened the next item in one merged turn: it is split there, timed
    opened = next(turn for turn in turns if "The second item is" in turn.text)
    assert opened.text.startswith("The second item is") and opened.start == 173.0
    closed = turns[opened.index - 1]
    assert closed.canonical_speaker == "Mayor Lena Ortiz" and closed.text.endswith("The motion carries unanimously.")
    assert closed.end == 173.0 and closed.topic == bike


def test_the_topic_filter_and_the_library_table_know_automatic_topics(samples_library):
    turns = samples_library.turns(COUNCIL)
    library_topic = topic_of(turns, "Saturday opening hours")
    assert library_topic in samples_library.meeting(COUNCIL).topics
    assert samples_library.meeting(COUNCIL).topic_source == "auto"
    assert [row[7] for row in meetings_rows(samples_library) if row[0] == COUNCIL] == [
        f"{len(samples_library.meeting(COUNCIL).topics)} (auto)"
    ]
    hits = samples_library.search("How much does it cost?", 5, Filters(topic=library_topic.upper()))
    assert hits and all(hit.chunk.topic == library_topic for hit in hits)
    assert any("Forty-eight thousand dollars" in hit.chunk.text for hit in hits)
    answer = samples_library.ask("When does the bike lane construction start?").to_dict()
    assert answer["citations"] and answer["citations"][0]["topic_source"] == "auto"


def test_ingesting_a_file_again_gives_the_same_topics(samples_library, settings_for, embedder, tmp_path):
    from library import Library

    before = [(turn.index, turn.topic) for turn in samples_library.turns(COUNCIL)]
    assert {r.status for r in samples_library.ingest([SAMPLES])} == {"unchanged"}
    elsewhere = Library(settings_for(tmp_path / "again"), embedder)
    elsewhere.ingest([SAMPLES / f"{COUNCIL}.vtt"])
    assert [(turn.index, turn.topic) for turn in elsewhere.turns(COUNCIL)] == before


class CountingEmbedder:
    """The real model, counting the texts it is given."""

    def __init__(self, inner):
        self.inner, self.dimension, self.texts = inner, inner.dimension, 0

    def embed_batch(self, texts):
        self.texts += len(texts)
        return self.inner.embed_batch(texts)


def test_a_changed_long_transcript_embeds_only_its_new_chunks_again(settings_for, embedder, tmp_path):
    from library import Library

    garden = "The rooftop garden beds need soil, and the tomatoes need watering every morning."
    budget = "The parking garage budget is short, and the fees may rise to cover repairs."
    lines = [f"Speaker {i % 3}: {garden if (i // 40) % 2 == 0 else budget} Point {i}." for i in range(200)]
    path = tmp_path / "long_meeting.txt"
    path.write_text("\n".join(lines) + "\n")
    counting = CountingEmbedder(embedder)
    library = Library(settings_for(tmp_path / "store"), counting)
    library.ingest([path])
    first = counting.texts
    path.write_text("\n".join([*lines[:-1], "Speaker 1: The meeting is adjourned."]) + "\n")
    counting.texts = 0
    [result] = library.ingest([path])
    assert result.status == "updated" and result.chunks > 10
    # the changed last chunk and a neighbour whose topic boundary moved with it, not the whole meeting again
    assert counting.texts <= 3 < first
    assert library.turns("long_meeting")[-1].text == "The meeting is adjourned."


def test_chunks_never_cross_an_automatic_topic_boundary(samples_library):
    for meeting in samples_library.meetings():
        turns = samples_library.turns(meeting.meeting_id)
        for chunk in samples_library.catalog.chunks:
            if chunk.meeting_id == meeting.meeting_id:
                assert len({turn.topic for turn in turns[chunk.turn_start : chunk.turn_end + 1]}) == 1
                assert chunk.topic == turns[chunk.turn_start].topic


def test_onrecord_chapters_as_a_table_json_a_webvtt_track_and_description_lines(samples_library):
    from cli import app

    env = {"ONRECORD_DATA_DIR": str(samples_library.settings.data_dir)}
    runner = CliRunner()
    listed = runner.invoke(app, ["chapters", COUNCIL.upper(), "--json"], env=env)
    assert listed.exit_code == 0, listed.output
    found = json.loads(listed.output)["chapters"]
    expected = chapters(samples_library.turns(COUNCIL))
    assert [c["topic"] for c in found] == [c.topic for c in expected] and len(found) >= 2
    assert all(c["source"] == "auto" and c["summary"] for c in found[1:])
    track = runner.invoke(app, ["chapters", COUNCIL, "--format", "vtt"], env=env)
    assert track.exit_code == 0 and track.output.startswith("WEBVTT\n\n1\n00:00:04.000 --> ")
    youtube = runner.invoke(app, ["chapters", COUNCIL, "--format", "youtube"], env=env).output.splitlines()
    assert youtube[0] == f"00:00 {found[0]['topic']}" and len(youtube) == len(found)
    table = runner.invoke(app, ["chapters", COUNCIL], env=env)
    assert table.exit_code == 0 and "(auto)" in table.output
    wrong = runner.invoke(app, ["chapters", "city_counsil"], env=env)
    assert wrong.exit_code == 1 and "no meeting named 'city_counsil'" in wrong.output and COUNCIL in wrong.output
    bad = runner.invoke(app, ["chapters", COUNCIL, "--format", "srt"], env=env)
    assert bad.exit_code == 2 and "use --format vtt or --format youtube" in bad.output


def test_a_few_qmsum_val_meetings_read_without_topics_come_close_to_their_gold_topics(embedder, counter):
    from eval.topics import boundaries, cases, one_segment, pk_windowdiff, predicted, prepare
    from ingest.segmenting import load_model

    found = cases(VAL, limit=4)
    ours, baseline = [], []
    for case in found:
        numbers = predicted(prepare(case, embedder, counter.count, 192), load_model())
        reference = boundaries(case.gold)
        ours.append(pk_windowdiff(reference, boundaries(numbers))[0])
        baseline.append(pk_windowdiff(reference, boundaries(one_segment(case)))[0])
        assert 1 <= len(set(numbers)) <= 3 * (reference.count("1") + 1)
    assert sum(ours) / len(ours) < sum(baseline) / len(baseline)
