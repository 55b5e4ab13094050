"""Automatic topics without the model: the partition, exact cuts, splitting a merged turn, labels
and chapters, on hand-made vectors and transcripts."""

from __future__ import annotations

import zlib

import numpy as np
import pytest

from core.errors import QueryError
from core.models import Transcript, Turn
from ingest.chapters import chapters, vtt_track, youtube_lines
from ingest.chunking import chunk_transcript
from ingest.labels import labels, topic_terms
from ingest.segmenting import (
    AUTO,
    Cut,
    TopicModel,
    by_units,
    partition,
    segment,
    unit_views,
    units_of,
    with_topics,
)
from ingest.spoken import is_spoken_heading


def words(texts):
    return [len(text.split()) for text in texts]


class HashedWords:
    """A tiny deterministic embedder: each text's content words hashed into 64 dimensions."""

    def __call__(self, texts):
        matrix = np.zeros((len(texts), 64), dtype=np.float32)
        for row, text in enumerate(texts):
            for term in topic_terms(text):
                matrix[row, zlib.crc32(term.encode()) % 64] += 1
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        return matrix / np.where(norms > 0, norms, 1)


def transcript(turns: list[tuple[str, str]], times: bool = False) -> Transcript:
    made = tuple(
        Turn(i, who, who, text, text, start=i * 10.0 if times else None, end=i * 10.0 + 9 if times else None)
        for i, (who, text) in enumerate(turns)
    )
    return Transcript("m", "Meeting", made, "m.txt", "plain")


GARDEN = [
    ("Ana", "The rooftop garden needs new soil beds and a watering schedule for the tomatoes."),
    ("Ben", "Tomatoes and herbs grow well in the garden beds if the watering is daily."),
    ("Ana", "The garden volunteers will water the beds and the herbs every morning."),
    ("Ben", "Soil for the garden beds costs four hundred dollars from the nursery."),
]
BUDGET = [
    ("Cara", "The parking garage budget is short by twelve thousand dollars this year."),
    ("Dan", "Parking fees at the garage could rise to cover the budget gap."),
    ("Cara", "Garage repairs and parking meters take most of the budget."),
    ("Dan", "The budget vote on the parking garage fees is next month."),
]


def test_the_partition_starts_a_segment_where_the_vectors_change_and_a_price_too_high_keeps_one():
    rows = np.array([[1, 0, 0]] * 5 + [[0, 1, 0]] * 5, dtype=np.float32)
    assert partition([rows], [1.0], price=1.0, bonus=np.zeros(10)) == [5]
    assert partition([rows], [1.0], price=100.0, bonus=np.zeros(10)) == []
    noisy = rows + np.random.default_rng(0).normal(0, 0.05, rows.shape)
    assert partition([noisy / np.linalg.norm(noisy, axis=1, keepdims=True)], [1.0], 1.0, np.zeros(10)) == [5]


def test_a_short_meeting_is_cut_where_its_words_change_and_the_cut_is_the_same_every_time():
    meeting = transcript(GARDEN + BUDGET)
    model = TopicModel(speaker_weight=0.0, word_weight=1.0, short_price=1.25, agenda_bonus=0.0)
    units = units_of(meeting.turns)
    found = by_units(units, unit_views(meeting.turns, units, HashedWords()), model)
    assert found == [4]
    again = by_units(units, unit_views(meeting.turns, units, HashedWords()), model)
    assert again == found


def starts_with_headings_alone(turns: list[tuple[str, str]]) -> list[int]:
    """The units where topics start when the partition alone would keep one topic."""
    meeting = transcript(turns)
    units = units_of(meeting.turns)
    return by_units(units, unit_views(meeting.turns, units, HashedWords()), TopicModel(short_price=1000.0))


@pytest.mark.parametrize(
    "announcement",
    [
        "The second item is the parking garage budget.",
        "Thank you. The second item is the parking garage budget.",
        "Thanks, Maria. Next on the agenda is the parking garage budget.",
        "Okay, thank you all. Item three: the parking garage budget.",
        "Many thanks, Priya Raman. The last item: the parking garage budget.",
        "Alright, so, moving on to the next item, the parking garage budget.",
        "Thank you very much for that! Item 4 - the parking garage budget.",
    ],
)
def test_a_spoken_heading_starts_a_topic_whatever_the_partition_says_after_a_courtesy_too(announcement):
    assert starts_with_headings_alone([*GARDEN[:2], ("Ana", announcement), *BUDGET[:2]]) == [2]


@pytest.mark.parametrize(
    "courtesy",
    [
        "Thank you.",
        "Thanks, Maria, that second item was clear.",
        "Okay, thank you all for the first item.",
        "So I think the next item is too long for today.",
    ],
)
def test_a_courtesy_that_announces_no_item_starts_no_topic(courtesy):
    assert not is_spoken_heading(courtesy)
    assert starts_with_headings_alone([*GARDEN[:2], ("Ana", courtesy), *GARDEN[2:]]) == []


def test_one_or_two_turns_are_one_topic(counter):
    for turns in (GARDEN[:1], GARDEN[:2]):
        meeting = transcript(turns)
        chunks = chunk_transcript(meeting, 192, counter.count)
        vectors = HashedWords()([c.text for c in chunks])
        assert segment(chunks, vectors, meeting.turns, TopicModel(), HashedWords()) == []
        topical = with_topics(meeting, [])
        assert len({turn.topic for turn in topical.turns}) == 1 and topical.turns[0].topic_source == AUTO


