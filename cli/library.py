"""Commands over the library: inspect a file, ingest, list, remove."""

from __future__ import annotations

import statistics
import sys
from collections import Counter
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from cli.options import (
    BudgetOption,
    DataDirOption,
    FormatOption,
    HostOption,
    JsonOption,
    PortOption,
    console,
    errors,
    escaped_line,
    json_text,
    report_failures,
    reports_errors,
    settings_from,
    shown,
)
from core.errors import OnRecordError
from core.models import Meeting
from core.text import one_line, printable

app = typer.Typer()


@app.command()
@reports_errors
def inspect(
    path: Annotated[Path, typer.Argument(help="a transcript file")],
    fmt: FormatOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="dump meeting, turns and chunks as JSON")] = False,
    budget: BudgetOption = None,
) -> None:
    """Show how a transcript parses: speakers, topics, turns and chunks."""
    from core.settings import load_settings, offline
    from ingest.chunking import chunk_transcript
    from ingest.parsing import parse_file
    from ingest.segmenting import load_model, needs_topics
    from ingest.wordpieces import word_counter

    settings = load_settings(chunk_budget=budget)
    transcript = parse_file(path, fmt)
    counter = word_counter(settings)
    chunks = chunk_transcript(transcript, settings.chunk_budget, counter.count)
    if needs_topics(transcript):  # found as ingest finds them, with the model
        from index.embedding import load_embedder
        from index.writer import found_topics

        offline()
        embedder = load_embedder(settings)
        transcript, chunks, _ = found_topics(
            transcript, chunks, embedder, counter.count, settings.chunk_budget, load_model()
        )
    for warning in transcript.warnings:
        errors.print(Text.assemble(("warning:", "yellow"), " ", shown(warning)), soft_wrap=True)
    if as_json:
        payload = {
            "meeting": transcript.meeting_dict(),
            "turns": [turn.to_dict() for turn in transcript.turns],
            "chunks": [chunk.to_dict() for chunk in chunks],
        }
        sys.stdout.write(json_text(payload) + "\n")
        return
    meeting = transcript.meeting_dict()
    heading = Text(printable(transcript.title), style="bold")
    heading.append(printable(f"  ({transcript.meeting_id}, {meeting['date'] or 'no date'}, {transcript.format}, "))
    heading.append(f"{len(transcript.turns)} turns)")
    console.print(heading)
    speakers = Counter(turn.canonical_speaker or "(no speaker)" for turn in transcript.turns)
    table = Table("speaker", "turns", "as written", title="Speakers")
    written: dict[str, set[str]] = {}  # each name's spellings, gathered in one pass over the turns
    for turn in transcript.turns:
        if turn.speaker:
            written.setdefault(turn.canonical_speaker or "(no speaker)", set()).add(turn.speaker)
    for name, turns in speakers.most_common():
        spellings = "; ".join(w for w in sorted(written.get(name, ())) if w != name)[:80]
        table.add_row(shown(name), str(turns), shown(spellings))
    console.print(table)
    found = any(turn.topic_source == "auto" for turn in transcript.turns)
    topics = Table("topic", "turns", title="Topics (found automatically)" if found else "Topics")
    for topic, first, last in transcript.topics:
        topics.add_row(shown(topic or "(untitled)"), f"{first}-{last}")
    console.print(topics)
    sizes = [chunk.word_pieces for chunk in chunks]
    console.print(
        f"{len(chunks)} chunks; word pieces per chunk: min {min(sizes)}, median {statistics.median(sizes):.0f}, "
        f"max {max(sizes)} (budget {settings.chunk_budget})",
        highlight=False,
    )


