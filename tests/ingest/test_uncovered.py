"""A transcript whose own topics cover only part of it: the rest gets topics found as a transcript
without topics does (marked auto), each run of uncovered turns on its own, and the source's topics
stay as they are."""

from __future__ import annotations

import json
from dataclasses import replace

from core.models import Transcript, Turn
from ingest.chunking import chunk_transcript
from ingest.parsing import parse_file
from ingest.segmenting import AUTO, TopicModel, load_model, needs_topics, segment, uncovered, with_topics
from tests.conftest import DATA
from tests.ingest.test_segmenting import BUDGET, GARDEN, HashedWords, transcript

WORDS_ONLY = TopicModel(speaker_weight=0.0, word_weight=1.0, short_price=1.25, agenda_bonus=0.0)


def found(meeting: Transcript, counter, model: TopicModel = WORDS_ONLY, embed=None) -> Transcript:
    """Topics found as ingest finds them (index.writer.found_topics), with a deterministic embedder."""
    embed = embed or HashedWords()
    chunks = chunk_transcript(meeting, 192, counter.count)
    return with_topics(meeting, segment(chunks, embed([c.text for c in chunks]), meeting.turns, model, embed))


def covered(meeting: Transcript, topics: dict[int, str]) -> Transcript:
    return replace(meeting, turns=tuple(replace(t, topic=topics.get(t.index)) for t in meeting.turns))


def test_notes_whose_headings_start_partway_get_found_topics_for_their_opening(counter):
    notes = parse_file(DATA / "notes_partway.txt")
    assert needs_topics(notes) and uncovered(notes.turns) == [range(0, 6)]
    topical = found(notes, counter, load_model())
    assert all(turn.topic for turn in topical.turns)
    assert {turn.topic_source for turn in topical.turns[:6]} == {AUTO}
    assert [(t.topic, t.topic_source) for t in topical.turns[6:]] == [(t.topic, None) for t in notes.turns[6:]]
    assert [topic for topic, _, _ in topical.topics][-2:] == ["Opening hours", "Book budget"]
    assert "roof" in topical.turns[0].topic.casefold()  # the opening's own words
    assert found(notes, counter, load_model()) == topical  # ingesting again gives the same topics
    for chunk in chunk_transcript(topical, 192, counter.count):
        assert len({turn.topic for turn in topical.turns[chunk.turn_start : chunk.turn_end + 1]}) == 1


def test_each_uncovered_run_is_segmented_on_its_own_and_given_topics_are_never_cut(counter):
    given = [("Eve", "The second item is the library hours on Sundays."), ("Fay", "Sunday hours need more staff.")]
    meeting = covered(transcript(GARDEN + BUDGET + given + GARDEN[:1]), {8: "Library", 9: "Library"})
    assert uncovered(meeting.turns) == [range(0, 8), range(10, 11)]
    topical = found(meeting, counter)
    runs = [(first, last, topical.turns[first].topic_source) for _, first, last in topical.topics]
    assert runs == [(0, 3, AUTO), (4, 7, AUTO), (8, 9, None), (10, 10, AUTO)]
    assert topical.turns[8].topic == "Library"  # its spoken heading starts no topic of its own


def test_a_fully_covered_transcript_needs_no_topics_and_keeps_its_own():
    meeting = covered(transcript(GARDEN + BUDGET), {i: "Garden" if i < 4 else "Budget" for i in range(8)})
    assert not needs_topics(meeting) and uncovered(meeting.turns) == []
    assert with_topics(meeting, []) == meeting


def test_a_turn_without_words_between_given_topics_takes_the_topic_before_it():
    turns = (
        Turn(0, "Ana", "Ana", "Soil beds.", "Soil beds.", topic="Garden"),
        Turn(1, "Ben", "Ben", "{vocalsound}", "", topic=None),
        Turn(2, "Cara", "Cara", "Parking fees.", "Parking fees.", topic="Budget"),
    )
    topical = with_topics(Transcript("m", "Meeting", turns, "m.json", "qmsum"), [])
    assert [(t.topic, t.topic_source) for t in topical.turns] == [("Garden", None), ("Garden", None), ("Budget", None)]


def test_qmsum_turns_outside_the_topic_spans_get_found_topics(tmp_path, counter):
    entries = [{"speaker": who, "content": text} for who, text in GARDEN + BUDGET]
    spans = {"topic_list": [{"topic": "Garden beds", "relevant_text_span": [["0", "3"]]}]}
    path = tmp_path / "meeting.json"
    path.write_text(json.dumps({"meeting_transcripts": entries, **spans}))
    meeting = parse_file(path)
    assert [t.topic for t in meeting.turns[4:]] == [None] * 4
    topical = found(meeting, counter)
    assert [t.topic for t in topical.turns[:4]] == ["Garden beds"] * 4
    assert {t.topic_source for t in topical.turns[4:]} == {AUTO} and all(t.topic for t in topical.turns)
