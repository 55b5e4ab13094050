"""Grounded extractive answers: the most relevant, non-redundant transcript sentences, each
followed by its citation marker, or an abstention when the evidence is weak."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from core.models import Answer, AnswerPart, Citation, Hit, Turn
from core.text import SENTENCE_END
from index.keyword import KeywordIndex, terms
from index.links import deep_link
from ingest.chunking import QUESTION_LABEL

TurnsOf = Callable[[str], Sequence[Turn]]  # a meeting's turns, by meeting id
GAP = " … "  # between sentences of one turn that are not next to each other

# Evidence is the best cosine similarity of the question to a top passage plus the share of
# the question's words (weighted by rarity) that one top passage contains. Chosen with
# `onrecord eval qmsum --calibrate` (each QMSum val question asked of its own meeting and of a
# meeting from another domain): below this, the transcripts are taken not to answer the question.
ABSTAIN_BELOW = 0.55
EVIDENCE_PASSAGES = 3
MAX_SENTENCES = 4
MAX_WORDS = 90  # the most words an answer quotes, speaker names and markers aside
MAX_SENTENCE_WORDS = 40  # a longer sentence (unpunctuated captions) is quoted in clauses of at most this many words
MIN_WORDS = 8  # shorter sentences are kept only when nothing better is found
# below this share of the best similarity, a passage is quoted only where it shares words with the question
RELATIVE_SIMILARITY = 0.6
PASSAGES = 5
ABSTENTION = "The transcripts do not answer this question. The nearest passages are listed below."

# A sentence's score: the share of the question's (rarity-weighted) words it contains, plus these.
SIMILARITY_WEIGHT = 0.6  # times its passage's cosine similarity to the question
RANK_WEIGHT = 0.25  # over its passage's rank + 1: the first passages' sentences lead
CENTRALITY_WEIGHT = 0.3  # times how central its words are to the top passages
CENTRALITY_COUNT_CAP = 5  # a word's count in the top passages weighs up to this many times
CENTRALITY_SCALE = 20  # centrality is divided by this times the square root of the sentence's words
NAMED_SPEAKER_BONUS = 0.3  # added when the speaker the question names said it
SHORT_PENALTY = 0.3  # taken off a sentence of fewer than MIN_WORDS words
QUESTION_PENALTY = 0.3  # taken off a question asked in the meeting: it is not its answer
REDUNDANT_SHARE = 0.6  # a sentence sharing this share of its words (the shorter's) with a chosen one repeats it

_LABEL = re.compile(r"^(?P<label>[^:\n]{1,80}):\s+(?P<text>.*)$")
_CLAUSE_END = re.compile(r"[,;]$|^-+$|[–—]$")  # a word after which a clause ends: "so,", "-", "then—"
_ESCAPED = re.compile(r"[\\\[\]]")  # what the answer's plain text escapes: backslashes and brackets


@dataclass(frozen=True)
class Sentence:
    text: str
    speaker: str | None
    hit: Hit
    line: int
    position: int
    score: float = 0.0
    turn: Turn | None = None  # the transcript turn that holds it, when the turns are known

    @property
    def source(self) -> tuple[str, ...]:
        """What its citation stands for: its turn, or (turns unknown) its passage."""
        if self.turn is not None:
            return (self.hit.chunk.meeting_id, str(self.turn.index))
        return (self.hit.chunk.id,)


def answer(
    question: str,
    hits: list[Hit],
    keyword: KeywordIndex | None = None,
    speakers: tuple[str, ...] = (),
    abstain_below: float = ABSTAIN_BELOW,
    turns_of: TurnsOf | None = None,
) -> Answer:
    """An extractive answer to `question` from `hits` (best first). With `turns_of`, each citation
    names the turn that holds its quote (numbered per distinct turn, the sentences of one turn
    joined into one quote in transcript order); without, it names the passage."""
    strength = evidence(question, hits, keyword)
    if not hits or strength < abstain_below:
        citations = tuple(Citation(n, hit) for n, hit in enumerate(hits[:PASSAGES], 1))
        return Answer(question, ABSTENTION, True, citations, tuple(hits), strength, (AnswerPart(ABSTENTION),))
    chosen = _choose_sentences(question, hits[:PASSAGES], keyword, speakers)
    if turns_of is not None:
        chosen = _with_turns(chosen, turns_of)
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
        parts.append(AnswerPart(prefix + _quote(group), numbers[source]))
        previous_speaker = speaker
        citations.append(_citation(numbers[source], group[0]))
    text = " ".join(f"{_escape_brackets(part.text)} [{part.n}]" for part in parts)
    return Answer(question, text, False, tuple(citations), tuple(hits), strength, tuple(parts))


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


def _with_turns(chosen: list[Sentence], turns_of: TurnsOf) -> list[Sentence]:
    """Each sentence with the turn of its meeting that holds it."""
    lines: dict[str, list[Turn | None]] = {}
    placed = []
    for sentence in chosen:
        chunk = sentence.hit.chunk
        if chunk.id not in lines:
            lines[chunk.id] = line_turns(chunk.text, chunk.turn_start, chunk.turn_end, turns_of(chunk.meeting_id))
        of_lines = lines[chunk.id]
        turn = of_lines[sentence.line] if sentence.line < len(of_lines) else None
        placed.append(replace(sentence, turn=turn))
    return placed


def line_turns(text: str, first: int, last: int, turns: Sequence[Turn]) -> list[Turn | None]:
    """The turn each line of a passage's text comes from: lines are whole turns or parts of one (a
    long turn's pieces), in transcript order, after the speaker's name; a question header has none."""
    candidates = [t for t in turns if first <= t.index <= last and t.clean_text]
    spaced = [" ".join(t.clean_text.split()) for t in candidates]
    found: list[Turn | None] = []
    cursor = 0
    for line in text.split("\n"):
        match = _LABEL.match(line)
        label = match["label"] if match else None
        bodies = [" ".join(match["text"].split())] if match else []
        bodies.append(" ".join(line.split()))  # a label that is not a speaker's is part of the words
        at = next((i for i in range(cursor, len(candidates)) for body in bodies if body and body in spaced[i]), None)
        if label == QUESTION_LABEL or at is None:
            found.append(None)
            continue
        found.append(candidates[at])
        cursor = at
    return found


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
            centrality = sum(weight(term) * min(frequency[term], CENTRALITY_COUNT_CAP) for term in words)
            centrality /= CENTRALITY_SCALE * max(len(sentence_terms), 1) ** 0.5
            score = overlap + SIMILARITY_WEIGHT * hit.similarity + RANK_WEIGHT / (rank + 1)
            score += CENTRALITY_WEIGHT * centrality
            if named and (sentence.speaker or "").casefold() in named:
                score += NAMED_SPEAKER_BONUS
            if len(sentence.text.split()) < MIN_WORDS:
                score -= SHORT_PENALTY
            if sentence.text.endswith("?"):
                score -= QUESTION_PENALTY
            candidates.append(Sentence(**{**sentence.__dict__, "score": score}))
    candidates.sort(key=lambda s: -s.score)
    chosen: list[Sentence] = []
    words_used = 0
    for candidate in candidates:
        if len(chosen) >= MAX_SENTENCES or words_used >= MAX_WORDS:
            break
        length = len(candidate.text.split())
        if words_used + length > MAX_WORDS or any(_similar(candidate.text, other.text) for other in chosen):
            continue  # too long for the words left, or a repeat of a sentence already chosen
        chosen.append(candidate)
        words_used += length
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
        pieces = [piece.strip() for piece in SENTENCE_END.split(text) if len(piece.strip()) > 1]
        clauses = [clause for piece in pieces for clause in _clauses(piece)]
        for position, clause in enumerate(clauses):
            found.append(Sentence(clause, speaker, hit, line_number, position))
    return found


def _clauses(sentence: str) -> list[str]:
    """The sentence, or if it has more than MAX_SENTENCE_WORDS words, pieces of at most that many:
    each cut after the last clause end that fits (a comma, semicolon or dash), else after the last word."""
    words = list(re.finditer(r"\S+", sentence))
    pieces: list[str] = []
    first = 0
    while len(words) - first > MAX_SENTENCE_WORDS:
        fits = range(first + MAX_SENTENCE_WORDS - 1, first, -1)
        last = next((i for i in fits if _CLAUSE_END.search(words[i][0])), first + MAX_SENTENCE_WORDS - 1)
        pieces.append(sentence[words[first].start() : words[last].end()])
        first = last + 1
    pieces.append(sentence[words[first].start() : words[-1].end()])
    return pieces


def _escape_brackets(text: str) -> str:
    return _ESCAPED.sub(lambda match: "\\" + match[0], text)


def _similar(a: str, b: str, threshold: float = REDUNDANT_SHARE) -> bool:
    ta, tb = set(terms(a)), set(terms(b))
    return bool(ta and tb) and len(ta & tb) / min(len(ta), len(tb)) >= threshold
