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
from ingest.people import Mention, is_label, is_title, mentions, person_of

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


def suggest_names(turns: Sequence[Turn]) -> dict[str, Suggestion]:
    """A suggestion per speaker label (`is_label`), in order of first appearance: the name its cues
    agree on, or None where the transcript does not name it or its cues disagree."""
    order = list(dict.fromkeys(turn.speaker for turn in turns if turn.speaker and is_label(turn.speaker)))
    votes: dict[str, dict[str, list[_Cue]]] = {label: {} for label in order}
    for cue in _naming_cues(turns):
        votes[cue.label].setdefault(cue.person.casefold(), []).append(cue)
    chosen = _one_label_per_name({label: _best_name(by_person) for label, by_person in votes.items()})
    suggestions = {}
    for label in order:
        best = chosen.get(label)
        if best is None:
            suggestions[label] = Suggestion(label, None, 0.0, ())
            continue
        cues, confidence = best
        evidence = tuple(dict.fromkeys(Evidence(cue.turn, cue.quote, cue.kind) for cue in cues))
        suggestions[label] = Suggestion(label, _display_name(cues), round(confidence, 3), evidence)
    return suggestions


@dataclass(frozen=True)
class _Cue:
    label: str  # the label it names
    person: str  # the person it names: the full name where the meeting gives one
    form: str  # the name as written
    turn: int
    quote: str
    kind: str
    strength: float = 1.0

    @property
    def weight(self) -> float:
        return CUE_WEIGHTS[self.kind] * self.strength


_ACKNOWLEDGE = (
    r"thanks|thank you|cheers|sure(?: thing)?|yes|yeah|yep|right|okay|ok|good|great|nice|perfect|excellent|lovely|"
    r"brilliant|wonderful|awesome|cool|good stuff|absolutely|of course|no|exactly|fair enough|congratulations|"
    r"well done|apologies|(?:that's |that is )?(?:a )?(?:good|fair|great|excellent|interesting|valid) "
    r"(?:point|question)|got it|will do|definitely|agreed|indeed|alright|all right|sorry|hi|hello|hey|morning|"
    r"good (?:morning|afternoon|evening)|well|oh|ah|um|uh"
)
_ACK = re.compile(
    rf"^(?:(?:{_ACKNOWLEDGE})(?: (?:so|very) much| again| for that| all| everyone| though| then)?[,.!]?\s*)+$", re.I
)


def _said_phrases(alternatives: str, before: str = r"\b", after: str = r"\b") -> re.Pattern[str]:
    """A pattern of phrases said in any case: at a word's edge, or `before` and `after` them."""
    return re.compile(f"{before}(?:{alternatives}){after}", re.IGNORECASE)


