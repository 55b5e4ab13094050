"""Grounded extractive answers: the transcript sentences a fitted model finds answer the question
(each above a bar of its own, redundant ones left out), each followed by its citation marker; or a
refusal when the model finds the library does not answer it. See `answer.extractive.scorer` for the model."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from answer.extractive.coverage import (
    ANSWERED,
    NOT_IN_TRANSCRIPTS,
    PARTIAL,
    not_given_words,
    silent_lead,
    speaks_of,
    stands_in,
    subject_of,
    unattested_event,
    unattested_lead,
)
from answer.extractive.factoids import answering, factoid_kind, follower, not_given
from answer.extractive.scorer import AnswerModel, Logistic, default_model
from answer.extractive.sentences import Sentence, TurnsOf, asks, asks_decision, candidates, decides, with_turns
from answer.extractive.signals import (
    FUSED_FEATURES,
    KIND_COLUMN,
    NO_EVIDENCE,
    PASSAGES,
    RERANK,
    SHORT_WORDS,
    Evidence,
    answer_kind,
    content_share,
    content_terms,
    question_features,
    rarity,
    rerank_features,
    sentence_cosines,
    sentence_features,
)
from core.models import Answer, AnswerPart, Citation, Hit
from core.text import without_fillers
from index.keyword import terms
from index.links import deep_link

__all__ = [
    "ABSTENTION",
    "MAX_WORDS",
    "Evidence",
    "Scored",
    "TurnsOf",
    "answer",
    "compose",
    "rerank",
    "score",
    "shortlist",
]

GAP = " … "  # between sentences of one turn that are not next to each other
MAX_SENTENCES = 4
MAX_WORDS = 90  # the most words an answer quotes, speaker names and markers aside
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
    kinds: tuple[int, ...] = ()  # per sentence: +1 holds the kind of answer asked for, -1 not, 0 none asked


def score(
    question: str, hits: Sequence[Hit], evidence: Evidence = NO_EVIDENCE, model: AnswerModel | None = None
) -> Scored:
    """Every candidate sentence scored (the likeliest RERANK again, with their own similarity to the
    question), and the probability that the passages answer the question."""
    model = model or default_model()
    found = candidates(hits[:PASSAGES])
    if not found:
        return Scored((), (), 0.0)
    rows = sentence_features(question, found, hits, evidence)
    first = shortlist(rows, model.sentence, evidence)
    cosines = sentence_cosines([found[i] for i in first], evidence)
    ranked = rerank(found, rows, first, cosines, model.rerank, evidence)
    best = ranked.probabilities[0]
    row = question_features(question, hits, evidence, ranked.sentences, best, float(cosines.max()))
    answers = float(model.question.probability(_known(row, model.question, evidence))[0])
    return replace(ranked, probability=answers)


def shortlist(rows: np.ndarray, sentence: Logistic, evidence: Evidence = NO_EVIDENCE, size: int = RERANK) -> np.ndarray:
    """The positions of the `size` likeliest sentences by the first stage, likeliest first."""
    return np.argsort(-sentence.probability(_known(rows, sentence, evidence)), kind="stable")[:size]


def rerank(
    sentences: Sequence[Sentence],
    rows: np.ndarray,
    first: np.ndarray,
    cosines: np.ndarray,
    model: Logistic,
    evidence: Evidence = NO_EVIDENCE,
) -> Scored:
    """The shortlisted sentences ordered by the rerank, with their probabilities and kinds (the
    question's probability left at 0)."""
    if not len(first):
        return Scored((), (), 0.0)
    probabilities = model.probability(_known(rerank_features(rows[first], cosines), model, evidence))
    order = np.argsort(-probabilities, kind="stable")
    return Scored(
        tuple(sentences[first[i]] for i in order),
        tuple(float(probabilities[i]) for i in order),
        0.0,
        tuple(int(k) for k in rows[first][order, KIND_COLUMN]),
    )


def _known(rows: np.ndarray, logistic: Logistic, evidence: Evidence) -> np.ndarray:
    """The rows with the features read off fused scores set to their fitted mean (no evidence
    either way) when the passages come from dense or keyword search alone."""
    if evidence.fused:
        return rows
    rows = np.array(rows, dtype=np.float64, copy=True)
    for column, name in enumerate(logistic.features):
        if name in FUSED_FEATURES:
            rows[..., column] = logistic.mean[column]
    return rows


def answer(
    question: str,
    hits: list[Hit],
    evidence: Evidence = NO_EVIDENCE,
    turns_of: TurnsOf | None = None,
    model: AnswerModel | None = None,
    coverage: bool = True,
) -> Answer:
    """An extractive answer to `question` from `hits` (best first). With `turns_of`, each citation
    names the turn that holds its quote (numbered per distinct turn, the sentences of one turn
    joined into one quote in transcript order); without, it names the passage. `evidence` is what
    the scoring may consult beside the passages (`Retriever.evidence` gives all of it). What the
    answer covers of what was asked is checked as answer.extractive.coverage says (unless `coverage` is off,
    as issue 11's answers were, for comparisons)."""
    model = model or default_model()
    silent = _speaker_silent(question, hits, evidence, turns_of) if coverage else None
    if silent is not None:
        return silent
    scored = score(question, hits, evidence, model)
    support = model.support_word(scored.probability)
    # a factoid question ("how much", "when", "who") is answered only by sentences that give what it asks
    refused = not hits or not scored.sentences or scored.probability < model.abstain_below
    if model.kind_gate and not refused and factoid_kind(question):  # "It's due in January." after its subject
        scored = _with_followers(scored, candidates(hits[:PASSAGES]))
    giving = answering(question, scored.sentences, evidence) if model.kind_gate and not refused else None
    closing: list[AnswerPart] = []
    if giving == [] and coverage:  # the kind asked for is not given: a role or vague amount, or a refusal
        giving = _standing_in(question, scored, evidence) or []
        closing = [AnswerPart(not_given_words(question))] if giving else []
    if refused or giving == []:
        citations = tuple(Citation(n, hit) for n, hit in enumerate(hits[:PASSAGES], 1))
        said = ABSTENTION if refused else f"{ABSTENTION} {not_given(question)}"  # the factoid rule says why
        parts = (AnswerPart(said),)
        return Answer(question, said, True, citations, tuple(hits), scored.probability, parts, "none")
    event = unattested_event(question, candidates(hits[:PASSAGES])) if coverage else None
    if event is not None:  # the question takes for granted what the passages never speak of
        nearest = [with_turns([scored.sentences[0]], turns_of)[0] if turns_of else scored.sentences[0]]
        return not_in_transcripts(question, unattested_lead(event, True), nearest, hits, scored.probability)
    if giving:
        scored = _only(scored, giving)
    if answer_kind(question):  # a date, number, person or reason is told, not asked: those that tell first
        scored = _first_where(scored, model.sentence_bar, lambda sentence: not asks(sentence.text))
    elif asks_decision(question):  # what was decided is said in a decision's words ("Then let's keep ...")
        scored = _first_where(scored, model.sentence_bar, lambda sentence: decides(sentence.text))
    chosen = compose(scored, model.sentence_bar, model.relative_bar, model.same_kind)
    if turns_of is not None:
        chosen = with_turns(chosen, turns_of)
    parts, citations = _quoted(chosen)
    parts += closing
    text = " ".join(_written(part) for part in parts)
    covers = PARTIAL if closing else ANSWERED
    return Answer(
        question,
        text,
        False,
        tuple(citations),
        tuple(hits),
        scored.probability,
        tuple(parts),
        support,
        coverage=covers,
    )


def _written(part: AnswerPart) -> str:
    """A part as the answer's plain text: quotes escaped and followed by their marker; our own words as they are."""
    return f"{escape_brackets(part.text)} [{part.n}]" if part.n is not None else part.text


def _quoted(chosen: Sequence[Sentence], previous_speaker: str | None = None) -> tuple[list[AnswerPart], list[Citation]]:
    """The chosen sentences as quoted parts, one per source (turn or passage) in the order first
    chosen, each after its speaker's name where the speaker changes (from `previous_speaker`, one
    the words before them name), and their citations."""
    numbers: dict[tuple[str, ...], int] = {}
    for sentence in chosen:
        numbers.setdefault(sentence.source, len(numbers) + 1)
    groups: dict[tuple[str, ...], list[Sentence]] = {}
    for sentence in sorted(chosen, key=lambda s: (numbers[s.source], s.line, s.position)):
        groups.setdefault(sentence.source, []).append(sentence)
    parts: list[AnswerPart] = []
    citations: list[Citation] = []
    for source, group in groups.items():
        speaker = group[0].speaker
        prefix = f"{speaker}: " if speaker and speaker != previous_speaker else ""
        verbatim = _quote(group)
        shown = without_fillers(verbatim)
        parts.append(AnswerPart(prefix + shown, numbers[source], prefix + verbatim if shown != verbatim else None))
        previous_speaker = speaker
        citations.append(_citation(numbers[source], group[0]))
    return parts, citations


def _speaker_silent(question: str, hits: list[Hit], evidence: Evidence, turns_of: TurnsOf | None) -> Answer | None:
    """For a question about what a named speaker said of a subject that none of their own words is
    about, the answer that says so, quoting what they said nearest to the question; else None."""
    subject = subject_of(question)
    if subject is None or not evidence.speakers or evidence.said_by is None:
        return None
    speaker = evidence.speakers[0]
    own = [s for s in candidates(evidence.said_by(speaker, subject)) if s.speaker == speaker]
    if speaks_of(subject, speaker, own, evidence):
        return None
    nearest: list[Sentence] = []
    if own:  # their likeliest sentence of some substance ("Thank you, Mayor." says nothing near it)
        said = [s for s in own if len(s.text.split()) >= SHORT_WORDS] or own
        closeness = sentence_cosines(said, evidence)
        nearest = [said[int(np.argmax(closeness))]]
        nearest = with_turns(nearest, turns_of) if turns_of is not None else nearest
    lead = silent_lead(speaker, subject, bool(nearest))
    return not_in_transcripts(question, lead, nearest, hits, 0.0, speaker)


def _standing_in(question: str, scored: Scored, evidence: Evidence) -> list[int]:
    """The position of the likeliest sentence that gives the kind asked for without its name or
    number and is about the question (answer.extractive.coverage.stands_in), if any."""
    if not scored.sentences:
        return []
    wanted, weight = content_terms(question), rarity(evidence.keyword)
    cosines = sentence_cosines(list(scored.sentences), evidence)
    for i, (sentence, cosine) in enumerate(zip(scored.sentences, cosines, strict=True)):
        if stands_in(question, sentence, float(cosine), content_share(wanted, sentence.text, weight)):
            return [i]
    return []


def not_in_transcripts(
    question: str,
    lead: str,
    nearest: Sequence[Sentence],
    hits: Sequence[Hit],
    probability: float,
    named: str | None = None,
) -> Answer:
    """A refusal that says what is missing (`lead`) and quotes, cited, what the transcripts say nearest to it
    (without its speaker's name where the lead names them); with nothing to quote, it lists the
    nearest passages."""
    parts, citations = _quoted(nearest, named)
    if not nearest:  # nothing to quote: the nearest passages are listed, as with any refusal
        citations = [Citation(n, hit) for n, hit in enumerate(hits[:PASSAGES], 1)]
    parts = [AnswerPart(lead), *parts]
    text = " ".join(_written(part) for part in parts)
    return Answer(
        question,
        text,
        True,
        tuple(citations),
        tuple(hits),
        probability,
        tuple(parts),
        "none",
        coverage=NOT_IN_TRANSCRIPTS,
    )


def compose(scored: Scored, bar: float, relative_bar: float = 0.0, same_kind: bool = False) -> list[Sentence]:
    """The likeliest sentence, then each next likeliest that passes the bar (and that share of the
    first one's probability), repeats none chosen and fits in the words left, up to MAX_SENTENCES.
    With `same_kind`, when a sentence that passes the bar holds the kind of answer asked for (a
    number for "how much"), the likeliest such leads and the ones lacking it are left out."""
    if not scored.sentences:
        return []
    if same_kind:
        scored = _kind_first(scored, bar)
    kinds = scored.kinds or (0,) * len(scored.sentences)
    strict = same_kind and kinds[0] == 1
    chosen = [scored.sentences[0]]
    words_used = len(chosen[0].text.split())
    floor = max(bar, relative_bar * scored.probabilities[0])
    for sentence, probability, kind in zip(scored.sentences[1:], scored.probabilities[1:], kinds[1:], strict=True):
        if len(chosen) >= MAX_SENTENCES or probability < floor:
            break
        length = len(sentence.text.split())
        if words_used + length > MAX_WORDS or any(_similar(sentence.text, other.text) for other in chosen):
            continue
        if strict and kind < 0:
            continue
        chosen.append(sentence)
        words_used += length
    return chosen


def _kind_first(scored: Scored, bar: float) -> Scored:
    """The sentences that pass the bar and hold the asked-for kind first, when there are any."""
    if not scored.kinds or 1 not in scored.kinds:
        return scored
    first = [
        i for i, (p, kind) in enumerate(zip(scored.probabilities, scored.kinds, strict=True)) if kind == 1 and p >= bar
    ]
    if not first:
        return scored
    order = first + [i for i in range(len(scored.sentences)) if i not in first]
    return Scored(
        tuple(scored.sentences[i] for i in order),
        tuple(scored.probabilities[i] for i in order),
        scored.probability,
        tuple(scored.kinds[i] for i in order),
    )


def _with_followers(scored: Scored, among: Sequence[Sentence]) -> Scored:
    """Each sentence followed by the next of its turn when that one points back at it and was not
    shortlisted ("The safety review is done by the network." / "It's due in January."), as likely."""
    shown = set(scored.sentences)
    sentences, probabilities, kinds = [], [], []
    for i, sentence in enumerate(scored.sentences):
        for one in (sentence, follower(sentence, among)):
            if one is not None and (one is sentence or one not in shown):
                shown.add(one)
                sentences.append(one)
                probabilities.append(scored.probabilities[i])
                kinds.append(scored.kinds[i] if scored.kinds else 0)
    return Scored(tuple(sentences), tuple(probabilities), scored.probability, tuple(kinds) if scored.kinds else ())


def _first_where(scored: Scored, bar: float, wanted: Callable[[Sentence], bool]) -> Scored:
    """The sentences passing the bar that are `wanted` first, when the likeliest is not one of them."""
    passing = [i for i, p in enumerate(scored.probabilities) if p >= bar]
    first = [i for i in passing if wanted(scored.sentences[i])]
    if not first or first[0] == 0:
        return scored
    return _only(scored, first + [i for i in range(len(scored.sentences)) if i not in first])


def _only(scored: Scored, positions: Sequence[int]) -> Scored:
    """The scored sentences at `positions` (likeliest first, as given)."""
    kinds = tuple(scored.kinds[i] for i in positions) if scored.kinds else ()
    return Scored(
        tuple(scored.sentences[i] for i in positions),
        tuple(scored.probabilities[i] for i in positions),
        scored.probability,
        kinds,
    )


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


def escape_brackets(text: str) -> str:
    return _ESCAPED.sub(lambda match: "\\" + match[0], text)


def _similar(a: str, b: str, threshold: float = REDUNDANT_SHARE) -> bool:
    ta, tb = set(terms(a)), set(terms(b))
    return bool(ta and tb) and len(ta & tb) / min(len(ta), len(tb)) >= threshold
