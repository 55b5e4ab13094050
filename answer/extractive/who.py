"""Who-questions whose answer is the speaker of a turn: who will do something ("Who will contact the
vendor?"), who moved, proposed or seconded it, who presented a report, who objected. Each is
answered by a turn whose speaker commits ("I'll contact Harbourline Paving this week", "we will
hold a public meeting", "I'll take that on"), proposes ("I move that…", "I suggest…", "Second."),
reports (handed the floor, or "I'll walk you through…") or objects ("I object…", "I'm against it")
in the first person, about what the question asks: its words in the sentence, its turn or the turns
just before it, or a name the meeting gives them ("Saltline" for "the vendor" where a sentence calls
Saltline the vendor). Rules over words; votes are read by answer.votes."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from core.models import Turn
from core.text import sentences
from index.keyword import terms


def _stemmed(word: str) -> str:
    found = terms(word)
    return found[0] if found else word.casefold()


_WHO = r"^\W*who\s+(?:else\s+)?(?:first\s+|actually\s+|then\s+)?"
_ASKED = (  # (kind, how a question asks for it), the first that matches wins
    (
        "proposal",
        _WHO + r"(?P<act>moved|proposed|suggested|seconded|recommended|put\s+forward|made\s+(?:the|a)\s+motion|"
        r"brought\s+forward|floated)\b",
    ),
    (
        "report",
        _WHO + r"(?P<act>presented|reported|gave\s+(?:the|a|an)\s+(?:\w+\s+){0,3}?(?:report|update|presentation|"
        r"briefing|overview)|walked\s+\w+\s+through|briefed|delivered)\b",
    ),
    (
        "objection",
        _WHO + r"(?P<act>objected|(?:is|was|were|are)\s+(?:opposed\s+to|against)|opposed|disagreed|"
        r"(?:raised|voiced|had)\s+(?:an\s+|any\s+)?objections?|argued\s+against|spoke\s+against|pushed\s+back)\b",
    ),
    (
        "commitment",
        _WHO + r"(?P<act>will|'ll|shall|would|(?:is|are|was|were)\s+going\s+to|promised|offered|volunteered|agreed|"
        r"committed|undertook|pledged|took\s+on|(?:is|are|was|were)(?=\s+\w+ing\b))(?:\s+to)?(?=\s)",
    ),
)
ASKED = tuple((kind, re.compile(pattern, re.I)) for kind, pattern in _ASKED)
_NOT_A_VERB = frozenset("a an the this that these those some any his her their our its".split())  # noqa: SIM905
_PROPOSING = {"moved": "move", "seconded": "second", "made": "move"}  # the question's act that must be the turn's
# what saying it asks of no one: the words of asking, and those every meeting holds
_ASKING_WORDS = frozenset(
    terms("who what which when where how why about report motion vote meeting item issue idea matter")
)

_FIRST = r"\b(?:I|we)"
_COMMIT = re.compile(
    _FIRST + r"(?:\s*'ll|\s+will|\s+shall|\s+can|\s*'m\s+going\s+to|\s+am\s+going\s+to|\s*'re\s+going\s+to|"
    r"\s+are\s+going\s+to|\s+(?:promise|undertake|volunteer|offer)\s+to|\s+can\s+commit\s+to)\s+"
    r"(?:also\s+|personally\s+|definitely\s+|happily\s+|gladly\s+|then\s+|myself\s+)?(?P<verb>[a-z]+)(?P<after>\s+\w+)?",
    re.I,
)
# what "I'll …" says that is no task: a vote, a motion, a manner of speaking
_NOT_COMMITTING = frozenset(
    re.findall(
        r"\w+",
        "second move vote abstain be just say admit try not never stop start think guess see give have need keep "
        "repeat explain only still pass hand go put leave agree disagree remind get let want like",
    )
)
_WHOLE_TASK = frozenset(
    terms("take handle do own cover volunteer commit promise undertake pledge") + ["take", "do", "own"]
)
_LEFT_WITH_ME = re.compile(r"\bleave\s+(?:it|that|this)\s+(?:to|with)\s+me\b|\bI'm\s+on\s+it\b", re.I)
_PROPOSE = re.compile(
    r"\bI(?:\s+would\s+like\s+to|'d\s+like\s+to|\s+want\s+to|\s+will|'ll|\s+hereby|\s+formally|\s+can)?\s+"
    r"(?P<verb>move|propose|suggest|recommend|second)\b|^\W*(?P<alone>second(?:ed)?|so\s+moved)\W*$|"
    r"\bI\s+(?P<motion>make\s+a\s+motion)\b",
    re.I,
)
_OBJECT = re.compile(
    r"\bI\s+(?:have\s+to\s+|must\s+|would\s+|'d\s+|want\s+to\s+|strongly\s+)?object\b|"
    r"\bI(?:'m|\s+am)\s+(?:strongly\s+|firmly\s+|still\s+)?(?:against|opposed)\b|\bI\s+(?:strongly\s+)?oppose\b|"
    r"\bI\s+(?:can't|cannot|can\s+not|won't|will\s+not|don't|do\s+not)\s+support\b|\bI\s+(?:strongly\s+)?disagree\b|"
    r"\bI(?:'m|\s+am)\s+not\s+in\s+favou?r\b",
    re.I,
)
_REPORTS = re.compile(
    r"\b(?:I'll|I\s+will|let\s+me|I'd\s+like\s+to|I\s+want\s+to)\s+(?:walk|take)\s+(?:you|\w+)\s+through\b|"
    r"\b(?:our|my|the)\s+(?:report|figures|numbers|update|findings|survey|review|results)\s+(?:shows?|found|says)\b|"
    r"\bI(?:'m|\s+am)\s+(?:pleased|happy|glad)\s+to\s+report\b|\bI\s+can\s+report\b|\bI'd\s+like\s+to\s+report\b",
    re.I,
)
REPORT_SENTENCES = 2  # a report is quoted by its sentences holding the most of the question's words
REPORT_WORDS = 25  # a turn handed the floor reports when it runs to this many words
CONTEXT_TURNS = 4  # the turns before an act that say what it is about ("I'll take that on")
WEIGHTS = {"sentence": 1.0, "turn": 0.9, "alias": 0.8, "context": 0.7}  # where a subject's word is found
MATCH = 0.5  # the least weighted share of the question's subject words an act must hold
ALIAS_WORDS = 6  # a name and a noun this near in one sentence are the same thing ("Saltline, our vendor")


@dataclass(frozen=True)
class Asked:
    """What a who-question asks for: the kind of act, the task's verb (stemmed; for a commitment
    "contact", for a proposal "move" or "second" where the question names that act), and the stems
    of what it is about."""

    kind: str
    verb: str | None
    subject: tuple[str, ...]


@dataclass(frozen=True)
class Act:
    """A first-person act in a turn: its kind, the turn's position, the sentence that says it and its verb."""

    kind: str
    position: int
    sentence: str
    verb: str | None = None


