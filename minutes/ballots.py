"""A decision's motion, count and ballots, read from the words of its turn and the turns before it:
who moved what ("I move that we award…"), the count as said ("four to one" → "4–1"), and who voted
for, against or abstained (a vote call's answers, a roll call, a member saying "I will vote no")."""

from __future__ import annotations

import re
from collections.abc import Sequence

from core.models import Turn
from core.text import COUNTING, alternatives, sentences
from minutes.features import COMMON_WORDS, CUE_PATTERNS, NUMBER, turn_sentences

_VOTE = re.compile(
    rf"\b({NUMBER})\s*(?:to|-|–)\s*({NUMBER})\b|\b({NUMBER})\s+(?:in\s+favou?r|for|ayes?)[,;]?\s+({NUMBER}|no\s+one)\s+"
    r"(?:against|opposed)|\bunanimous(?:ly)?\b",
    re.IGNORECASE,
)
COUNTED = COUNTING[:13]
_DIGITS = {word: n for n, word in enumerate(COUNTED)}
_DIGITS |= {"none": 0, "nothing": 0, "no one": 0}
_DECIDING = re.compile(
    "|".join(CUE_PATTERNS[name].pattern for name in ("motion_result", "decided")) + r"|\bmotion\s+is\s+to\b",
    re.IGNORECASE | re.VERBOSE,
)


def vote_of(text: str) -> str | None:
    """The count as said, in digits ("five in favour, none against" → "5–0"), or "unanimous"."""
    found = list(_VOTE.finditer(text))
    counted = next((m for m in found if m[1] or m[3]), None)
    if counted is None:
        return "unanimous" if found else None
    yes, no = (counted[1], counted[2]) if counted[1] else (counted[3], counted[4])
    return f"{_digits(yes)}–{_digits(no)}"


def _digits(word: str) -> str:
    return str(_DIGITS.get(" ".join(word.casefold().split()), word))


_MOVES = re.compile(r"\bI\s+(?:move|would\s+(?:like\s+to\s+)?move|make\s+a\s+motion)\b|\bso\s+moved\b", re.IGNORECASE)
_MOTION = (  # what a motion moves, said in the first person first
    re.compile(r"\bI\s+(?:would\s+(?:like\s+to\s+)?)?move\s+(?:that|to)\b", re.IGNORECASE),
    re.compile(r"\bmotion\s+(?:is\s+)?to\b", re.IGNORECASE),
)
_SETTLED = re.compile(CUE_PATTERNS["motion_result"].pattern + "|" + _VOTE.pattern, re.IGNORECASE | re.VERBOSE)
MOTION_REACH = 8  # turns back from a decision to the motion it settles


def motion_of(turns: Sequence[Turn], position: int) -> tuple[str | None, str, int] | None:
    """The motion a decision settles: (who moved it, the sentence that says what it moves, that sentence's
    turn), looked for in the decision's turn and the few before it: "I move that we award…" first, then
    "the motion is to…"; the mover is who said "I move" or "So moved"."""
    reach = [turns[position], *_since_last_result(turns, position, MOTION_REACH)]
    mover = next((turn.canonical_speaker for turn in reach if _MOVES.search(turn.clean_text)), None)
    for pattern in _MOTION:
        for earlier in reach:
            said = next((s for s in turn_sentences(earlier) if pattern.search(s)), None)
            if said is not None:
                return mover, said, earlier.index
    return (mover, "", turns[position].index) if mover else None


def _since_last_result(turns: Sequence[Turn], position: int, reach: int) -> list[Turn]:
    """The turns before a decision, latest first, back to an earlier decision's result (its motion and
    its vote are not this one's) or `reach` turns."""
    found = []
    for earlier in reversed(turns[max(position - reach, 0) : position]):
        if _SETTLED.search(earlier.clean_text) or _announces(earlier.clean_text):
            break
        found.append(earlier)
    return found


def decision_text(sentence: str, turn: Turn) -> str:
    """The decision as said in its turn: the sentences that move, count or announce it, and the vote
    call's answers that name who voted how ("Opposed? Trustee Okafor."), in order; other questions such
    as "All in favour?" aside; the chosen sentence alone when no other does."""
    said = [piece.strip() for piece in sentences(turn.clean_text)]
    kept: set[int] = set()
    for n, piece in enumerate(said):
        if piece.rstrip().endswith("?"):
            continue
        if piece == sentence or _DECIDING.search(piece) or _VOTE.search(piece):
            kept.add(n)
        elif named_ballots(piece, "", said[n - 1] if n else ""):
            kept |= {n, n - 1} if n and CUE_PATTERNS["vote_call"].search(said[n - 1]) else {n}
    return " ".join(said[n] for n in sorted(kept)) if kept else sentence


