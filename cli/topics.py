"""`onrecord fit topics` and `onrecord eval topics`: fit automatic topics on QMSum train, and score
them (beside three baselines) on a split read without its topics."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from cli.fit import fits
from cli.options import (
    TRAIN,
    DataDirOption,
    HostOption,
    PortOption,
    console,
    errors,
    json_text,
    refuse_val,
    reports_errors,
    settings_from,
    shown,
)
from core.text import printable

app = typer.Typer()


def _prepared(data: Path, limit: int | None, excerpt: bool) -> list:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from eval.topics import cases, prepare
    from index.embedding import load_embedder
    from ingest.wordpieces import word_counter

    settings = settings_from(None, None, None)
    embedder, count = load_embedder(settings), word_counter(settings).count
    found = cases(data, limit)
    if not found:
        errors.print(f"no QMSum meetings (*.json) in {data}", highlight=False)
        raise typer.Exit(2)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=errors, transient=True) as progress:
        task = progress.add_task(f"meetings of {data.name} chunked and embedded", total=len(found))
        prepared = []
        for case in found:
            prepared.append(prepare(case, embedder, count, settings.chunk_budget, excerpt))
            progress.advance(task)
    return prepared


@fits.command("topics")
@reports_errors
def fit_topics_command(
    data: Annotated[Path, typer.Option(help="QMSum split to fit on (never val: it is for reporting)")] = TRAIN,
    out: Annotated[Path | None, typer.Option(help="settings file (default ingest/topic_model.json)")] = None,
    limit: Annotated[int | None, typer.Option(help="at most this many meetings, spread over the split")] = None,
) -> None:
    """Fit automatic topics' weights and prices: the setting with the lowest Pk on the split."""
    from eval.topics import GRID, fit
    from ingest.segmenting import MODEL_FILE

    refuse_val(data)
    prepared = _prepared(data, limit, excerpt=True)
    limited = f" --limit {limit}" if limit else ""
    described = (
        f"QMSum {data.name}, {len(prepared)} meetings; by `onrecord fit topics --data {data.as_posix()}{limited}`"
    )
    settings = math.prod(len(values) for values in GRID.values())
    model = fit(prepared, described)
    target = out or MODEL_FILE
    model.save(target)
    console.print(f"wrote {target} ({settings} settings tried): {json.dumps(model.to_dict())}", highlight=False)


RECALL = ("turn_recall@1000w", "turn_recall@2000w", "Hit@5", "MRR@10")


def evaluate_topics(data: Path, limit: int | None, out: Path | None, retrieval: bool = False) -> None:
    """`onrecord eval topics`: the report and a table; with `retrieval`, also QMSum retrieval over
    the split's gold topics and over automatic ones, in the same run."""
    from rich.table import Table

    from eval.topics import evaluate, markdown
    from ingest.segmenting import load_model

    prepared = _prepared(data, limit, excerpt=False)
    scores = evaluate(prepared, load_model())
    limited = f" --limit {limit}" if limit else ""
    command = f"onrecord eval topics --data {data.as_posix()}{limited}" + (" --retrieval" if retrieval else "")
    folder = out or Path("reports") / f"topics-{data.name}"
    folder.mkdir(parents=True, exist_ok=True)
    recall = _retrieval(data, limit) if retrieval else {}
    text = markdown(scores, data.name, len(prepared), command)
    if recall:
        text += "\n## Retrieval with automatic topics in place of the gold ones\n\n"
        text += "On Record hybrid on the QMSum suite of the split, stores built with ONRECORD_TOPICS=source "
        text += "and ONRECORD_TOPICS=auto.\n\n"
        text += "| topics | " + " | ".join(RECALL) + " |\n" + "|---" * (len(RECALL) + 1) + "|\n"
        for name, row in recall.items():
            text += f"| {name} | " + " | ".join(f"{row.get(key, 0):.3f}" for key in RECALL) + " |\n"
    (folder / "summary.md").write_text(text)
    (folder / "results.json").write_text(
        json.dumps({"command": command, "systems": [s.to_dict() for s in scores], "retrieval": recall}, indent=1) + "\n"
    )
    table = Table("system", "Pk", "WindowDiff", "segments", "gold", "label R-1", title=f"Topics: QMSum {data.name}")
    for s in scores:
        rouge = "–" if s.label_rouge1 is None else f"{s.label_rouge1:.3f}"
        table.add_row(
            s.name, f"{s.pk:.3f}", f"{s.windowdiff:.3f}", f"{s.segments:.2f}", f"{s.gold_segments:.2f}", rouge
        )
    console.print(table)
    if recall:
        compared = Table("topics", *RECALL, title="Retrieval (QMSum, hybrid)")
        for name, row in recall.items():
            compared.add_row(name, *[f"{row.get(key, 0):.3f}" for key in RECALL])
        console.print(compared)
    console.print(f"report: {folder}/summary.md, results.json", highlight=False)


def _retrieval(data: Path, limit: int | None) -> dict[str, dict]:
    """The QMSum suite's retrieval figures over a store with the gold topics and one with automatic topics."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from eval.run import evaluate
    from eval.runner import summarize
    from eval.suites import qmsum_suite
    from library import Library

    suite = qmsum_suite(data, limit)
    found = {}
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    for name, topics, folder in (
        ("gold (QMSum topic_list)", "source", suite.name),
        ("automatic", "auto", f"{suite.name}-auto-topics"),
    ):
        settings = settings_from(Path(".onrecord-eval") / folder, None, None, topics=topics)
        with Progress(*columns, console=errors, transient=True) as progress:
            task = progress.add_task(f"retrieval, {name} topics", total=len(suite.questions))
            results = evaluate(suite, Library(settings), on_step=lambda task=task: progress.advance(task))
        found[name] = next(iter(summarize(results).values()))
    return found


@app.command()
@reports_errors
def chapters(
    meeting: Annotated[str, typer.Argument(help="the meeting id, as `onrecord list` shows it")],
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
    fmt: Annotated[
        str | None, typer.Option("--format", help="vtt: a WebVTT chapters track; youtube: `00:00 Label` lines")
    ] = None,
    data_dir: DataDirOption = None,
    chroma_host: HostOption = None,
    chroma_port: PortOption = None,
) -> None:
    """A meeting's chapters: each topic's start, speakers, label and summary sentence."""
    import sys

    from rich.table import Table

    from core.text import clock
    from ingest.chapters import vtt_track, youtube_lines
    from library import Library

    writers = {"vtt": vtt_track, "youtube": youtube_lines}
    if fmt is not None and fmt not in writers:
        errors.print(f"unknown chapters format {fmt!r}; use --format vtt or --format youtube", highlight=False)
        raise typer.Exit(2)
    found, listed = Library(settings_from(data_dir, chroma_host, chroma_port)).chapters(meeting)
    if fmt:
        sys.stdout.write(printable(writers[fmt](listed, found.meeting_id)))
        return
    if as_json:
        payload = {"meeting_id": found.meeting_id, "title": found.title, "chapters": [c.to_dict() for c in listed]}
        sys.stdout.write(json_text(payload) + "\n")
        return
    heading = printable(f"{found.title} ({found.meeting_id})")
    table = Table("#", "time", "chapter", "speakers", "summary", title=Text(heading, style="italic"))
    for c in listed:
        label = shown(c.topic or "(no topic)")
        if c.source == "auto":
            label.append(" (auto)", style="dim")
        when = clock(c.start) or f"turn {c.turn_start}"
        table.add_row(str(c.n), when, label, shown(", ".join(c.speakers[:3])), shown(c.summary or ""))
    console.print(table)