_GREETING = _said_phrases("hi|hello|hey|morning|good (?:morning|afternoon|evening)", before="^")
_CALLS = _said_phrases("yes|yeah|yep|go|okay,? go", before="^")
_THANKS = _said_phrases("thanks|thank you|cheers")
_THANKS_AFTER = _said_phrases("thanks|thank you", before=r"^,\s*")
_HANDOFF = _said_phrases("go ahead|the floor|on the air|you're on|welcome|over to you|your turn|take it away")
_IMPERATIVE = _said_phrases("please|go ahead|tell|walk|take|start|kick|share|give|let's|talk|introduce", before="^")
_APPOSITION = _said_phrases("who|whose|which|our|my|the|a|an|his|her|their|and|or|but", before="^")
_YOU = _said_phrases("you|your|you're|you've|you'll|yours")
_LEAD_IN = re.compile(r"^(?:(?:and|so|okay|ok|now|alright|all right|right|well|then|next|um|uh)[,.]?\s*)*$", re.I)
_SELF = _said_phrases("I'?m|I am|my name(?:'s| is)|call me", after=r"\s*$")
_THIS_IS = _said_phrases("this is|it's|it is", before=r"(?:^|[,.!]\s*)", after=r"\s*$")
GREETING_WORDS = 6  # "Hello, Mrs. Oyelaran, this is Kiran": words before "this is" in a self-introduction
_SELF_AFTER = _said_phrases(r"$|[,.!?;:—]|(?:from|with|and|here|speaking|calling|of|at)\b", before="^", after="")
_INTRODUCES = re.compile(
    r"(?:joined (?:today |tonight |here )?by|please welcome|welcome(?: back)?|(?:our|my) (?:\w+ )?(?:guests?|"
    r"callers?|speakers?|presenters?) (?:today |tonight |this week )?(?:is|are)(?: [a-z]+){0,3}|"
    r"next (?:up )?(?:is|we have)|over to|hand(?:ing)? (?:it )?(?:over )?to|turn it over to|let's hear from|"
    r"recogni[sz]es?|call on|calling on|bring in|bringing in|pass you (?:over |back )?to|put you through to|"
    r"transfer you to)\s*,?\s*(?:(?:our|my|the) [\w ]{1,30},\s*)?$",
    re.IGNORECASE,
)
_LETS = _said_phrases("let|ask|invite|have", after=r"\s*$")
_LETS_AFTER = _said_phrases("take|walk|run|show|present|start|kick|tell|explain|go|give|share", before="^(?:to )?")
_INTRODUCED_AFTER = _said_phrases("presiding|is on the line|is joining us|joins us", before=r"^,?\s*")
_QUALIFIER = re.compile(r"^(?:in|from|at|on) (?:[A-ZÀ-ÖØ-Þ][\w'’-]*\s?){1,3}(?=,)")  # "Bernadette in Eastfield, ..."
_LISTED = re.compile(r"\S\s+[^\W\d_a-z][\w'’-]*\s*,$")  # "German, English, Japanese": a list, not a call
_APPOSED = _said_phrases("my|our|the|his|her|their|your", after=r"(?: [\w'’-]+){1,4},$")  # "my colleague,"
_ENDS = ("", ".", "?", "!")
_ROLL_ANSWER = _said_phrases("here|present|aye|yes|yep|yeah|here,? yes", before=r"^\W*", after=r"\W*$")
_ASKS_NAMES = re.compile(
    r"\b(?:your names?|names? and (?:units?|roles?|where)|introduce yourselves|go around|round of introductions|"
    r"say who you are|who's who|state your names?)\b",
    re.IGNORECASE,
)
_GIVES_NAME = re.compile(r"^(?:[,.]|$)(?!.*\?)")
_ASKS = re.compile(
    r"^(?:what|how|where|when|who|which|any|anything|did|do|does|are|is|have|has|can|could|would|will)\b.*\?$", re.I
)
ROUND_OF_NAMES = 6  # turns: how long after a request for names a turn that opens with a name gives its own
SHORT_TURN = 6  # words: a thank-you after a turn this short may thank someone earlier
SHORT_OPENING = 4  # words: sentences this short before a thank-you do not stop it opening the turn


@dataclass(frozen=True)
class _Said:
    """A name as said in a sentence of a turn, with the turns around it."""

    turn: Turn
    before: Turn | None
    after: Turn | None
    sentence: str
    place: int  # the sentence's place in the turn
    opening: bool  # the sentence opens the turn: it is the first, or follows short ones only ("One piece.")
    count: int  # sentences in the turn
    mention: Mention
    capitalised: frozenset[str]  # words the meeting writes capitalised within a sentence
    round_of_names: bool = False  # someone asked, a few turns before, for everyone's name ("Just your name and unit")


def _naming_cues(turns: Sequence[Turn]) -> list[_Cue]:
    ordinary = frozenset(word.casefold() for turn in turns for word in words(turn.text) if word.islower())
    said = [sentence for turn in turns for sentence in sentences(turn.text)]
    mentioned = [m for sentence in said for m in mentions(sentence, ordinary)]
    full_names: dict[str, str] = {}  # casefolded → as first written
    for person in (person_of(m.form) for m in mentioned):
        if len(person.split()) > 1:
            full_names.setdefault(person.casefold(), person)
    capitalised = frozenset(word.casefold() for sentence in said for word in words(sentence)[1:] if word[:1].isupper())
    found = []
    asked_at = -ROUND_OF_NAMES - 1
    for position, turn in enumerate(turns):
        before = turns[position - 1] if position else None
        after = turns[position + 1] if position + 1 < len(turns) else None
        round_of_names = position - asked_at <= ROUND_OF_NAMES
        found += _turn_cues(turn, before, after, ordinary, capitalised, round_of_names)
        if _ASKS_NAMES.search(turn.text):
            asked_at = position
    speaking = {person_of(turn.speaker).casefold() for turn in turns if turn.speaker and not is_label(turn.speaker)}
    named = {word for person in speaking for word in (person, person.split()[0], person.split()[-1])}
    resolved = [cue for cue in (_with_person(cue, full_names) for cue in found) if cue]
    return [cue for cue in resolved if cue.person.casefold() not in named]  # a named speaker is no label's name