@app.command()
@reports_errors
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="transcript files or folders")],
    fmt: FormatOption = None,
    budget: BudgetOption = None,
    data_dir: DataDirOption = None,
    chroma_host: HostOption = None,
    chroma_port: PortOption = None,
) -> None:
    """Add transcripts to the index. Unchanged files are skipped; changed files replace their meeting."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from ingest.parsing import find_transcripts
    from library import Library

    settings = settings_from(data_dir, chroma_host, chroma_port, chunk_budget=budget)
    found = find_transcripts(paths)
    skipped = found.skipped_note()
    if not found.files:
        named = ", ".join(map(str, paths)) + (f" ({skipped})" if skipped else "")
        raise OnRecordError(f"no transcript files found in {named}; give files or folders")
    if skipped:
        errors.print(Text(escaped_line(skipped)), soft_wrap=True)
    files = found.files
    library = Library(settings)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=errors, transient=True) as progress:
        file_task = progress.add_task("files", total=len(files))
        chunk_task = progress.add_task("chunks embedded", total=None)

        def show(result) -> None:
            progress.advance(file_task)
            progress.console.print(_result_line(result), highlight=False, markup=False, soft_wrap=True)

        results = library.ingest(files, fmt, on_result=show, on_embedded=lambda n: progress.advance(chunk_task, n))
    counts = Counter(result.status for result in results)
    console.print(
        ", ".join(
            f"{counts[status]} {status}" for status in ("added", "updated", "unchanged", "failed") if counts[status]
        )
        + f"; {library.store.count()} chunks in the index",
        highlight=False,
    )
    report_failures([result for result in results if result.status == "failed"])


def _result_line(result) -> str:
    """One line per file, whatever its name or message holds (a newline in it is shown as \\n), then a line
    for each notice of how it was read (an encoding guessed, stray bytes replaced)."""
    if result.status == "failed":
        return f"failed     {escaped_line(result.message)}"
    detail = f"{result.turns} turns, {result.chunks} chunks"
    if result.status != "unchanged":
        detail += f", {result.embedded} embedded" + (f", {result.removed} removed" if result.removed else "")
    notices = "".join(f"\n           note: {escaped_line(notice)}" for notice in result.notices)
    return f"{result.status:<10} {escaped_line(result.meeting_id)}: {detail}{notices}"


@app.command("list")
@reports_errors
def list_meetings(
    as_json: JsonOption = False,
    data_dir: DataDirOption = None,
    chroma_host: HostOption = None,
    chroma_port: PortOption = None,
) -> None:
    """Show the meetings in the index with their turn and chunk counts."""
    from library import Library

    records = Library(settings_from(data_dir, chroma_host, chroma_port)).records()
    if as_json:
        payload = [{**record.meeting.to_dict(), "status": record.status} for record in records]
        sys.stdout.write(json_text(payload) + "\n")
        return
    if not records:
        console.print("The index is empty: ingest something first: onrecord ingest PATH")
        return
    print_meetings([_meeting_cells(record) for record in records], console)


def _meeting_cells(record) -> list[str]:
    from index.store import COMPLETE

    status = "" if record.status == COMPLETE else " (incomplete: ingest it again)"
    meeting_id, *cells = record.meeting.listing()
    return [one_line(str(cell)) for cell in (meeting_id + status, *cells)]


def print_meetings(rows: list[list[str]], out: Console) -> None:
    """The meetings as plain tab-separated columns when the output is not a terminal; on a terminal, a
    table whose titles wrap, or where even that is too wide, a block of lines per meeting."""
    if not out.is_terminal:
        out.file.write("".join("\t".join(cells) + "\n" for cells in [list(Meeting.LISTING), *rows]))
        return
    widths = [max(len(header), *(len(cells[n]) for cells in rows)) for n, header in enumerate(Meeting.LISTING)]
    title = min(widths[1], 20)  # the title wraps; every other column is kept whole
    if sum(widths) - widths[1] + title + 3 * len(widths) + 1 <= out.width:
        table = Table(title="Meetings")
        for n, header in enumerate(Meeting.LISTING):
            table.add_column(header, no_wrap=n != 1, min_width=title if n == 1 else None)
        for cells in rows:
            table.add_row(*map(Text, cells))
        out.print(table)
        return
    for meeting, title_, date, fmt, turns, chunks, speakers, topics, model in rows:
        out.print(Text(" ".join(filter(None, (meeting, date, fmt))), style="bold"))
        counts = f"{turns} turns · {chunks} chunks · {speakers} speakers · topics {topics} · model {model}"
        out.print(Padding(Text(title_), (0, 0, 0, 2)), Padding(Text(counts, style="dim"), (0, 0, 0, 2)))


@app.command()
@reports_errors
def remove(
    meeting: Annotated[str, typer.Argument(help="the meeting id, as `onrecord list` shows it")],
    data_dir: DataDirOption = None,
    chroma_host: HostOption = None,
    chroma_port: PortOption = None,
) -> None:
    """Delete a meeting and its chunks from the index."""
    from library import Library

    removed = Library(settings_from(data_dir, chroma_host, chroma_port)).remove(meeting)
    console.print(shown(f"removed {meeting}: {removed} chunks"))


@app.command()
@reports_errors
def prepare() -> None:
    """Build the embedding model for ONNX Runtime once (`make install` runs this; nothing is downloaded)."""
    import time

    from core.settings import load_settings, model_path
    from index.onnx_embedding import onnx_model

    settings = load_settings()
    if settings.backend == "torch":
        console.print("ONRECORD_BACKEND=torch: nothing to prepare (the model runs on PyTorch)", highlight=False)
        return
    started = time.perf_counter()
    with errors.status("preparing the embedding model for ONNX Runtime (once)..."):
        path = onnx_model(
            model_path(settings.model), settings.model_cache.expanduser(), settings.backend == "onnx-int8"
        )
    console.print(
        f"embedding model ready for ONNX Runtime: {path} ({time.perf_counter() - started:.1f} s)", highlight=False
    )
