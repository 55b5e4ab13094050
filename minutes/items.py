"""Decisions and action items of a meeting: each sentence scored by two logistic regressions over
`minutes.features.FEATURES` (fitted by `onrecord fit minutes` on labelled QMSum train meetings and
transcripts of our own, `eval/suites/minutes.json`'s tuning part), the best sentence of a turn kept
when it passes its model's bar; then who, what and by when, read from its words (a decision's motion,
count and ballots: `minutes.ballots`)."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from core.logistic import DIGITS, Logistic, ModelError
from core.minutes import Item
from core.models import Turn
from core.text import ORDINALS, alternatives
from ingest.labels import unsaid_words
from minutes.ballots import ballots, decision_text, motion_of, vote_of
from minutes.features import COMMON_WORDS, FEATURES, MONTH_WORDS, sentence_rows

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
    stop = unsaid_words()
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
_DAY_OF_MONTH = rf"(?:\d{{1,2}}(?:st|nd|rd|th)?|(?:(?:twenty|thirty)-)?(?:{alternatives(ORDINALS)}))\b"
_MONTH = f"(?:{MONTH_WORDS})"
_DUE = re.compile(  # "by Friday", "before our next meeting", "for next month's packet", "for the November packet"
    r"\b(?:(?:by|before|until|no\s+later\s+than|on|for|at|in\s+time\s+for)\s+(?:the\s+|our\s+)?)?"
    rf"(?:next\s+(?:\w+\s+)?(?:meeting|week|month|session)(?:'s\s+(?:packet|agenda|meeting))?|"
    rf"{_MONTH}\s+(?:meeting|packet|agenda|session))|"
    r"\b(?:by|before|until|no\s+later\s+than|on)\s+(?:the\s+)?(?:end\s+of\s+(?:the\s+|next\s+|this\s+)?\w+|this\s+\w+|"
    rf"tomorrow|tonight|\w+day|{_MONTH}(?:\s+{_DAY_OF_MONTH})?|\d{{1,2}}(?:st|nd|rd|th)?(?:\s+of\s+\w+)?)|"
    r"\bthis\s+(?:week|month)\b|\btomorrow\b|\bend\s+of\s+(?:the\s+)?(?:day|week|month|quarter)\b",
    re.IGNORECASE,
)


def owner_of(sentence: str, turn: Turn, following: Turn | None, speakers: Sequence[str]) -> str | None:
    """Who will do it: a person named and assigned, the speaker committing themselves, the one
    asked who accepts in the next turn, or the team for "we'll" and "let's"."""
    for match in _NAMED.finditer(sentence):
        name = match[1]
        if name in COMMON_WORDS:
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
