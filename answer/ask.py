"""The question's one path, as every front end, the evaluation and the benchmarks take it through the
library: how to ask (`AskOptions`), the answerers, and `ask`, which reads the question's scope and
answers a passage's question, a meeting's or a subject's across meetings (answer.routing)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial

from answer.extractive.compose import TurnsOf, answer
from answer.routing import Sources, scoped_ask
from core.errors import QueryError
from core.models import Answer, Filters
from index.retrieval import ANSWER_ORDER, Mode, Retriever

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


def ask(
    retriever: Retriever,
    question: str,
    options: AskOptions = AskOptions(),
    turns_of: TurnsOf | None = None,
    writer: Callable[..., Answer] | None = None,
    sources: Sources | None = None,
) -> Answer:
    """Retrieve passages for a question and answer it from them, citing the turns (given
    `turns_of`) or else the passages that hold each quote; with `writer` (answer.written.writer, bound to
    a model), the answer is written by a language model and checked. With `sources`, a question
    about a whole meeting or a subject across meetings is answered by its scope (answer.routing)."""
    if options.answerer not in ANSWERERS:
        raise QueryError(f"unknown answerer {options.answerer!r}; use one of: {', '.join(ANSWERERS)}")
    if sources is not None:
        if writer is not None:  # the scope is read first: a needle goes straight to the writer
            sources = replace(sources, needle=partial(writer, embed=retriever.sentence_vectors))
        found = scoped_ask(retriever, question, options.filters, options.mode, options.k, sources)
        if writer is None or found.answerer == "llm" or found.scope == "needle":
            return found
        # a written answer covers a passage's fact and a meeting's summary
        return found if found.notice else replace(found, notice=WRITES_NEEDLES)
    query = retriever.prepare(question, options.filters, options.mode)
    hits = retriever.retrieve_query(query, options.k, options.mode, fused=ANSWER_ORDER)
    evidence = retriever.evidence(query, options.mode)
    if writer is not None:
        return writer(query.text, hits, evidence, turns_of, embed=retriever.sentence_vectors)
    return answer(query.text, hits, evidence, turns_of)
