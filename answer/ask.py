"""The question's one path, as every front end, the evaluation and the benchmarks take it through the
library: how to ask (`AskOptions`), the answerers, and `ask`, which reads the question's scope and
answers a passage's question, a meeting's or a subject's across meetings (answer.routing)."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial

from answer.extractive.compose import TurnsOf, answer, not_in_transcripts
from answer.question.thread import Exchange, needs_referent, read_followup
from answer.routing import Sources, scoped_ask
from answer.written.injection import without_instructions
from core.errors import QueryError
from core.models import Answer, Filters
from index.catalog import Catalog
from index.retrieval import ANSWER_ORDER, MODES, Mode, Retriever, check_question

# The answerers, by the name every front end takes: (the page's label, what it does).
ANSWERERS = {
    "extractive": ("Quotes", "the transcripts' own sentences"),
    "llm": ("Written, checked", "written by the configured model, every sentence checked against its passages"),
}
WRITES_NEEDLES = (
    "The language model writes answers to questions about a passage and summaries of a meeting; "
    "this answer quotes the transcripts."
)


@dataclass(frozen=True)
class AskOptions:
    k: int = 8
    mode: Mode = "hybrid"
    filters: Filters = Filters()
    answerer: str = "extractive"  # or "llm": written by the configured language model, then checked
    history: tuple[Exchange, ...] = ()  # the thread so far, oldest first: a follow-up is read against it
    guarded: bool = True  # False only for comparisons: the previous release, which showed quoted instructions

    def __post_init__(self) -> None:
        """How to ask is checked once, where it is made, whichever front end makes it."""
        if self.mode not in MODES:
            raise QueryError(f"unknown retrieval mode {self.mode!r}; use one of: {', '.join(MODES)}")
        if self.answerer not in ANSWERERS:
            raise QueryError(f"unknown answerer {self.answerer!r}; use one of: {', '.join(ANSWERERS)}")


def ask(
    retriever: Retriever,
    question: str,
    options: AskOptions = AskOptions(),
    turns_of: TurnsOf | None = None,
    writer: Callable[..., Answer] | None = None,
    sources: Sources | None = None,
    rewriter: Callable[[list[dict[str, str]]], str] | None = None,
) -> Answer:
    """Retrieve passages for a question and answer it from them, citing the turns (given
    `turns_of`) or else the passages that hold each quote; with `writer` (answer.written.writer, bound to
    a model), the answer is written by a language model and checked. With `sources`, a question
    about a whole meeting or a subject across meetings is answered by its scope (answer.routing). With
    `options.history`, the question is first read against its thread (answer.question.thread), with
    `rewriter` (the user's language model, messages in, text out) rewriting it, checked."""
    check_question(question)  # as typed: an empty or overlong question is said so before it is read
    if not options.history:
        if needs_referent(question):  # "Why?" with nothing before it: ask what it refers to, never guess
            return unresolved(question)
        return _answered(retriever, question, options, turns_of, writer, sources)
    catalog = retriever.catalog
    meetings = list(catalog.meetings.values())
    reading = read_followup(question, options.history, options.filters, meetings, occurs_in(catalog), rewriter)
    if reading.unresolved:
        return replace(unresolved(question), notice=reading.notice)
    carried = replace(options, filters=reading.filters)
    writer = told_the_thread(writer, options.history)
    found = _answered(retriever, reading.standalone, carried, turns_of, writer, sources)
    if found.abstained and not reading.changed and reading.filters != options.filters:
        found = _answered(retriever, question, options, turns_of, writer, sources)  # not in the thread's meeting
    notice = " ".join(note for note in (reading.notice, found.notice) if note) or None
    return replace(found, question=question, standalone=reading.standalone if reading.changed else None, notice=notice)


def occurs_in(catalog: Catalog) -> Callable[[str, str], bool]:
    """Whether a stemmed term occurs in a meeting's passages (each meeting's mask made once)."""
    masks: dict[str, object] = {}

    def occurs(term: str, meeting_id: str) -> bool:
        if meeting_id not in masks:
            masks[meeting_id] = catalog.mask(Filters.within(meeting_id))
        return catalog.keyword.occurs(term, masks[meeting_id])

    return occurs


def told_the_thread(
    writer: Callable[..., Answer] | None, history: tuple[Exchange, ...]
) -> Callable[..., Answer] | None:
    """The writer, given the thread (`thread=`) when it takes one: it writes for the standalone question, and
    its sentences are still checked against the passages alone, never against the earlier answers."""
    if writer is None or "thread" not in inspect.signature(writer).parameters:
        return writer
    return partial(writer, thread=history)


def unresolved(question: str) -> Answer:
    """The answer to a follow-up with nothing in its thread to refer to: it asks what it refers to."""
    lead = f"“{question.strip()}” refers to something said before; ask it again saying what it is about."
    return not_in_transcripts(question, lead, [], [], 0.0)


def _answered(
    retriever: Retriever,
    question: str,
    options: AskOptions,
    turns_of: TurnsOf | None,
    writer: Callable[..., Answer] | None,
    sources: Sources | None,
) -> Answer:
    """The answer by the question's scope; a quoted sentence that tells an assistant what to do is
    never shown as an answer, whoever wrote it (answer.written.injection), and the notice says so."""
    guard = without_instructions if options.guarded else _as_written
    if sources is not None:
        if writer is not None:  # the scope is read first: a needle goes straight to the writer
            sources = replace(sources, needle=partial(writer, embed=retriever.sentence_vectors))
        found = scoped_ask(retriever, question, options.filters, options.mode, options.k, sources)
        if writer is not None and found.answerer != "llm" and found.scope != "needle" and not found.notice:
            found = replace(found, notice=WRITES_NEEDLES)  # a written answer covers a fact and a summary
        return guard(found)
    query = retriever.prepare(question, options.filters, options.mode)
    hits = retriever.retrieve_query(query, options.k, options.mode, fused=ANSWER_ORDER)
    evidence = retriever.evidence(query, options.mode)
    if writer is not None:
        return guard(writer(query.text, hits, evidence, turns_of, embed=retriever.sentence_vectors))
    return guard(answer(query.text, hits, evidence, turns_of))


def _as_written(found: Answer) -> Answer:
    return found