def test_a_monologue_and_a_transcript_in_another_language_segment_without_error(counter):
    monologue = transcript([("Ana", text) for _, text in GARDEN + BUDGET])
    french = transcript(
        [("Léa", "Le jardin sur le toit a besoin de terre et d'arrosage pour les tomates.")] * 4
        + [("Marc", "Московский бюджет парковки обсуждается в следующем месяце.")] * 4
    )
    for meeting in (monologue, french):
        chunks = chunk_transcript(meeting, 192, counter.count)
        cuts = segment(chunks, HashedWords()([c.text for c in chunks]), meeting.turns, TopicModel(), HashedWords())
        topical = with_topics(meeting, cuts)
        assert all(turn.topic for turn in topical.turns)
        assert [t.text for t in topical.turns] == [t.text for t in meeting.turns]


def test_a_long_transcript_segments_by_its_chunks_in_bounded_rows(counter):
    turns = [(f"S{i % 3}", (GARDEN if (i // 400) % 2 == 0 else BUDGET)[i % 4][1]) for i in range(5000)]
    meeting = transcript(turns)
    chunks = chunk_transcript(meeting, 192, counter.count)
    vectors = HashedWords()([c.text for c in chunks])
    cuts = segment(chunks, vectors, meeting.turns, TopicModel(), HashedWords())
    starts = [cut.turn for cut in cuts]
    assert all(cut.offset == 0 for cut in cuts)
    # the topic changes every 400 turns: each change is found within a chunk or two of it
    for change in range(400, 5000, 400):
        assert any(abs(start - change) <= 12 for start in starts), change


def test_a_merged_caption_turn_is_split_at_the_cue_where_the_topic_changes_keeping_its_times():
    text = "All in favour? The motion carries. The second item is the library's opening hours."
    offset = text.index("The second")
    merged = Turn(
        0, "Mayor", "Mayor", text, text, start=100.0, end=130.0, marks=((0, 100.0), (15, 110.0), (offset, 120.0))
    )
    after = Turn(
        1,
        "Clerk",
        "Clerk",
        "The library asks for Saturday hours.",
        "The library asks for Saturday hours.",
        131.0,
        140.0,
    )
    meeting = Transcript("m", "Meeting", (merged, after), "m.vtt", "vtt")
    units = units_of(meeting.turns)
    assert [unit[0] for unit in units] == [Cut(0, 0), Cut(0, 15), Cut(0, offset), Cut(1, 0)]
    topical = with_topics(meeting, [Cut(0, offset)])
    first, second, third = topical.turns
    assert (first.text, first.start, first.end) == ("All in favour? The motion carries.", 100.0, 120.0)
    assert (second.text, second.start, second.end) == ("The second item is the library's opening hours.", 120.0, 130.0)
    assert second.marks == ((0, 120.0),) and first.marks == ((0, 100.0), (15, 110.0))
    assert [t.index for t in topical.turns] == [0, 1, 2]
    assert first.topic != second.topic and second.topic == third.topic


def test_labels_are_two_to_six_of_the_segments_own_words_and_differ_from_the_one_before():
    segments = [" ".join(text for _, text in GARDEN), " ".join(text for _, text in BUDGET)]
    found = labels(segments)
    assert len(found) == 2 and found[0] != found[1]
    for label, text in zip(found, segments, strict=True):
        label_words = label.replace(",", "").split()
        assert 2 <= len(label_words) <= 6
        assert all(word.casefold() in text.casefold() for word in label_words), label
    assert "garden" in found[0].casefold() and ("parking" in found[1].casefold() or "budget" in found[1].casefold())


def test_chapters_give_start_speakers_label_and_a_summary_sentence_of_their_own():
    meeting = with_topics(transcript(GARDEN + BUDGET, times=True), [Cut(4)])
    found = chapters(meeting.turns)
    assert [(c.n, c.turn_start, c.turn_end, c.start) for c in found] == [(1, 0, 3, 0.0), (2, 4, 7, 40.0)]
    assert found[1].speakers[0] in ("Cara", "Dan") and found[0].source == AUTO
    assert found[1].summary in [text for _, text in BUDGET]
    assert found[1].summary_turn in range(4, 8)


def test_chapters_as_a_webvtt_track_and_as_video_description_lines():
    meeting = with_topics(transcript(GARDEN + BUDGET, times=True), [Cut(4)])
    found = chapters(meeting.turns)
    track = vtt_track(found, "m")
    assert track.startswith("WEBVTT\n\n1\n00:00:00.000 --> 00:00:40.000\n")
    assert "2\n00:00:40.000 --> 00:01:19.000\n" + found[1].topic in track
    import webvtt

    assert [caption.text for caption in webvtt.from_string(track)] == [c.topic for c in found]
    assert youtube_lines(found, "m").splitlines() == [f"00:00 {found[0].topic}", f"00:40 {found[1].topic}"]
    untimed = chapters(with_topics(transcript(GARDEN + BUDGET), [Cut(4)]).turns)
    with pytest.raises(QueryError, match="has no times"):
        vtt_track(untimed, "m")
