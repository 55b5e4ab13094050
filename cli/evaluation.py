"""`onrecord eval`: score retrieval, citations and answers on a suite, and write a report."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from cli.options import AnswererOption, BudgetOption, console, errors, reports_errors, settings_from
from eval.suites import suites

app = typer.Typer()


@dataclass(frozen=True)
class Asked:
    """What `onrecord eval` was asked, as the suites scored by commands of their own read it."""

    data: Path | None
    limit: int | None
    out: Path | None
    retrieval: bool
    data_dir: Path | None


# name → the command that scores a suite apart from the questions of eval.suites (their own figures)
APART: dict[str, Callable[[Asked], None]] = {}


def scored_apart(name: str) -> Callable[[Callable[[Asked], None]], Callable[[Asked], None]]:
    def add(run: Callable[[Asked], None]) -> Callable[[Asked], None]:
        APART[name] = run
        return run

    return add


@scored_apart("topics")
def _topics(asked: Asked) -> None:
    from cli.topics import evaluate_topics

    evaluate_topics(asked.data or Path("../shared/data/qmsum/val"), asked.limit, asked.out, asked.retrieval)


@scored_apart("verifier")
def _verifier(asked: Asked) -> None:
    from cli.verifier import VAL, evaluate_verifier

    evaluate_verifier(asked.data or VAL, asked.limit, asked.out)


@scored_apart("minutes")
def _minutes(asked: Asked) -> None:
    from cli.minutes import evaluate_minutes

    evaluate_minutes(asked.out, asked.data_dir)


@scored_apart("followups")
def _followups(asked: Asked) -> None:
    from eval.followups import evaluate_followups, summary_table, write_followups_report

    figures, rows = evaluate_followups(asked.data_dir)
    summary = write_followups_report(asked.out or Path("reports") / "followups", figures, rows)
    console.print("\n".join(summary_table(figures)), highlight=False)
    console.print(f"report: {summary}, results.json beside it", highlight=False)


@scored_apart("injection")
def _injection(asked: Asked) -> None:
    from eval.injection import evaluate_injection, summary_lines

    settings = settings_from(asked.data_dir or Path(".onrecord-eval") / "injection", None, None)
    for line in summary_lines(evaluate_injection(settings, asked.out or Path("reports") / "injection")):
        console.print(line, highlight=False)


@scored_apart("naming")
def _naming(asked: Asked) -> None:
    from eval.naming import evaluate_naming

    console.print(evaluate_naming(asked.out), highlight=False)


SUITE_NAMES = ", ".join([*suites(), *APART])


@app.command("eval")
@reports_errors
def evaluate_command(
    suite: Annotated[str, typer.Argument(help=f"{SUITE_NAMES}, or a suite file (see the README)")] = "seed",
    data: Annotated[Path | None, typer.Option(help="QMSum split folder for the qmsum suite")] = None,
    compare: Annotated[bool, typer.Option(help="also run dense, keyword and the naive LlamaIndex baseline")] = False,
    out: Annotated[Path | None, typer.Option(help="report folder (default reports/SUITE)")] = None,
    limit: Annotated[int | None, typer.Option(help="at most this many QMSum meetings")] = None,
    retrieval: Annotated[
        bool, typer.Option(help="topics: also QMSum retrieval with automatic topics beside the gold ones")
    ] = False,
    answerer: AnswererOption = "extractive",  # llm: its checked answers beside the extractive ones
    general: Annotated[
        bool, typer.Option(help="qmsum: the general queries (summaries) within their meeting, beside baselines")
    ] = False,
    budget: BudgetOption = None,
    data_dir: Annotated[
        Path | None, typer.Option("--data-dir", help="store to build or reuse (default .onrecord-eval/SUITE)")
    ] = None,
) -> None:
    """Score retrieval, citations and answers on a suite, and write a report. `eval topics --data
    SPLIT` scores automatic topics instead."""
    if _evaluated_apart(suite, data, limit, out, retrieval, general, data_dir):
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from answer.ask import AskOptions
    from eval.generated import backend_or_message
    from eval.report import write_report
    from eval.run import evaluate, systems_asked
    from eval.suites import resolve_suite
    from library import Library

    chosen = resolve_suite(suite, data, limit)
    settings = settings_from(data_dir or Path(".onrecord-eval") / chosen.name, None, None, chunk_budget=budget)
    library = Library(settings)
    AskOptions(answerer=answerer)  # an unknown answerer is refused here, before anything is indexed
    written = answerer == "llm" and backend_or_message(library) is not None
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=errors, transient=True) as progress:
        ingesting = progress.add_task(f"indexing {len(chosen.transcripts)} transcripts", total=None)
        total = len(chosen.questions) * systems_asked(chosen, compare, written)
        task = progress.add_task("questions", total=total, visible=False)

        def ingested() -> None:
            progress.update(ingesting, visible=False)
            progress.update(task, visible=True)

        results = evaluate(chosen, library, compare, ingested, lambda: progress.advance(task), written)
    note = {"chunk budget": settings.chunk_budget, "model": settings.embedding_id, "store": str(settings.data_dir)}
    if written:
        note["written answers (onrecord-llm)"] = (
            f"{settings.llm_model or settings.llm_url or settings.llm_path}; sentence_support is the share of the "
            "sentences it wrote that the passages they cite support (ALCE-style citation support, as checked by "
            "answer.written.verify); written_shown the share of answers where its text, not the extractive one, "
            "was shown"
        )
    folder = out or Path("reports") / chosen.name
    refusals = _library_refusals(chosen, library, compare) if chosen.name.startswith("qmsum") else {}
    summary = write_report(folder, chosen, results, note, refusals)
    _print_summary(chosen.name, summary)
    if refusals:
        _print_refusals(refusals)
    if chosen.name == "who":
        _print_who(folder, [result.to_dict() for result in results])
    console.print(
        f"report: {folder}/summary.md, results.json, recall_vs_budget.png, scores_by_domain.png", highlight=False
    )


def _print_who(folder: Path, results: list[dict]) -> None:
    """The who-suite's own figures (eval.who): who-questions answered with the right person, per part."""
    from eval.who import who_figures

    figures = who_figures(results)
    (folder / "who.json").write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
    shown = ("answered_right_person", "answered_right_speaker", "refused_unanswerable")
    table = Table("part", "right person", "right speaker", "unanswerable refused", title="Who-questions (who.json)")
    for part, row in figures.items():
        table.add_row(part, *[f"{_format_value(row[key])} of {row[f'{key}_of']}" for key in shown])
    _print_table(table)