SIDES = ("in_favour", "against", "abstained")
BALLOT_REACH = 16  # turns back from a decision to the discussion of its motion, for who said how they vote
_NAME = r"[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){0,2}"
_WORD_SIDE = {"aye": 0, "yes": 0, "yea": 0, "for": 0, "in favour": 0, "in favor": 0, "no": 1, "nay": 1}
_WORD_SIDE |= {"against": 1, "opposed": 1, "dissenting": 1, "abstain": 2, "abstains": 2, "abstaining": 2}
_WORD_SIDE |= {"abstained": 2}
_BALLOT_WORD = re.compile(r"^\W*(aye|yes|yea|no|nay|opposed|against|abstain(?:s|ing)?)\b", re.IGNORECASE)
_INTENT = re.compile(  # "I will vote no", "I'm voting against", "I vote no as well", "I abstain"
    r"\bI(?:\s+will|'ll|\s+am\s+going\s+to|'m\s+going\s+to|'m|\s+am|\s+shall)?\s+(?:be\s+)?vot(?:e|ed|ing)\s+"
    r"(no|nay|against|yes|aye|in\s+favou?r|for)\b|\bI(?:'m|\s+am|'ll\s+be|\s+will\s+be)?\s+(abstain(?:ing|ed)?)\b",
    re.IGNORECASE,
)
_RECORDED = re.compile(r"\bI\s+(?:abstain(?:ed)?|voted)\b", re.IGNORECASE)  # said just after the result
_NAMED_BALLOT = re.compile(  # "Trustee Okafor opposed", "with Trustee Kessler voting no", "Nandakumar abstains"
    rf"({_NAME})\s*,?\s+(?:(?:is\s+|was\s+)?(opposed|against|dissenting|abstain(?:s|ing|ed)?)|"
    r"vot(?:ing|ed|es)\s+(no|yes|against|in\s+favou?r))\b"
)
_ROLL_ANSWER = re.compile(rf"({_NAME})[?,]\s*((?i:aye|yes|yea|no|nay|abstain))\b")  # "Reyes? Aye.", "Hollis, yes."
_READ_OUT = re.compile(rf"({_NAME})\?\s*((?i:aye|yes|yea|no|nay|abstain))\b")  # a roll call's answers read out
_CALL_SIDE = (
    (re.compile(r"abstain|abstention", re.IGNORECASE), 2),
    (re.compile(r"opposed|against|\bnays?\b|\bno\b", re.IGNORECASE), 1),
    (re.compile(r"favou?r|\baye\b", re.IGNORECASE), 0),
    (re.compile(r"\broll\b|recorded\s+vote", re.IGNORECASE), -1),
)
ROLL = -1  # a roll call: each member is called by name


def _side(word: str) -> int:
    return _WORD_SIDE[" ".join(word.casefold().split())]


def _call_side(sentence: str) -> tuple[bool, int | None]:
    """Whether a sentence calls a vote and for which side ("All opposed?"), ROLL for a roll call."""
    if not CUE_PATTERNS["vote_call"].search(sentence):
        return False, None
    return True, next((side for pattern, side in _CALL_SIDE if pattern.search(sentence)), ROLL)


def _voters_named(sentence: str) -> list[str] | None:
    """The people a vote call's answer names ("Patel, Tanaka and myself", "One, Councillor Hollis"),
    or None when the sentence is not a list of names."""
    parts = [p.strip() for p in re.split(r",|\band\b|&", sentence.strip().rstrip(".!")) if p.strip()]
    parts = [p for p in parts if p.casefold() not in _DIGITS and p.casefold() not in COUNTED]
    if any(p.casefold() not in ("myself", "me") and not re.fullmatch(_NAME, p) for p in parts):
        return None
    if any(p.split()[0] in COMMON_WORDS for p in parts if p.casefold() not in ("myself", "me")):
        return None
    return parts


def named_ballots(sentence: str, speaker: str, previous: str) -> list[tuple[str, int]]:
    """Who a sentence says voted how, as (name as said, side index into SIDES): a roll call's answers,
    a named member's vote, the speaker's own ("I will vote no"; "myself"), or the names answering the
    vote call of the sentence before ("Opposed? Trustee Okafor.")."""
    found = [(m[1], _side(m[2])) for m in _ROLL_ANSWER.finditer(sentence)]
    named = _NAMED_BALLOT.finditer(sentence)
    found += [(m[1], _side(m[2] or m[3])) for m in named if m[1].split()[0] not in COMMON_WORDS]
    found += [(speaker, _side(m[1] or m[2])) for m in _INTENT.finditer(sentence)]
    calling, side = _call_side(previous) if previous.rstrip().endswith("?") else (False, None)
    if not found and calling and side is not None and side >= 0:
        found = [(name, side) for name in _voters_named(sentence) or []]
    return [(speaker if name.casefold() in ("myself", "me") else name, side) for name, side in found]


def ballots(turns: Sequence[Turn], position: int) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """Who voted for, against and abstained on the motion a decision settles, where the transcript says
    (`cast`), each by the last side said."""
    votes = {name: how for name, how, _ in cast(turns, position)}
    return tuple(tuple(name for name, how in votes.items() if how == n) for n in range(len(SIDES)))


