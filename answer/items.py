"""Decisions and action items of a meeting: each sentence scored by two logistic regressions over
`answer.cues.FEATURES` (fitted by `onrecord fit minutes` on labelled QMSum train meetings and
transcripts of our own, `eval/suites/minutes.json`'s tuning part), the best sentence of a turn kept
when it passes its model's bar; then who, what, by when and the vote, read from its words."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from answer.cues import CUE_PATTERNS, FEATURES, NUMBER, sentence_rows, turn_sentences
from core.logistic import DIGITS, Logistic, ModelError
from core.minutes import Item
from core.models import Turn
from core.text import sentences
from ingest.labels import stop_words

QUESTION = FEATURES.index("question")
CALL, RESULT = FEATURES.index("cue_vote_call"), FEATURES.index("cue_motion_result")
MODEL_FILE = Path(__file__).resolve().with_name("minutes_model.json")
REFIT = "onrecord fit minutes"
KINDS = ("decision", "action")
ENGLISH_SHARE = 0.3  # below this share of English stop words, a transcript is not read as English


@dataclass(frozen=True)
class ItemsModel:
    decision: Logistic
    action: Logistic
    decision_bar: float
    action_bar: float
    fitted_on: str = ""

    def to_dict(self) -> dict:
        return {
            "fitted_on": self.fitted_on,
            "decision_bar": round(self.decision_bar, DIGITS),
            "action_bar": round(self.action_bar, DIGITS),
            "decision": self.decision.to_dict(),
            "action": self.action.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: dict) -> ItemsModel:
        return cls(
            Logistic.from_dict(data["decision"], FEATURES, REFIT),
            Logistic.from_dict(data["action"], FEATURES, REFIT),
            float(data["decision_bar"]),
            float(data["action_bar"]),
            str(data.get("fitted_on", "")),
        )


@cache
def default_items_model() -> ItemsModel:
    try:
        return ItemsModel.from_dict(json.loads(MODEL_FILE.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ModelError(f"cannot read the minutes model {MODEL_FILE}: {error}; refit it: {REFIT}") from error


def reads_english(turns: Sequence[Turn]) -> bool:
    words = [w.casefold() for turn in turns[:400] for w in re.findall(r"[^\W\d_]+", turn.clean_text)]
    stop = stop_words()
    return not words or sum(w in stop for w in words) / len(words) >= ENGLISH_SHARE


def detect(turns: Sequence[Turn], model: ItemsModel | None = None) -> tuple[list[Item], list[Item]]:
    """The meeting's decisions and action items, in transcript order."""
    model = model or default_items_model()
    found, rows = sentence_rows(turns)
    if not found:
        return [], []
    matrix = np.asarray(rows)
    chosen: dict[str, list[Item]] = {}
    for kind, logistic, bar in (
        ("decision", model.decision, model.decision_bar),
        ("action", model.action, model.action_bar),
    ):
        probabilities = logistic.probability(matrix)
        if kind == "decision":  # a question ("All in favour?", "Clear?") or a call to vote asks for a decision
            probabilities = np.where((matrix[:, QUESTION] > 0) | _calls_only(matrix), 0.0, probabilities)
        best: dict[int, int] = {}
        for row, (position, _) in enumerate(found):
            if probabilities[row] >= bar and (
                position not in best or probabilities[row] > probabilities[best[position]]
            ):
                best[position] = row
        chosen[kind] = [
            _item(kind, found[row][1], turns, found[row][0], float(probabilities[row])) for row in sorted(best.values())
        ]
    moved = {item.motion_turn for item in chosen["decision"]}  # a motion is part of the decision that settles it
    return [item for item in chosen["decision"] if item.turn not in moved], chosen["action"]


def _calls_only(matrix: np.ndarray) -> np.ndarray:
    """The sentences that call a vote ("All in favour, say aye") without saying its result."""
    return (matrix[:, CALL] > 0) & (matrix[:, RESULT] == 0)


def _item(kind: str, sentence: str, turns: Sequence[Turn], position: int, probability: float) -> Item:
    turn = turns[position]
    common = {"kind": kind, "text": sentence, "turn": turn.index, "speaker": turn.canonical_speaker}
    common |= {"probability": probability, "start": turn.start}
    if kind == "decision":
        said = decision_text(sentence, turn)
        moved = motion_of(turns, position)
        motion = moved if moved and moved[1] and moved[2] != turn.index else (None, None, None)
        in_favour, against, abstained = ballots(turns, position)
        return Item(
            **(common | {"text": said}),
            vote=vote_of(said),
            moved_by=moved[0] if moved else None,
            motion=motion[1],
            motion_turn=motion[2],
            in_favour=in_favour,
            against=against,
            abstained=abstained,
        )
    following = turns[position + 1] if position + 1 < len(turns) else None
    owner = owner_of(sentence, turn, following, [t.canonical_speaker for t in turns if t.canonical_speaker])
    return Item(**common, owner=owner, task=task_of(sentence), due=due_of(sentence))


