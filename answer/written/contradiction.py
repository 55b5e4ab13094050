"""What a sentence claims against what the passages say: an outcome ("approved", "passed", "started")
against its opposite ("deferred", "rejected", "withdrawn", "tabled", "failed", "postponed") or its
negation ("nothing was approved", "did not pass", "no longer supports"); and a decision against a
passage that only proposes. Pure functions over text: the verifier's rules."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from answer.written.claims import scoped_clauses
from core.text import sentences
from index.keyword import terms

DONE, UNDONE = "done", "undone"
_DONE = re.compile(
    r"approv\w*|pass(?:ed|es)?|adopt\w*|accept(?:ed|s)?|carri(?:ed|es)|agreed?|agrees|decided?|decides|ratif\w+|"
    r"endors\w*|start(?:ed|s)?|began|begun|launch(?:ed|es)?|complet(?:ed|es)|finish(?:ed|es)|confirm(?:ed|s)?|"
    r"support(?:ed|s|ing)?|grant(?:ed|s)"
)
_UNDONE = re.compile(
    r"defer(?:red|s|ring)?|postpon\w+|tabled|withdr[ae]wn?|withdraw(?:s|ing)?|reject\w*|fail(?:ed|s|ing)?|declin\w+|"
    r"refus\w+|cancel+(?:ed|s|ing)?|abandon\w*|defeat\w*|veto(?:ed|es|ing)?|oppos(?:ed|es|ing)|disagre\w*|"
    r"delay(?:ed|s|ing)?|denied|deny|denying|dropped|shelved|stopp(?:ed|ing)|stops?|ended|halted|suspended|quit|"
    r"remov(?:ed|es|ing)|discard\w*|eliminat\w*|exclud\w*|scrap(?:ped|s)?|lack(?:ed|s|ing)?"
)
_DECIDED = re.compile(r"approv\w*|pass(?:ed|es)?|adopt\w*|carri(?:ed|es)|ratif\w+|accept(?:ed|s)?|agreed?|decided?")
# an outcome word and the opposite a claim is altered to (eval.verifier), each in the same form
OPPOSITES = {
    "approved": "deferred",
    "passed": "failed",
    "accepted": "rejected",
    "adopted": "rejected",
    "agreed": "disagreed",
    "decided": "declined",
    "started": "postponed",
    "began": "postponed",
    "supported": "opposed",
    "support": "oppose",
    "supporting": "opposing",
    "opposed": "supported",
    "rejected": "accepted",
    "failed": "passed",
    "liked": "rejected",
    "preferred": "rejected",
}
# what a decision is said with, and what a proposal is: a decision cited to proposals alone is read
# as more than they say
DECISION = re.compile(r"\b(?:decid\w*|agreed|approv\w*|adopt\w*|settled|confirm\w*|finali[sz]\w*)\b", re.I)
SETTLED = re.compile(
    r"\b(?:decid\w*|agree\w*|approv\w*|adopt\w*|settled|confirm\w*|finali[sz]\w*|will|shall|let's|let us|"
    r"\w+'ll|going to|gonna|go with|go for|carries|carried|passed)\b",
    re.I,
)
PROPOSAL = re.compile(
    r"\b(?:suggest\w*|propos\w*|recommend\w*|maybe|perhaps|could|might|would|should|if|whether|possibly|"
    r"consider\w*|idea|how about|what about)\b",
    re.I,
)
# a clause with these states no outcome: "if we defer it", "she proposed that it be approved"
_UNSTATED = re.compile(
    r"if|whether|unless|maybe|perhaps|suggest\w*|propos\w*|recommend\w*|want\w*|hop(?:e|es|ed|ing)|planned|"
    r"ask\w*|intend\w*|expect\w*|tri(?:ed|es)|try|need\w*|wish\w*|likely"
)
_MODAL = re.compile(r"\b(?:would|could|should|might|may|must|can)\b(?:\s+\w+){0,3}\s*$", re.I)
# a negative question that suggests: "why don't we replace it", "shouldn't we discuss it first"
_SUGGESTING = r"\b(?:why (?:don't|not)|(?:shouldn't|couldn't|can't|don't|won't) we|wouldn't it)\b"
# an UNDONE word that denies the word after it: "refused to use it", "failed to agree", "stopped paying"
_REFUSING = re.compile(r"refus\w+|declin\w+|fail(?:ed|s|ing)?|stopp(?:ed|ing)|stops?|quit")
_NEGATING = re.compile(r"\b(?:not|no|never|nothing|none|nobody|neither|nor|cannot|without)\b|n't\b", re.I)
_UNIVERSAL = frozenset(["nothing", "none", "nobody", "neither", "nor"])
# words too common in meetings to tie a claim to a passage: "the committee approved" and "the
# committee deferred" are not about the same thing for sharing "committee"
_GENERIC = frozenset(
    terms(
        "meeting group committee council board team members member everyone people vote voted motion item items "
        "decision today tonight said says discussed discussion thing things project also would probably really "
        "actually maybe like well yeah okay kind sort lot get got go going one"
    )
)


@dataclass(frozen=True)
class Outcome:
    """What a clause says of a word: `claim` DONE or UNDONE for an outcome word ("passed", "did not
    pass"), HELD or DENIED for any other word a negation governs ("no longer pays": "pay" DENIED);
    `topic`: the clause's other content terms (what it is about); `universal`: said of everything
    ("nothing was approved")."""

    claim: str
    word: str
    topic: frozenset[str]
    universal: bool = False


HELD, DENIED = "held", "denied"


@lru_cache(maxsize=8192)  # a passage is read once per answer, not once per sentence checked
def outcomes(text: str) -> tuple[Outcome, ...]:
    """The outcomes a text states, clause by clause, and the words its negations deny; a question's
    and a condition's ("if we defer it") are not stated. An outcome word negated is the opposite claim
    ("did not pass" is UNDONE); a negated UNDONE word ("did not reject") says nothing exact."""
    found: list[Outcome] = []
    for sentence in sentences(text):
        if sentence.rstrip().endswith("?") or re.search(_SUGGESTING, sentence, re.I):
            continue
        for clause in scoped_clauses(sentence):
            tokens = [token for token, _ in clause]
            if any(_UNSTATED.fullmatch(token) for token in tokens):
                continue
            plain = [token for token in tokens if not (_DONE.fullmatch(token) or _UNDONE.fullmatch(token))]
            topic = frozenset(terms(" ".join(plain))) - _GENERIC
            previous, pending = "", False  # pending: a _REFUSING word stated
            for token, negator in clause:
                head, previous = bool(negator) and negator != previous, negator
                about = frozenset(topic - set(terms(token)))
                done, undone = _DONE.fullmatch(token), _UNDONE.fullmatch(token)
                by = token == "tabled" and f"{token} by" in sentence.casefold()  # UK: "tabled by" is put forward
                if _modal_before(token, sentence) or (undone and negator) or not terms(token) or by:
                    continue
                if done or undone:
                    found.append(Outcome(UNDONE if undone or negator else DONE, token, about, negator in _UNIVERSAL))
                    pending = bool(undone and _REFUSING.fullmatch(token))
                elif pending or not negator or head:  # a negation denies the first word it governs
                    found.append(Outcome(DENIED if negator or pending else HELD, token, about, negator in _UNIVERSAL))
                    pending = False
    return tuple(found)


def opposed(claimed: Outcome, said: Outcome) -> bool:
    """Whether what a passage said contradicts what a sentence claims: the opposite outcome, about
    something the claim names (or about everything: "nothing was approved"); or a word it holds that
    the passage's negation denies, or the reverse, in a clause about the same thing."""
    outcome = {claimed.claim, said.claim} == {DONE, UNDONE}
    same = _family(said.word) == _family(claimed.word)
    if outcome and said.universal and said.claim == UNDONE and same:
        return True
    shared = len(claimed.topic & said.topic) >= min(2, len(claimed.topic))
    if outcome:
        return shared and bool(claimed.topic)
    return {claimed.claim, said.claim} == {HELD, DENIED} and same and shared


def contradicting(
    sentence: str, passages: Iterable[tuple[int, str]], outcomes_only: bool = False
) -> tuple[int, str] | None:
    """The first passage (its number and the sentence of it) that says the opposite of what the
    sentence states, or None. A word a passage denies is contradicted only where no passage says
    the same as the sentence about the same thing; an outcome is contradicted by any passage. With
    `outcomes_only` (a sentence quoted from a passage it cites), only its outcomes are read."""
    claims = [claim for claim in outcomes(sentence) if not outcomes_only or claim.claim in (DONE, UNDONE)]
    if not claims:
        return None
    pieces = [(n, piece, outcomes(piece)) for n, text in passages for piece in _sentences(text)]
    said_all = [said for _, _, said_by_piece in pieces for said in said_by_piece]
    claims = [claim for claim in claims if claim.claim in (DONE, UNDONE) or not _agreed(claim, said_all)]
    for n, piece, said_by_piece in pieces:
        if any(opposed(claim, said) or _nothing_decided(claim, said) for claim in claims for said in said_by_piece):
            return n, piece
    return None


def _nothing_decided(claimed: Outcome, said: Outcome) -> bool:
    """No decision of any kind made ("nothing was approved") against one stated ("the budget passed")
    about the same thing."""
    return (
        claimed.claim == DONE
        and said.claim == UNDONE
        and said.universal
        and bool(_DECIDED.fullmatch(claimed.word) and _DECIDED.fullmatch(said.word))
        and bool(claimed.topic)
        and len(claimed.topic & said.topic) >= min(2, len(claimed.topic))
    )


def _agreed(claim: Outcome, said_all: Sequence[Outcome]) -> bool:
    return any(
        said.claim == claim.claim and _family(said.word) == _family(claim.word) and claim.topic & said.topic
        for said in said_all
    )


def unheld_refusal(sentence: str, cited: Sequence[str]) -> str | None:
    """The word by which the sentence says something was refused, rejected, deferred or failed, when
    the cited passages refuse, defer or negate nothing at all ("agreed" read as "disagreed"), or None."""
    stated = [claim.word for claim in outcomes(sentence) if claim.claim == UNDONE and not claim.word.startswith("lack")]
    text = " ".join(cited)
    if not stated or _NEGATING.search(text) or any(said.claim in (UNDONE, DENIED) for said in outcomes(text)):
        return None
    return stated[0]


# what proposes and nothing else: "maybe we could", "I would suggest", "why don't we"
PROPOSES = re.compile(
    r"\b(?:suggest\w*|propos\w*|recommend\w*|maybe|perhaps|what if|how about|what about)\b|" + _SUGGESTING, re.I
)


def only_proposed(sentence: str, cited: Sequence[str], shown: Sequence[str]) -> str | None:
    """The cited sentence that proposes what the sentence states as decided, when no shown passage
    says it was settled ("decided", "agreed", "will", "let's", "go with"...), or None."""
    if not DECISION.search(sentence) or PROPOSAL.search(sentence):
        return None
    claims = outcomes(sentence)
    if any(claim.claim == UNDONE for claim in claims):
        return None
    topic = {term for claim in claims for term in claim.topic}
    needed = min(2, len(topic))

    def about(piece: str) -> bool:
        return len(topic & set(terms(piece))) >= needed

    if any(SETTLED.search(piece) and about(piece) for text in shown for piece in _sentences(text)):
        return None
    proposing = (piece for text in cited for piece in _sentences(text) if PROPOSES.search(piece) and about(piece))
    return next(proposing, None)


def _modal_before(word: str, sentence: str) -> bool:
    """Whether a modal verb stands just before the word ("it could be approved")."""
    at = sentence.casefold().find(word)
    return at > 0 and bool(_MODAL.search(sentence[:at]))


@lru_cache(maxsize=1024)
def _sentences(text: str) -> tuple[str, ...]:
    return tuple(sentences(text))


@lru_cache(maxsize=8192)
def _family(word: str) -> str:
    return (terms(word) or [word])[0]