def _turn_cues(turn, before, after, ordinary, capitalised, round_of_names: bool) -> list[_Cue]:
    said = sentences(turn.text)
    found: list[_Cue] = []
    handed: list[_Cue] = []
    for place, sentence in enumerate(said):
        for mention in mentions(sentence, ordinary):
            opening = all(len(words(earlier)) <= SHORT_OPENING for earlier in said[:place])
            cue = _cue_of(
                _Said(turn, before, after, sentence, place, opening, len(said), mention, capitalised, round_of_names)
            )
            if cue:
                (handed if cue.label == _speaker_label(after) and cue.kind != "thanked" else found).append(cue)
    return found + handed[-1:]  # the last name called before the next speaker is the one called on


def _cue_of(said: _Said) -> _Cue | None:
    """The cue a name said in a turn carries, and the label it names; None for a name in passing."""
    sentence, mention, place = said.sentence, said.mention, said.place
    ahead, behind = sentence[: mention.start].strip(), sentence[mention.end :].strip()
    behind = _QUALIFIER.sub("", behind, count=1).strip()
    own, following = _speaker_label(said.turn), _speaker_label(said.after)
    last = place >= said.count - 2 and following != own
    this_is = said.opening and _THIS_IS.search(ahead) and len(words(ahead)) <= GREETING_WORDS
    if (_SELF.search(ahead) or this_is) and _SELF_AFTER.match(behind):
        return _naming_cue(said, own, "introduction")
    if said.opening and _LEAD_IN.match(ahead) and re.match(r"here\b", behind, re.IGNORECASE):
        return _naming_cue(said, own, "introduction")
    if said.round_of_names and place == 0 and not ahead and _GIVES_NAME.match(behind) and not _YOU.search(behind):
        return _naming_cue(said, own, "introduction")  # "Tunde, 2A." after "Just your name and unit."
    if last and (_INTRODUCES.search(ahead) or _INTRODUCED_AFTER.match(behind)):
        return _naming_cue(said, following, "introduction", 0.5)
    if last and _LETS.search(ahead) and _LETS_AFTER.match(behind):
        return _naming_cue(said, following, "introduction", 0.5)
    return _vocative_cue(said, ahead, behind, last)


def _vocative_cue(said: _Said, ahead: str, behind: str, last: bool) -> _Cue | None:
    """The cue of a name said to someone: the previous speaker (thanked, answered) or the next (called
    on, addressed); None for a name said about someone."""
    sentence, previous, following = said.sentence, _speaker_label(said.before), _speaker_label(said.after)
    rest = behind.lstrip(",").strip()
    listed = bool(_LISTED.search(ahead) or _APPOSED.search(ahead))
    alone = bool(_LEAD_IN.match(ahead)) and behind in _ENDS and _called(said, ahead, behind)
    first = behind.startswith(",") and bool(_LEAD_IN.match(ahead) or _ACK.match(ahead)) and _addressed(said, rest)
    between = ahead.endswith(",") and behind.startswith(",") and not listed and not _APPOSITION.match(rest)
    between = between and bool(_YOU.search(rest) or _HANDOFF.search(rest))
    closing = ahead.endswith(",") and behind in _ENDS and not listed
    if not (alone or first or between or closing):
        return None  # mentioned in passing
    acknowledged = bool(ahead and _ACK.match(ahead)) or bool(first and _THANKS_AFTER.match(behind))
    handoff = bool(_HANDOFF.search(sentence)) or sentence.rstrip().endswith("?")
    thanked = bool(_THANKS.search(ahead) or _THANKS_AFTER.match(behind))
    asking = sentence.rstrip().endswith("?") and not thanked
    forward = handoff and (_GREETING.match(ahead) or (asking and _CALLS.match(ahead)))
    if acknowledged and not forward:  # "Thanks, Bruno.", "Sure thing, Ines." ("Yes, Aaliyah?" calls on her)
        if asking or not (said.opening or thanked):
            return None  # "Okay, Janet?" asks either of them
        short = said.before is None or len(words(said.before.text)) < SHORT_TURN
        strength = (1.0 if said.opening else 0.7) * (0.5 if short else 1.0)
        return _naming_cue(said, previous, "thanked" if thanked else "answered", strength)
    told = bool(_YOU.search(_THANKS.sub("", sentence)))  # "You have 30 seconds left, Mr. Singh."
    if last and (handoff or alone or first or between or (closing and told)):
        if alone and said.after is not None and _ROLL_ANSWER.match(said.after.text):
            return _naming_cue(said, following, "roll call")
        return _naming_cue(said, following, "called on" if alone or _HANDOFF.search(sentence) else "addressed")
    asked = said.before is not None and said.before.text.rstrip().endswith("?")
    if said.opening and closing and not told and asked:
        return _naming_cue(said, previous, "answered")  # "About a hundred and ten thousand a year, Gil."
    return None


