"""Contested claims say who made them. Where the passages a model was shown disagree (one says the
budget passed, another that the vote was deferred), a written sentence that takes one side as plain
fact is rewritten to name who said it ("According to Priya Shah, …"), the other side is quoted after
its speaker's name as the extractive answer quotes, and a sentence whose own cited passage says
otherwise is dropped (`attributed`). Sides are read by rules, clause by clause: what happened or did
not (approved, passed, signed… against deferred, rejected, withdrawn…, either one negated) about the
same subject, or another date for it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from answer.written.claims import attributed_speakers, number_tokens
from answer.written.injection import is_instruction
from answer.written.verify import Shown
from core.models import Check
from core.text import COUNTING, LARGE, MONTHS, ORDINALS, TENS, WEEKDAYS, sentences, stop_words
from index.keyword import terms

# stems of what happened, and of what did not (or not yet)
DONE = frozenset(
    [
        "approv",
        "pass",
        "adopt",
        "carri",
        "accept",
        "ratifi",
        "sign",
        "final",
        "award",
        "author",
        "complet",
        "confirm",
        "won",
        "elect",
        "hire",
        "resign",
        "close",
        "decid",
        "decis",
        "clear",
        "agre",
    ]
)
UNDONE = frozenset(
    [
        "defer",
        "postpon",
        "tabl",
        "reject",
        "fail",
        "withdrawn",
        "withdrew",
        "withdraw",
        "delay",
        "cancel",
        "deni",
        "veto",
        "defeat",
        "declin",
        "pend",
        "paus",
        "walk",
    ]
)
_NEGATORS = frozenset(["not", "never", "no", "nothing", "nobody", "none", "neither", "nor", "cannot", "without"])
_CLAUSE_END = re.compile(r"[.,;:!?]|\b(?:and|so|but|although|though|because|while|whereas)\b")
_WORD = re.compile(r"[\w']+")
OPPOSED_REASON = "the passage it cites ({who}) says otherwise: “{sentence}”"
UNNAMED_REASON = "the passages disagree, and it names no speaker"
SCOPE = 3  # words after a negation that it governs, within its clause
# a date something happens on: "on the first of May", "to the ninth of June", "until March", "by Friday"
_NAMED_DAYS = "|".join(MONTHS + WEEKDAYS)
_DATE = re.compile(
    rf"\b(?:on|to|until|till|by|from|in|for|before|after)\s+(?:the\s+)?((?:\w+\s+of\s+)?(?:{_NAMED_DAYS})\b)", re.I
)
# words that say when or how many, not what: left out of a clause's subject
_WHEN = frozenset(
    [*MONTHS, *WEEKDAYS, *COUNTING, *TENS, *LARGE, *ORDINALS]
    + ["last", "next", "week", "weeks", "month", "months", "year", "years", "day", "days", "today", "tonight"]
    + ["yesterday", "tomorrow", "ago", "end", "start", "beginning", "now", "already", "yet", "still"]
)
_LOWERED = frozenset(
    [
        "the",
        "a",
        "an",
        "it",
        "its",
        "they",
        "their",
        "there",
        "this",
        "that",
        "these",
        "those",
        "we",
        "no",
        "nothing",
        "all",
        "everyone",
    ]
)


# a proposal, a wish or a condition is not a claim that something happened
_MODAL = re.compile(
    r"\b(?:would|could|might|should|if|propos\w*|suggest\w*|hope|wants? to|plan to|I move|move that|moved that)\b|"
    r"\w'd\b",
    re.I,
)


@dataclass(frozen=True)
class Outcome:
    """A clause's claim that something happened (+1) or did not (-1), and what (its content stems)."""

    subject: frozenset[str]
    sign: int


@dataclass(frozen=True)
class Stance:
    """What a sentence says happened, clause by clause; its content stems, numbers and dates; and
    whether it proposes, wishes or supposes rather than says."""

    outcomes: tuple[Outcome, ...]
    subject: frozenset[str]
    numbers: frozenset[str]
    dates: frozenset[str] = frozenset()
    modal: bool = False


