"""Grounded extractive answers: the transcript sentences a fitted model finds answer the question
(each above a bar of its own, redundant ones left out), each followed by its citation marker; or a
refusal when the model finds the library does not answer it. See `index.scorer` for the model."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from core.models import Answer, AnswerPart, Citation, Hit
from core.text import without_fillers
from index.keyword import KeywordIndex, terms
from index.links import deep_link
from index.scorer import AnswerModel, default_model
from index.sentences import Sentence, TurnsOf, candidates, with_turns
from index.signals import Occurs, question_features, sentence_features

__all__ = ["ABSTENTION", "MAX_WORDS", "Scored", "TurnsOf", "answer", "compose", "score"]

GAP = " … "  # between sentences of one turn that are not next to each other
MAX_SENTENCES = 4
MAX_WORDS = 90  # the most words an answer quotes, speaker names and markers aside
PASSAGES = 5  # the passages whose sentences are candidates
REDUNDANT_SHARE = 0.6  # a sentence sharing this share of its words (the shorter's) with a chosen one repeats it
ABSTENTION = "The transcripts do not answer this question. The nearest passages are listed below."

_ESCAPED = re.compile(r"[\\\[\]]")  # what the answer's plain text escapes: backslashes and brackets


@dataclass(frozen=True)
class Scored:
    """A question's candidate sentences, likeliest to answer first, with their probabilities, and
    the probability that the passages answer the question at all."""

    sentences: tuple[Sentence, ...]
    probabilities: tuple[float, ...]
    probability: float


def score(
    question: str,
    hits: Sequence[Hit],
    keyword: KeywordIndex | None = None,
    speakers: Sequence[str] = (),
    occurs: Occurs | None = None,
    model: AnswerModel | None = None,
) -> Scored:
    model = model or default_model()
    found = candidates(hits[:PASSAGES])
    if not found:
        return Scored((), (), 0.0)
    rows = sentence_features(question, found, hits, keyword, speakers, occurs)
    probabilities = model.sentence.probability(rows)
    order = np.argsort(-probabilities, kind="stable")
    ranked = tuple(found[i] for i in order)
    row = question_features(question, hits, keyword, occurs, ranked, float(probabilities[order[0]]))
    return Scored(ranked, tuple(float(probabilities[i]) for i in order), float(model.question.probability(row)[0]))


def answer(
    question: str,
    hits: list[Hit],
    keyword: KeywordIndex | None = None,
    speakers: tuple[str, ...] = (),
    turns_of: TurnsOf | None = None,
    occurs: Occurs | None = None,
    model: AnswerModel | None = None,
) -> Answer:
    """An extractive answer to `question` from `hits` (best first). With `turns_of`, each citation
    names the turn that holds its quote (numbered per distinct turn, the sentences of one turn
    joined into one quote in transcript order); without, it names the passage. `occurs` tells
    whether a word occurs anywhere the question may search (a word the library lacks is evidence
    that it cannot answer)."""
    model = model or default_model()
    scored = score(question, hits, keyword, speakers, occurs, model)
    support = model.support_word(scored.probability)
    if not hits or not scored.sentences or scored.probability < model.abstain_below:
        citations = tuple(Citation(n, hit) for n, hit in enumerate(hits[:PASSAGES], 1))
        parts = (AnswerPart(ABSTENTION),)
        return Answer(question, ABSTENTION, True, citations, tuple(hits), scored.probability, parts, "none")
    chosen = compose(scored, model.sentence_bar)
    if turns_of is not None:
        chosen = with_turns(chosen, turns_of)
    numbers: dict[tuple[str, ...], int] = {}
    for sentence in chosen:
        numbers.setdefault(sentence.source, len(numbers) + 1)
    groups: dict[tuple[str, ...], list[Sentence]] = {}
    for sentence in sorted(chosen, key=lambda s: (numbers[s.source], s.line, s.position)):
        groups.setdefault(sentence.source, []).append(sentence)
    parts: list[AnswerPart] = []
    citations: list[Citation] = []
    previous_speaker: str | None = None
    for source, group in groups.items():
        speaker = group[0].speaker
        prefix = f"{speaker}: " if speaker and speaker != previous_speaker else ""
        verbatim = _quote(group)
        shown = without_fillers(verbatim)
        parts.append(AnswerPart(prefix + shown, numbers[source], prefix + verbatim if shown != verbatim else None))
        previous_speaker = speaker
        citations.append(_citation(numbers[source], group[0]))
    text = " ".join(f"{_escape_brackets(part.text)} [{part.n}]" for part in parts)
    return Answer(question, text, False, tuple(citations), tuple(hits), scored.probability, tuple(parts), support)


def compose(scored: Scored, bar: float) -> list[Sentence]:
    """The likeliest sentence, then each next likeliest that passes the bar, repeats none chosen and
    fits in the words left, up to MAX_SENTENCES."""
    chosen: list[Sentence] = []
    words_used = 0
    for sentence, probability in zip(scored.sentences, scored.probabilities, strict=True):
        if len(chosen) >= MAX_SENTENCES or (chosen and probability < bar):
            break
        length = len(sentence.text.split())
        if words_used + length > MAX_WORDS and chosen:
            continue
        if any(_similar(sentence.text, other.text) for other in chosen):
            continue
        chosen.append(sentence)
        words_used += length
    return chosen


def _quote(group: list[Sentence]) -> str:
    """Sentences of one source in transcript order: next to each other joined by a space, else by GAP."""
    quote = group[0].text
    for before, sentence in zip(group, group[1:], strict=False):
        adjacent = sentence.line == before.line and sentence.position == before.position + 1
        quote += (" " if adjacent else GAP) + sentence.text
    return quote


def _citation(n: int, sentence: Sentence) -> Citation:
    if sentence.turn is None:
        return Citation(n, sentence.hit)
    return Citation(n, sentence.hit, (sentence.turn,), deep_link(sentence.hit.media_url, sentence.turn.start))


def _escape_brackets(text: str) -> str:
    return _ESCAPED.sub(lambda match: "\\" + match[0], text)


def _similar(a: str, b: str, threshold: float = REDUNDANT_SHARE) -> bool:
    ta, tb = set(terms(a)), set(terms(b))
    return bool(ta and tb) and len(ta & tb) / min(len(ta), len(tb)) >= threshold