_VOTE = re.compile(
    rf"\b({NUMBER})\s*(?:to|-|–)\s*({NUMBER})\b|\b({NUMBER})\s+(?:in\s+favou?r|for|ayes?)[,;]?\s+({NUMBER}|no\s+one)\s+"
    r"(?:against|opposed)|\bunanimous(?:ly)?\b",
    re.IGNORECASE,
)
COUNTED = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve")
_DIGITS = {word: n for n, word in enumerate(COUNTED)}
_DIGITS |= {"none": 0, "nothing": 0, "no one": 0}
_DECIDING = re.compile(
    "|".join(CUE_PATTERNS[name].pattern for name in ("motion_result", "decided")) + r"|\bmotion\s+is\s+to\b",
    re.IGNORECASE | re.VERBOSE,
)
_SELF = re.compile(
    r"\b(?:I\s*(?:'ll|will|shall|can)|I'm\s+going\s+to|I\s+am\s+going\s+to|let\s+me|I\s+volunteer|"
    r"(?:for|on|to)\s+me\b|will\s+do|I'm\s+on\s+it)",
    re.IGNORECASE,
)
_ASKED = re.compile(  # asked of someone, who accepts in the next turn
    r"\b(?:can|could|would|will)\s+you\b|\byou\s*(?:'ll|will)\b|\bplease\b|\b(?:someone|somebody|anyone|anybody)\s+"
    r"(?:needs\s+to|has\s+to|should|must|will\s+have\s+to)\b|\bwho\s+(?:can|will|could)\b",
    re.IGNORECASE,
)
_NAMED = re.compile(r"\b([A-Z][a-z]+)(?:\s+[A-Z][a-z]+)?\s*(?:,|\s+(?:will|is\s+going\s+to|'s\s+going\s+to|to|can)\b)")
_WE = re.compile(r"\b(?:we(?:'ll|\s+will|\s+need\s+to|\s+should|\s+have\s+to)|let'?s)\b", re.IGNORECASE)
_WITH_ME = re.compile(r"\b[A-Z][a-z]+\s+and\s+(?:I|me|myself)\b|\b(?:I|me)\s+and\s+[A-Z][a-z]+\b")
_TASK = re.compile(
    r"\b(?:I\s*(?:'ll|will|shall|can)|(?:I'm|I\s+am|is|are|'s)\s+going\s+to|let\s+me|you\s+(?:please\s+)?|"
    r"will|to|we(?:'ll|\s+will|\s+need\s+to|\s+should)|let'?s)\s+(?P<task>(?:[a-z]\w*)(?:\s+\S+){0,14})",
    re.IGNORECASE,
)
_ORDINALS = "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth fourteenth"
_ORDINALS += " fifteenth sixteenth seventeenth eighteenth nineteenth twentieth thirtieth"
_DAY_OF_MONTH = rf"(?:\d{{1,2}}(?:st|nd|rd|th)?|(?:(?:twenty|thirty)-)?(?:{'|'.join(_ORDINALS.split())}))\b"
_MONTH = r"(?:january|february|march|april|may|june|july|august|september|october|november|december)"
_DUE = re.compile(  # "by Friday", "before our next meeting", "for next month's packet", "for the November packet"
    r"\b(?:(?:by|before|until|no\s+later\s+than|on|for|at|in\s+time\s+for)\s+(?:the\s+|our\s+)?)?"
    rf"(?:next\s+(?:\w+\s+)?(?:meeting|week|month|session)(?:'s\s+(?:packet|agenda|meeting))?|"
    rf"{_MONTH}\s+(?:meeting|packet|agenda|session))|"
    r"\b(?:by|before|until|no\s+later\s+than|on)\s+(?:the\s+)?(?:end\s+of\s+(?:the\s+|next\s+|this\s+)?\w+|this\s+\w+|"
    rf"tomorrow|tonight|\w+day|{_MONTH}(?:\s+{_DAY_OF_MONTH})?|\d{{1,2}}(?:st|nd|rd|th)?(?:\s+of\s+\w+)?)|"
    r"\bthis\s+(?:week|month)\b|\btomorrow\b|\bend\s+of\s+(?:the\s+)?(?:day|week|month|quarter)\b",
    re.IGNORECASE,
)
_COMMON_WORDS = frozenset(  # capitalised words that name no one
    """I I'm I’m And But So Okay Yes Yeah Well Then The We Thanks Thank Sure Right Also Now Next All Those Any
    Anyone Everyone None Nobody Motion Opposed Against Abstentions Seeing Hearing Unanimous Unanimously Carried
    Defeated Passed Seconded Second Moved Aye Ayes Nay Nays No Noted""".split()  # noqa: SIM905
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
        if _SETTLED.search(earlier.clean_text):
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


def owner_of(sentence: str, turn: Turn, following: Turn | None, speakers: Sequence[str]) -> str | None:
    """Who will do it: a person named and assigned, the speaker committing themselves, the one
    asked who accepts in the next turn, or the team for "we'll" and "let's"."""
    for match in _NAMED.finditer(sentence):
        name = match[1]
        if name in _COMMON_WORDS:
            continue
        known = next((s for s in speakers if s.split()[0] == name or s == match[0].rstrip(", ")), None)
        return known or name
    if _SELF.search(sentence):
        return turn.canonical_speaker
    if _ASKED.search(sentence) and following is not None and following.canonical_speaker != turn.canonical_speaker:
        return following.canonical_speaker
    if _WE.search(sentence):  # "we will", with the speaker named among us ("Elena and I will…") or not
        return turn.canonical_speaker if _WITH_ME.search(turn.clean_text) else "the team"
    return turn.canonical_speaker


def task_of(sentence: str) -> str:
    match = _TASK.search(sentence)
    task = match["task"] if match else sentence
    return task.strip().rstrip(".!?,;")


def due_of(sentence: str) -> str | None:
    match = _DUE.search(sentence)
    return match[0] if match else None


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
    if any(p.split()[0] in _COMMON_WORDS for p in parts if p.casefold() not in ("myself", "me")):
        return None
    return parts


def named_ballots(sentence: str, speaker: str, previous: str) -> list[tuple[str, int]]:
    """Who a sentence says voted how, as (name as said, side index into SIDES): a roll call's answers,
    a named member's vote, the speaker's own ("I will vote no"; "myself"), or the names answering the
    vote call of the sentence before ("Opposed? Trustee Okafor.")."""
    found = [(m[1], _side(m[2])) for m in _ROLL_ANSWER.finditer(sentence)]
    named = _NAMED_BALLOT.finditer(sentence)
    found += [(m[1], _side(m[2] or m[3])) for m in named if m[1].split()[0] not in _COMMON_WORDS]
    found += [(speaker, _side(m[1] or m[2])) for m in _INTENT.finditer(sentence)]
    calling, side = _call_side(previous) if previous.rstrip().endswith("?") else (False, None)
    if not found and calling and side is not None and side >= 0:
        found = [(name, side) for name in _voters_named(sentence) or []]
    return [(speaker if name.casefold() in ("myself", "me") else name, side) for name, side in found]


def ballots(turns: Sequence[Turn], position: int) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """Who voted for, against and abstained on the motion a decision settles, where the transcript says:
    the vote call and its answers (one turn or several), a roll call, members saying how they will vote
    in the discussion before it, and a member recording an abstention just after. Names are resolved to
    the meeting's speakers by surname where one matches."""
    window = [*reversed(_since_last_result(turns, position, BALLOT_REACH)), turns[position]]
    window += [t for t in turns[position + 1 : position + 3] if _RECORDED.search(t.clean_text)]
    speakers = list(dict.fromkeys(t.canonical_speaker for t in turns if t.canonical_speaker))
    votes: dict[str, int] = {}
    side: int | None = None  # the side the vote call last asked for; None outside a call
    prompt: tuple[str, int] | None = None  # a roll call's name, and the turn it was called in
    previous = ""
    for turn in window:
        speaker = turn.canonical_speaker or ""
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
            elif side == ROLL and not named and re.fullmatch(rf"{_NAME}[?.]", sentence.strip()):
                prompt = (sentence.strip()[:-1], turn.index) if sentence.split()[0] not in _COMMON_WORDS else None
            for name, how in named:
                votes[_speaker_named(name, speakers)] = how
            if CUE_PATTERNS["motion_result"].search(sentence):
                side = prompt = None
            previous = sentence
    return tuple(tuple(name for name, how in votes.items() if how == n) for n in range(len(SIDES)))


def _speaker_named(name: str, speakers: Sequence[str]) -> str:
    """The meeting's speaker a name refers to ("Trustee Okafor" → "Trustee Dana Okafor"), by the whole
    name or the surname; the name as said when none or several match."""
    surname = name.split()[-1].casefold()
    found = [s for s in speakers if s == name or s.split()[-1].casefold() == surname]
    return found[0] if len(found) == 1 else name
