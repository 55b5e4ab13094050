"""`onrecord fit`: fit the answer model on QMSum train and write (or check) its coefficients file."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Annotated

import typer

from cli.options import TRAIN, console, errors, refuse_val, reports_errors, settings_from

app = typer.Typer()
TOLERANCE = 2e-3  # a refit reproduces the file when no number differs by more (see AnswerModel.difference)


@app.command("fit")
@reports_errors
def fit_command(
    data: Annotated[Path, typer.Option(help="QMSum split to fit on (never val: it is for reporting)")] = TRAIN,
    out: Annotated[Path | None, typer.Option(help="coefficients file [default index/answer_model.json]")] = None,
    limit: Annotated[int | None, typer.Option(help="at most this many meetings, spread over the split")] = None,
    check: Annotated[bool, typer.Option(help="refit and compare with the file instead of writing it")] = False,
    data_dir: Annotated[
        Path | None, typer.Option("--data-dir", help="store to build or reuse [default .onrecord-eval/qmsum-SPLIT]")
    ] = None,
) -> None:
    """Fit which sentences answer, whether the library answers, the sentence bar and the refusal threshold."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from eval.fit import collect, fit
    from eval.suites import qmsum_suite
    from index.library import Library
    from index.scorer import MODEL_FILE, load_model

    refuse_val(data)
    suite = qmsum_suite(data, limit)
    settings = settings_from(data_dir or Path(".onrecord-eval") / suite.name, None, None)
    library = Library(settings)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=errors, transient=True) as progress:
        progress.add_task(f"indexing {len(suite.transcripts)} transcripts", total=None)
        library.ingest(list(suite.transcripts))
        task = progress.add_task("questions asked every way", total=len(suite.questions))
        examples = collect(suite, library, lambda: progress.advance(task))
        task = progress.add_task("sentences the rerank sees, embedded", total=len(examples))
        model = fit(examples, described_for(data, suite, examples, limit), lambda: progress.advance(task))
    described = model.fitted_on
    target = out or MODEL_FILE
    if check:
        difference = load_model(target).difference(model) if target.exists() else math.inf
        same = difference <= TOLERANCE
        verdict = "reproduced" if same else "differs from this fit"
        console.print(f"{target}: {verdict} (largest difference {difference:.2g})", highlight=False)
        if not same:
            console.print(json.dumps(model.to_dict(), indent=1), highlight=False)
            raise typer.Exit(1)
        return
    model.save(target)
    console.print(
        f"wrote {target}: sentence bar {model.sentence_bar:.2f}, refuse below {model.abstain_below:.3f} ({described})",
        highlight=False,
    )


def described_for(data: Path, suite, examples: list, limit: int | None) -> str:
    limited = f" --limit {limit}" if limit else ""
    return (
        f"QMSum {data.name}: {len(suite.questions)} specific queries over {len(suite.transcripts)} meetings, "
        f"asked {len(examples)} ways in all; by `onrecord fit --data {data.as_posix()}{limited}`"
    )
