"""Grounded extractive answers: the most relevant, non-redundant transcript sentences, each
followed by its citation marker, or an abstention when the evidence is weak."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from core.models import Answer, Citation, Hit
from core.text import SENTENCE_END
from index.keyword import KeywordIndex, terms
from ingest.chunking import QUESTION_LABEL

# Evidence is the best cosine similarity of the question to a top passage plus the share of
# the question's words (weighted by rarity) that one top passage contains. Calibrated on
# questions with and without answers (eval/suites/seed.json): below this, the transcripts
# are taken not to answer the question.
ABSTAIN_BELOW = 0.55
EVIDENCE_PASSAGES = 3
MAX_SENTENCES = 4
MAX_WORDS = 90
MIN_WORDS = 8  # shorter sentences are kept only when nothing better is found
CENTRALITY_WEIGHT = 0.3
RELATIVE_SIMILARITY = 0.6  # below this share of the best similarity, a passage is quoted only where it
# shares words with the question
PASSAGES = 5
ABSTENTION = "The transcripts do not answer this question. The nearest passages are listed below."
_LABEL = re.compile(r"^(?P<label>[^:\n]{1,80}):\s+(?P<text>.*)$")


@dataclass(frozen=True)
class Sentence:
    text: str
    speaker: str | None
    hit: Hit
    line: int
    position: int
    score: float = 0.0


def answer(
    question: str,
    hits: list[Hit],
    keyword: KeywordIndex | None = None,
    speakers: tuple[str, ...] = (),
    abstain_below: float = ABSTAIN_BELOW,
) -> Answer:
    """An extractive answer to `question` from `hits` (best first)."""
    strength = evidence(question, hits, keyword)
    if not hits or strength < abstain_below:
        citations = tuple(Citation(n, hit) for n, hit in enumerate(hits[:PASSAGES], 1))
        return Answer(question, ABSTENTION, True, citations, tuple(hits), strength)
    chosen = _choose_sentences(question, hits[:PASSAGES], keyword, speakers)
    numbers: dict[str, int] = {}
    for sentence in chosen:
        numbers.setdefault(sentence.hit.chunk.id, len(numbers) + 1)
    ordered = sorted(chosen, key=lambda s: (numbers[s.hit.chunk.id], s.line, s.position))
    parts: list[str] = []
    previous_speaker: str | None = None
    for sentence in ordered:
        prefix = f"{sentence.speaker}: " if sentence.speaker and sentence.speaker != previous_speaker else ""
        parts.append(f"{prefix}{sentence.text} [{numbers[sentence.hit.chunk.id]}]")
        previous_speaker = sentence.speaker
    by_id = {hit.chunk.id: hit for hit in hits}
    citations = tuple(Citation(n, by_id[chunk_id]) for chunk_id, n in numbers.items())
    return Answer(question, " ".join(parts), False, citations, tuple(hits), strength)


def evidence(question: str, hits: list[Hit], keyword: KeywordIndex | None) -> float:
    """How well the top passages support an answer: best cosine similarity plus best term coverage."""
    top = hits[:EVIDENCE_PASSAGES]
    if not top:
        return 0.0
    similarity = max(hit.similarity for hit in top)
    query_terms = set(terms(question))
    if not query_terms:
        return similarity
    weight = keyword.idf if keyword is not None else (lambda term: 1.0)
    total = sum(weight(term) for term in query_terms) or 1.0
    coverage = max(sum(weight(term) for term in query_terms & set(terms(hit.chunk.text))) / total for hit in top)
    return similarity + coverage


def _choose_sentences(
    question: str, hits: list[Hit], keyword: KeywordIndex | None, speakers: tuple[str, ...]
) -> list[Sentence]:
    """Sentences scored by the question's (rarity-weighted) words they contain, their passage's
    similarity and rank, how central their words are to the top passages, and whether the
    speaker the question names said them."""
    query_terms = set(terms(question))
    named = {speaker.casefold() for speaker in speakers}
    weight = keyword.idf if keyword is not None else (lambda term: 1.0)
    total = sum(weight(term) for term in query_terms) or 1.0
    frequency = Counter(term for hit in hits[:EVIDENCE_PASSAGES] for term in terms(hit.chunk.text))
    candidates: list[Sentence] = []
    best = max(hit.similarity for hit in hits)
    for rank, hit in enumerate(hits):
        weak = hit.similarity < best * RELATIVE_SIMILARITY
        for sentence in _sentences(hit):
            sentence_terms = terms(sentence.text)
            words = set(sentence_terms)
            overlap = sum(weight(term) for term in query_terms & words) / total
            if weak and not overlap:
                continue  # from a passage far weaker than the best, only sentences with the question's words
            centrality = sum(weight(term) * min(frequency[term], 5) for term in words)
            centrality /= 20 * max(len(sentence_terms), 1) ** 0.5
            score = overlap + 0.6 * hit.similarity + 0.25 / (rank + 1) + CENTRALITY_WEIGHT * centrality
            if named and (sentence.speaker or "").casefold() in named:
                score += 0.3
            if len(sentence.text.split()) < MIN_WORDS:
                score -= 0.3
            if sentence.text.endswith("?"):
                score -= 0.3  # a question asked in the meeting is not its answer
            candidates.append(Sentence(**{**sentence.__dict__, "score": score}))
    candidates.sort(key=lambda s: -s.score)
    chosen: list[Sentence] = []
    words_used = 0
    for candidate in candidates:
        if len(chosen) >= MAX_SENTENCES or words_used >= MAX_WORDS:
            break
        if any(_similar(candidate.text, other.text) for other in chosen):
            continue
        chosen.append(candidate)
        words_used += len(candidate.text.split())
    return chosen


def _sentences(hit: Hit) -> list[Sentence]:
    found: list[Sentence] = []
    for line_number, line in enumerate(hit.chunk.text.split("\n")):
        match = _LABEL.match(line)
        label, text = (match["label"], match["text"]) if match else (None, line)
        if label == QUESTION_LABEL:
            continue
        speaker = label if label in hit.chunk.speakers else None
        if speaker is None and label is not None:
            text = line
        for position, piece in enumerate(SENTENCE_END.split(text)):
            piece = piece.strip()
            if len(piece) > 1:
                found.append(Sentence(piece, speaker, hit, line_number, position))
    return found


def _similar(a: str, b: str, threshold: float = 0.6) -> bool:
    ta, tb = set(terms(a)), set(terms(b))
    return bool(ta and tb) and len(ta & tb) / min(len(ta), len(tb)) >= threshold
