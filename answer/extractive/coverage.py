"""What an answer covers of what was asked (`Answer.coverage`), read off what the question takes for
granted and what the transcripts hold:

- a question naming a speaker and a subject ("What did Roy Smith say about the Movement Charter?")
  is answered only when that speaker's own words are about the subject; otherwise the answer says
  they do not speak of it and quotes what they said nearest to it (`not_in_transcripts`);
- a question that takes an event for granted ("Why did the council reject the bike lane?", "How
  will the branch recruit its staff?") is answered only when the passages speak of that event or
  one like it ("declined", "vetoed"), of the question's subject and not as a supposition; otherwise
  the answer says so and quotes what the transcripts do say nearest to it (`not_in_transcripts`);
- a factoid question whose kind is given without its name or number ("a dedicated HR fellow" for
  "who") is answered with it, and the answer says what is not given (`partial`).

These are rules over words. A trained cross-encoder reader was tried and measured worse; it is in the
git history (docs/notes/reader.md)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

import numpy as np

from answer.extractive.factoids import factoid_kind
from answer.extractive.sentences import Sentence
from answer.extractive.signals import NO_EVIDENCE, Evidence, content_share, content_terms, rarity
from index.keyword import terms

ANSWERED, PARTIAL, NOT_IN_TRANSCRIPTS = "answered", "partial", "not_in_transcripts"

# A speaker speaks of a subject when one of their sentences holds more than this share of its
# content words (weighed by rarity), or is at least this similar to it by the model. The share was
# chosen on the shapes suite's tuning part and the seed suite (eval/suites/shapes.json, seed.json),
# where the subjects a speaker never spoke of scored 0.20-0.28. The similarity bar is low because of
# QMSum train: in meetings of spoken conversation people speak of the subject as "it" (asked what a
# designer thought of "the remote control", none of his sentences names it); at 0.6, 60 of 195 of
# train's questions of this kind were refused, at 0.45 29, at 0.3 8.
SUBJECT_SHARE = 0.5
SUBJECT_COSINE = 0.3

# "What did X say about Y", "X's position on Y", "What does X think of Y": the subject after the frame.
_SPEAKER_SUBJECT = re.compile(
    r"\b(?:say|said|says|think|thought|thinks|feel|felt|mention|mentioned|talk|talked|speak|spoke|view|views|"
    r"position|opinion|stance|comment|comments|commented|argue|argued|ask|asked|report|reported|worry|worried|"
    r"concerns?|thoughts|feelings|take)\b[^?]*?\b(?:about|on|regarding|concerning|of)\s+(?P<subject>[^?]+?)\s*[?.!]*\s*$",
    re.I,
)
# "Did X mention Y?", "Has X discussed Y?": the subject as the verb's object.
_SPEAKER_OBJECT = re.compile(
    r"\b(?:mention|mentioned|mentions|discuss|discussed|discusses|raise|raised|raises|address|addressed|"
    r"addresses|bring up|brought up|brings up)\s+(?!about\b|on\b|that\b|whether\b|if\b|how\b|why\b)"
    r"(?P<subject>[^?]+?)\s*[?.!]*\s*$",
    re.I,
)
# A question that takes an event for granted: why it happened, how it happened or will, whether it did.
_PRESUPPOSING = re.compile(r"^\s*(?:why|how|did|does|do|was|were|is|are|has|have|had|will|would|can|could)\b", re.I)
# Events a question can take for granted, each with words that speak of the same event. A question
# word of the first column must be matched by a word of its row in the passages. Rows are kinds of
# outcome and change, not words of any one meeting.
_EVENTS = (
    "reject rejected rejects rejection|decline declined veto vetoed refuse refused deny denied oppose opposed",
    "fail failed fails failure|defeat defeated lose lost collapse collapsed",
    "cancel cancelled canceled cancels cancellation scrap scrapped abandon abandoned shelve shelved|drop dropped",
    "drop dropped decrease decreased fall fell decline declined|lower lowered reduce reduced shrink shrank cut",
    "increase increased rise rose grow grew|raise raised higher jump jumped double doubled",
    "fix fixed|patch patched resolve resolved solve solved repair repaired",
    "stop stopped stops|halt halted discontinue discontinued cease ceased suspend suspended pause paused withdraw",
    "postpone postponed delay delayed push pushed defer deferred reschedule rescheduled|slip slipped later",
    "replace replaced replacement|substitute substituted successor succeed succeeded swap swapped",
    "elect elected election|vote voted ballot ballots candidate candidates",
    "recruit recruited recruiting recruitment hire hired hiring|appoint appointed employ employed advertise "
    "advertised applicants interview interviews",
    "select selected selection choose chose chosen pick picked nominate nominated|vote voted elect elected "
    "appoint appointed decide decided decision",
    "resign resigned resignation quit|depart departed",
    "fire fired dismiss dismissed sack sacked|terminate terminated",
    "ban banned prohibit prohibited forbid forbidden|block blocked outlaw",
    "ratify ratified ratification|vote voted approve approved adopt adopted endorse endorsed",
    "approve approved approval|pass passed adopt adopted accept accepted carry carried ratify ratified endorse "
    "endorsed vote voted",
    "sue sued lawsuit|court legal",
    "merge merged merging|combine combined",
)


@cache
def _events() -> dict[str, frozenset[str]]:
    """Each event word's stem, with the stems of every word that speaks of its event: those of every
    row the word is in ("drop" is cancelled, or fallen)."""
    rows = [(frozenset(terms(row.partition("|")[0])), frozenset(terms(row.replace("|", " ")))) for row in _EVENTS]
    asked = frozenset().union(*(first for first, _ in rows))
    return {stem: frozenset().union(*(every for _, every in rows if stem in every)) for stem in asked}


# Where the question says when it was said, not what about: "…when discussing the budget", "…in the meeting".
_CONTEXT = re.compile(
    r"\s*,?\s*\b(?:when|while|during|whilst|as|in the course of)\b\s+(?:discuss|talk|speak|consider|review)\w*\b.*$|"
    r"\s*,?\s*\b(?:during|in|at) the (?:meeting|discussion|call|hearing|session)\b.*$|"
    r"\s+\b(?:suggested|proposed|mentioned|raised|presented|introduced) by\b.*$",
    re.I,
)


def subject_of(question: str) -> str | None:
    """What a question asks a speaker's words about ("the Movement Charter"), without where it says
    it was said ("…when discussing the budget"), or None."""
    match = _SPEAKER_SUBJECT.search(question) or _SPEAKER_OBJECT.search(question)
    if not match:
        return None
    subject = _CONTEXT.sub("", match["subject"]).strip()
    return subject or None


def speaks_of(subject: str, speaker: str, said: Sequence[Sentence], evidence: Evidence = NO_EVIDENCE) -> bool:
    """Whether one of the speaker's sentences is about the subject: it holds most of its content
    words, or the model finds it near. A subject of no content words is taken as spoken of."""
    wanted = [term for term in content_terms(subject) if term not in set(terms(speaker))]
    own = [sentence for sentence in said if sentence.speaker == speaker]
    if not wanted:
        return True
    if not own:
        return False
    weight = rarity(evidence.keyword)
    share = max(content_share(wanted, sentence.text, weight) for sentence in own)
    if share > SUBJECT_SHARE:
        return True
    if evidence.vectors is None:
        return False
    vectors = evidence.vectors([s.text for s in own])
    return float(np.max(vectors @ evidence.vectors([subject])[0])) >= SUBJECT_COSINE


def unattested_event(question: str, sentences: Sequence[Sentence]) -> str | None:
    """The event word of the question (as the question says it) that the passages' sentences
    (answer.extractive.sentences.candidates) never speak of about its subject: by it or a word of its row, in a
    turn that holds another of the question's content words, other than in a question or a
    supposition ("what if it fails?"). None when there is none or the question takes no event for
    granted."""
    if not _PRESUPPOSING.search(question) or factoid_kind(question) is not None:
        return None
    events = _events()
    asked = [(word, terms(word)) for word in re.findall(r"[\w'’-]+", question)]
    asked = [(word, stems[0]) for word, stems in asked if len(stems) == 1 and stems[0] in events]
    if not asked:
        return None
    subject = set(content_terms(question)) - {stem for _, stem in asked}
    turns: dict[tuple[str, int], list[str]] = {}
    for sentence in sentences:
        turns.setdefault((sentence.hit.chunk.id, sentence.line), []).append(sentence.text)
    held = set()
    for said in turns.values():
        if subject and not subject & set(terms(" ".join(said))):
            continue
        for text in said:
            if text.rstrip().endswith("?"):
                continue
            supposed = _SUPPOSING.search(text)
            held |= set(terms(text[: supposed.start()] if supposed else text))
    return next((word for word, stem in asked if not events[stem] & held), None)


_SUPPOSING = re.compile(r"\b(?:if|whether|unless|in case|suppose|supposing|what happens)\b", re.I)


# Who or how many without the name or number: a role, a group, a vague amount.
_ROLE = re.compile(
    r"\b(?:fellow|person|people|staff(?:er)?|member|members|team|committee|volunteer|volunteers|officer|"
    r"manager|coordinator|director|lead|chair|someone|somebody|colleague|colleagues|consultant|contractor|"
    r"department|group|board|council|expert|experts|specialist|representative|assistant|employee|employees)\b",
    re.I,
)
_VAGUE_AMOUNT = re.compile(
    r"\b(?:several|a few|few|many|a lot|lots|some|most|dozens|hundreds|thousands|millions|a number of|"
    r"a handful|plenty|a bit|a little|much)\b",
    re.I,
)
_VAGUE_TIME = re.compile(
    r"\b(?:soon|later|shortly|eventually|next (?:week|month|year|quarter)|this (?:week|month|year|spring|summer|"
    r"autumn|fall|winter)|in the coming|in a few|by the end of|early|end of)\b",
    re.I,
)
PARTIAL_SHARE = 0.5  # of the question's content words (by rarity) a sentence must hold to answer it in part
PARTIAL_COSINE = 0.5  # and the model's similarity to the question it must reach
STANDS_NEAR = 4  # words between the role or amount and a word of the question, as answer.extractive.factoids counts


def stands_in(question: str, sentence: Sentence, cosine: float, share: float) -> bool:
    """Whether the sentence gives the kind a factoid question asks for without its name or number
    ("a dedicated HR fellow" for "who"), and is about what the question asks: the role or amount is
    none of the question's words and stands within STANDS_NEAR words of one of them ("a dedicated HR
    fellow to support Eastern Europe"; not "… pays for a release manager, and the rest for a
    security audit" for "Who will run the security audit?")."""
    kind = factoid_kind(question)
    vague = {"person": _ROLE, "number": _VAGUE_AMOUNT, "time": _VAGUE_TIME}.get(kind or "")
    text = sentence.text
    if vague is None or text.rstrip().endswith("?") or cosine < PARTIAL_COSINE or share < PARTIAL_SHARE:
        return False
    asked = set(content_terms(question))
    for match in vague.finditer(text):
        own = set(terms(match[0]))
        if own & set(terms(question)):
            continue  # the question's own word ("Who pays for the release manager?")
        before = text[: match.start()].split()[-STANDS_NEAR:]
        after = text[match.end() :].split()[:STANDS_NEAR]
        if (asked - own) & set(terms(" ".join(before + after))):
            return True
    return False


def not_given_words(question: str) -> str:
    """What a partial answer does not give."""
    kind = factoid_kind(question)
    wanted = {"person": "name", "number": "number", "time": "date"}.get(kind or "", "name")
    return f"The transcripts do not give the {wanted} asked for."


def silent_lead(speaker: str, subject: str, nearest: bool) -> str:
    """What a refusal says of a speaker silent on the subject (`nearest`: their words follow)."""
    if not nearest:  # nothing of theirs where the question looked
        return f"{speaker} does not speak in the meetings searched, so not of {subject}."
    return f"{speaker} does not speak of {subject} in these transcripts. What {speaker} did say nearest to it:"


def unattested_lead(word: str, nearest: bool) -> str:
    lead = f'The transcripts do not say this: nothing in them speaks of "{word}" or the like here.'
    return f"{lead} What they do say nearest to it:" if nearest else lead
