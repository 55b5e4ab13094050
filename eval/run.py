"""An evaluation run: build (or reuse) the suite's store, run the systems, return the results."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from answer.library import Library
from answer.llm import Backend
from eval.ceiling import GoldSpanCeiling
from eval.generated import WrittenAnswers
from eval.previous import PREVIOUS_RELEASE
from eval.runner import QueryResult, run_suite
from eval.suites import Suite, SuiteError, load_suite, qmsum_suite
from eval.systems import LibraryAsked, NaiveLlamaIndex, OnRecord, System
from index.retrieval import Retriever
from ingest.parsing import Failure, parse_paths

SUITES_DIR = Path(__file__).resolve().parent / "suites"
DEFAULT_QMSUM = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "qmsum" / "val"


def resolve_suite(name: str, data: Path | None = None, limit: int | None = None) -> Suite:
    """A suite by name (`seed`, `qmsum`) or by path to a suite file; `NAME:SPLIT` (`shapes:held_out`)
    asks only the questions of that split."""
    if name == "qmsum":
        return qmsum_suite(data or DEFAULT_QMSUM, limit)
    name, _, split = name.partition(":")
    path = SUITES_DIR / f"{name}.json" if (SUITES_DIR / f"{name}.json").exists() else Path(name)
    if not path.exists():
        known = ", ".join(sorted(p.stem for p in SUITES_DIR.glob("*.json")))
        raise SuiteError(f"no suite named {name!r}; use qmsum, one of {known}, or a suite file path")
    return load_suite(path, split or None)


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
    writer: Backend | None = None,
) -> list[QueryResult]:
    """Run the suite on On Record (hybrid), with `writer` on its written answers beside it, and with
    `compare` on every mode and the naive baseline. A QMSum suite of several meetings is also asked
    of the whole library as users ask it (`onrecord-library`: its citation figures, and
    `cites_own_meeting`, the share of its answers citing the question's own meeting)."""
    parsed = list(parse_paths(list(suite.transcripts)))
    failures = [result.message for result in parsed if isinstance(result, Failure)]
    if failures:
        raise SuiteError(f"the suite {suite.name} has transcripts that cannot be read: {'; '.join(failures)}")
    transcripts = [t for t in parsed if not isinstance(t, Failure)]
    library.ingest(list(suite.transcripts))
    if on_ingested:
        on_ingested()
    retriever = library.retriever
    systems: list[System] = [OnRecord(retriever, "hybrid", library.turns)]
    if suite.name.startswith("qmsum") and len(transcripts) > 1:
        systems.append(LibraryAsked(library))  # each question asked of the whole library, as users ask it
    if writer is not None:
        systems.append(WrittenAnswers(retriever, library.turns, writer, library.settings.llm_timeout))
    if compare:
        systems += [
            # the previous release's answerer: hand-set weights and threshold, citing whole passages
            # retrieval as it was: reciprocal rank fusion, before the fitted fusion
            OnRecord(
                fused_by(retriever, False),
                "hybrid",
                name="onrecord-previous-release",
                model=PREVIOUS_RELEASE,
                coverage=False,
            ),
            OnRecord(fused_by(retriever, True), "hybrid", library.turns, name="onrecord-fitted-fusion"),
            # issue 11's answers: the same, without issue 38's coverage checks (answer.coverage)
            # (a retriever of its own: run after On Record on each question, it would find the
            # sentences' vectors cached, and look the faster for it)
            OnRecord(
                fused_by(retriever, retriever.tuning.learned_fusion),
                "hybrid",
                library.turns,
                name="onrecord-before-coverage",
                coverage=False,
            ),
            OnRecord(retriever, "dense", library.turns),
            OnRecord(retriever, "keyword", library.turns),
            NaiveLlamaIndex(transcripts, library.embedder),
            GoldSpanCeiling(transcripts),  # what quoting the gold turns' best sentences reaches
        ]
    words = {t.meeting_id: {turn.index: len(turn.clean_text.split()) for turn in t.turns} for t in transcripts}
    return run_suite(suite, systems, words, on_step)
