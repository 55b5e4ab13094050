"""`onrecord fit-reader`: fine-tune the reader (a cross-encoder from the bundled model) on QMSum train
and write answer/reader.onnx, or with --check refit and compare its figures with the committed file's."""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path
from typing import Annotated

import typer

from cli.options import TRAIN, console, errors, refuse_val, reports_errors

app = typer.Typer()
TOLERANCE = 0.01  # figures of a refit within this of the file's count as reproduced


@app.command("fit-reader")
@reports_errors
def fit_reader_command(
    data: Annotated[Path, typer.Option(help="QMSum split to fit on (never val: it is for reporting)")] = TRAIN,
    out: Annotated[Path | None, typer.Option(help="model file [default answer/reader.onnx]")] = None,
    limit: Annotated[int | None, typer.Option(help="only the first this many meetings")] = None,
    check: Annotated[bool, typer.Option(help="refit and compare figures with the file instead of writing it")] = False,
) -> None:
    """Fine-tune the reader on question-sentence and question-passage pairs (about 20 minutes on one core)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from answer.reader import READER_FILE, Reader
    from eval.reader import training_pairs
    from eval.reader_fit import export, split_pairs, train

    refuse_val(data)
    target = out or READER_FILE
    started = time.monotonic()
    pairs = training_pairs(data, limit)
    fitting, check_slice = split_pairs(pairs)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=errors, transient=True) as progress:
        task = progress.add_task(f"training on {len(fitting)} pairs", total=None)
        model, _ = train(fitting, lambda: progress.advance(task))
    with tempfile.TemporaryDirectory(prefix="onrecord-reader-") as scratch:
        written = target if not check else Path(scratch) / "reader.onnx"
        figures = export(model, written, check_slice)
        minutes = (time.monotonic() - started) / 60
        summary = f"{json.dumps(figures)}; {len(fitting)} pairs, {minutes:.1f} min"
        if not check:
            size = written.stat().st_size / 1e6
            console.print(f"wrote {written} ({size:.1f} MB): {summary}", highlight=False)
            return
        committed = Reader(target).figures if target.exists() else {}
        gaps = [abs(figures[name] - committed.get(name, float("inf"))) for name in ("auc", "top_is_answer")]
        same = max(gaps) <= TOLERANCE
        verdict = "reproduced" if same else "differs from this fit"
        console.print(f"{target}: {verdict} (largest difference {max(gaps):.3g}): {summary}", highlight=False)
        if not same:
            raise typer.Exit(1)
