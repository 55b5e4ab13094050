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
bench_app = typer.Typer(help="Benchmarks that print figures: all of them, or one (see the commands).")
app.add_typer(bench_app, name="bench")
console = Console()
errors = Console(stderr=True)

FormatOption = Annotated[
    str | None,
    typer.Option("--format", "-f", help=f"force a format: {', '.join(FORMATS)}", show_default=False),
]
BudgetOption = Annotated[int | None, typer.Option(help="word pieces per chunk", show_default=False)]
DataDirOption = Annotated[
    Path | None,
    typer.Option(
        "--data-dir", help="embedded store directory [env ONRECORD_DATA_DIR; default .onrecord]", show_default=False
    ),
]
HostOption = Annotated[
    str | None,
    typer.Option("--chroma-host", help="a `chroma run` server [env ONRECORD_CHROMA_HOST]", show_default=False),
]
PortOption = Annotated[
    int | None,
    typer.Option("--chroma-port", help="its port [env ONRECORD_CHROMA_PORT; default 8000]", show_default=False),
]
JsonOption = Annotated[bool, typer.Option("--json", help="print JSON")]


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

    from index.api import load_embedder, open_store, word_counter
    from index.writer import ingest_paths, write_lock
    from ingest.parsing import transcript_files

    settings = _settings(data_dir, chroma_host, chroma_port, chunk_budget=budget)
    files = list(transcript_files(paths))
    if not files:
        raise OnRecordError(f"no transcript files found in {', '.join(map(str, paths))}; give files or folders")
    with write_lock(settings.data_dir):
        store = open_store(settings)
        embedder = load_embedder(settings)
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, console=errors, transient=True) as progress:
            file_task = progress.add_task("files", total=len(files))
            chunk_task = progress.add_task("chunks embedded", total=None)

            def show(result) -> None:
                progress.advance(file_task)
                line = _result_line(result)
                progress.console.print(line, highlight=False, markup=False, soft_wrap=True)

            results = ingest_paths(
                files,
                store,
                embedder,
                word_counter(settings).count,
                settings.chunk_budget,
                settings.embedding_id,
                fmt,
                on_result=show,
                on_embedded=lambda n: progress.advance(chunk_task, n),
            )
        if any(result.status in ("added", "updated") for result in results):
            _update_snapshot(settings, store)
    counts = Counter(result.status for result in results)
    console.print(
        ", ".join(
            f"{counts[status]} {status}" for status in ("added", "updated", "unchanged", "failed") if counts[status]
        )
        + f"; {store.count()} chunks in the index",
        highlight=False,
    )
    _report_failures([result for result in results if result.status == "failed"])


def _result_line(result) -> str:
    if result.status == "failed":
        return f"failed     {result.message}"
    detail = f"{result.turns} turns, {result.chunks} chunks"
    if result.status != "unchanged":
        detail += f", {result.embedded} embedded" + (f", {result.removed} removed" if result.removed else "")
    return f"{result.status:<10} {result.meeting_id}: {detail}"


@app.command("list")
@reports_errors
def list_meetings(
    as_json: JsonOption = False,
    data_dir: DataDirOption = None,
    chroma_host: HostOption = None,
    chroma_port: PortOption = None,
) -> None:
    """Show the meetings in the index with their turn and chunk counts."""
    from index.api import open_store
    from index.store import COMPLETE

    records = open_store(_settings(data_dir, chroma_host, chroma_port)).meetings()
    if as_json:
        payload = [{**record.meeting.to_dict(), "status": record.status} for record in records]
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
        return
    if not records:
        console.print("The index is empty: ingest something first: onrecord ingest PATH")
        return
    table = Table(title="Meetings")
    table.add_column("meeting", no_wrap=True)
    for column in ("title", "date", "format", "turns", "chunks", "speakers"):
        table.add_column(column)
    for record in records:
        meeting = record.meeting
        status = "" if record.status == COMPLETE else " (incomplete: ingest it again)"
        table.add_row(
            meeting.meeting_id + status,
            meeting.title,
            str(meeting.date or ""),
            meeting.format,
            str(meeting.turn_count),
            str(meeting.chunk_count),
            str(len(meeting.speakers)),
        )
    console.print(table)


