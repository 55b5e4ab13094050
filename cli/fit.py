"""`onrecord fit NAME`: the fitting commands in one group. `fit answer` fits the answer model and `fit fusion`
the hybrid retrieval's fusion on QMSum train, each writing (or checking) its coefficients file."""

from __future__ import annotations

import json
import math
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from cli.options import TRAIN, console, errors, refuse_val, reports_errors, settings_from

app = typer.Typer()
# `onrecord fit NAME`: each model's fit registers itself here, next to its code (cli.topics, cli.minutes...).
fits = typer.Typer(
    help="Fit a model on its training data (QMSum train, or the minutes' tuning part) and write or check its file.",
    no_args_is_help=True,
)
app.add_typer(fits, name="fit")
SplitOption = Annotated[Path, typer.Option(help="QMSum split to fit on (never val: it is for reporting)")]
LimitOption = Annotated[int | None, typer.Option(help="at most this many meetings, spread over the split")]
CheckOption = Annotated[bool, typer.Option(help="refit and compare with the file instead of writing it")]
StoreOption = Annotated[
    Path | None, typer.Option("--data-dir", help="store to build or reuse [default .onrecord-eval/qmsum-SPLIT]")
]
TOLERANCE = 2e-3  # a refit reproduces the file when no number differs by more (see AnswerModel.difference)


@fits.command("answer")
@reports_errors
def fit_command(
    data: SplitOption = TRAIN,
    out: Annotated[Path | None, typer.Option(help="coefficients file [default: answer/extractive/]")] = None,
    limit: LimitOption = None,
    check: CheckOption = False,
    data_dir: StoreOption = None,
) -> None:
    """Fit which sentences answer, whether the library answers, the sentence bar and the refusal threshold."""
    from answer.extractive.scorer import MODEL_FILE, load_model
    from eval.fit import collect, fit

    suite, library = _split_library(data, limit, data_dir)
    with _indexing(suite, library) as progress:
        task = progress.add_task("questions asked every way", total=len(suite.questions))
        examples = collect(suite, library, lambda: progress.advance(task))
        task = progress.add_task("sentences the rerank sees, embedded", total=len(examples))
        model = fit(examples, described_for(data, suite, examples, limit), lambda: progress.advance(task))
    target = out or MODEL_FILE
    gate = "kept" if model.kind_gate else "left off"
    written = (
        f"sentence bar {model.sentence_bar:.2f}, refuse below {model.abstain_below:.3f}, factoid rule {gate} "
        f"(it refuses {model.kind_gate_false_refusals:.2%} more answerable askings) ({model.fitted_on})"
    )
    checked_or_written(
        target,
        check,
        lambda: load_model(target).difference(model),
        model.to_dict(),
        lambda: model.save(target),
        written,
    )


def checked_or_written(target: Path, check: bool, difference, fitted: dict, save, written: str) -> None:
    """With `check`, whether the file at `target` is what this fit gives (`difference()`: the largest
    number that differs; exit 1, printing the fit, when above TOLERANCE); else the file saved."""
    if not check:
        save()
        console.print(f"wrote {target}: {written}", highlight=False)
        return
    gap = difference() if target.exists() else math.inf
    same = gap <= TOLERANCE
    verdict = "reproduced" if same else "differs from this fit"
    console.print(f"{target}: {verdict} (largest difference {gap:.2g})", highlight=False)
    if not same:
        console.print(json.dumps(fitted, indent=1), highlight=False)
        raise typer.Exit(1)


def described_for(data: Path, suite, examples: list, limit: int | None) -> str:
    limited = f" --limit {limit}" if limit else ""
    return (
        f"QMSum {data.name}: {len(suite.questions)} specific queries over {len(suite.transcripts)} meetings, "
        f"asked {len(examples)} ways in all; by `onrecord fit answer --data {data.as_posix()}{limited}`"
    )


@fits.command("fusion")
@reports_errors
def fit_fusion_command(
    data: SplitOption = TRAIN,
    out: Annotated[Path | None, typer.Option(help="coefficients file [default index/fusion_model.json]")] = None,
    limit: LimitOption = None,
    check: CheckOption = False,
    data_dir: StoreOption = None,
) -> None:
    """Fit how hybrid retrieval orders its candidates: dense, keyword, speaker and neighbour signals."""
    from eval.fusion import difference, fit_fusion, fusion_examples
    from index.fusion import FUSION_FILE

    suite, library = _split_library(data, limit, data_dir)
    with _indexing(suite, library) as progress:
        task = progress.add_task("questions", total=len(suite.questions))
        rows, labels = fusion_examples(suite, library.retriever, lambda: progress.advance(task))
    limited = f" --limit {limit}" if limit else ""
    described = (
        f"QMSum {data.name}: {len(rows)} candidate chunks of {len(suite.questions)} specific queries over "
        f"{len(suite.transcripts)} meetings; by `onrecord fit fusion --data {data.as_posix()}{limited}`"
    )
    fitted = fit_fusion(rows, labels, described)
    target = out or FUSION_FILE

    def save() -> None:
        target.write_text(json.dumps(fitted, indent=1) + "\n", encoding="utf-8")

    checked_or_written(target, check, lambda: difference(target, fitted), fitted, save, described)


def _split_library(data: Path, limit: int | None, data_dir: Path | None):
    """A QMSum split (never val) and the library its fit reads, by default .onrecord-eval/qmsum-SPLIT."""
    from eval.suites import qmsum_suite
    from library import Library

    refuse_val(data)
    suite = qmsum_suite(data, limit)
    return suite, Library(settings_from(data_dir or Path(".onrecord-eval") / suite.name, None, None))


@contextmanager
def _indexing(suite, library):
    """Progress bars, the first while the split's transcripts are indexed (unchanged ones skipped)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=errors, transient=True) as progress:
        indexing = progress.add_task(f"indexing {len(suite.transcripts)} transcripts", total=None)
        library.ingest(list(suite.transcripts))
        progress.update(indexing, visible=False)
        yield progress