def cast(turns: Sequence[Turn], position: int) -> list[tuple[str, int, int]]:
    """Every ballot said of the motion a decision settles, in order, as (who, side index into SIDES,
    the position of the turn that says so): the vote call and its answers (one turn or several), a
    roll call, members saying how they will vote in the discussion before it, and a member recording
    an abstention just after. Names are resolved to the meeting's speakers by surname where one matches."""
    start = position - len(_since_last_result(turns, position, BALLOT_REACH))
    window = list(range(start, position + 1))
    window += [p for p in range(position + 1, min(position + 3, len(turns))) if _RECORDED.search(turns[p].clean_text)]
    speakers = list(dict.fromkeys(t.canonical_speaker for t in turns if t.canonical_speaker))
    found: list[tuple[str, int, int]] = []
    side: int | None = None  # the side the vote call last asked for; None outside a call
    prompt: tuple[str, int] | None = None  # a roll call's name, and the turn it was called in
    previous = ""
    for at in window:
        turn = turns[at]
        speaker = turn.canonical_speaker or ""
        read = [(m[1], _side(m[2])) for m in _READ_OUT.finditer(turn.clean_text)]  # "Haddad? No." read out
        found += [
            (_speaker_named(name, speakers), how, at) for name, how in read if name.split()[0] not in COMMON_WORDS
        ]
        for sentence in sentences(turn.clean_text):
            named = named_ballots(sentence, speaker, previous)
            calling, called = _call_side(sentence)
            word = _BALLOT_WORD.match(sentence)
            if calling:
                side, prompt = called, None
            elif prompt and word:  # the roll call's answer: by the one called, in their turn or the caller's
                named, prompt = [(speaker if turn.index != prompt[1] else prompt[0], _side(word[1]))], None
            elif word and side is not None and side >= 0 and not named:
                named = [(speaker, side if side and _side(word[1]) != 2 else _side(word[1]))]
            elif word and side == ROLL and not named and speaker:  # a member answering the roll uncalled
                named = [(speaker, _side(word[1]))]
            elif side == ROLL and not named and re.fullmatch(rf"{_NAME}[?.]", sentence.strip()):
                prompt = (sentence.strip()[:-1], turn.index) if sentence.split()[0] not in COMMON_WORDS else None
            found += [(_speaker_named(name, speakers), how, at) for name, how in named]
            if CUE_PATTERNS["motion_result"].search(sentence) or _announces(sentence):
                side = prompt = None
            previous = sentence
    return found


def says_ballot(sentence: str, previous: str = "") -> bool:
    """Whether a sentence calls a vote, says how someone voted, counts a vote or announces its result."""
    said = named_ballots(sentence, "", previous) or _VOTE.search(sentence) or _SETTLED.search(sentence)
    return bool(said or _call_side(sentence)[0] or _ROLL_ANSWER.search(sentence))


def read_out(text: str) -> bool:
    """Whether a turn reads out a roll call's answers ("Reyes? Aye. Hollis? No.")."""
    return bool(_READ_OUT.search(text))


_MOVED = re.compile(r"\bI\s+(?:would\s+(?:like\s+to\s+)?)?move\b|\bmotion\s+to\b|\bso\s+moved\b", re.I)
_RESULT = re.compile(
    r"\b(?:carrie[sd]|carry|pass(?:es|ed)?|fail(?:s|ed)?|adopted|approved|defeated|rejected|postponed|tabled)\b", re.I
)
_COUNTED = re.compile(
    r"\bunanimous(?:ly)?\b|\bmotion\b|\bin\s+favou?r\b|\b(?:against|opposed)\b|\bto\s+(?:nothing|zero|none)\b|"
    rf"\b(?:{alternatives(COUNTING[1:10])}|\d+)\s*(?:to|-|–)\s*(?:{alternatives(COUNTING[:10])}|\d+)\b",
    re.I,
)


def _announces(said: str) -> bool:
    """Whether words announce a vote's result ("The waiver is approved, four votes in favour and one against")."""
    return bool(_RESULT.search(said) and _COUNTED.search(said) and not _MOVED.search(said))


def votes_in(turns: Sequence[Turn]) -> list[tuple[int, int]]:
    """Each vote in a meeting as (first turn, result turn), positions in `turns`: from the turn before
    the latest motion moved since the previous result (or just after that result) to the turn
    announcing a result."""
    found: list[tuple[int, int]] = []
    after = 0
    for position, turn in enumerate(turns):
        said = turn.clean_text
        if _announces(said) and not said.rstrip().endswith("?"):
            moved = [i for i in range(after, position) if _MOVED.search(turns[i].clean_text)]
            found.append((max(moved[-1] - 1, after) if moved else after, position))
            after = position + 1
    return found


def _speaker_named(name: str, speakers: Sequence[str]) -> str:
    """The meeting's speaker a name refers to ("Trustee Okafor" → "Trustee Dana Okafor"), by the whole
    name or the surname; the name as said when none or several match."""
    surname = name.split()[-1].casefold()
    found = [s for s in speakers if s == name or s.split()[-1].casefold() == surname]
    return found[0] if len(found) == 1 else name
