"""Who voted against a motion, read off the turns of the vote itself rather than by the sentence
model: a vote runs from the turn before its motion is moved to the turn announcing its result; a
member votes no in so many words ("I will vote no", "No." in a roll call, "Haddad? No." read out)
or the count names them ("carries four to one, Trustee Okafor opposed", "Opposed? Tanaka and
myself"). A unanimous count says no one did."""

from __future__ import annotations

import re
from collections.abc import Sequence

from core.models import Turn
from core.text import COUNTING, alternatives, sentences
from index.keyword import terms
from minutes.ballots import vote_of

_VOTE_ASKED = re.compile(
    r"\bvot(?:e|es|ed|ing)\s+(?:against|no|nay)\b|\b(?:no|nay)\s+votes?\b|\bvotes?\s+against\b|\bnays?\b|"
    r"\bdissent(?:ed|ing|s)?\b|\boppos(?:e|ed|ing)\b(?=.*\b(?:motion|vote|amendment|resolution|ordinance|bylaw)s?\b)",
    re.I,
)
_VOTE_WORDS = frozenset(
    terms("who which whom anyone anybody any voted vote votes voting against no nay nays opposed oppose opposing "
          "dissented dissent dissenting motion member members trustee trustees cast were there did does do has "
          "have had was is anything something at in")
)  # fmt: skip
_MOVED = re.compile(r"\bI\s+(?:would\s+(?:like\s+to\s+)?)?move\b|\bmotion\s+to\b|\bso\s+moved\b", re.I)
_RESULT = re.compile(
    r"\b(?:carrie[sd]|carry|pass(?:es|ed)?|fail(?:s|ed)?|adopted|approved|defeated|rejected|postponed|tabled)\b", re.I
)
_COUNTED = re.compile(
    r"\bunanimous(?:ly)?\b|\bmotion\b|\bin\s+favou?r\b|\b(?:against|opposed)\b|\bto\s+(?:nothing|zero|none)\b|"
    rf"\b(?:{alternatives(COUNTING[1:10])}|\d+)\s*(?:to|-|–)\s*(?:{alternatives(COUNTING[:10])}|\d+)\b",
    re.I,
)
_UNANIMOUS = re.compile(
    r"\bunanimous(?:ly)?\b|\b(?:opposed|against|nays?|objections?)\?\s*(?:(?:hearing|seeing)\s+)?none\b|"
    r"\bthat\s+is\s+everyone\b|"
    rf"\bto\s+(?:nothing|zero|none)\b|\b(?:\d+|{alternatives(COUNTING[1:10])})\s*(?:to|-|–)\s*(?:0|zero)\b",
    re.I,
)
_SAYS_NO = re.compile(
    r"\bI(?:'ll|\s+will|'m|\s+am|\s+shall)?\s+(?:be\s+|also\s+)?(?:vot(?:e|ing)\s+(?:no|nay|against)|"
    r"oppos(?:e|ing)\s+(?:the|this|it))\b|\bI\s+vote\s+no\b",
    re.I,
)
_ROLL_NO = re.compile(r"^\s*(?:no|nay|no,?\s+I\s+vote\s+no|I\s+vote\s+no)\s*[.!]?\s*$", re.I)
_ROLL_ANSWER = re.compile(r"\b([A-Z][\w'’-]+)\s*[?,:]\s*(?:[Nn]o|[Nn]ay)\b(?![\w'’])")  # a roll call read out
_NAMED_AGAINST = re.compile(r"\b(?:opposed|voting\s+(?:no|nay|against)|against|dissenting|no\s+votes?)\b", re.I)
_ASKED_AGAINST = re.compile(r"\b(?:opposed|against|nays?|no)\?\s*([^.?!]+)", re.I)  # "Opposed? Tanaka and myself."
_TITLES = frozenset(
    re.findall(
        r"\w+",
        "Trustee Trustees Member Members Councillor Councillors Councilor Councilors Councilmember Commissioner "
        "Commissioners Director Directors Alderman Mr Mrs Ms Dr Chair President Vice Supervisor Supervisors Mayor "
        "Senator Senators Representative Delegate Delegates With And The Motion",
    )
)


def asks_who_voted_against(question: str) -> bool:
    """Whether the question asks who voted against a motion ("Who opposed the motion?", "Did anyone vote no?")."""
    return bool(_VOTE_ASKED.search(question.replace("’", "'")))


def vote_subject(question: str) -> set[str]:
    """The terms of the motion a vote question asks about ("the budget amendment"), its vote words left out."""
    return {term for term in terms(question) if term not in _VOTE_WORDS}