def who_asked(question: str) -> Asked | None:
    """The act a who-question asks about, or None when it asks for no speaker's act (or names
    neither a task nor a subject: "Who will do what?" is a meeting's action items)."""
    question = question.replace("’", "'")
    for kind, pattern in ASKED:
        match = pattern.search(question)
        if match is None:
            continue
        rest = question[match.end() :]
        verb = None
        if kind == "commitment":
            first = re.match(r"\s*([A-Za-z]+)", rest)
            verb = _stemmed(first[1]) if first and first[1].casefold() not in _NOT_A_VERB else None
        elif kind == "proposal":
            verb = _PROPOSING.get(match["act"].split()[0].casefold())
        subject = tuple(t for t in dict.fromkeys(terms(rest)) if t not in _ASKING_WORDS and t != verb)
        if not subject:  # "Who seconded?", "Who will do what?": no act of one subject
            return None
        return Asked(kind, verb, subject)
    return None


def acts_in(turns: Sequence[Turn]) -> list[Act]:
    """Every first-person commitment, proposal, report and objection in a meeting's turns, in order."""
    found: list[Act] = []
    for position, turn in enumerate(turns):
        said = sentences(turn.clean_text)
        for sentence in said:
            if sentence.rstrip().endswith("?"):
                continue
            found += _acts_of(sentence, position)
        if _reports(turns, position):
            found.append(Act("report", position, "", None))
    return found