def _addressed(said: _Said, rest: str) -> bool:
    """Whether a name at the head of a sentence speaks to someone ("Bruno, can you…") rather than
    begins a sentence about them ("Hiroshi, our IT lead, couldn't make it")."""
    if _THANKS_AFTER.match("," + rest) or _HANDOFF.search(rest) or _IMPERATIVE.match(rest):
        return True
    head = said.mention.form.split()
    if _APPOSITION.match(rest):
        return False
    if _YOU.search(rest):
        return True
    head = said.mention.form.split()
    if len(head) == 1 and not said.mention.start and head[0].casefold() not in said.capitalised:
        # a word seen nowhere else as a name: "Wes, what about…?", not "Specifically, why…?"
        return bool(_ASKS.match(rest)) and not head[0].endswith("ly") and "-" not in head[0]
    return rest.endswith("?")


def _called(said: _Said, ahead: str, behind: str) -> bool:
    """Whether a sentence that is a name alone calls on someone ("Councillor Moss?", "Yes, Aaliyah?")."""
    form = said.mention.form
    return is_title(form.split()[0]) or len(form.split()) > 1 or behind == "?" or ahead.endswith(",")


def _naming_cue(said: _Said, label: str | None, kind: str, strength: float = 1.0) -> _Cue | None:
    if not label or not is_label(label) or (label == said.turn.speaker and kind != "introduction"):
        return None
    return _Cue(label, "", said.mention.form, said.turn.index, _short_quote(said.sentence), kind, strength)


def _speaker_label(turn: Turn | None) -> str | None:
    return turn.speaker if turn is not None else None


def _short_quote(sentence: str, limit: int = 200) -> str:
    sentence = " ".join(sentence.split())
    return sentence if len(sentence) <= limit else sentence[: limit - 1].rstrip() + "…"


def _with_person(cue: _Cue, full_names: dict[str, str]) -> _Cue | None:
    """The cue with the person it names: its full name where exactly one full name of the meeting fits
    a first name (or a title and surname); None where a bare first name fits two people."""
    person = person_of(cue.form)
    if len(person.split()) == 1:
        titled = is_title(cue.form.split()[0])
        fits = [full for key, full in full_names.items() if key.split()[-1 if titled else 0] == person.casefold()]
        if len(fits) > 1 and not titled:
            return None
        person = fits[0] if len(fits) == 1 else person
    return _Cue(cue.label, person, cue.form, cue.turn, cue.quote, cue.kind, cue.strength)


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
            by_person.setdefault(best[0][0].person.casefold(), []).append(label)
    kept = dict(chosen)
    for labels in by_person.values():
        if len(labels) < 2:
            continue
        ranked = sorted(labels, key=lambda label: _votes_for(chosen[label]), reverse=True)
        clear = _votes_for(chosen[ranked[0]]) >= MIN_MARGIN * _votes_for(chosen[ranked[1]])
        for label in ranked[1:] if clear else ranked:
            kept[label] = None
    return kept


def _votes_for(best: tuple[list[_Cue], float] | None) -> float:
    return sum(cue.weight for cue in best[0]) if best else 0.0


def _display_name(cues: list[_Cue]) -> str:
    return re.sub(r"\.(?=[^\W\d_])", ". ", _fullest_form(cues))  # "Mrs.Gill" -> "Mrs. Gill"


def _fullest_form(cues: list[_Cue]) -> str:
    """The fullest form of the name: first name and surname where the meeting gives both, else a
    title and surname ("Councillor Moss"), else the name as said."""
    person = cues[0].person
    if len(person.split()) > 1:
        return person
    titled = [cue.form for cue in cues if is_title(cue.form.split()[0])]
    if titled:
        return max(titled, key=len)
    return max((person_of(cue.form) for cue in cues), key=len)
