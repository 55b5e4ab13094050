"""What a question is about: one fact (`needle`), a whole meeting (`meeting`: its summary,
decisions, action items, open questions, who took part, a speaker's main points), or a subject
across meetings (`meetings`: a timeline). Rules over the question's wording: a meeting-level
request has no subject of its own once its request words and the words naming a meeting are
taken out; a cross-meeting one says so ("over time", "across meetings", "how did X unfold")."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from core.minutes import Scope
from core.text import MONTHS
from ingest.labels import topic_terms

_FLAGS = re.IGNORECASE | re.VERBOSE
MEETING_NOUNS = (
    r"meetings?|sessions?|calls?|syncs?|stand-?ups?|reviews?|hearings?|episodes?|podcasts?|office\s+hours|"
    r"retros?|retrospectives?|workshops?|briefings?|check-?ins?|standups?"
)
DATE_WORDS = (
    r"\d{4}-\d{2}-\d{2}|\d{1,2}(?:st|nd|rd|th)?|\d{4}|(?:mon|tues|wednes|thurs|fri|satur|sun)day|"
    + "|".join(MONTHS)
    + r"|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec"
)
# "the February school board meeting", "last Tuesday's council session", "the product sync"
MEETING_PHRASE = re.compile(
    rf"""\b(?:(?:at|in|during|from|of|for)\s+)?
    (?P<phrase>(?:the|this|that|our|its|their|your|my|last|latest|first|yesterday'?s|today'?s|[\w-]+'s)\s+
    (?:(?!(?:from|of|at|in|on|about|for|with|during|across|to|and|or|what|who|between|over|through|throughout|
    since)\b)[\w'’/-]+\s+){{0,6}}?
    (?:{MEETING_NOUNS})
    (?:\s+(?:on|from|of|held\s+on|in|dated)\s+(?:the\s+)?(?:{DATE_WORDS})(?:[\s,]+(?:{DATE_WORDS}))*)?)\b""",
    _FLAGS,
)
ASPECTS = {  # the first that matches wins: a question asking for action items names them first
    "actions": r"""action\s+items?|next\s+steps?|to-?dos?|follow[-\s]?ups?|assignments?|assigned|homework|
        deliverables?|who\s+(?:is|was|will\s+be|are)\s+(?:doing|responsible|in\s+charge|supposed)|who\s+will|
        what\s+(?:needs|has|have)\s+to\s+(?:be\s+)?(?:done|happen)|who\s+(?:is|was)\s+going\s+to|tasks?\b|
        (?:committed|promised|volunteered|agreed)\s+to\s+do""",
    "open_questions": r"""open\s+(?:questions?|issues?|items?|points?)|unresolved|undecided|still\s+(?:open|pending)|
        left\s+open|outstanding|pending|not\s+(?:yet\s+)?(?:decided|settled|resolved)""",
    "decisions": r"""decisions?|decided?|resolutions?|resolved|agreed|agreements?|conclu(?:ded|sions?)|outcomes?|
        motions?|votes?|voted|approved|passed|adopted|settled|ruled|rulings?""",
    "participants": r"""who\s+(?:attended|took\s+part|participated|was\s+(?:there|present|in\s+it)|spoke|talked|
        were\s+(?:there|present))|attendees?|attendance|participants?|who\s+was\s+at|speakers?\b""",
    "summary": r"""summar(?:y|ies|i[sz]e)|recap|overview|sum\s+up|gist|highlights?|tl;?dr|key\s+(?:points|takeaways|
        topics)|main\s+(?:points|topics|themes|ideas|takeaways)|takeaways|
        what\s+(?:was|were|is|got)\s+(?:discussed|covered|talked\s+about|said|going\s+on)|
        what\s+(?:happened|went\s+on|did\s+(?:they|we|people|the\s+\w+)\s+(?:discuss|talk\s+about|cover))|
        what\s+(?:was|is)\s+(?:the\s+)?(?:meeting|session|call|episode)\s+about|
        topics?\s+(?:were|was)\s+(?:discussed|covered)|what\s+topics|focus\s+of|about\s+what""",
}
ASPECT_PATTERNS = {aspect: re.compile(rf"\b(?:{words})", _FLAGS) for aspect, words in ASPECTS.items()}
ACROSS = re.compile(
    r"""\b(?:over\s+time|across\s+(?:[\w-]+\s+){0,3}meetings|each\s+time|every\s+time|(?:in|at|from)\s+(?:any|all|each|
    every)\s+(?:of\s+the\s+)?(?:[\w-]+\s+){0,2}meetings?|(?:the|these)\s+different\s+meetings|
    history\s+of|evolv(?:e|ed|ing)|unfold(?:ed|ing)?|progress(?:ed)?\s+(?:over|between|across)|timeline|
    (?:from\s+one\s+meeting\s+to\s+the\s+next)|between\s+(?:the\s+)?meetings|in\s+(?:all|each|every|several|
    previous|past|earlier|successive)\s+meetings|meeting\s+(?:to|after|by)\s+meeting|so\s+far|
    chang(?:e|ed)\s+(?:over|between|from\s+meeting)|developed\s+over|how\s+has\s+.+\s+(?:developed|changed)|
    over\s+(?:[\w-]+\s+){0,4}meetings|what\s+(?:has|have)\s+(?:[\w.'’-]+\s+){1,5}(?:said|argued|raised|proposed|
    asked|reported)\s+(?:about|on|regarding)|(?:in|at|during|through|throughout)\s+(?:the|these|those|our|recent|previous|
    past|last|earlier|later)\s+(?:[\w-]+\s+){0,2}meetings)\b""",
    _FLAGS,
)
# A question after one fact (a time, a place, an amount): about a meeting named in it, it is a needle in that
# meeting ("When is the council's next regular session?"), never a request for the meeting's summary.
FACT_ASKED = re.compile(
    r"^\W*(?:when|where|what\s+(?:time|day|date|hour)|which\s+(?:day|date|time)|how\s+(?:long|many|much|often|late|soon))\b",
    re.IGNORECASE,
)
MEETING_NOUN = re.compile(rf"\b(?:{MEETING_NOUNS})\b", re.IGNORECASE)
POSSESSIVE = re.compile(r"(\w)'s\b")
LENGTHS = (  # (pattern, words): what length the question asks for
    (re.compile(r"\bin\s+(?:one|a\s+single|1)\s+sentence\b", re.I), 35),
    (re.compile(r"\bin\s+(?:two|2|a\s+couple\s+of)\s+sentences\b", re.I), 55),
    (re.compile(r"\b(?:briefly|brief|short|quick(?:ly)?|in\s+a\s+few\s+words|tl;?dr|gist|nutshell)\b", re.I), 70),
    (
        re.compile(r"\b(?:in\s+(?:full\s+)?detail|detailed|thorough(?:ly)?|in\s+depth|full|long|everything)\b", re.I),
        260,
    ),
)
IN_WORDS = re.compile(r"\bin\s+(?:about\s+|under\s+)?(\d{2,3})\s+words\b", re.I)
DEFAULT_WORDS = 110
# Words of a request about a meeting; what is left once they are gone is the question's subject.
REQUEST_WORDS = frozenset(
    topic_terms(
        "summarize summary summaries recap overview gist highlights main key points topics themes ideas takeaways "
        "discussed discussion covered talked said happened decided decision decisions agreed resolutions outcome "
        "outcomes conclusion motions votes voted approved passed adopted action items next steps todo follow ups "
        "assignments assigned tasks homework deliverables responsible doing open questions issues unresolved "
        "undecided pending outstanding settled attended attendees participants present spoke speakers meeting "
        "meetings session sessions call calls sync review hearing episode podcast office hours standup stand "
        "briefly brief short quick detail detailed thorough full long everything sentence sentences words whole "
        "entire made make give tell list please focus going happen needs done committed promised volunteered "
        "position positions view views opinion opinions argument arguments stance board council committee team "
        "group commission panel staff members everyone people they write minutes owners deadlines list left items "
        "failed carried defeated postponed deferred rejected"
    )
)


def length_asked(question: str) -> int:
    """The summary length in words that the question asks for, or the default."""
    if match := IN_WORDS.search(question):
        return max(20, min(int(match[1]), 400))
    return next((words for pattern, words in LENGTHS if pattern.search(question)), DEFAULT_WORDS)


def meeting_phrase(question: str) -> str | None:
    """The words naming a meeting, e.g. "the February school board meeting"; None when none do."""
    match = MEETING_PHRASE.search(question)
    return match["phrase"].strip() if match else None


def scope_of(question: str, speakers: Iterable[str] = ()) -> Scope:
    """The scope of a question; `speakers` are the names the question named (for a speaker's points)."""
    return replace(_scope_of(question, speakers), question=question)


def _scope_of(question: str, speakers: Iterable[str]) -> Scope:
    question = question.replace("’", "'")
    phrase = meeting_phrase(question)
    named = [s for s in speakers if s]
    rest = question.replace(phrase, "the meeting") if phrase else question
    for name in named:
        rest = rest.replace(name, " ")
    aspect = next((name for name, pattern in ASPECT_PATTERNS.items() if pattern.search(rest)), None)
    stripped = ACROSS.sub(" ", POSSESSIVE.sub(r"\1", rest))
    for pattern in [*ASPECT_PATTERNS.values(), *(pattern for pattern, _ in LENGTHS), IN_WORDS]:
        stripped = pattern.sub(" ", stripped)
    subject_terms = [t for t in topic_terms(stripped) if t not in REQUEST_WORDS]
    subject = " ".join(subject_terms)
    words = length_asked(question)
    if ACROSS.search(question):
        return Scope(
            "meetings",
            aspect if not subject_terms and aspect else "subject",
            words,
            phrase,
            named[0] if named else None,
            subject,
        )
    if subject_terms:  # "what was discussed about X": a subject, which may run through several meetings
        return Scope("needle", "discussion" if aspect == "summary" else "subject", words, phrase, None, subject)
    if named and aspect in (None, "summary"):
        return Scope("meeting", "speaker_points", words, phrase, named[0], "")
    if aspect is None and (FACT_ASKED.search(question) or phrase is None and not MEETING_NOUN.search(question)):
        return Scope("needle", "subject", words, phrase, None, subject)
    # a question about a meeting with no subject of its own once its request words are gone is about all of it
    return Scope("meeting", aspect or "summary", words, phrase, None, "")