def _acts_of(sentence: str, position: int) -> list[Act]:
    found = []
    for match in _COMMIT.finditer(sentence):
        verb = match["verb"].casefold()
        if verb not in _NOT_COMMITTING and not (verb == "tell" and (match["after"] or "").strip() == "you"):
            found.append(Act("commitment", position, sentence, _stemmed(verb)))
            break
    if not found and _LEFT_WITH_ME.search(sentence):
        found.append(Act("commitment", position, sentence, "take"))
    if match := _PROPOSE.search(sentence):
        verb = "second" if (match["alone"] or "").casefold().startswith("second") else "move"
        found.append(Act("proposal", position, sentence, _stemmed(match["verb"]) if match["verb"] else verb))
    if _OBJECT.search(sentence):
        found.append(Act("objection", position, sentence))
    return found


def _reports(turns: Sequence[Turn], position: int) -> bool:
    """Whether a turn reports: it says so ("I'll walk you through…"), or it runs on after the turn
    before hands its speaker the floor by name ("Teodora, over to you.")."""
    turn = turns[position]
    if _REPORTS.search(turn.clean_text):
        return True
    if position == 0 or len(turn.clean_text.split()) < REPORT_WORDS:
        return False
    before, speaker = turns[position - 1], turn.canonical_speaker or turn.speaker or ""
    names = [word for word in speaker.split()[-2:] if len(word) > 2]
    return before.speaker != turn.speaker and any(
        re.search(rf"\b{re.escape(name)}\b", before.clean_text) for name in names
    )


def matching(asked: Asked, acts: Sequence[Act], turns: Sequence[Turn]) -> list[tuple[float, Act]]:
    """The acts of the kind asked for that do what the question asks about it, with the weighted
    share of its subject words they hold, best first (earliest first among equals)."""
    found = []
    for act in acts:
        if act.kind != asked.kind or not _does(asked, act, turns):
            continue
        act = _with_sentence(asked, act, turns)
        share = _held(asked.subject, act, turns)
        if share >= MATCH:
            found.append((share, act))
    return sorted(found, key=lambda pair: (-pair[0], pair[1].position))


def _does(asked: Asked, act: Act, turns: Sequence[Turn]) -> bool:
    """Whether the act does what the question asks: the same task ("contact": "tell", "call"…), or a
    whole task taken on ("I'll take that on") of a task the turns before it name; for a proposal,
    moving or seconding where the question asks which."""
    if asked.verb is None or act.verb is None:
        return True
    if asked.kind == "proposal":
        return act.verb == asked.verb or asked.verb == "move" and act.verb in _PROPOSING_VERBS
    if same_task(asked.verb, act.verb):
        return True
    context = _turns_before(turns, act.position)
    return act.verb in _WHOLE_TASK and asked.verb in set(terms(" ".join(t.clean_text for t in context)))


_TASKS = (  # the verbs of one task, as said in a question and as committed to
    "contact call phone email tell write reach ask speak talk notify inform ring follow touch",
    "send circulate share forward email distribute",
    "bring present table prepare draft",
    "meet visit see",
    "lead chair head run",
    "fix repair",
    "check review look",
)
TASKS = tuple(frozenset(_stemmed(word) for word in group.split()) for group in _TASKS)
_PROPOSING_VERBS = frozenset(_stemmed(word) for word in ("propose", "suggest", "recommend"))