def stance(sentence: str) -> Stance:
    outcomes: list[Outcome] = []
    subject: set[str] = set()
    for clause in _CLAUSE_END.split(sentence.casefold().replace("’", "'")):
        own, signs, left = set(), set(), 0
        for word in _WORD.findall(clause):
            if word in _NEGATORS or word.endswith("n't"):
                left = SCOPE
                continue
            stems = [] if word in stop_words() or word in _WHEN or word.isdigit() else terms(word)
            if not stems:
                continue
            if stems[0] in DONE or stems[0] in UNDONE:
                signs.add((1 if stems[0] in DONE else -1) * (-1 if left else 1))
            else:
                own.add(stems[0])
            left = max(0, left - 1)
        subject |= own
        if len(signs) == 1 and own:
            outcomes.append(Outcome(frozenset(own), signs.pop()))
    numbers = frozenset(number_tokens(sentence))
    dates = frozenset(" ".join(match.casefold().split()) for match in _DATE.findall(sentence))
    return Stance(tuple(outcomes), frozenset(subject), numbers, dates, bool(_MODAL.search(sentence)))


def _overlap(a: frozenset[str], b: frozenset[str]) -> bool:
    """Whether two clauses are about one thing: they share at least half the content of the shorter."""
    shared = a & b
    return bool(shared) and len(shared) >= 0.5 * min(len(a), len(b))


def disagree(a: Stance, b: Stance) -> bool:
    """Whether two sentences say opposite things of one subject: a clause of one that it happened, of
    the other that it did not; or another date for it (other numbers are the verifier's to check)."""
    if a.modal or b.modal:
        return False
    if any(x.sign != y.sign and _overlap(x.subject, y.subject) for x in a.outcomes for y in b.outcomes):
        return True
    return bool(a.dates and b.dates and not a.dates & b.dates and _overlap(a.subject, b.subject))


def agree(a: Stance, b: Stance) -> bool:
    """Whether a clause of each says the same thing happened (or did not), or `b` gives `a`'s numbers."""
    if any(x.sign == y.sign and _overlap(x.subject, y.subject) for x in a.outcomes for y in b.outcomes):
        return True
    return bool(a.numbers and a.numbers <= b.numbers and len(a.subject & b.subject) >= 2)


@dataclass(frozen=True)
class Quote:
    """The other side of a contested claim, after its speaker's name, citing passage `n`."""

    text: str
    n: int


def attributed(
    checks: Sequence[Check], shown: Sequence[Shown], known: Sequence[str]
) -> tuple[list[Check], list[Quote]]:
    """The checks with each supported sentence that takes one side of a disagreement among the
    passages as plain fact named as its speakers' (or dropped when a passage it cites says otherwise),
    and the quotes of the other side to show after them."""
    pieces = [
        (passage, sentence, stance(sentence))
        for passage in shown
        for sentence in sentences(passage.text)
        if not is_instruction(sentence)
    ]
    lowered = " ".join(passage.text for passage in shown)
    result: list[Check] = []
    quotes: dict[tuple[int, str], Quote] = {}
    for check in checks:
        own = stance(check.sentence) if check.supported else None
        opposing = [(p, s) for p, s, other in pieces if own is not None and disagree(own, other)]
        if not opposing:
            result.append(check)
            continue
        cited = set(check.citations)
        agreeing = [p for p, _, other in pieces if p.n in cited and agree(own, other)]
        against = [(p, s) for p, s in opposing if p.n in cited]
        if against and not agreeing:
            passage, sentence = against[0]
            who = ", ".join(passage.speakers) or "another speaker"
            result.append(replace(check, supported=False, reason=OPPOSED_REASON.format(who=who, sentence=sentence)))
            continue
        if not attributed_speakers(check.sentence, known):
            backers = agreeing or [p for p in shown if p.n in cited and p.n not in {q.n for q, _ in against}]
            names = list(dict.fromkeys(name for passage in backers for name in passage.speakers))
            if not names:
                result.append(replace(check, supported=False, reason=UNNAMED_REASON))
                continue
            result.append(replace(check, sentence=according_to(names, check.sentence, lowered)))
        else:
            result.append(check)
        for passage, sentence in opposing:
            if passage.n not in cited and passage.speakers:
                quotes.setdefault((passage.n, sentence), Quote(f"{passage.speakers[0]}: {sentence}", passage.n))
    shown_numbers = {n for check in result if check.supported for n in check.citations}
    return result, [quote for quote in quotes.values() if quote.n not in shown_numbers]


def according_to(names: Sequence[str], sentence: str, passages: str) -> str:
    """The sentence as what the named speakers said: "According to A and B, the budget passed." Its
    first word is lowered where it is not a name (a function word, or a word the passages write in lower case)."""
    first = sentence.split(" ", 1)[0]
    plain = first.casefold() in _LOWERED or re.search(rf"(?<![.!?]\s)\b{re.escape(first.casefold())}\b", passages)
    rest = first[:1].lower() + sentence[1:] if plain and not first.isupper() else sentence
    who = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
    return f"According to {who}, {rest}"