@app.command()
@reports_errors
def remove(
    meeting: Annotated[str, typer.Argument(help="the meeting id, as `onrecord list` shows it")],
    data_dir: DataDirOption = None,
    chroma_host: HostOption = None,
    chroma_port: PortOption = None,
) -> None:
    """Delete a meeting and its chunks from the index."""
    from index.api import open_store
    from index.writer import remove_meeting, write_lock

    settings = _settings(data_dir, chroma_host, chroma_port)
    with write_lock(settings.data_dir):
        store = open_store(settings)
        removed = remove_meeting(store, meeting)
        _update_snapshot(settings, store)
    console.print(f"removed {meeting}: {removed} chunks", highlight=False)


def _update_snapshot(settings, store) -> None:
    """Bring the catalog snapshot up to date now, so that the next start of the app or of a
    question does not pay for it (only the meetings that changed are read)."""
    from index.api import load_catalog

    with errors.status("updating the catalog snapshot..."):
        load_catalog(settings, store)


ModeOption = Annotated[str, typer.Option("--mode", help="hybrid, dense or keyword")]
KOption = Annotated[int | None, typer.Option("--k", "-k", help="passages to retrieve", show_default=False)]
MeetingOption = Annotated[str | None, typer.Option("--meeting", help="only this meeting id", show_default=False)]
SpeakerOption = Annotated[
    str | None, typer.Option("--speaker", help="only passages with this speaker", show_default=False)
]
TopicOption = Annotated[str | None, typer.Option("--topic", help="only passages under this topic", show_default=False)]
FromOption = Annotated[str | None, typer.Option("--from", help="meetings on or after YYYY-MM-DD", show_default=False)]
ToOption = Annotated[str | None, typer.Option("--to", help="meetings on or before YYYY-MM-DD", show_default=False)]
BatchOption = Annotated[
    Path | None,
    typer.Option("--batch", help='JSON lines: {"query": ..., "meeting": ..., "speaker": ..., "topic": ..., "k": ...}'),
]


@app.command()
@reports_errors
def search(
    query: Annotated[str | None, typer.Argument(help="what to look for")] = None,
    meeting: MeetingOption = None,
    speaker: SpeakerOption = None,
    topic: TopicOption = None,
    date_from: FromOption = None,
    date_to: ToOption = None,
    mode: ModeOption = "hybrid",
    k: KOption = None,
    batch: BatchOption = None,
    as_json: JsonOption = False,
    data_dir: DataDirOption = None,
    chroma_host: HostOption = None,
    chroma_port: PortOption = None,
) -> None:
    """Ranked passages for a query, no answer."""
    from index.api import open_retriever

    retriever = open_retriever(_settings(data_dir, chroma_host, chroma_port))

    def run(request: dict) -> dict:
        hits = retriever.retrieve(
            request["query"], request.get("k") or 10, _filters(request), request.get("mode") or mode
        )
        return {"query": request["query"], "hits": [hit.to_dict() for hit in hits]}

    request = dict(
        query=query, meeting=meeting, speaker=speaker, topic=topic, date_from=date_from, date_to=date_to, k=k
    )
    _respond(request, batch, as_json, run, lambda result: _print_hits(result["hits"]))