def same_task(asked: str, said: str) -> bool:
    """Whether two verbs (stemmed) name one task: the same verb, one group of TASKS, or the one verb
    done again ("rewrite": "write")."""
    if asked == said or any(asked in group and said in group for group in TASKS):
        return True
    again, done = _again(asked), _again(said)
    shorter = min(len(again), len(done))
    return (again, done) != (asked, said) and shorter >= 4 and (again.startswith(done) or done.startswith(again))


def _again(verb: str) -> str:
    return verb[2:] if verb.startswith("re") and len(verb) > 5 else verb


def _turns_before(turns: Sequence[Turn], position: int) -> list[Turn]:
    return list(turns[max(position - CONTEXT_TURNS, 0) : position])


def _with_sentence(asked: Asked, act: Act, turns: Sequence[Turn]) -> Act:
    """A report's sentences: the (at most two) of its turn holding the most of the question's subject
    words, in turn order."""
    if act.sentence:
        return act
    said = sentences(turns[act.position].clean_text)
    wanted = set(asked.subject)
    held = [len(wanted & set(terms(sentence))) for sentence in said]
    best = sorted(range(len(said)), key=lambda i: (-held[i], i))[:REPORT_SENTENCES]
    chosen = [said[i] for i in sorted(best) if held[i] or i == best[0]]
    return Act(act.kind, act.position, " ".join(chosen), act.verb)


def _held(subject: Sequence[str], act: Act, turns: Sequence[Turn]) -> float:
    """The weighted share of the subject's words the act holds: in its sentence, its turn, a name in
    its turn the meeting gives that word, or the turns just before it."""
    if not subject:
        return 1.0
    own = turns[act.position].clean_text
    places = {
        "sentence": _held_terms(act.sentence),
        "turn": _held_terms(own),
        "context": _held_terms(" ".join(t.clean_text for t in _turns_before(turns, act.position))),
    }
    total = 0.0
    for word in subject:
        where = [place for place, held in places.items() if word in held]
        if not where and aliased(word, own, turns):
            where = ["alias"]
        total += max((WEIGHTS[place] for place in where), default=0.0)
    return total / len(subject)


# a title's short form a question may use, as the transcripts say it in full ("the chief executive's report")
SHORT_FORMS = {"ceo": "chief executive", "cfo": "chief financial", "coo": "chief operating", "cto": "chief technology"}


def _held_terms(text: str) -> set[str]:
    """A text's terms, and the short forms of the titles it says in full."""
    held = set(terms(text))
    return held | {short for short, full in SHORT_FORMS.items() if set(terms(full)) <= held}


_NAME = re.compile(r"(?<=\w[\s,])[A-Z][\w'’-]+")


def aliased(word: str, said: str, turns: Sequence[Turn]) -> bool:
    """Whether a name in `said` is what the meeting calls `word` elsewhere: the two within
    ALIAS_WORDS words of each other in one sentence ("our vendor, Saltline")."""
    names = {name.casefold() for name in _NAME.findall(said)}
    if not names:
        return False
    for turn in turns:
        if word not in _terms_of(turn.clean_text) or not names & {w.casefold() for w in _words_of(turn.clean_text)}:
            continue
        for sentence in sentences(turn.clean_text):
            words = _words_of(sentence)
            at = [i for i, w in enumerate(words) if _stemmed(w) == word]
            near = [i for i, w in enumerate(words) if w.casefold() in names]
            if any(abs(i - j) <= ALIAS_WORDS for i in at for j in near):
                return True
    return False


@lru_cache(maxsize=4096)
def _terms_of(text: str) -> frozenset[str]:
    return frozenset(terms(text))


def _words_of(text: str) -> list[str]:
    return re.findall(r"[\w'’-]+", text)
