from __future__ import annotations

from ingest.chunking import chunk_transcript
from ingest.segmenting import AUTO, load_model, needs_topics, segment, with_topics
from tests.conftest import SEED

SECTIONS = [
    None,
    "Human Rights",
    "UCoC (part 2)",
    "Movement Strategy",
    "Community Development",
    "Movement Strategy (part 2)",
    "Trust and Safety",
]
SPEAKERS = {
    "Maggie Dennis",
    "Patrick Earley",
    "Anne/Risker",
    "OwenBlacker",
    "Roy Smith",
    "Cameran Ashraf",
    "Quim Gil",
    "Simona Ramkisson",
}


def test_seed_has_its_seven_sections_in_order(seed):
    assert [topic for topic, _first, _last in seed.topics] == SECTIONS


def test_seed_has_its_eight_named_speakers(seed):
    assert set(seed.speakers) == SPEAKERS


def test_speaker_with_a_trailing_role_keeps_the_label_as_written(seed):
    written = {turn.speaker for turn in seed.turns if turn.canonical_speaker == "Anne/Risker"}
    assert "Anne/Risker(a member of the Movement Charter Drafting Committee)" in written
    assert "Anne/Risker" in written


def test_every_answer_is_tied_to_the_question_above_it(seed):
    answers = [turn for turn in seed.turns if turn.speaker]
    assert answers and all(turn.question for turn in answers)
    questions = {turn.text for turn in seed.turns if turn.is_question}
    assert all(turn.question in questions for turn in answers)
    fails_twice = next(t for t in seed.turns if "fails to pass twice" in (t.question or "") and t.speaker)
    assert fails_twice.canonical_speaker == "Maggie Dennis"
    assert fails_twice.text.startswith("My personal understanding")
    ukraine = [
        t.canonical_speaker
        for t in seed.turns
        if t.question == "What has the Foundation been doing to support Ukraine?" and t.speaker
    ]
    assert ukraine == ["Maggie Dennis", "Cameran Ashraf", "Maggie Dennis"]


def test_at_ingest_every_seed_turn_has_a_topic_found_before_the_first_heading_and_given_after(seed, counter, embedder):
    assert needs_topics(seed)  # its opening, before the first heading, has none of its own
    chunks = chunk_transcript(seed, 192, counter.count)
    vectors = embedder.embed_batch([chunk.text for chunk in chunks])
    topical = with_topics(seed, segment(chunks, vectors, seed.turns, load_model(), embedder.embed_batch))
    assert len(topical.turns) == len(seed.turns) and all(turn.topic for turn in topical.turns)
    for parsed, turn in zip(seed.turns, topical.turns, strict=True):
        assert turn.topic_source == (AUTO if parsed.topic is None else None)
        assert parsed.topic is None or turn.topic == parsed.topic
    assert sum(turn.topic_source == AUTO for turn in topical.turns) == 30
    assert [topic for topic, _, _ in topical.topics][-6:] == SECTIONS[1:]


def test_intro_paragraphs_are_turns_without_a_speaker(seed):
    intro = [turn for turn in seed.turns if turn.topic is None and turn.question is None]
    assert any("March 24 at 15:00 UTC" in turn.text for turn in intro)
    assert all(turn.speaker is None for turn in intro)


def test_title_and_date_come_from_the_first_line(seed):
    assert seed.title == "Office hours 2022-03-24"
    assert seed.date.isoformat() == "2022-03-24"
    assert seed.meeting_id == SEED.stem
