"""An evaluation run: build (or reuse) the suite's store, run the systems, return the results."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from eval.ceiling import GoldSpanCeiling
from eval.generated import WrittenAnswers
from eval.previous import before_coverage, previous_release
from eval.runner import QueryResult, run_suite
from eval.suites import Suite, SuiteError
from eval.systems import LibraryAsked, NaiveLlamaIndex, OnRecord, System
from index.retrieval import Retriever
from ingest.parsing import Failure, parse_paths
from library import Library


def fused_by(retriever: Retriever, learned: bool) -> Retriever:
    """The same library with hybrid candidates in the fitted fusion's order, or (as the previous
    release searched) in reciprocal rank fusion's; answers read them in the latter either way."""
    return Retriever(retriever.embedder, retriever.catalog, replace(retriever.tuning, learned_fusion=learned))


def evaluate(
    suite: Suite,
    library: Library,
    compare: bool = False,
    on_ingested: Callable[[], None] | None = None,
    on_step: Callable[[], None] | None = None,
    written: bool = False,
) -> list[QueryResult]:
    """Run the suite on On Record (hybrid) as users ask (Library.ask, each question within its
    meeting), with `written` its written answers beside it (the library's configured model), and
    with `compare` every mode, the named variants and the naive baseline. A QMSum suite of several
    meetings is also asked of the whole library (`onrecord-library`: its citation figures, and
    `cites_own_meeting`, the share of its answers citing the question's own meeting)."""
    parsed = list(parse_paths(list(suite.transcripts)))
    failures = [result.message for result in parsed if isinstance(result, Failure)]
    if failures:
        raise SuiteError(f"the suite {suite.name} has transcripts that cannot be read: {'; '.join(failures)}")
    transcripts = [t for t in parsed if not isinstance(t, Failure)]
    library.ingest(list(suite.transcripts))
    if on_ingested:
        on_ingested()
    systems: list[System] = [OnRecord(library, "hybrid")]
    if asks_library(suite):
        systems.append(LibraryAsked(library))  # each question asked of the whole library, as users ask it
    if written:
        systems.append(WrittenAnswers(library))
    if compare:
        systems += compared(library, transcripts)
    words = {t.meeting_id: {turn.index: len(turn.clean_text.split()) for turn in t.turns} for t in transcripts}
    return run_suite(suite, systems, words, on_step)


COMPARED = 7  # the systems of `compared`


def compared(library: Library, transcripts: list) -> list[System]:
    """The systems On Record is compared with; all but the naive baseline and the ceiling ask
    through Library.ask, differing only in what is named."""
    retriever = library.retriever
    return [
        # the previous release's answerer (hand-set weights and threshold, citing whole passages);
        # ranked as it searched: reciprocal rank fusion, before the fitted fusion
        OnRecord(
            library, name="onrecord-previous-release", needle=previous_release, ranking=fused_by(retriever, False)
        ),
        OnRecord(library, name="onrecord-fitted-fusion", ranking=fused_by(retriever, True)),
        # issue 11's answers: without issue 38's coverage checks; a library of its own (run after
        # On Record on each question, it would find the sentences' vectors cached, and look the faster for it)
        OnRecord(Library(library.settings, library.embedder), name="onrecord-before-coverage", needle=before_coverage),
        OnRecord(library, "dense"),
        OnRecord(library, "keyword"),
        NaiveLlamaIndex(transcripts, library.embedder),
        GoldSpanCeiling(transcripts),  # what quoting the gold turns' best sentences reaches
    ]


def asks_library(suite: Suite) -> bool:
    """Whether a suite's questions are also asked of the whole library (a QMSum suite of several meetings)."""
    return suite.name.startswith("qmsum") and len(suite.transcripts) > 1


def systems_asked(suite: Suite, compare: bool = False, written: bool = False) -> int:
    """How many systems `evaluate` runs on each of the suite's questions."""
    return 1 + asks_library(suite) + written + (COMPARED if compare else 0)
