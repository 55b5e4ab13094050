"""Answers about a whole meeting (from its minutes: the summary, decisions, action items, open
questions, who took part, a speaker's main points) and about a subject across meetings (a timeline:
each meeting's own cited answer under its title and date, in date order). Quotes only; every
sentence cites the turn it comes from."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from answer.extractive.compose import escape_brackets
from answer.votes import LEADS, vote_sentence, voters
from core.minutes import Item, Minutes, Scope, SummaryLine
from core.models import Answer, AnswerPart, Citation, Hit, Turn
from core.text import sentences
from index.keyword import terms
from index.links import deep_link
from index.passages import passage_of
from minutes.build import SUMMARY_WORDS, summary_of
from minutes.summary import summary_lines

OPEN = re.compile(
    r"""\b(?:open\s+(?:question|issue)|still\s+(?:need|have)\s+to\s+(?:decide|figure|work\s+out|find\s+out)|
    (?:not|n't)\s+(?:sure|decided|settled|clear)\s+yet|to\s+be\s+(?:decided|determined|confirmed)|\bTBD\b|
    unresolved|(?:we'll|we\s+will|we\s+can)\s+(?:come\s+back\s+to|revisit|decide\s+(?:later|next))|
    remains?\s+to\s+be\s+seen|pending|outstanding|(?:don't|do\s+not)\s+know\s+yet|parking\s+lot|
    haven't\s+(?:decided|agreed|figured))""",
    re.IGNORECASE | re.VERBOSE,
)
MOST_OPEN = 6
# a meeting's procedural opening, never what a timeline says of a subject when anything else is said
PROCEDURAL = re.compile(
    r"""\b(?:call(?:s|ed|ing)?\s+(?:[\w'’-]+\s+){0,10}?to\s+order|(?:come|comes|came)\s+to\s+order|roll\s+call|take\s+(?:the\s+)?roll|pledge\s+of\s+
    allegiance|(?:approv\w+|adopt\w*)\s+(?:of\s+)?(?:the\s+|tonight's\s+|today's\s+)?(?:agenda|minutes)|quorum|
    (?:meeting|session)\s+is\s+(?:now\s+)?(?:open|in\s+session|adjourned)|we\s+are\s+adjourned)""",
    re.IGNORECASE | re.VERBOSE,
)


@dataclass(frozen=True)
class Quote:
    """A sentence to cite: its words, its turn and, where it is ours, a lead-in before it."""

    text: str
    turn: int
    speaker: str | None
    lead: str | None = None


def cited_answer(question: str, quotes: Sequence[Quote], passages: list[Hit], turns: Sequence[Turn]) -> tuple:
    """Parts and citations for quotes: one citation per distinct turn, numbered in order of quoting,
    the speaker's name before a quote where the speaker changes."""
    by_index = {turn.index: turn for turn in turns}
    numbers: dict[int, int] = {}
    parts: list[AnswerPart] = []
    citations: list[Citation] = []
    previous: str | None = None
    for quote in quotes:
        hit = passage_of(passages, quote.turn)
        turn = by_index.get(quote.turn)
        if hit is None or turn is None:
            continue
        if quote.turn not in numbers:
            numbers[quote.turn] = len(numbers) + 1
            citations.append(Citation(numbers[quote.turn], hit, (turn,), deep_link(hit.media_url, turn.start)))
        if quote.lead:
            parts.append(AnswerPart(quote.lead))
            previous = None
        prefix = f"{quote.speaker}: " if quote.speaker and quote.speaker != previous else ""
        parts.append(AnswerPart(prefix + quote.text, numbers[quote.turn]))
        previous = quote.speaker
    return tuple(parts), tuple(citations)


def plain_text(parts: Sequence[AnswerPart]) -> str:
    return " ".join(escape_brackets(p.text) + "".join(f" [{n}]" for n in p.markers) for p in parts)


def meeting_answer(question: str, scope: Scope, minutes: Minutes, passages: list[Hit], turns: Sequence[Turn]) -> Answer:
    """The answer to a question about one meeting, from its minutes."""
    title = minutes.meeting.title
    own: list[str] = [as_sentence(note) for note in minutes.notes]
    quotes = meeting_quotes(scope, minutes, turns)
    if scope.aspect == "summary":
        head, lines = _fitted_summary(minutes, turns, scope.words)
        quotes = [_line_quote(line) for line in lines]
        own[:0] = [head] if head else []
    if scope.aspect == "participants":
        own.append(
            f"{len(minutes.speakers)} people spoke in {title}: "
            + ", ".join(f"{name} ({share:.0%} of the words)" for name, share in minutes.speakers)
            + "."
        )
    if not quotes and scope.aspect not in ("participants", "summary"):
        what, why = NONE_FOUND[scope.aspect]
        own.append(f"No {what} were found in {title}: {why}.")
    parts, citations = cited_answer(question, quotes, passages, turns)
    parts = tuple(AnswerPart(text) for text in own) + parts
    return Answer(
        question,
        plain_text(parts),
        False,
        citations,
        (),
        1.0,
        parts,
        "minutes" if citations else "none",
    )


def vote_answer(
    question: str,
    minutes: Minutes,
    turns: Sequence[Turn],
    passages: list[Hit],
    votes: Sequence[tuple[int, int]],
    side: str = "against",
) -> Answer:
    """Who took the side asked for (against, by default) in the votes of one meeting
    (minutes.ballots.votes_in): their names (and those its minutes' decision settled by the vote names
    so), then the turns that say so, cited; a refusal that says no one did, quoting the count, when no
    one did."""
    names: list[str] = []
    positions: set[int] = set()
    counted = 0  # how many the counts say voted against
    for vote in votes:
        took, cited, count = voters(turns, vote, side)
        settled = [item for item in minutes.decisions if item.turn == turns[vote[1]].index]
        names += took + [name for item in settled for name in getattr(item, side)]
        positions |= set(cited)
        counted += count or 0
    names = list(dict.fromkeys(names))
    quotes = [
        Quote(vote_sentence(turns[i].clean_text), turns[i].index, turns[i].canonical_speaker or turns[i].speaker)
        for i in sorted(positions)
    ]
    title = minutes.meeting.title
    named, nobody = LEADS[side]
    lead = named.format(names=", ".join(names)) if names else nobody.format(title=title)
    if counted and not names:
        lead = f"{counted} voted against it in {title}, but the transcript does not say who."
    parts, citations = cited_answer(question, quotes, passages, turns)
    parts = (AnswerPart(lead), *parts)
    return Answer(
        question,
        plain_text(parts),
        not names,
        citations,
        (),
        1.0 if names else 0.0,
        parts,
        "strong" if names else "none",
        coverage="answered" if names else "not_in_transcripts",
    )


def timeline_group(
    question: str, subject: str, minutes: Minutes, passages: list[Hit], turns: Sequence[Turn], found: Answer
) -> Answer:
    """One meeting's group of a timeline, from its own answer (`found`): its decisions about the
    subject first (the motion, then the result), then the answer's sentences in turn order, less a
    procedural opener (a call to order, a roll call) where anything else is said."""
    wanted = set(terms(subject))
    about = [item for item in minutes.decisions if wanted & set(terms(f"{item.motion or ''} {item.text}"))]
    decided = [quote for item in about for quote in _decision_quotes(item)]
    said = sorted(_quotes_of(found), key=lambda quote: quote.turn)
    said = [quote for quote in said if quote.turn not in {q.turn for q in decided}]
    if decided or any(not PROCEDURAL.search(quote.text) for quote in said):
        said = [quote for quote in said if not PROCEDURAL.search(quote.text)]
    parts, citations = cited_answer(question, [*decided, *said], passages, turns)
    if not citations:
        return found
    parts = (*parts, *(part for part in found.parts if part.n is None))
    return replace(found, text=plain_text(parts), parts=parts, citations=citations)


def _quotes_of(found: Answer) -> list[Quote]:
    """An answer's quoted parts as quotes of their turns, without the speaker's name before them."""
    cited = {citation.n: citation for citation in found.citations}
    quotes = []
    for part in found.parts:
        citation = cited.get(part.n) if part.n is not None else None
        if citation is None or not citation.turns:
            continue
        turn = citation.turns[0]
        speaker = turn.speaker or turn.canonical_speaker
        text = part.text
        for name in {turn.speaker, turn.canonical_speaker} - {None}:
            text = text.removeprefix(f"{name}: ")
        quotes.append(Quote(text, turn.index, speaker))
    return quotes


NONE_FOUND = {  # what was not found, and why
    "decisions": ("decisions", "no sentence reads as a decision, a vote or an agreement"),
    "actions": ("action items", "no one commits to or is given a task"),
    "open_questions": ("open questions", "no question is left open in so many words"),
    "speaker_points": ("main points", "that speaker says nothing of summary length"),
}


def as_sentence(note: str) -> str:
    """A note of the minutes ("this meeting has only 2 turns: too short for minutes") as a sentence
    of its own: capitalized, ending in a full stop."""
    note = note.strip()
    if not note:
        return note
    note = note[0].upper() + note[1:]
    return note if note[-1] in ".!?" else note + "."


def meeting_quotes(scope: Scope, minutes: Minutes, turns: Sequence[Turn]) -> list[Quote]:
    """What the answer quotes for the aspect asked, in transcript order."""
    if scope.aspect == "decisions":
        decisions = [item for item in minutes.decisions if _by(item.speaker, scope.speaker)]
        return [quote for item in decisions for quote in _decision_quotes(item)]
    if scope.aspect == "actions":
        actions = [item for item in minutes.actions if _by(item.owner, scope.speaker)]
        return [Quote(item.text, item.turn, item.speaker, _action_lead(item)) for item in actions]
    if scope.aspect == "open_questions":
        return open_questions(turns)
    if scope.aspect == "participants":
        first: dict[str, Turn] = {}
        for turn in turns:
            if turn.canonical_speaker and turn.canonical_speaker not in first and len(turn.clean_text.split()) > 3:
                first[turn.canonical_speaker] = turn
        return [Quote(_first_sentence(t), t.index, t.canonical_speaker) for t in first.values()][:12]
    if scope.aspect == "speaker_points" and scope.speaker:
        own = [turn for turn in turns if (turn.canonical_speaker or "").casefold() == scope.speaker.casefold()]
        lines = summary_lines(own, minutes.chapters, scope.words)
        return [_line_quote(line) for line in lines]
    return []


def _by(person: str | None, asked: str | None) -> bool:
    """Whether an item is the asked-for person's (any item when no one is asked for)."""
    return asked is None or bool(person) and asked.casefold() in person.casefold()


def _fitted_summary(minutes: Minutes, turns: Sequence[Turn], words: int) -> tuple[str | None, Sequence[SummaryLine]]:
    """The minutes' overview and summary, or the same recipe's at the length asked for."""
    if words == SUMMARY_WORDS:
        return minutes.overview, minutes.summary
    return summary_of(turns, minutes.chapters, minutes.decisions, words)


def _line_quote(line: SummaryLine) -> Quote:
    return Quote(line.text, line.turn, line.speaker)


def _decision_quotes(item: Item) -> list[Quote]:
    """The motion as moved (when an earlier turn moved it), then the decision as announced."""
    moved = [Quote(item.motion, item.motion_turn, item.moved_by, _decision_lead(item))] if item.motion else []
    return [*moved, Quote(item.text, item.turn, item.speaker, None if moved else _decision_lead(item))]


def _decision_lead(item: Item) -> str | None:
    """ "(moved by Trustee Nair; vote: 4–1; Trustee Okafor against)" before the quote, where said."""
    said = [f"moved by {item.moved_by}" if item.moved_by else "", f"vote: {item.vote}" if item.vote else ""]
    said.append(item.dissent() or "")
    said = [piece for piece in said if piece]
    return f"({'; '.join(said)})" if said else None


def _action_lead(item: Item) -> str | None:
    """ "Owner: Tom; due Friday." before the quote, unless the speaker is the owner and gave no date."""
    if item.owner == item.speaker and not item.due:
        return None
    due = f"; due {item.due}" if item.due else ""
    return f"Owner: {item.owner or 'not named'}{due}."


def _first_sentence(turn: Turn) -> str:
    found = sentences(turn.clean_text)
    return found[0].strip() if found else turn.clean_text


def open_questions(turns: Sequence[Turn]) -> list[Quote]:
    """Sentences that leave something open in so many words ("we still need to decide…", "TBD")."""
    found = []
    for turn in turns:
        for sentence in sentences(turn.clean_text):
            if OPEN.search(sentence) and len(sentence.split()) >= 5:
                found.append(Quote(sentence.strip(), turn.index, turn.canonical_speaker))
                break
    return found[:MOST_OPEN]
