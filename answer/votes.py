"""Who voted against a motion (or abstained, or voted for it), read off the turns of the vote itself
rather than by the sentence model: the meeting's votes and their ballots as minutes.ballots reads
them (a member saying "I will vote no", a roll call's "No.", the count naming them: "carries four to
one, Trustee Okafor opposed", "Opposed? Tanaka and myself"); this module reads the question (which
side it asks for, which motion) and picks the sentences to quote. A unanimous count says no one did."""

from __future__ import annotations

import re
from collections.abc import Sequence

from answer.extractive.who import aliased
from core.models import Turn
from core.text import sentences
from index.keyword import terms
from minutes.ballots import SIDES, cast, read_out, says_ballot, vote_of

_AGAINST = (
    r"\bvot(?:e|es|ed|ing)\s+(?:against|no|nay)\b|\b(?:no|nay)\s+votes?\b|\bvotes?\s+against\b|\bnays?\b|"
    r"\bdissent(?:ed|ing|s)?\b|\boppos(?:e|ed|ing)\b(?=.*\b(?:motion|vote|amendment|resolution|ordinance|bylaw)s?\b)"
)
_ASKED = (  # (side index into SIDES, how a question asks for it), the first that matches wins
    (2, re.compile(r"^\W*(?:who|which\s+\w+|did\s+any(?:one|body)|has\s+any(?:one|body))\b[^?]*\babstain", re.I)),
    (1, re.compile(_AGAINST, re.I)),
    (0, re.compile(r"^\W*who\s+(?:else\s+)?(?:voted|votes)\s+(?:for|in\s+favou?r|yes|aye)\b", re.I)),
)
_VOTE_WORDS = frozenset(
    terms("who which whom anyone anybody any voted vote votes voting against no nay nays opposed oppose opposing "
          "dissented dissent dissenting motion member members trustee trustees cast were there did does do has "
          "have had was is anything something at in abstained abstain abstaining abstention abstentions favour "
          "favor yes aye for why and")
)  # fmt: skip
LEADS = {  # per side: the answer's lead naming who, and saying no one did
    "in_favour": ("Voted in favour: {names}.", "No one voted in favour of it in {title}."),
    "against": ("Voted against: {names}.", "No one voted against it in {title}."),
    "abstained": ("Abstained: {names}.", "No one abstained on it in {title}."),
}


def side_asked(question: str) -> str | None:
    """The side of a vote the question asks who took ("Who opposed the motion?", "Did anyone vote
    no?": against; "Who abstained?"; "Who voted for it?"), one of SIDES; None when it asks no vote."""
    question = question.replace("’", "'")
    return next((SIDES[side] for side, pattern in _ASKED if pattern.search(question)), None)


def vote_subject(question: str) -> set[str]:
    """The terms of the motion a vote question asks about ("the budget amendment"), its vote words left out."""
    return {term for term in terms(question) if term not in _VOTE_WORDS}


def vote_about(turns: Sequence[Turn], vote: tuple[int, int], subject: set[str]) -> float:
    """The share of the motion's terms (`subject`) that the vote's turns hold, in so many words or by
    a name the meeting gives the term ("Saltline" for "the vendor": answer.extractive.who.aliased)."""
    if not subject:
        return 1.0
    said = " ".join(turn.clean_text for turn in turns[vote[0] : vote[1] + 1])
    held = set(terms(said))
    return sum(term in held or aliased(term, said, turns) for term in subject) / len(subject)


def voters(
    turns: Sequence[Turn], vote: tuple[int, int], side: str = "against"
) -> tuple[list[str], list[int], int | None]:
    """Who took a side in a vote (minutes.ballots.cast, each by the last side they said): (their
    names as the meeting's speakers, the positions of the turns that say so and of the count, how
    many the count says voted against: 0 when unanimous, None when unsaid or another side is asked)."""
    first, result = vote
    said = [ballot for ballot in cast(turns, result) if ballot[2] >= first]  # not an earlier vote's
    final = {name: how for name, how, _ in said}
    wanted = SIDES.index(side)
    names = [name for name, how in final.items() if how == wanted]
    cited = sorted({at for name, how, at in said if name in names and how == wanted} | {result})
    counted = vote_of(turns[result].clean_text)
    if side != "against" or counted is None:
        return names, cited, None
    against = 0 if counted == "unanimous" else int(counted.split("–")[1])
    return (names, cited, against) if against else ([], [result], 0)  # a count of none against is the last word


def vote_sentence(text: str) -> str:
    """The sentences of a vote's turn that say it, from the first that calls the vote, says a ballot or
    counts to the last ("Against? Commissioner Haddad. The motion carries three to one."); else the
    whole turn, as a roll call read out is."""
    if read_out(text):
        return text.strip()
    found = sentences(text)
    saying = [i for i, s in enumerate(found) if says_ballot(s, found[i - 1] if i else "")]
    return " ".join(found[saying[0] : saying[-1] + 1]) if saying else text.strip()


def motion_words(question: str) -> str:
    """The question's words for the motion ("the parking lot resurfacing"), or "it"."""
    match = re.search(r"\b(?:against|on|opposed|dissented\s+on|no\s+on|for)\s+(?!it\b)([^?!.]+)", question, re.I)
    return match[1].strip() if match else "it"
