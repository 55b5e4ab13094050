"""Words that carry a topic, and what a topic is called: a label of two to six of the segment's own
words (its most distinctive phrases against the rest of the meeting, class-based TF-IDF as in
BERTopic) and one sentence of its own that says the most of it. Nothing is reworded or invented.

Stop words and fillers are English: other languages get labels of their most frequent words.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from functools import cache

from core.text import sentences, stemmer, stop_words

_WORD = re.compile(r"[^\W\d_](?:[\w'’-]*\w)?")
_BREAK = re.compile(r"[.,;:!?…()\[\]\"“”—–]|\s-\s")  # a phrase does not run across these
FILLERS = frozenset(
    [
        "yeah",
        "yep",
        "yes",
        "okay",
        "ok",
        "um",
        "uh",
        "erm",
        "er",
        "mm",
        "hmm",
        "mhm",
        "mm-hmm",
        "uh-huh",
        "oh",
        "ah",
        "right",
        "like",
        "just",
        "really",
        "well",
        "gonna",
        "wanna",
        "kinda",
        "sorta",
        "actually",
        "basically",
        "maybe",
        "thing",
        "things",
        "stuff",
        "something",
        "anything",
        "lot",
        "bit",
        "kind",
        "sort",
        "mean",
        "think",
        "know",
        "guess",
        "say",
        "said",
        "says",
        "get",
        "got",
        "go",
        "going",
        "went",
        "want",
        "need",
        "see",
        "make",
        "made",
        "way",
        "good",
        "great",
        "fine",
        "sure",
        "also",
        "would",
        "could",
        "should",
        "might",
        "one",
        "two",
        "us",
        "let",
        "thank",
        "thanks",
        "please",
        "today",
        "tonight",
        "now",
        "point",
        "points",
        "question",
        "questions",
        "item",
        "items",
        "time",
        "times",
        "people",
        "part",
        "idea",
        "everyone",
        "anyone",
        "someone",
        "next",
        "last",
        "first",
        "second",
        "o'clock",
    ]
)
MAX_LABEL_WORDS = 6
SUMMARY_WORDS = (6, 45)  # a summary sentence is neither a fragment nor a speech


@cache
def unsaid_words() -> frozenset[str]:
    """Function words and speech fillers: never a topic's label."""
    return stop_words() | FILLERS


def topic_terms(text: str) -> list[str]:
    """The stemmed content words of a text: what says which topic it is about."""
    stop = unsaid_words()
    kept = [word for word in (w.casefold() for w in _WORD.findall(text)) if word not in stop and len(word) > 2]
    return stemmer().stemWords(kept)


def _phrases(text: str) -> list[tuple[str, str]]:
    """(key, surface) of every run of one to three content words inside a clause."""
    stop = unsaid_words()
    found = []
    for clause in _BREAK.split(text):
        words = _WORD.findall(clause)
        run: list[str] = []
        for word in [*words, ""]:
            if word and word.casefold() not in stop and len(word) > 2:
                run.append(word)
                continue
            for size in (1, 2, 3):
                for start in range(len(run) - size + 1):
                    surface = run[start : start + size]
                    key = " ".join(stemmer().stemWords([w.casefold() for w in surface]))
                    found.append((key, " ".join(surface)))
            run = []
    return found


def _weights(segments: Sequence[str]) -> list[dict[str, float]]:
    """Class-based TF-IDF of each segment's phrases: frequent in it, rare in the others."""
    counts = [Counter(key for key, _ in _phrases(text)) for text in segments]
    overall = Counter()
    for count in counts:
        overall.update(count)
    average = max(sum(overall.values()) / max(len(segments), 1), 1.0)
    weights = []
    for count in counts:
        total = max(sum(count.values()), 1)
        weights.append(
            {key: tf / total * math.log(1 + average / overall[key]) * _length(key) for key, tf in count.items()}
        )
    return weights


def _length(key: str) -> float:
    """Longer phrases name a topic better than single words."""
    return len(key.split()) ** 0.5


def labels(segments: Sequence[str]) -> list[str]:
    """A label for each segment's text, distinct from the one before it where the words allow; empty
    for a segment with no content words."""
    weights = _weights(segments)
    chosen: list[str] = []
    for text, weight in zip(segments, weights, strict=True):
        surfaces = Counter(_phrases(text))
        surface_of: dict[str, str] = {}
        for (key, surface), _ in surfaces.most_common():
            surface_of.setdefault(key, surface)
        repeated = {key for (key, _), n in surfaces.items() if n > 1}
        ranked = sorted(weight, key=lambda key: (key not in repeated, -weight[key], key))
        label = _label_from(ranked, surface_of, chosen[-1] if chosen else None)
        chosen.append(label)
    return chosen


def _label_from(ranked: list[str], surface_of: dict[str, str], previous: str | None) -> str:
    parts: list[str] = []
    used: set[str] = set()
    for key in ranked:
        if used & set(key.split()):
            continue
        parts.append(surface_of[key])
        used |= set(key.split())
        label = ", ".join(parts)
        words = len(label.split())
        if words >= 2 and label != previous:
            break
        if words >= MAX_LABEL_WORDS:
            break
    label = " ".join(", ".join(parts).split()[:MAX_LABEL_WORDS]).rstrip(",")
    return label[:1].upper() + label[1:]


def summary_sentences(segment_texts: Sequence[Sequence[str]]) -> list[tuple[int, str] | None]:
    """For each segment (its texts in order): (position among its texts, sentence) of the sentence that
    holds the most of its distinctive words for its length; None when it has no sentence of summary length."""
    weights = _weights([" ".join(texts) for texts in segment_texts])
    return [_best_sentence(texts, weight) for texts, weight in zip(segment_texts, weights, strict=True)]


def _best_sentence(texts: Sequence[str], weight: dict[str, float]) -> tuple[int, str] | None:
    best: tuple[float, int, str] | None = None
    for position, text in enumerate(texts):
        for sentence in sentences(text):
            count = len(sentence.split())
            if not SUMMARY_WORDS[0] <= count <= SUMMARY_WORDS[1]:
                continue
            keys = {key for key, _ in _phrases(sentence) if " " not in key}
            score = sum(weight.get(key, 0.0) for key in keys) / count**0.5
            if best is None or score > best[0]:
                best = (score, position, sentence)
    return (best[1], best[2]) if best else None
