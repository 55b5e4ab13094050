"""What a fitted model weighs: features of each candidate sentence (does it answer the question?),
the same with the sentence's own similarity to the question for the likeliest few (the rerank), and
features of the question against the library (does the library answer it at all?). Pure functions
over an `Evidence` bundle; `answer.extractive.scorer` holds the fitted weights, `eval.fit` fits them on QMSum
train."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from functools import cache

import numpy as np

from answer.extractive.sentences import Sentence
from core.models import Hit
from core.text import COUNTING, LARGE, TENS, WEEKDAYS, alternatives, stop_words
from core.text import MONTHS as MONTH_NAMES
from index.evidence import NO_EVIDENCE, Evidence
from index.focus import keyword_query
from index.keyword import KeywordIndex, terms

SENTENCE_FEATURES = (
    "overlap",  # the question's words (function words aside) it holds, weighted by rarity, as a share of them all
    "overlap_vs_best",  # that over the best candidate's
    "rarest",  # 1 when it holds the question's rarest word that the library has (a named speaker's name aside)
    "content_share",  # the share of the question's content words it holds (a named speaker's name aside)
    "similarity",  # its passage's cosine similarity to the question
    "relative_similarity",  # that over the best passage's
    "inverse_rank",  # 1 / (its passage's rank + 1)
    "fused",  # its passage's fused (dense + keyword) score
    "centrality",  # how much its words recur in the top passages
    "by_named",  # 1 when the speaker the question names said it
    "by_other",  # 1 when the question names a speaker and someone else said it
    "short",  # 1 under 8 words
    "asks",  # 1 when it is itself a question
    "answer_kind",  # +1 holds the kind of answer asked for (a date, a number, a person, a reason), -1 not, 0 none asked
    "log_words",
    "best_meeting",  # 1 when it comes from the best passage's meeting
    "opens_turn",  # 1 when it is the first sentence of its line
)
KIND_COLUMN = SENTENCE_FEATURES.index("answer_kind")
# Features read off a passage's fused score: unknown (the fitted mean) when the mode fused nothing.
FUSED_FEATURES = ("fused", "agreement")
# The rerank, over the likeliest RERANK sentences: the same, and the sentence's own similarity.
# It is fitted over the likeliest FITTED_RERANK and answers with 12 (a quarter fewer sentences to
# embed a question: ask at a million chunks 98 -> 85 ms): on the first 50 QMSum train meetings (337
# questions, 2026-12-03) citation precision 0.4587 -> 0.4580, any correct citation 0.6439 both,
# ROUGE-1 0.2687 -> 0.2690, false refusals the same; 10 and 8 lost more (0.6409, 0.6380).
RERANK = 12
FITTED_RERANK = 16
RERANK_FEATURES = (
    *SENTENCE_FEATURES,
    "cosine",  # the sentence's cosine similarity to the question (the bundled model)
    "cosine_vs_best",  # that less the best of the reranked sentences'
)
QUESTION_FEATURES = (
    "best_sentence",  # the best sentence's probability of answering
    "similarity",  # the best cosine similarity of a top passage
    "coverage",  # the most of the question's (rarity-weighted) words one top passage holds
    "absent",  # the rarity-weighted share of the question's words that occur nowhere it may search
    "rarest_absent",  # 1 when its rarest word occurs nowhere it may search
    "agreement",  # the best passage's fused score: 1.0 when first in the dense and the keyword ranking
    "margin",  # the best similarity over the mean of the next four
    "answer_kind",  # as for sentences, over the five likeliest sentences
    "best_cosine",  # the best sentence similarity among the reranked
    "best_content",  # the share of the question's content words the likeliest sentence holds
    "kind_content",  # the most content words a likely sentence holding the asked-for kind holds (no kind: any)
    "absent_in_passages",  # the rarity-weighted share of content words that no top passage holds
)
EVIDENCE_PASSAGES = 3
PASSAGES = 5  # the passages whose sentences are candidates
SHORT_WORDS = 8
CENTRALITY_COUNT_CAP = 5  # a word's count in the top passages weighs up to this many times
CENTRALITY_SCALE = 20  # centrality is divided by this times the square root of the sentence's words

ANSWER_KINDS = (
    ("time", re.compile(r"^\s*when\b|\b(?:what|which) (?:date|time|day|year|month)\b|\bhow long\b|\bdeadline\b", re.I)),
    ("number", re.compile(r"\bhow (?:much|many|often)\b|\bwhat (?:percentage|number|amount|price|cost)\b", re.I)),
    (
        "person",
        re.compile(
            r"^\s*who\b|\bwhich (?:person|member|speaker|people)\b|\bwho (?:is|was|will)\b|"
            r"\bwhat is the name of\b",
            re.I,
        ),
    ),
    ("reason", re.compile(r"^\s*why\b|\bwhat (?:was|were|is|are) the reasons?\b|\bfor what reason\b", re.I)),
)
MONTHS = alternatives(MONTH_NAMES)
DAYS = alternatives(WEEKDAYS)
HOLDS = {
    "time": re.compile(
        rf"\b(?:{MONTHS}|{DAYS}|(?:19|20)\d\d|\d{{1,2}}(?::\d\d)?\s?(?:am|pm)|today|tomorrow|yesterday|tonight|"
        r"(?:next|last|this) (?:week|month|year|quarter|spring|summer|autumn|fall|winter)|"
        r"\d+ (?:days?|weeks?|months?|years?|hours?|minutes?)|(?:weeks?|months?|years?|days?) (?:ago|from now))\b",
        re.I,
    ),
    "number": re.compile(
        rf"\d|\b(?:{alternatives(COUNTING[1:13] + TENS[:4] + LARGE)}|percent|half|dozen|quarter)\b",
        re.I,
    ),
    "reason": re.compile(
        r"\b(?:because|since|due to|so that|in order to|reason|as a result|therefore|caused?)\b", re.I
    ),
}
_NAME = re.compile(r"(?<=\w[\s,])[A-Z][a-z]+(?:\s[A-Z][a-z]+)*")  # a capitalized word not at a sentence's start


def answer_kind(question: str) -> str | None:
    """The kind of answer a question asks for, when it asks for one: time, number, person or reason."""
    return next((kind for kind, pattern in ANSWER_KINDS if pattern.search(question)), None)


def holds_kind(kind: str | None, text: str, speakers: Sequence[str] = ()) -> int:
    """+1 when the text holds the kind of answer asked for, -1 when it does not, 0 when none is asked."""
    if kind is None:
        return 0
    if kind == "person":
        found = bool(_NAME.search(text)) or any(name and name in text for name in speakers)
    else:
        found = bool(HOLDS[kind].search(text))
    return 1 if found else -1


# Stemmed words of question phrasing ("how much", "how long", "what happens"): not what is asked about.
_ASKING = frozenset(
    {
        "how",
        "what",
        "who",
        "when",
        "where",
        "whi",
        "which",
        "much",
        "mani",
        "long",
        "often",
        "happen",
        "thing",
        "kind",
        "way",
        "anyth",
        "someth",
    }
)


@cache
def _function_terms() -> frozenset[str]:
    """Stemmed function words (NLTK's English list, as bm25s ships it) and question phrasing: the
    keyword index keeps most of them, but what a question asks about is never "did" or "about"."""
    return frozenset(terms(" ".join(stop_words()))) | _ASKING


def question_terms(question: str) -> list[str]:
    """The question's terms without function words (all its terms, when nothing else is left)."""
    every = terms(question)
    return list(dict.fromkeys([term for term in every if term not in _function_terms()] or every))


def content_terms(question: str) -> list[str]:
    """The question's terms worth finding: without request phrasing, meeting talk and function words."""
    found = [term for term in terms(keyword_query(question)) if term not in _function_terms()]
    return list(dict.fromkeys(found or question_terms(question)))


def rarity(keyword: KeywordIndex | None) -> Callable[[str], float]:
    if keyword is None or not keyword.size:
        return lambda term: 1.0
    return keyword.idf


def sentence_features(
    question: str, sentences: Sequence[Sentence], hits: Sequence[Hit], evidence: Evidence | None = None
) -> np.ndarray:
    """One row of SENTENCE_FEATURES per sentence."""
    evidence = evidence or NO_EVIDENCE
    keyword, speakers, occurs = evidence.keyword, evidence.speakers, evidence.occurs
    weight = rarity(keyword)
    asked = set(question_terms(question))
    total = sum(weight(term) for term in asked) or 1.0
    names = {term for speaker in speakers for term in terms(speaker)}  # said by them, not in their words
    content = [term for term in content_terms(question) if term not in names]
    found = [term for term in content if occurs is None or occurs(term)]
    rarest = max(found, key=weight, default=None)
    named = {speaker.casefold() for speaker in speakers}
    frequency = Counter(term for hit in hits[:EVIDENCE_PASSAGES] for term in terms(hit.chunk.text))
    best = max((hit.similarity for hit in hits), default=0.0) or 1.0
    kind = answer_kind(question)
    first_meeting = hits[0].chunk.meeting_id if hits else None
    overlaps = [sum(weight(term) for term in asked & set(terms(s.text))) / total for s in sentences]
    best_overlap = max(overlaps, default=0.0) or 1.0
    rows = []
    for sentence, overlap in zip(sentences, overlaps, strict=True):
        sentence_terms = terms(sentence.text)
        words = set(sentence_terms)
        centrality = sum(weight(term) * min(frequency[term], CENTRALITY_COUNT_CAP) for term in words)
        said_by = (sentence.speaker or "").casefold()
        hit = sentence.hit
        rows.append(
            (
                overlap,
                overlap / best_overlap,
                float(rarest is not None and rarest in words),
                sum(term in words for term in content) / max(len(content), 1),
                hit.similarity,
                hit.similarity / best,
                1 / (sentence.rank + 1),
                hit.score,
                centrality / (CENTRALITY_SCALE * max(len(sentence_terms), 1) ** 0.5),
                float(bool(named) and said_by in named),
                float(bool(named) and said_by not in named),
                float(len(sentence.text.split()) < SHORT_WORDS),
                float(sentence.text.rstrip().endswith("?")),
                holds_kind(kind, sentence.text, hit.chunk.speakers),
                math.log(len(sentence.text.split()) + 1),
                float(hit.chunk.meeting_id == first_meeting),
                float(sentence.position == 0),
            )
        )
    return np.asarray(rows, dtype=np.float64).reshape(len(rows), len(SENTENCE_FEATURES))


def rerank_features(rows: np.ndarray, cosines: np.ndarray) -> np.ndarray:
    """RERANK_FEATURES: the sentences' SENTENCE_FEATURES rows with their cosine similarities."""
    cosines = np.asarray(cosines, dtype=np.float64).reshape(-1)
    best = cosines.max() if len(cosines) else 0.0
    return np.column_stack([rows, cosines, cosines - best]) if len(cosines) else np.zeros((0, len(RERANK_FEATURES)))


def question_features(
    question: str,
    hits: Sequence[Hit],
    evidence: Evidence,
    likeliest: Sequence[Sentence],
    best_probability: float,
    best_cosine: float,
) -> np.ndarray:
    """The row of QUESTION_FEATURES for a question, its retrieved passages (best first) and its
    likeliest sentences (most likely first)."""
    keyword, occurs = evidence.keyword, evidence.occurs
    weight = rarity(keyword)
    top = hits[:EVIDENCE_PASSAGES]
    asked = set(question_terms(question))
    total = sum(weight(term) for term in asked) or 1.0
    coverage = max((sum(weight(t) for t in asked & set(terms(hit.chunk.text))) / total for hit in top), default=0.0)
    content = content_terms(question)
    content_weight = sum(weight(term) for term in content) or 1.0
    missing = [term for term in content if occurs is not None and not occurs(term)]
    absent = sum(weight(term) for term in missing) / content_weight
    rarest = max(content, key=weight, default=None)
    held = {term for hit in hits[:PASSAGES] for term in terms(hit.chunk.text)}
    absent_in_passages = sum(weight(term) for term in content if term not in held) / content_weight
    similarities = [hit.similarity for hit in hits]
    following = similarities[1:5]
    margin = similarities[0] - sum(following) / len(following) if following else 0.0
    kind = answer_kind(question)
    few = likeliest[:5]
    kinds = [holds_kind(kind, s.text, s.hit.chunk.speakers) for s in few]
    shares = [content_share(content, s.text, weight) for s in few]
    kind_content = max((share for share, held in zip(shares, kinds, strict=True) if held >= 0), default=0.0)
    return np.asarray(
        [
            best_probability,
            max(similarities[:EVIDENCE_PASSAGES], default=0.0),
            coverage,
            absent,
            float(rarest is not None and rarest in missing),
            hits[0].score if hits else 0.0,
            margin if similarities else 0.0,
            max(kinds, default=0),
            best_cosine,
            shares[0] if shares else 0.0,
            kind_content,
            absent_in_passages,
        ],
        dtype=np.float64,
    )


def content_share(content: Sequence[str], text: str, weight: Callable[[str], float]) -> float:
    """The rarity-weighted share of the content words that the text holds."""
    words = set(terms(text))
    return sum(weight(term) for term in content if term in words) / (sum(weight(term) for term in content) or 1.0)


def sentence_cosines(
    sentences: Sequence[Sentence], evidence: Evidence, texts: Sequence[str] | None = None
) -> np.ndarray:
    """Each sentence's cosine similarity to the question (or that of `texts`, one per sentence: a
    sentence read with what comes before it); without a model, its passage's."""
    if evidence.similarity is None:
        return np.array([sentence.hit.similarity for sentence in sentences], dtype=np.float64)
    read = [sentence.text for sentence in sentences] if texts is None else list(texts)
    return np.asarray(evidence.similarity(read), dtype=np.float64)
