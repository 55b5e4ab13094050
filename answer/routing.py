"""A question by its scope (answer.question.scope): a needle goes down the passage path, within one meeting
(the likeliest, when asked of several); a question about a whole meeting is answered from that
meeting's minutes; a subject across meetings (or a meeting-level question asked of several)
becomes a timeline, one group per meeting in date order.
A meeting named in words is resolved first (answer.question.meetings), and the answer says which it chose."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from answer.extractive.compose import ABSTENTION, TurnsOf, answer, not_in_transcripts
from answer.extractive.who import Asked, acts_in, matching, who_asked
from answer.overview import Quote, cited_answer, meeting_answer, plain_text, timeline_group, vote_answer
from answer.question.meetings import is_particular, resolve
from answer.question.scope import scope_of
from answer.votes import motion_words, side_asked, vote_about, vote_subject
from core.errors import QueryError
from core.minutes import Minutes, Scope
from core.models import Answer, AnswerPart, Chapter, Citation, Filters, Hit, Meeting, Turn
from index.evidence import Evidence
from index.retrieval import ANSWER_ORDER, Mode, Query, Retriever
from minutes.ballots import votes_in

MOST_MEETINGS = 6  # a timeline or a meeting-level question over several meetings covers at most this many
RELATIVE_EVIDENCE = 0.5  # a meeting joins a timeline when its answer is at least this likely, of the likeliest
SCANNED = 30
# a specific question asked of several meetings is answered within the likeliest of the meetings
# whose passages rank best (this many; chosen on QMSum train); so are the votes read for who voted against
MEETINGS_READ = 3
VOTE_ABOUT = 0.5  # the least share of the motion's words a vote's turns hold to be the vote asked about
MOST_NAMED = 2  # a who-question's answer quotes at most this many acts, all as likely as the likeliest


@dataclass(frozen=True)
class Sources:
    """What scoped answering reads beside the retriever: turns, minutes and passages by meeting."""

    turns_of: TurnsOf
    minutes_of: Callable[[str], Minutes]
    passages_of: Callable[[str], list[Hit]]
    # a meeting's summary written by a language model from the extractive one (answer.written.summary)
    summary_writer: Callable[[str, Answer, Sequence[Chapter], int], Answer] | None = None
    # a needle question's answer from its passages (answer.written.writer, bound to a model); extractive without
    needle: Callable[[str, list[Hit], Evidence, TurnsOf], Answer] | None = None


# a question about what one person has said: answered from their turns alone
SAID_BY = re.compile(r"\bwhat\s+(?:has|have|did)\s+.+?\s+(?:said|say|argued?|raised?|proposed?|asked?)\b", re.I)


def scoped_ask(retriever: Retriever, question: str, filters: Filters, mode: Mode, k: int, sources: Sources) -> Answer:
    """The answer to `question` by its scope: extractive, or for a needle `sources.needle`'s."""
    query = retriever.prepare(question, filters, mode)
    scope = scope_of(question, query.speakers)
    allowed = in_scope(retriever, query.filters)
    named, resolved = named_meetings(scope, allowed)
    if side_asked(question):
        return replace(voted(retriever, scope, query, named or allowed, mode, k, sources), resolved=resolved)
    if asked := who_asked(question):
        return replace(who_did(retriever, query, named or allowed, mode, k, sources, asked), resolved=resolved)
    if scope.kind == "needle":
        if named:
            query = replace(query, filters=replace(query.filters, meetings=(named[0].meeting_id,)))  # embedded once
        needle = sources.needle or answer
        within = None if named or len(allowed) < 2 else likeliest_meeting(retriever, query, allowed, mode, k, sources)
        if within is None:
            hits = retriever.retrieve_query(query, k, mode, fused=ANSWER_ORDER)
            found = needle(query.text, hits, retriever.evidence(query, mode), sources.turns_of)
        else:  # a specific question is answered within one meeting unless it asks across meetings
            query, hits, evidence, found = within
            found = found if sources.needle is None else needle(query.text, hits, evidence, sources.turns_of)
        return replace(found, resolved=resolved)
    targets = named or allowed
    if scope.kind == "meetings" and scope.aspect != "subject":  # decisions, action items... of each meeting
        scope = replace(scope, kind="meeting")
    if scope.kind == "meeting" and len(targets) == 1:
        only = targets[0]
        minutes = sources.minutes_of(only.meeting_id)
        turns = sources.turns_of(only.meeting_id)
        found = meeting_answer(question, scope, minutes, sources.passages_of(only.meeting_id), turns)
        found = replace(found, scope="meeting", meetings=(only,), resolved=resolved)
        if scope.aspect == "summary" and sources.summary_writer is not None and found.citations:
            found = sources.summary_writer(question, found, minutes.chapters, scope.words)
        return found
    if scope.kind == "meeting":
        latest = sorted(targets, key=_date_key)[-MOST_MEETINGS:]
        shorter = replace(scope, words=max(scope.words // len(latest), 30))
        groups = [
            (
                m,
                meeting_answer(
                    question,
                    shorter,
                    sources.minutes_of(m.meeting_id),
                    sources.passages_of(m.meeting_id),
                    sources.turns_of(m.meeting_id),
                ),
            )
            for m in latest
        ]
        note = f"asked of {len(targets)} meetings; the latest {len(latest)} are shown. Name one for its full minutes"
        found = timeline(question, groups, note if len(targets) > len(latest) else None)
        return replace(found, resolved=resolved)
    if query.speakers and query.filters.speaker is None and SAID_BY.search(question):
        # "What has Helen Marsh said about the ferry contract?": her turns alone, in each meeting she spoke in
        query = replace(query, filters=replace(query.filters, speaker=query.speakers[0]))
    return replace(subject_timeline(retriever, scope, query, targets, mode, k, sources), resolved=resolved)


def voted(
    retriever: Retriever, scope: Scope, query: Query, meetings: Sequence[Meeting], mode: Mode, k: int, sources: Sources
) -> Answer:
    """Who voted against the motion asked about (or abstained, or voted for it): read off the votes
    (minutes.ballots.votes_in) of the meeting asked of, or of the likeliest meetings, the vote whose
    turns hold the most of the motion's words; a refusal saying so when no vote on it is found."""
    question = scope.question
    phrase = scope.meeting_phrase  # the words naming a meeting are not the motion's
    subject = vote_subject(question.replace(phrase, " ") if phrase else question)
    hits, ranked = _meetings_read(retriever, query, meetings, mode, k)
    best: tuple[float, Meeting, list[tuple[int, int]]] | None = None
    for meeting in ranked:
        turns = sources.turns_of(meeting.meeting_id)
        about = {vote: vote_about(turns, vote, subject) for vote in votes_in(turns)}
        top = max(about.values(), default=0.0)
        if top >= VOTE_ABOUT and (best is None or top > best[0]):
            best = (top, meeting, [vote for vote, share in about.items() if share == top])
    if best is None:
        lead = f"No vote on {motion_words(question)} is recorded in the meetings searched."
        return not_in_transcripts(question, lead, [], hits, 0.0)
    _, meeting, votes = best
    turns = sources.turns_of(meeting.meeting_id)
    minutes = sources.minutes_of(meeting.meeting_id)
    side = side_asked(question) or "against"
    return vote_answer(question, minutes, turns, sources.passages_of(meeting.meeting_id), votes, side)


def who_did(
    retriever: Retriever, query: Query, meetings: Sequence[Meeting], mode: Mode, k: int, sources: Sources, asked: Asked
) -> Answer:
    """A who-question answered by the speaker of the turn that does what it asks in the first person
    (answer.extractive.who), in the meeting asked of or the likeliest meetings: the person, then the
    sentence that says it, cited; a refusal when no one's turn does."""
    hits, ranked = _meetings_read(retriever, query, meetings, mode, k)
    best: tuple[float, Meeting, list] | None = None
    for meeting in ranked:
        turns = sources.turns_of(meeting.meeting_id)
        found = matching(asked, acts_in(turns), turns)
        if found and (best is None or found[0][0] > best[0]):
            best = (found[0][0], meeting, found)
    if best is None:
        asked_words = re.sub(r"^\W*who\s+|[?.!\s]+$", "", query.text, flags=re.I)
        lead = f"The transcripts do not say who {asked_words}: no one in the meetings searched says so."
        return not_in_transcripts(query.text, lead, [], hits, 0.0)
    top, meeting, found = best
    turns = sources.turns_of(meeting.meeting_id)
    acts = list({act.position: act for share, act in found if share >= top}.values())[:MOST_NAMED]
    quotes = [Quote(act.sentence, turns[act.position].index, _speaker(turns[act.position])) for act in acts]
    parts, citations = cited_answer(query.text, quotes, sources.passages_of(meeting.meeting_id), turns)
    return Answer(query.text, plain_text(parts), False, citations, (), top, parts, "strong")


def _speaker(turn: Turn) -> str | None:
    return turn.canonical_speaker or turn.speaker


def _meetings_read(
    retriever: Retriever, query: Query, meetings: Sequence[Meeting], mode: Mode, k: int
) -> tuple[list[Hit], list[Meeting]]:
    """The question's passages, and the meetings to read for it: the one asked of, else the
    MEETINGS_READ whose passages rank best."""
    if len(meetings) == 1:  # named in words, or the only one allowed
        query = replace(query, filters=replace(query.filters, meetings=(meetings[0].meeting_id,)))
    hits = retriever.retrieve_query(query, k, mode, fused=ANSWER_ORDER)
    by_id = {m.meeting_id: m for m in meetings}
    return hits, [by_id[i] for i in dict.fromkeys(hit.chunk.meeting_id for hit in hits) if i in by_id][:MEETINGS_READ]


def likeliest_meeting(
    retriever: Retriever, query: Query, meetings: Sequence[Meeting], mode: Mode, k: int, sources: Sources
) -> tuple[Query, list[Hit], Evidence, Answer] | None:
    """The meeting a specific question asked of several is answered from: of the MEETINGS_READ
    whose passages rank best, the one whose own answer is likeliest; its query, passages, evidence
    and extractive answer. None when each of them refuses."""
    allowed = {m.meeting_id for m in meetings}
    scanned = retriever.retrieve_query(query, SCANNED, mode, fused=ANSWER_ORDER)
    ranked = list(dict.fromkeys(hit.chunk.meeting_id for hit in scanned if hit.chunk.meeting_id in allowed))
    best = None
    for meeting_id in ranked[:MEETINGS_READ]:
        own = replace(query, filters=replace(query.filters, meetings=(meeting_id,)))  # embedded once
        hits = retriever.retrieve_query(own, k, mode, fused=ANSWER_ORDER)
        evidence = retriever.evidence(own, mode)
        found = answer(own.text, hits, evidence, sources.turns_of)
        if not found.abstained and (best is None or found.evidence > best[3].evidence):
            best = (own, hits, evidence, found)
    return best


def in_scope(retriever: Retriever, filters: Filters) -> list[Meeting]:
    """The meetings the (resolved) filters allow, in date order: by the catalog's own rules, so a
    speaker or topic filter keeps the meetings where they speak or it is discussed."""
    return sorted(retriever.catalog.meetings_of(filters), key=_date_key)


def named_meetings(scope: Scope, allowed: Sequence[Meeting]) -> tuple[list[Meeting], str | None]:
    """The meeting the question names in words, and the sentence that says which was chosen. A
    question about a whole meeting that names none or several is a QueryError listing the closest;
    a needle question goes on without it."""
    phrase = scope.meeting_phrase
    if not phrase or not is_particular(phrase) or len(allowed) <= 1:
        return [], None
    try:
        chosen = resolve(phrase, allowed, scope.question)
    except QueryError:
        if scope.kind == "meeting":
            raise
        return [], None
    meeting = chosen[0]
    when = f", {meeting.date.isoformat()}" if meeting.date else ""
    return chosen, f"“{phrase}” read as {meeting.title} ({meeting.meeting_id}{when})"


def subject_timeline(
    retriever: Retriever,
    scope: Scope,
    query: Query,
    meetings: Sequence[Meeting],
    mode: Mode,
    k: int,
    sources: Sources,
) -> Answer:
    """A subject across meetings: the meetings whose passages rank for it, each asked on its own;
    those whose own answer is not a refusal, in date order, each group its decisions about the
    subject first, then its sentences in turn order (answer.overview.timeline_group)."""
    question, turns_of = scope.question, sources.turns_of
    allowed = {m.meeting_id: m for m in meetings}
    scanned = retriever.retrieve_query(query, SCANNED, mode, fused=ANSWER_ORDER)
    ranked = list(dict.fromkeys(hit.chunk.meeting_id for hit in scanned if hit.chunk.meeting_id in allowed))
    groups = []
    for meeting_id in ranked[:MOST_MEETINGS]:
        own = replace(query, filters=replace(query.filters, meetings=(meeting_id,)))  # embedded once
        hits = retriever.retrieve_query(own, k, mode, fused=ANSWER_ORDER)
        found = answer(own.text, hits, retriever.evidence(own, mode), turns_of)
        if not found.abstained:
            groups.append((allowed[meeting_id], found))
    best = max((found.evidence for _, found in groups), default=0.0)
    groups = [
        (meeting, _grouped(scope, meeting, found, sources, by_one=query.filters.speaker is not None))
        for meeting, found in groups
        if found.evidence >= RELATIVE_EVIDENCE * best
    ]
    if not groups:
        citations = tuple(Citation(n, hit) for n, hit in enumerate(scanned[:k], 1))
        parts = (AnswerPart(ABSTENTION),)
        return Answer(question, ABSTENTION, True, citations, tuple(scanned[:k]), 0.0, parts, "none", scope="meetings")
    return timeline(question, groups)


def _grouped(scope: Scope, meeting: Meeting, found: Answer, sources: Sources, by_one: bool = False) -> Answer:
    """A meeting's group of a timeline; asked of one speaker's words (`by_one`), without the meeting's decisions."""
    meeting_id = meeting.meeting_id
    minutes, turns = sources.minutes_of(meeting_id), sources.turns_of(meeting_id)
    minutes = replace(minutes, decisions=()) if by_one else minutes
    return timeline_group(scope.question, scope.subject, minutes, sources.passages_of(meeting_id), turns, found)


def timeline(question: str, groups: Sequence[tuple[Meeting, Answer]], notice: str | None = None) -> Answer:
    """Answers of several meetings as one, grouped under each meeting's title and date, in date
    order, their citations numbered on."""
    parts: list[AnswerPart] = []
    citations: list[Citation] = []
    for meeting, found in sorted(groups, key=lambda group: _date_key(group[0])):
        number = {c.n: len(citations) + i for i, c in enumerate(found.citations, 1)}
        when = f" ({meeting.date.isoformat()})" if meeting.date else ""
        parts.append(AnswerPart(f"{meeting.title}{when}:", meeting=meeting.meeting_id))
        for part in found.parts:
            if part.n is None:
                parts.append(replace(part, meeting=meeting.meeting_id))
            else:
                more = tuple(number[m] for m in part.more if m in number)
                parts.append(replace(part, n=number[part.n], more=more, meeting=meeting.meeting_id))
        citations += [replace(c, n=number[c.n]) for c in found.citations]
    weakest = min((found for _, found in groups), key=lambda found: found.evidence)
    evidence, support = weakest.evidence, weakest.support
    return Answer(
        question,
        plain_text(parts),
        False,
        tuple(citations),
        (),
        evidence,
        tuple(parts),
        support,
        notice=notice,
        scope="meetings",
        meetings=tuple(sorted((m for m, _ in groups), key=_date_key)),
    )


def _date_key(meeting: Meeting) -> tuple:
    return (meeting.date is None, meeting.date or 0, meeting.meeting_id)
