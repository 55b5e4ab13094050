"""One question asked several ways: within its meeting and of the whole library (answerable); of
the library without its meeting (a committee hearing) or without its whole meeting series (the four
meetings of a product-design project, ES2004a–d), and of the library without its domain (not
answerable); and within its meeting with the passages of its gold span left out (the meeting talks
about the subject, but not the answer: as when the seed is asked who chairs a committee it only
mentions). These are the hard negatives that library-level refusals are fitted on (QMSum train,
`onrecord fit answer`) and scored on (QMSum val, `onrecord eval qmsum`)."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from answer.ask import AskOptions
from answer.extractive.compose import answer
from core.errors import OnRecordError
from core.models import Answer, Filters, Hit
from eval.suites import Question, Suite, domain_of
from index.retrieval import ANSWER_ORDER, Query, Retriever
from library import Library

WAYS = ("meeting", "library", "without", "elsewhere", "unsaid")
REFUSAL_NAMES = {
    "meeting": "false_refusal_in_meeting",
    "library": "false_refusal_in_library",
    "without": "refused_without",
    "elsewhere": "refused_without_domain",
    "unsaid": "refused_without_span",
}
PASSAGES = AskOptions().k  # passages an answer is drawn from, as `onrecord ask` does
DEPTH = 30  # passages retrieved before those overlapping a left-out gold span are dropped
_SERIES = re.compile(r"^((?:ES|IS|TS)\d{4})[a-d]$")


@dataclass(frozen=True)
class Asked:
    question: Question
    way: str  # one of WAYS
    filters: Filters
    answerable: bool
    unsaid: frozenset[int] = frozenset()  # turns of its meeting left out (its gold span)

    def retrieve(self, retriever: Retriever, query: Query) -> list[Hit]:
        """The passages the question is answered from, asked this way."""
        if not self.unsaid:
            return retriever.retrieve_query(query, PASSAGES, fused=ANSWER_ORDER)
        hits = retriever.retrieve_query(query, DEPTH, fused=ANSWER_ORDER)
        kept = [hit for hit in hits if not self.unsaid & set(range(hit.chunk.turn_start, hit.chunk.turn_end + 1))]
        return kept[:PASSAGES]


def series(meeting_id: str) -> str:
    """A product-design project's meetings share a series (ES2004a–d: ES2004); others are their own."""
    match = _SERIES.match(meeting_id)
    return match[1] if match else meeting_id


def asked_ways(question: Question, meetings: Sequence[str]) -> list[Asked]:
    """The question within its meeting and of the whole library (answerable both); for product and
    committee meetings, of the library without its series or meeting (not answerable: the hard
    negatives); and of the library without its whole domain (not answerable: a library that never
    discussed such things, as when the seed is asked about servers)."""
    own = question.meeting or ""
    ways = [Asked(question, "meeting", Filters.within(own), True), Asked(question, "library", Filters(), True)]
    if question.domain == "product":
        left_out = tuple(m for m in meetings if series(m) == series(own))
    elif question.domain == "committee":
        left_out = (own,)
    else:
        left_out = ()
    if left_out and len(left_out) < len(meetings):
        ways.append(Asked(question, "without", Filters(exclude=left_out), False))
    domain = tuple(m for m in meetings if domain_of(m) == question.domain)
    if len(domain) < len(meetings):
        ways.append(Asked(question, "elsewhere", Filters(exclude=domain), False))
    if question.gold:
        ways.append(Asked(question, "unsaid", Filters.within(own), False, question.gold))
    return ways


def library_abstention(
    suite: Suite,
    library: Library,
    needle: Callable[..., Answer] | None = None,
    on_step: Callable[[], None] | None = None,
) -> dict[str, dict[str, float | int]]:
    """Per domain (and "all"): the share of questions refused when asked within their meeting and of
    the whole library (false refusals), and when asked without their meeting or series, or without
    their domain (right refusals). Each is asked as users ask (Library.ask, with its way's filters);
    `needle` answers a passage's question in place of the fitted model (eval.previous)."""
    meetings = sorted({q.meeting for q in suite.questions if q.meeting})
    refused: dict[tuple[str, str], list[bool]] = defaultdict(list)
    for question in suite.questions:
        if not question.answerable or not question.meeting:
            continue
        for asked in asked_ways(question, meetings):
            try:
                abstained = refuses(library, asked, needle)
            except OnRecordError:
                abstained = True
            for domain in (question.domain, "all"):
                refused[(domain, asked.way)].append(abstained)
        if on_step:
            on_step()
    rows: dict[str, dict[str, float | int]] = {}
    for (domain, way), flags in sorted(refused.items()):
        row = rows.setdefault(domain, {})
        name = REFUSAL_NAMES[way]
        row[name] = sum(flags) / len(flags)
        row[f"{way}_questions"] = len(flags)
    return rows


def refuses(library: Library, asked: Asked, needle: Callable[..., Answer] | None) -> bool:
    """Whether the answer asked this way refuses. A question without its gold span is the one way no
    user can ask: its passages are retrieved as Library.ask retrieves them, less that span."""
    question = asked.question.question
    if not asked.unsaid:
        return library.ask(question, AskOptions(filters=asked.filters), needle=needle).abstained
    retriever = library.retriever
    query = retriever.prepare(question, asked.filters)
    result = (needle or answer)(query.text, asked.retrieve(retriever, query), retriever.evidence(query), library.turns)
    return result.abstained
