"""Names for diarized speaker labels (SPEAKER_00, Speaker 1, spk_2, a bare number) from the
transcript's own words: self-introductions, being addressed or called on just before speaking,
being thanked or answered just after, roll calls. A name mentioned in passing is no evidence, and a
label the transcript never names keeps its label (`name` None): precision first."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from core.models import Turn
from core.text import sentences, words
from ingest.people import Mention, is_title, mentions, person_of

_LABEL = re.compile(
    r"^(?:\d{1,3}|s[_ -]?\d{1,3}|\?+|"
    r"(?:speaker|spk|spkr|participant|person|voice|unknown(?: speaker)?|unidentified(?: speaker)?|caller|guest)"
    r"(?:[\s_#.-]*(?:\d{1,3}|[a-z]))?)$",
    re.IGNORECASE,
)
# How much one cue of each kind counts towards a name.
CUE_WEIGHTS = {
    "introduction": 3.0,
    "roll call": 2.5,
    "called on": 2.0,
    "addressed": 1.5,
    "thanked": 1.5,
    "answered": 1.0,
}
MIN_SCORE = 1.0  # a label's best name must gather at least this much
MIN_MARGIN = 2.0  # ... and this many times the votes of the next best name


@dataclass(frozen=True)
class Evidence:
    """Words of one turn that name a speaker."""

    turn: int  # Turn.index of the turn whose words carry the cue
    quote: str  # those words (one sentence or so, <= 200 chars)
    cue: str  # "introduction", "addressed", "thanked", "answered", "called on", "roll call"


@dataclass(frozen=True)
class Suggestion:
    """The name the transcript gives a speaker label, or None: not named in the transcript."""

    label: str  # the speaker label as in the transcript (Turn.speaker)
    name: str | None  # the suggested name, or None: "not named in the transcript"
    confidence: float  # 0..1
    evidence: tuple[Evidence, ...]


def is_label(speaker: str | None) -> bool:
    """Whether a speaker is a diarizer's label rather than a name: SPEAKER_00, Speaker 1, spk_2, "3",
    "Unknown", "Speaker A", "S1"."""
    return bool(speaker) and bool(_LABEL.match(" ".join(str(speaker).split())))


def suggest_names(turns: Sequence[Turn]) -> dict[str, Suggestion]:
    """A suggestion per speaker label (`is_label`), in order of first appearance: the name its cues
    agree on, or None where the transcript does not name it or its cues disagree."""
    order = list(dict.fromkeys(turn.speaker for turn in turns if turn.speaker and is_label(turn.speaker)))
    votes: dict[str, dict[str, list[_Cue]]] = {label: {} for label in order}
    for cue in _cues(turns):
        votes[cue.label].setdefault(cue.person, []).append(cue)
    chosen = _one_label_per_name({label: _best_name(by_person) for label, by_person in votes.items()})
    suggestions = {}
    for label in order:
        best = chosen.get(label)
        if best is None:
            suggestions[label] = Suggestion(label, None, 0.0, ())
            continue
        cues, confidence = best
        evidence = tuple(dict.fromkeys(Evidence(cue.turn, cue.quote, cue.kind) for cue in cues))
        suggestions[label] = Suggestion(label, _display(cues), round(confidence, 3), evidence)
    return suggestions


@dataclass(frozen=True)
class _Cue:
    label: str  # the label it names
    person: str  # the person it names, casefolded: the full name where the meeting gives one
    form: str  # the name as written
    turn: int
    quote: str
    kind: str
    strength: float = 1.0

    @property
    def weight(self) -> float:
        return CUE_WEIGHTS[self.kind] * self.strength


_ACK = re.compile(
    r"^(?:(?:thanks|thank you|cheers|sure(?: thing)?|yes|yeah|yep|right|okay|ok|great|good (?:question|point)|"
    r"absolutely|of course|no|exactly|fair (?:enough|point)|got it|will do|definitely|agreed|indeed|"
    r"hi|hello|hey|morning|good (?:morning|afternoon|evening)|well|oh|ah|um|uh)"
    r"(?: (?:so|very) much| again| for that| all| everyone)?[,.!]?\s*)+$",
    re.IGNORECASE,
)
_GREETING = re.compile(r"^(?:hi|hello|hey|morning|good (?:morning|afternoon|evening))\b", re.IGNORECASE)
_THANKS = re.compile(r"\b(?:thanks|thank you|cheers)\b", re.IGNORECASE)
_HANDOFF = re.compile(r"\b(?:go ahead|the floor|on the air|you're on|welcome|over to you|your turn)\b", re.IGNORECASE)
_LEAD_IN = re.compile(r"^(?:(?:and|so|okay|ok|now|alright|all right|right|well|then|next|um|uh)[,.]?\s*)*$", re.I)
_SELF = re.compile(r"(?:\bI'?m|\bI am|\bmy name(?:'s| is)|\bcall me)\s*$", re.IGNORECASE)
_THIS_IS = re.compile(r"^(?:[\w ]+[,!.]\s*)?(?:this is|it's|it is)\s*$", re.IGNORECASE)
_SELF_AFTER = re.compile(r"^(?:$|[,.!?;:—–-]|(?:from|with|and|here|speaking|calling|of|at)\b)", re.IGNORECASE)
_INTRODUCES = re.compile(
    r"(?:joined (?:today |tonight )?by|please welcome|welcome(?: back)?|our (?:\w+ )?(?:guest|caller|speaker|"
    r"presenter)s? (?:today |tonight )?(?:is|are)|next (?:up )?(?:is|we have)|over to|hand(?:ing)? (?:it )?"
    r"(?:over )?to|turn it over to|let's hear from|recogni[sz]es?|call on|calling on)\s*,?\s*$",
    re.IGNORECASE,
)
_INTRODUCED_AFTER = re.compile(r"^,?\s*(?:presiding|is on the line|is joining us|joins us)\b", re.IGNORECASE)
_ROLL_ANSWER = re.compile(r"^\W*(?:here|present|aye|yes|yep|yeah|here,? yes)\W*$", re.IGNORECASE)
SHORT_TURN = 6  # words: a thank-you after a turn this short may thank someone earlier


def _cues(turns: Sequence[Turn]) -> list[_Cue]:
    ordinary = frozenset(word.casefold() for turn in turns for word in words(turn.text) if word.islower())
    mentioned = [m for turn in turns for sentence in sentences(turn.text) for m in mentions(sentence, ordinary)]
    full_names = {person_of(m.form) for m in mentioned if len(person_of(m.form).split()) > 1}
    found = []
    for position, turn in enumerate(turns):
        before = turns[position - 1] if position else None
        after = turns[position + 1] if position + 1 < len(turns) else None
        found += _turn_cues(turn, before, after, ordinary)
    return [cue for cue in (_resolved(cue, full_names) for cue in found) if cue]


def _turn_cues(turn: Turn, before: Turn | None, after: Turn | None, ordinary: frozenset[str]) -> list[_Cue]:
    said = sentences(turn.text)
    found: list[_Cue] = []
    handed: list[_Cue] = []
    for place, sentence in enumerate(said):
        for mention in mentions(sentence, ordinary):
            cue = _cue_of(sentence, mention, place, len(said), turn, before, after)
            if cue:
                (handed if cue.turn == turn.index and cue.label == _speaker(after) else found).append(cue)
    return found + handed[-1:]  # the last name called before the next speaker is the one called on


def _cue_of(sentence, mention: Mention, place, count, turn, before, after) -> _Cue | None:
    ahead, behind = sentence[: mention.start].strip(), sentence[mention.end :].strip()
    quote = _short_quote(sentence)
    own, previous, following = _speaker(turn), _speaker(before), _speaker(after)

    def named(label, kind, strength=1.0):
        if not label or not is_label(label) or (label == own and kind != "introduction"):
            return None
        return _Cue(label, "", mention.form, turn.index, quote, kind, strength)

    if (_SELF.search(ahead) or (place == 0 and _THIS_IS.match(ahead))) and _SELF_AFTER.match(behind):
        return named(own, "introduction")
    if place == 0 and _LEAD_IN.match(ahead) and re.match(r"here\b", behind, re.IGNORECASE):
        return named(own, "introduction")
    last = place >= count - 2 and following != own
    if last and (_INTRODUCES.search(ahead) or _INTRODUCED_AFTER.match(behind)):
        return named(following, "introduction", 0.5)
    alone = _LEAD_IN.match(ahead) and behind in ("", ".", "?", "!")
    first = behind.startswith(",") and (_LEAD_IN.match(ahead) or _ACK.match(ahead))
    closing = ahead.endswith(",") and behind in ("", ".", "?", "!")
    if not (alone or first or closing):
        return None  # mentioned in passing
    if place == 0 and ahead and _ACK.match(ahead) and not (_GREETING.match(ahead) and _HANDOFF.search(sentence)):
        strength = 0.5 if before is None or len(words(before.text)) < SHORT_TURN else 1.0
        return named(previous, "thanked" if _THANKS.search(ahead) else "answered", strength)
    if last:
        if alone and after is not None and _ROLL_ANSWER.match(after.text):
            return named(following, "roll call")
        titled = is_title(mention.form.split()[0])
        return named(following, "called on" if alone or titled or _HANDOFF.search(sentence) else "addressed")
    if place == 0 and first:
        return named(previous, "answered", 0.7)
    return None


def _speaker(turn: Turn | None) -> str | None:
    return turn.speaker if turn is not None else None


def _short_quote(sentence: str, limit: int = 200) -> str:
    sentence = " ".join(sentence.split())
    return sentence if len(sentence) <= limit else sentence[: limit - 1].rstrip() + "…"


def _resolved(cue: _Cue, full_names: set[str]) -> _Cue | None:
    """The cue with the person it names: its full name where exactly one full name of the meeting fits
    a first name (or a title and surname); None where a bare first name fits two people."""
    person = person_of(cue.form)
    if len(person.split()) == 1:
        titled = is_title(cue.form.split()[0])
        fits = {full for full in full_names if full.split()[-1 if titled else 0].casefold() == person.casefold()}
        if len(fits) > 1 and not titled:
            return None
        person = fits.pop() if len(fits) == 1 else person
    return _Cue(cue.label, person.casefold(), cue.form, cue.turn, cue.quote, cue.kind, cue.strength)


def _best_name(by_person: dict[str, list[_Cue]]) -> tuple[list[_Cue], float] | None:
    scored = sorted(((sum(cue.weight for cue in cues), key) for key, cues in by_person.items()), reverse=True)
    if not scored or scored[0][0] < MIN_SCORE:
        return None
    top, key = scored[0]
    runner_up = scored[1][0] if len(scored) > 1 else 0.0
    if runner_up and top < MIN_MARGIN * runner_up:
        return None
    confidence = (top / (top + runner_up)) * (1 - 0.5**top)
    return by_person[key], confidence


Chosen = dict[str, "tuple[list[_Cue], float] | None"]


def _one_label_per_name(chosen: Chosen) -> Chosen:
    by_person: dict[str, list[str]] = {}
    for label, best in chosen.items():
        if best:
            by_person.setdefault(best[0][0].person, []).append(label)
    kept = dict(chosen)
    for labels in by_person.values():
        if len(labels) < 2:
            continue
        ranked = sorted(labels, key=lambda label: _score(chosen[label]), reverse=True)
        clear = _score(chosen[ranked[0]]) >= MIN_MARGIN * _score(chosen[ranked[1]])
        for label in ranked[1:] if clear else ranked:
            kept[label] = None
    return kept


def _score(best: tuple[list[_Cue], float] | None) -> float:
    return sum(cue.weight for cue in best[0]) if best else 0.0


def _display(cues: list[_Cue]) -> str:
    """The fullest form of the name: first name and surname where the meeting gives both, else a
    title and surname ("Councillor Moss"), else the name as said."""
    person = cues[0].person
    for cue in cues:
        if person_of(cue.form).casefold() == person:
            full = person_of(cue.form)
            if len(full.split()) > 1:
                return full
    titled = [cue.form for cue in cues if is_title(cue.form.split()[0])]
    if titled:
        return max(titled, key=len)
    return max((person_of(cue.form) for cue in cues), key=len)