def votes_in(turns: Sequence[Turn]) -> list[tuple[int, int]]:
    """Each vote in a meeting as (first turn, result turn): from the turn before the latest motion
    moved since the previous result (or just after that result) to the turn announcing a result."""
    found: list[tuple[int, int]] = []
    after = 0
    for position, turn in enumerate(turns):
        said = turn.clean_text
        if (
            _RESULT.search(said)
            and _COUNTED.search(said)
            and not _MOVED.search(said)
            and not said.rstrip().endswith("?")
        ):
            moved = [i for i in range(after, position) if _MOVED.search(turns[i].clean_text)]
            found.append((max(moved[-1] - 1, after) if moved else after, position))
            after = position + 1
    return found


def vote_about(turns: Sequence[Turn], vote: tuple[int, int], subject: set[str]) -> float:
    """The share of the motion's terms (`subject`) that the vote's turns hold."""
    if not subject:
        return 1.0
    held = {term for turn in turns[vote[0] : vote[1] + 1] for term in terms(turn.clean_text)}
    return len(subject & held) / len(subject)


def dissenters(turns: Sequence[Turn], vote: tuple[int, int]) -> tuple[list[str], list[int], int | None]:
    """Who voted against in a vote: (their names as the meeting's speakers, the positions of the
    turns that say so, how many the count says voted against: 0 when unanimous, None when unsaid)."""
    first, result = vote
    count = turns[result].clean_text
    if _UNANIMOUS.search(count) or any(_UNANIMOUS.search(t.clean_text) for t in turns[first:result]):
        return [], [result], 0
    speakers = [name for name in dict.fromkeys(t.canonical_speaker or t.speaker for t in turns) if name]
    names: list[str] = []
    cited: list[int] = []
    for position in range(first, result + 1):
        said, speaker = turns[position].clean_text, turns[position].canonical_speaker or turns[position].speaker
        own = [speaker] if speaker and (_SAYS_NO.search(said) or _ROLL_NO.match(said)) else []
        called = [_bearer(name, "", speakers) for name in _ROLL_ANSWER.findall(said)]  # "Haddad? No."
        if own or any(called):
            names += own + [name for name in called if name]
            cited.append(position)
    names += _named_against(count, speakers, turns[result].canonical_speaker or turns[result].speaker)
    cited.append(result)
    counted = vote_of(count)
    return list(dict.fromkeys(names)), sorted(set(cited)), int(counted.split("–")[1]) if counted else None


def _named_against(count: str, speakers: Sequence[str], chair: str | None) -> list[str]:
    """The people a count names as voting against, as the meeting's speakers who bear the name
    ("Members Alvarez and Brooks voting no": Member Rafael Alvarez, Member Tessa Brooks; "Opposed?
    Tanaka and myself": Tanaka and the one counting); a name after a title that no speaker bears,
    as said ("Trustee Okafor")."""
    asked = [match[1] for match in _ASKED_AGAINST.finditer(count)]
    rest = _ASKED_AGAINST.sub(" ", count)
    pieces = asked + [clause for clause in re.split(r"[,;:()]|[.?!]\s", rest) if _NAMED_AGAINST.search(clause)]
    found: list[str] = []
    for piece in pieces:
        words = re.findall(r"\b[A-Z][\w'’-]+", piece)
        found += [
            name for before, word in zip(["", *words], words, strict=False) if (name := _bearer(word, before, speakers))
        ]
        if chair and piece in asked and re.search(r"\bmyself\b", piece, re.I):
            found.append(chair)
    return found


def _bearer(word: str, before: str, speakers: Sequence[str]) -> str | None:
    """The meeting's speaker who bears a name ("Okafor": "Trustee Grace Okafor"); a name after a
    title that no speaker bears, as said ("Trustee Okafor"); else None."""
    if word in _TITLES:
        return None
    bearer = next((speaker for speaker in speakers if word in speaker.split()), None)
    return bearer or (f"{before} {word}" if before in _TITLES else None)


def vote_sentence(text: str) -> str:
    """The sentences of a vote's turn that say it, from the first that votes no or counts those
    against to the result ("Against? Commissioner Haddad. The motion carries three to one."); else
    the whole turn."""
    if _ROLL_ANSWER.search(text):  # a roll call read out: all of it
        return text.strip()
    found = sentences(text)
    saying = [i for i, s in enumerate(found) if any(p.search(s) for p in (_SAYS_NO, _ROLL_NO, _NAMED_AGAINST, _RESULT))]
    return " ".join(found[saying[0] : saying[-1] + 1]) if saying else text.strip()


def motion_words(question: str) -> str:
    """The question's words for the motion ("the parking lot resurfacing"), or "it"."""
    match = re.search(r"\b(?:against|on|opposed|dissented\s+on|no\s+on)\s+(?!it\b)([^?!.]+)", question, re.I)
    return match[1].strip() if match else "it"
