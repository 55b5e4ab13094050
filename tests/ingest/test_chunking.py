from __future__ import annotations

from pathlib import Path

import pytest

from ingest.chunking import chunk_transcript
from ingest.parsing import parse_file, parse_text
from tests.conftest import DATA, QMSUM

BUDGET = 128


def test_chunk_ids_are_identical_across_runs(seed, counter):
    first = [chunk.id for chunk in chunk_transcript(seed, BUDGET, counter.count)]
    again = [chunk.id for chunk in chunk_transcript(parse_file(seed.source_path), BUDGET, counter.count)]
    assert first == again
    assert len(set(first)) == len(first)


def test_chunk_ids_change_only_where_the_text_changed(seed, counter):
    before = chunk_transcript(seed, BUDGET, counter.count)
    text = Path(seed.source_path).read_text(encoding="utf-8").replace("Quim Gil: 15 people", "Quim Gil: Fifteen people")
    after = chunk_transcript(parse_text(seed.source_path, text), BUDGET, counter.count)
    changed = {c.id for c in after} - {c.id for c in before}
    assert len(changed) == 1
    assert "Fifteen people" in next(c.text for c in after if c.id in changed)


@pytest.mark.parametrize("budget", [64, 128, 254])
def test_no_chunk_exceeds_the_budget_measured_by_the_tokenizer(seed, counter, budget):
    meetings = [seed, parse_file(QMSUM / "val" / "Bed002.json"), parse_file(QMSUM / "val" / "ES2006a.json")]
    for transcript in meetings:
        chunks = chunk_transcript(transcript, budget, counter.count)
        measured = counter.count([chunk.text for chunk in chunks])
        assert max(measured) <= budget
        assert all(m <= c.word_pieces for m, c in zip(measured, chunks, strict=True))


def test_a_single_sentence_longer_than_the_budget_is_split_at_words(counter):
    long_sentence = " ".join(f"word{i}" for i in range(400))
    transcript = parse_text("long.txt", f"Ana: {long_sentence}\nBo: short reply.\n")
    chunks = chunk_transcript(transcript, 64, counter.count)
    assert len(chunks) > 3
    assert max(counter.count([c.text for c in chunks])) <= 64
    lines = [line for c in chunks for line in c.text.split("\n") if not line.startswith("Bo: ")]
    joined = " ".join(line.removeprefix("Ana: ") for line in lines)
    assert joined.split() == long_sentence.split()


def test_long_turns_split_at_sentence_ends(counter):
    sentences = [f"This is sentence number {i} about the budget." for i in range(60)]
    transcript = parse_text("t.txt", "Ana: " + " ".join(sentences) + "\n")
    chunks = chunk_transcript(transcript, 64, counter.count)
    assert len(chunks) > 1
    for chunk in chunks:
        assert chunk.text.startswith("Ana: ")
        assert chunk.text.endswith("budget.")


def test_chunks_never_cross_a_topic_or_a_question(seed, counter):
    turns = seed.turns
    for chunk in chunk_transcript(seed, 254, counter.count):
        covered = turns[chunk.turn_start : chunk.turn_end + 1]
        assert len({t.topic for t in covered}) == 1
        assert len({t.question for t in covered}) == 1
        assert chunk.topic == covered[0].topic


def test_chunk_text_carries_speaker_names_and_its_question(seed, counter):
    chunks = chunk_transcript(seed, BUDGET, counter.count)
    jurisdictions = next(c for c in chunks if "different jurisdictions" in c.text)
    assert "Cameran Ashraf: Many people around the movement" in jurisdictions.text
    assert jurisdictions.text.startswith("Question: How can volunteers become involved")
    assert "Cameran Ashraf" in jurisdictions.speakers
    assert jurisdictions.question.startswith("How can volunteers become involved")


def test_every_answer_turn_is_in_some_chunk(seed, counter):
    chunks = chunk_transcript(seed, BUDGET, counter.count)
    covered = {i for c in chunks for i in range(c.turn_start, c.turn_end + 1)}
    assert covered == {t.index for t in seed.turns}


def test_parts_of_a_long_caption_turn_keep_their_own_times(counter):
    cues = "\n\n".join(
        f"{i + 1}\n00:{i // 60:02d}:{i % 60:02d},000 --> 00:{i // 60:02d}:{i % 60:02d},900\n"
        + ("Ana: " if i == 0 else "")
        + f"Point {i} of my long answer is about the harbour."
        for i in range(90)
    )
    transcript = parse_text("long.srt", cues + "\n")
    assert len(transcript.turns) == 1
    chunks = chunk_transcript(transcript, 64, counter.count)
    starts = [c.start for c in chunks]
    assert starts == sorted(starts) and len(set(starts)) == len(chunks)
    second = chunks[1]
    first_point = int(second.text.split("Point ")[1].split()[0])
    assert second.start == pytest.approx(first_point)


def test_fixture_chunks_keep_times_and_speakers(counter):
    transcript = parse_file(DATA / "plain.txt")
    (chunk,) = chunk_transcript(transcript, 254, counter.count)
    assert (chunk.start, chunk.turn_start, chunk.turn_end) == (5.0, 0, 3)
    assert chunk.speakers == ("Chair Amy Lin", "Tom Becker")
