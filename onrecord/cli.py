"""The `onrecord` command line. Errors are caught once, here, and shown without a traceback."""

from __future__ import annotations

import json
import statistics
import sys
from collections import Counter
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from ingest.formats import FORMATS
from onrecord.errors import OnRecordError

app = typer.Typer(help="On Record: search and cited answers over meeting transcripts.", no_args_is_help=True)
bench_app = typer.Typer(help="Benchmarks that print figures.", no_args_is_help=True)
app.add_typer(bench_app, name="bench")
console = Console()
errors = Console(stderr=True)

FormatOption = Annotated[
    str | None,
    typer.Option("--format", "-f", help=f"force a format: {', '.join(FORMATS)}", show_default=False),
]
BudgetOption = Annotated[int | None, typer.Option(help="word pieces per chunk", show_default=False)]


def reports_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Show OnRecordError as a one-line message and exit 1, the same for every command."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except OnRecordError as error:
            errors.print(f"[bold red]error:[/] {error}", markup=True, highlight=False, soft_wrap=True)
            raise typer.Exit(1) from None

    return wrapper


@app.command()
@reports_errors
def inspect(
    path: Annotated[Path, typer.Argument(help="a transcript file")],
    fmt: FormatOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="dump meeting, turns and chunks as JSON")] = False,
    budget: BudgetOption = None,
) -> None:
    """Show how a transcript parses: speakers, topics, turns and chunks."""
    from ingest.chunking import chunk_transcript
    from ingest.parsing import parse_file
    from ingest.wordpieces import counter_for
    from onrecord.settings import load_settings, model_path

    settings = load_settings(chunk_budget=budget)
    transcript = parse_file(path, fmt)
    counter = counter_for(model_path(settings.model))
    chunks = chunk_transcript(transcript, settings.chunk_budget, counter.count)
    for warning in transcript.warnings:
        errors.print(f"[yellow]warning:[/] {warning}", highlight=False)
    if as_json:
        payload = {
            "meeting": transcript.meeting_dict(),
            "turns": [turn.to_dict() for turn in transcript.turns],
            "chunks": [chunk.to_dict() for chunk in chunks],
        }
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
        return
    meeting = transcript.meeting_dict()
    console.print(
        f"[bold]{transcript.title}[/]  ({transcript.meeting_id}, {meeting['date'] or 'no date'}, "
        f"{transcript.format}, {len(transcript.turns)} turns)",
        highlight=False,
    )
    speakers = Counter(turn.canonical_speaker or "(no speaker)" for turn in transcript.turns)
    table = Table("speaker", "turns", "as written", title="Speakers")
    for name, turns in speakers.most_common():
        written = sorted(
            {t.speaker for t in transcript.turns if (t.canonical_speaker or "(no speaker)") == name and t.speaker}
        )
        table.add_row(name, str(turns), "; ".join(w for w in written if w != name)[:80])
    console.print(table)
    topics = Table("topic", "turns", title="Topics")
    for topic, first, last in transcript.topics:
        topics.add_row(topic or "(untitled)", f"{first}-{last}")
    console.print(topics)
    sizes = [chunk.word_pieces for chunk in chunks]
    console.print(
        f"{len(chunks)} chunks; word pieces per chunk: min {min(sizes)}, median {statistics.median(sizes):.0f}, "
        f"max {max(sizes)} (budget {settings.chunk_budget})",
        highlight=False,
    )


@bench_app.command("parse")
@reports_errors
def bench_parse(
    paths: Annotated[list[Path], typer.Argument(help="files or folders, e.g. ../shared/data/qmsum")],
    budget: BudgetOption = None,
) -> None:
    """Time parsing and chunking of every transcript under PATHS."""
    import time

    from rich.progress import Progress

    from ingest.chunking import chunk_transcript
    from ingest.parsing import Failure, parse_paths, transcript_files
    from ingest.wordpieces import counter_for
    from onrecord.settings import load_settings, model_path

    settings = load_settings(chunk_budget=budget)
    counter = counter_for(model_path(settings.model))
    files = list(transcript_files(paths))
    parse_seconds = chunk_seconds = 0.0
    turns = chunks = 0
    failures: list[Failure] = []
    with Progress(console=errors, transient=True) as progress:
        task = progress.add_task("parsing and chunking", total=len(files))
        started = time.perf_counter()
        for result in parse_paths(files):
            parsed = time.perf_counter()
            parse_seconds += parsed - started
            if isinstance(result, Failure):
                failures.append(result)
            else:
                turns += len(result.turns)
                chunks += len(chunk_transcript(result, settings.chunk_budget, counter.count))
            started = time.perf_counter()
            chunk_seconds += started - parsed
            progress.advance(task)
    table = Table("files", "turns", "chunks", "parse s", "chunk s", "total s", title="Parse and chunk")
    table.add_row(
        str(len(files) - len(failures)),
        str(turns),
        str(chunks),
        f"{parse_seconds:.2f}",
        f"{chunk_seconds:.2f}",
        f"{parse_seconds + chunk_seconds:.2f}",
    )
    console.print(table)
    _report_failures(failures)


def _report_failures(failures: list) -> None:
    if failures:
        errors.print(f"[bold red]{len(failures)} file(s) could not be read:[/]")
        for failure in failures:
            errors.print(f"  {failure.message}", highlight=False)
        raise typer.Exit(1)


def main() -> None:
    app()
