"""`onrecord eval`: score retrieval, citations and answers on a suite, and write a report."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from cli.options import BudgetOption, console, errors, reports_errors, settings_from

app = typer.Typer()


@app.command("eval")
@reports_errors
def evaluate_command(
    suite: Annotated[str, typer.Argument(help="seed, qmsum, or a suite file (see the README)")] = "seed",
    data: Annotated[Path | None, typer.Option(help="QMSum split folder for the qmsum suite")] = None,
    compare: Annotated[bool, typer.Option(help="also run dense, keyword and the naive LlamaIndex baseline")] = False,
    calibrate: Annotated[
        bool, typer.Option(help="also print abstention thresholds: own meeting against another domain's")
    ] = False,
    out: Annotated[Path | None, typer.Option(help="report folder [default reports/SUITE]")] = None,
    limit: Annotated[int | None, typer.Option(help="at most this many QMSum meetings")] = None,
    budget: BudgetOption = None,
    data_dir: Annotated[
        Path | None, typer.Option("--data-dir", help="store to build or reuse [default .onrecord-eval/SUITE]")
    ] = None,
) -> None:
    """Score retrieval, citations and answers on a suite, and write a report."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from eval.report import write_report
    from eval.run import evaluate, resolve_suite
    from index.library import Library

    chosen = resolve_suite(suite, data, limit)
    settings = settings_from(data_dir or Path(".onrecord-eval") / chosen.name, None, None, chunk_budget=budget)
    library = Library(settings)
    systems = 6 if compare else 1  # hybrid; with --compare: passage citations, dense, keyword, naive, ceiling
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=errors, transient=True) as progress:
        ingesting = progress.add_task(f"indexing {len(chosen.transcripts)} transcripts", total=None)
        task = progress.add_task("questions", total=len(chosen.questions) * systems, visible=False)

        def ingested() -> None:
            progress.update(ingesting, visible=False)
            progress.update(task, visible=True)

        results = evaluate(chosen, library, compare, ingested, lambda: progress.advance(task))
    note = {"chunk budget": settings.chunk_budget, "model": settings.embedding_id, "store": str(settings.data_dir)}
    folder = out or Path("reports") / chosen.name
    summary = write_report(folder, chosen, results, note)
    _print_summary(chosen.name, summary)
    if calibrate:
        _print_calibration(chosen, library)
    console.print(
        f"report: {folder}/summary.md, results.json, recall_vs_budget.png, scores_by_domain.png", highlight=False
    )


def _print_calibration(chosen, library) -> None:
    from eval.calibrate import calibrate
    from index.answer import ABSTAIN_BELOW

    rows = calibrate(chosen, library.retriever)
    table = Table("evidence below", "false refusals", "abstains on another domain's meeting", "balanced accuracy")
    table.title = f"Abstention thresholds (default {ABSTAIN_BELOW})"
    for row in rows:
        table.add_row(
            f"{row.threshold:.2f}", f"{row.false_refusal:.3f}", f"{row.abstention:.3f}", f"{row.balanced:.3f}"
        )
    console.print(table)


SHORT_COLUMNS = {
    "Hit@5": "Hit@5",
    "MRR@10": "MRR",
    "words_per_passage": "w/psg",
    "gold_within_200w": "≤200w",
    "turn_recall@2000w": "R@2kw",
    "any_correct_citation": "cited ok",
    "speaker_attribution": "speaker",
    "ROUGE-1": "R-1",
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
    console.print(table)


def _format_value(value: object) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.0f}" if value > 5 else f"{value:.3f}"
    return str(value)
