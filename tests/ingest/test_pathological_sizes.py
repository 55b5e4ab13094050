"""Files of pathological shape (one giant line, one giant word, thousands of speakers) are read in
work that grows with their size, and chunked to fill the budget. Speed is measured by benchmark
commands; these tests pin the algorithmic properties that keep it."""

from __future__ import annotations

import random
import statistics

import numpy as np

from core.models import Turn
from ingest.chunking import chunk_transcript
from ingest.parsing import parse_text
from ingest.views import SPEAKER_DIMENSIONS, views, voice

BUDGET = 192
PROSE = "the council agreed to fund a new park and the library with money from its reserve"


class CountingCounter:
    """The real word-piece counter, keeping a tally of the characters it was given to tokenize."""

    def __init__(self, counter):
        self.counter = counter
        self.characters = 0

    def count(self, texts):
        self.characters += sum(len(text) for text in texts)
        return self.counter.count(texts)


def one_line(words: int, seed: int = 0) -> str:
    """A run-on line of prose: no sentence ends, no line breaks."""
    rng = random.Random(seed)
    return " ".join(rng.choice(PROSE.split()) for _ in range(words))


def test_a_giant_line_without_sentences_fills_the_budget_counting_each_character_once(counter):
    text = one_line(40_000)
    tally = CountingCounter(counter)
    chunks = chunk_transcript(parse_text("run_on.txt", f"{text}\n"), BUDGET, tally.count)
    pieces = counter.count([text])[0]
    assert len(chunks) <= pieces / BUDGET * 1.05 + 1  # chunks fill the budget: no chunk per word
    assert statistics.median(chunk.word_pieces for chunk in chunks) >= 0.95 * BUDGET
    assert max(counter.count([chunk.text for chunk in chunks])) <= BUDGET
    # The line is not tokenized whole, then as a sentence, then word by word: each distinct word once.
    assert tally.characters < len(text) / 10


def test_a_word_longer_than_the_budget_is_cut_to_fit(counter):
    rng = random.Random(1)
    blob = "".join(
        rng.choice("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/") for _ in range(60_000)
    )
    transcript = parse_text("blob.txt", f"Ana Ruiz: the key is {blob} and that is all.\n")
    chunks = chunk_transcript(transcript, BUDGET, counter.count)
    measured = counter.count([chunk.text for chunk in chunks])
    assert max(measured) <= BUDGET
    assert len(chunks) <= counter.count([transcript.turns[0].clean_text])[0] / BUDGET * 1.2 + 1
    assert "".join(chunk.text.removeprefix("Ana Ruiz: ").replace(" ", "") for chunk in chunks) == (
        transcript.turns[0].clean_text.replace(" ", "")
    )


def test_thousands_of_speakers_keep_the_who_speaks_view_narrow():
    voices = [{f"Speaker {i}": 10 + i % 7, f"Speaker {i + 1}": 3} for i in range(10_000)]
    texts = ["words"] * len(voices)
    _, share, _ = views(texts, np.ones((len(voices), 4)), voices)
    assert share.shape == (len(voices), SPEAKER_DIMENSIONS)
    assert np.allclose(np.linalg.norm(share, axis=1), 1.0)


def test_a_meeting_of_few_speakers_gives_each_its_own_column():
    turns = [Turn(i, name, name, "a few words here", "a few words here") for i, name in enumerate("ABCABD")]
    voices = [voice(turns[i : i + 2]) for i in range(0, 6, 2)]
    _, share, _ = views(["x"] * 3, np.ones((3, 4)), voices)
    assert share.shape == (3, 4)  # A, B, C, D
    assert [int(np.count_nonzero(row)) for row in share] == [2, 2, 2]


def test_the_speakers_who_say_most_keep_their_own_columns_past_the_limit():
    many = [{f"Rare {i}": 1} for i in range(2 * SPEAKER_DIMENSIONS)]
    voices = [{"Chair": 500, "Clerk": 400}, *many]
    _, share, _ = views(["x"] * len(voices), np.ones((len(voices), 4)), voices)
    chair_and_clerk = np.flatnonzero(share[0])
    assert len(chair_and_clerk) == 2
    assert not share[1:, chair_and_clerk].any()  # no rare speaker shares their columns