def _evaluated_apart(suite, data, limit, out, retrieval: bool, general: bool, data_dir) -> bool:
    """The suites scored by commands of their own (APART, and QMSum's general queries)."""
    if suite == "qmsum" and general:
        from cli.minutes import evaluate_general_queries

        evaluate_general_queries(data, limit, out, data_dir)
    elif suite in APART:
        APART[suite](Asked(data, limit, out, retrieval, data_dir))
    else:
        return False
    return True


def _library_refusals(chosen, library, compare: bool) -> dict[str, dict]:
    """Each question asked within its meeting, of the whole library and without its meeting or series."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from eval.asked import library_abstention
    from eval.previous import before_coverage, previous_release

    # name: how a passage's question is answered (None: as users get it); issue 11's answers are
    # the same without the coverage checks
    needles = {
        "onrecord-hybrid": None,
        **(
            {"onrecord-before-coverage": before_coverage, "onrecord-previous-release": previous_release}
            if compare
            else {}
        ),
    }
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    refusals = {}
    with Progress(*columns, console=errors, transient=True) as progress:
        for name, needle in needles.items():
            task = progress.add_task(f"library-level refusals: {name}", total=len(chosen.questions))
            step = lambda task=task: progress.advance(task)  # noqa: E731
            refusals[name] = library_abstention(chosen, library, needle, step)
    return refusals


def _print_refusals(refusals: dict[str, dict]) -> None:
    table = Table(
        "system",
        "domain",
        "refused in its meeting",
        "refused in the library",
        "refused without it",
        "without its domain",
        "without its gold span",
    )
    table.title = "Library-level refusals (hard negatives: without the meeting, or a product series without its series)"
    for system, rows in refusals.items():
        for domain, row in rows.items():
            cells = [row.get(key) for key in REFUSAL_COLUMNS]
            table.add_row(system.removeprefix("onrecord-"), domain, *[_format_value(cell) for cell in cells])
    _print_table(table)


REFUSAL_COLUMNS = (
    "false_refusal_in_meeting",
    "false_refusal_in_library",
    "refused_without",
    "refused_without_domain",
    "refused_without_span",
)


SHORT_COLUMNS = {
    "Hit@5": "Hit@5",
    "MRR@10": "MRR",
    "words_per_passage": "w/psg",
    "gold_within_200w": "≤200w",
    "turn_recall@2000w": "R@2kw",
    "any_correct_citation": "cited ok",
    "speaker_attribution": "speaker",
    "ROUGE-1": "R-1",
    "cites_own_meeting": "own mtg",
    "sentence_support": "supported",
    "written_shown": "written",
    "abstention_accuracy": "abstain",
    "false_refusal": "refused",
    "median_ms": "ms",
    "errors": "errors",
}


def _print_summary(name: str, summary: dict) -> None:
    shown = [c for c in SHORT_COLUMNS if any(row.get(c) is not None for row in summary.values())]
    columns = [c for c in shown if c != "errors" or any(row.get(c) for row in summary.values())]  # errors if any
    table = Table("system", *[SHORT_COLUMNS[c] for c in columns], title=f"Evaluation: {name} (all metrics: summary.md)")
    for system, row in summary.items():
        table.add_row(system.removeprefix("onrecord-"), *[_format_value(row.get(c)) for c in columns])
    _print_table(table)


def _print_table(table: Table) -> None:
    """A table at its own width when the output is a file or a pipe (rich would cut it at 80
    columns there); at the terminal's width on a terminal."""
    if console.is_terminal:
        console.print(table)
        return
    width = console.width
    console.width = 400  # rich's print(width=) cannot go past the console's own width
    try:
        console.print(table)
    finally:
        console.width = width


def _format_value(value: object) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.0f}" if value > 5 else f"{value:.3f}"
    return str(value)