@app.command()
@reports_errors
def ask(
    question: Annotated[str | None, typer.Argument(help="a question in plain language")] = None,
    meeting: MeetingOption = None,
    speaker: SpeakerOption = None,
    topic: TopicOption = None,
    date_from: FromOption = None,
    date_to: ToOption = None,
    mode: ModeOption = "hybrid",
    k: KOption = None,
    batch: BatchOption = None,
    as_json: JsonOption = False,
    data_dir: DataDirOption = None,
    chroma_host: HostOption = None,
    chroma_port: PortOption = None,
) -> None:
    """Answer a question from the transcripts, citing the passages behind every sentence."""
    from index.api import AskOptions, open_retriever
    from index.api import ask as ask_question

    retriever = open_retriever(_settings(data_dir, chroma_host, chroma_port))

    def run(request: dict) -> dict:
        options = AskOptions(k=request.get("k") or 8, mode=request.get("mode") or mode, filters=_filters(request))
        return ask_question(retriever, request["query"], options).to_dict()

    request = dict(
        query=question, meeting=meeting, speaker=speaker, topic=topic, date_from=date_from, date_to=date_to, k=k
    )
    _respond(request, batch, as_json, run, _print_answer)


def _respond(request: dict, batch: Path | None, as_json: bool, run: Callable[[dict], dict], show) -> None:
    """One request from the options, or every line of a batch file; printed as JSON or for reading."""
    if batch is not None:
        _run_batch(batch, run)
        return
    result = run(_single(request))
    if as_json:
        sys.stdout.write(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
        return
    show(result)


def _settings(data_dir: Path | None, chroma_host: str | None, chroma_port: int | None, **more: Any):
    from index.api import offline
    from onrecord.settings import load_settings

    offline()
    return load_settings(data_dir=data_dir, chroma_host=chroma_host, chroma_port=chroma_port, **more)


def _single(request: dict) -> dict:
    if request["query"] is None:
        raise OnRecordError('give a question, e.g. onrecord ask "What was decided?", or --batch FILE')
    return request


def _filters(request: dict):
    from onrecord.models import Filters

    return Filters(
        meeting=request.get("meeting"),
        speaker=request.get("speaker"),
        topic=request.get("topic"),
        date_from=_day(request.get("date_from")),
        date_to=_day(request.get("date_to")),
    )


def _day(value: str | None):
    from datetime import date

    from onrecord.errors import QueryError

    if not value:
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError as error:
        raise QueryError(f"date {value!r} is not YYYY-MM-DD; write it like 2022-03-24") from error


def _run_batch(path: Path, run: Callable[[dict], dict]) -> None:
    """One JSON result per input line, in order; a bad line gets an error object and the rest go on."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise OnRecordError(f"cannot read the batch file {path}: {error}; give a UTF-8 JSON-lines file") from error
    failed = 0
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            request = json.loads(line)
            if not isinstance(request, dict) or not isinstance(request.get("query"), str):
                raise OnRecordError(f'{path}:{number}: each line needs a "query" string')
            result = run(request)
        except json.JSONDecodeError as error:
            failed += 1
            result = {"line": number, "error": f"{path}:{number}: invalid JSON ({error.msg})"}
        except OnRecordError as error:
            failed += 1
            result = {
                "line": number,
                "query": request.get("query") if isinstance(request, dict) else None,
                "error": str(error),
            }
        sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
        sys.stdout.flush()
    if failed:
        errors.print(f"[bold red]{failed} line(s) of {path} failed[/]; see their error fields")
        raise typer.Exit(1)


def _when(hit: dict) -> str:
    if hit.get("start") is None:
        return ""
    from onrecord.render import clock

    return f" at {clock(hit['start'])}"


def _source_line(hit: dict) -> str:
    speakers = ", ".join(hit["speakers"]) or "no speaker"
    topic = f" · {hit['topic']}" if hit.get("topic") else ""
    date = f" ({hit['date']})" if hit.get("date") else ""
    return f"{speakers} — {hit['title']}{date}{topic} · turns {hit['turn_start']}-{hit['turn_end']}{_when(hit)}"


def _print_hits(hits: list[dict]) -> None:
    from rich.text import Text

    if not hits:
        console.print("No passages match.")
    for hit in hits:
        console.print(Text(f"{hit['rank']}. [{hit['score']:.3f}] {_source_line(hit)}", style="bold"))
        console.print(Text(hit["text"]), Text(hit["url"] or "", style="blue") if hit.get("url") else "")
        console.print()


def _print_answer(result: dict) -> None:
    from rich.text import Text

    style = "yellow" if result["abstained"] else "bold"
    console.print(Text(result["answer"], style=style))
    console.print()
    for citation in result["citations"]:
        console.print(Text(f"[{citation['n']}] {_source_line(citation)}", style="bold"))
        console.print(Text(citation["text"]))
        if citation.get("url"):
            console.print(Text(citation["url"], style="blue"))
        console.print()


@app.command()
@reports_errors
def serve(
    host: Annotated[str | None, typer.Option(help="interface to listen on [default 127.0.0.1]")] = None,
    port: Annotated[int | None, typer.Option(help="port [default 7860]")] = None,
    data_dir: DataDirOption = None,
    chroma_host: HostOption = None,
    chroma_port: PortOption = None,
) -> None:
    """Serve the web app (ingesting the sample transcripts into a new, empty library)."""
    from app import serve as serve_app

    serve_app(_settings(data_dir, chroma_host, chroma_port, host=host, port=port))


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
    from index.api import load_embedder, word_counter

    chosen = resolve_suite(suite, data, limit)
    settings = _settings(data_dir or Path(".onrecord-eval") / chosen.name, None, None, chunk_budget=budget)
    embedder = load_embedder(settings)
    systems = 4 if compare else 1
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=errors, transient=True) as progress:
        ingesting = progress.add_task(f"indexing {len(chosen.transcripts)} transcripts", total=None)
        task = progress.add_task("questions", total=len(chosen.questions) * systems, visible=False)

        def ingested() -> None:
            progress.update(ingesting, visible=False)
            progress.update(task, visible=True)

        results = evaluate(
            chosen, settings, embedder, word_counter(settings), compare, ingested, lambda: progress.advance(task)
        )
    note = {"chunk budget": settings.chunk_budget, "model": settings.embedding_id, "store": str(settings.data_dir)}
    folder = out or Path("reports") / chosen.name
    summary = write_report(folder, chosen, results, note)
    _print_summary(chosen.name, summary)
    if calibrate:
        _print_calibration(chosen, settings, embedder)
    console.print(
        f"report: {folder}/summary.md, results.json, recall_vs_budget.png, scores_by_domain.png", highlight=False
    )


def _print_calibration(chosen, settings, embedder) -> None:
    from eval.calibrate import calibrate
    from index.answer import ABSTAIN_BELOW
    from index.api import open_retriever

    rows = calibrate(chosen, open_retriever(settings, embedder))
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
    "turn_recall@2000w": "R@2kw",
    "any_correct_citation": "cited ok",
    "speaker_attribution": "speaker",
    "ROUGE-1": "R-1",
    "abstention_accuracy": "abstain",
    "false_refusal": "refused",
    "median_ms": "ms",
}


def _print_summary(name: str, summary: dict) -> None:
    columns = [c for c in SHORT_COLUMNS if any(row.get(c) is not None for row in summary.values())]
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


ROOT = Path(__file__).resolve().parent.parent
SEED_SUITE = ROOT / "eval" / "suites" / "seed.json"


@bench_app.command("ingest")
@reports_errors
def bench_ingest_command(
    paths: Annotated[list[Path], typer.Argument(help="transcripts to ingest, e.g. ../shared/data/qmsum/val")],
    limit: Annotated[int | None, typer.Option(help="at most this many files")] = None,
    budget: BudgetOption = None,
) -> None:
    """Ingest into a fresh store, against plain SentenceTransformer.encode on the same chunk texts."""
    import tempfile

    from eval.bench import bench_ingest
    from index.api import load_embedder, word_counter
    from ingest.parsing import transcript_files

    files = list(transcript_files(paths))[:limit]
    with tempfile.TemporaryDirectory(prefix="onrecord-bench-") as scratch:
        settings = _settings(Path(scratch), None, None, chunk_budget=budget)
        with errors.status(f"ingesting {len(files)} files and encoding their chunks..."):
            figures = bench_ingest(files, settings, load_embedder(settings), word_counter(settings))
    table = Table(
        "meetings",
        "chunks",
        "parse+chunk s",
        "embed s",
        "store s",
        "keyword s",
        "ingest s",
        "encode s",
        "ratio",
        title="Ingest against plain encode",
    )
    table.add_row(
        str(figures.meetings),
        str(figures.chunks),
        f"{figures.parse_chunk_s:.2f}",
        f"{figures.embed_s:.2f}",
        f"{figures.store_s:.2f}",
        f"{figures.keyword_s:.2f}",
        f"{figures.total_s:.2f}",
        f"{figures.baseline_encode_s:.2f}",
        f"{figures.ratio:.2f}x",
    )
    console.print(table)
    console.print(
        f"{figures.chunks / figures.total_s:.1f} chunks/s ingested; {figures.chunks / figures.baseline_encode_s:.1f} "
        f"chunks/s plain encode; beyond embedding: {figures.beyond_embedding:.0%} of ingest time",
        highlight=False,
    )


@bench_app.command("ask")
@reports_errors
def bench_ask_command(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="transcripts to ingest first (skipped when unchanged)")
    ] = None,
    repeat: Annotated[int, typer.Option(help="passes over the questions")] = 3,
    data_dir: DataDirOption = None,
) -> None:
    """Warm latency of retrieval and of a full hybrid ask over the seed questions and QMSum queries."""
    from eval.bench import bench_queries
    from eval.harness import qmsum_queries
    from index.api import load_embedder, open_store, word_counter
    from index.writer import ingest_paths, write_lock

    settings = _settings(data_dir or Path(".onrecord-bench"), None, None)
    embedder = load_embedder(settings)
    if paths:
        with write_lock(settings.data_dir), errors.status("ingesting (unchanged files are skipped)..."):
            ingest_paths(
                paths,
                open_store(settings),
                embedder,
                word_counter(settings).count,
                settings.chunk_budget,
                settings.embedding_id,
            )
    questions = [item["question"] for item in json.loads(SEED_SUITE.read_text())["questions"]]
    questions += qmsum_queries(paths or [])
    figures = bench_queries(settings, embedder, questions, repeat)
    table = Table(
        "chunks",
        "questions",
        "retrieve median ms",
        "retrieve p95 ms",
        "ask median ms",
        "ask p95 ms",
        title="Warm query latency (hybrid)",
    )
    retrieve, asked = figures.summary(figures.retrieve_ms), figures.summary(figures.ask_ms)
    table.add_row(
        str(figures.chunks),
        str(len(figures.ask_ms)),
        f"{retrieve[0]:.1f}",
        f"{retrieve[1]:.1f}",
        f"{asked[0]:.1f}",
        f"{asked[1]:.1f}",
    )
    console.print(table)


@bench_app.command("startup")
@reports_errors
def bench_startup_command(
    data_dir: Annotated[Path, typer.Option("--data-dir", help="a library built before, e.g. by make run")] = Path(
        ".onrecord"
    ),
    runs: Annotated[int, typer.Option(help="starts to time")] = 3,
) -> None:
    """From `onrecord serve` starting to the page served and to its first answer (library already built)."""
    from eval.bench import SAMPLE_QUESTIONS, bench_startup

    if not (data_dir / "chroma").exists():
        raise OnRecordError(f"no library in {data_dir}; build one first with `make run` or `onrecord ingest samples`")
    figures = [bench_startup(data_dir, SAMPLE_QUESTIONS) for _ in range(runs)]
    table = Table("run", "page served s", "first answer s", "server peak RSS MiB", title="Start-up of onrecord serve")
    for number, start in enumerate(figures, 1):
        table.add_row(str(number), f"{start.page_s:.1f}", f"{start.answer_s:.1f}", f"{start.peak_rss_mib:,.0f}")
    console.print(table)


@bench_app.command("ui")
@reports_errors
def bench_ui_command(
    url: Annotated[str, typer.Option(help="a running app, e.g. from make run")] = "http://127.0.0.1:7860",
) -> None:
    """From pressing Ask to the answer shown, in headless Chromium, on the sample library."""
    from eval.bench import SAMPLE_QUESTIONS, bench_ui
    from eval.metrics import latency

    times = bench_ui(url, SAMPLE_QUESTIONS)
    figures = latency(times)
    console.print(
        f"Ask → answer shown, {len(times)} questions: median {figures['median_ms']:.0f} ms, "
        f"p95 {figures['p95_ms']:.0f} ms, max {max(times):.0f} ms",
        highlight=False,
    )


@bench_app.command("scale")
@reports_errors
def bench_scale_command(
    sizes: Annotated[str, typer.Option(help="library sizes in chunks, comma-separated")] = "1000,10000,100000",
    work_dir: Annotated[Path, typer.Option(help="where the libraries are built (and reused)")] = Path(
        ".onrecord-scale"
    ),
    qmsum: Annotated[Path, typer.Option(help="QMSum folder")] = Path("../shared/data/qmsum"),
    out: Annotated[Path, typer.Option(help="JSON and plot folder")] = Path("reports/bench"),
) -> None:
    """Query latency and peak memory at growing library sizes, with a plot."""
    from eval.harness import plot_latency, scale_rows

    out.mkdir(parents=True, exist_ok=True)
    rows = scale_rows(_sizes(sizes), work_dir, qmsum, out, _progress)
    (out / "scale.json").write_text(json.dumps(rows, indent=1))
    _print_scale(rows)
    plot_latency(rows, out / "latency_vs_size.png")


@bench_app.callback(invoke_without_command=True)
@reports_errors
def bench_all(
    context: typer.Context,
    sizes: Annotated[str, typer.Option(help="library sizes in chunks, comma-separated")] = "1000,10000,100000",
    ingest: Annotated[
        list[Path] | None, typer.Option(help="transcripts for the ingest figures (repeat the option)")
    ] = None,
    ingest_limit: Annotated[int, typer.Option(help="at most this many ingest files")] = 8,
    qmsum: Annotated[Path, typer.Option(help="QMSum folder")] = Path("../shared/data/qmsum"),
    work_dir: Annotated[Path, typer.Option(help="where the libraries are built (and reused)")] = Path(
        ".onrecord-scale"
    ),
    out: Annotated[Path, typer.Option(help="folder for bench.json, the plot and profiles")] = Path("reports/bench"),
    readme: Annotated[Path | None, typer.Option(help="README whose bench section is rewritten")] = Path("README.md"),
    startup_runs: Annotated[int, typer.Option(help="cold starts timed per library")] = 3,
) -> None:
    """Every benchmark in one run: ingest, query latency and memory by library size, cold start;
    checked against the targets and written to OUT/bench.json and the README's bench section."""
    if context.invoked_subcommand is not None:
        return
    import subprocess

    import httpx

    from eval.harness import Options, markdown, run, write_readme_section

    options = Options(
        ingest_paths=ingest or [Path("../shared/data/seed"), qmsum / "val"],
        ingest_limit=ingest_limit,
        qmsum=qmsum,
        sizes=_sizes(sizes),
        work_dir=work_dir,
        out=out,
        samples=ROOT / "samples",
        startup_runs=startup_runs,
    )
    try:
        report = run(options, _progress)
    except subprocess.CalledProcessError as error:
        last = (error.stderr or "").strip().splitlines()[-1:] or ["no message"]
        raise OnRecordError(f"a measuring process failed: {last[0]}") from error
    except (OSError, ValueError, RuntimeError, httpx.HTTPError) as error:
        raise OnRecordError(f"the benchmark could not run: {error}") from error
    _print_report(report)
    console.print(f"Figures written to {out / 'bench.json'}; plot {out / 'latency_vs_size.png'}", highlight=False)
    if readme is not None:
        if write_readme_section(readme, markdown(report), out / "latency_vs_size.png"):
            console.print(f"README section rewritten: {readme}", highlight=False)
        else:
            errors.print(f"{readme} has no <!-- bench:start --> / <!-- bench:end --> markers; left as it is")


def _progress(message: str) -> None:
    errors.print(f"[dim]{message}...[/]", highlight=False)


def _sizes(text: str) -> list[int]:
    try:
        sizes = [int(part.replace("_", "")) for part in text.split(",") if part.strip()]
    except ValueError as error:
        raise OnRecordError(
            f"sizes must be whole numbers separated by commas, e.g. 1000,10000; got {text!r}"
        ) from error
    if not sizes or min(sizes) < 1:
        raise OnRecordError(f"sizes must be positive chunk counts, e.g. 1000,10000; got {text!r}")
    return sizes


def _print_scale(rows: list[dict]) -> None:
    table = Table(
        "chunks",
        "vectors",
        "retrieve median/p95 ms",
        "ask median/p95 ms",
        "open, no snapshot s",
        "open + first answer s",
        "peak RSS MiB",
        title="Query speed by library size",
    )
    for row in rows:
        table.add_row(
            f"{row['chunks']:,}",
            row["vectors"],
            f"{row['retrieve_median_ms']:.0f} / {row['retrieve_p95_ms']:.0f}",
            f"{row['ask_median_ms']:.0f} / {row['ask_p95_ms']:.0f}",
            f"{row['first_open_s']:.1f}",
            f"{row['open_and_first_answer_s']:.1f}",
            f"{row['peak_rss_mib']:,.0f}",
        )
    console.print(table)


def _print_report(report: dict) -> None:
    ingest = report["ingest"]
    table = Table("chunks", "parse+chunk s", "embed s", "store s", "keyword s", "ingest s", "plain encode s", "ratio")
    table.title = f"Ingest ({report['backend']}) against plain SentenceTransformer.encode"
    table.add_row(
        f"{ingest['chunks']:,}",
        *[f"{ingest[key]:.2f}" for key in ("parse_chunk_s", "embed_s", "store_s", "keyword_s", "total_s")],
        f"{ingest['baseline_encode_s']:.2f}",
        f"{ingest['ratio']:.2f}x",
    )
    console.print(table)
    _print_scale(report["scale"])
    starts = Table(
        "library", "page served s", "first answer s", "server peak RSS MiB", title="Cold start of onrecord serve"
    )
    for start in report["startup"]:
        starts.add_row(
            start["library"],
            f"{start['page_s']:.1f}",
            f"{start['first_answer_s']:.1f}",
            f"{start['server_peak_rss_mib']:,.0f}",
        )
    console.print(starts)
    targets = Table("target", "goal", "measured", "", title="Targets")
    for target in report["targets"]:
        targets.add_row(
            target["name"], target["goal"], target["measured"], "met" if target["met"] else "[bold red]missed[/]"
        )
    console.print(targets)
    for profile in report.get("profiles", []):
        console.print(f"Profile of a missed target: {profile}", highlight=False)


def _report_failures(failures: list) -> None:
    if failures:
        errors.print(f"[bold red]{len(failures)} file(s) could not be read:[/]")
        for failure in failures:
            errors.print(f"  {failure.message}", highlight=False)
        raise typer.Exit(1)


def main() -> None:
    app()
