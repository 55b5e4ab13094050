"""`onrecord bench`: benchmarks that print figures, all of them or one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from cli.options import BudgetOption, DataDirOption, console, errors, report_failures, reports_errors, settings_from
from core.errors import OnRecordError

app = typer.Typer(help="Benchmarks that print figures: all of them, or one (see the commands).")
ROOT = Path(__file__).resolve().parent.parent
SEED_SUITE = ROOT / "eval" / "suites" / "seed.json"


@app.command("parse")
@reports_errors
def bench_parse(
    paths: Annotated[list[Path], typer.Argument(help="files or folders, e.g. ../shared/data/qmsum")],
    budget: BudgetOption = None,
) -> None:
    """Time parsing and chunking of every transcript under PATHS."""
    import time

    from rich.progress import Progress

    from core.settings import load_settings, model_path
    from ingest.chunking import chunk_transcript
    from ingest.parsing import Failure, parse_paths, transcript_files
    from ingest.wordpieces import counter_for

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
    report_failures(failures)


@app.command("ingest")
@reports_errors
def bench_ingest_command(
    paths: Annotated[list[Path], typer.Argument(help="transcripts to ingest, e.g. ../shared/data/qmsum/val")],
    limit: Annotated[int | None, typer.Option(help="at most this many files")] = None,
    budget: BudgetOption = None,
) -> None:
    """Ingest into a fresh store, against plain SentenceTransformer.encode on the same chunk texts."""
    import tempfile

    from bench.measures import bench_ingest
    from index.embedding import load_embedder
    from ingest.parsing import transcript_files
    from ingest.wordpieces import word_counter

    files = list(transcript_files(paths))[:limit]
    with tempfile.TemporaryDirectory(prefix="onrecord-bench-") as scratch:
        settings = settings_from(Path(scratch), None, None, chunk_budget=budget)
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
    if figures.auto_topics_s is not None:
        console.print(
            f"with every topic found automatically (ONRECORD_TOPICS=auto): {figures.auto_topics_s:.2f} s, "
            f"{figures.topics_added:+.1%} ingest time (two runs: noisy); the topic step alone (segmentation, labels, "
            f"chunking again, the changed chunks embedded): {figures.topic_step_s:.2f} s, "
            f"{figures.topic_step_share:.1%} of ingest",
            highlight=False,
        )


@app.command("ask")
@reports_errors
def bench_ask_command(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="transcripts to ingest first (skipped when unchanged)")
    ] = None,
    repeat: Annotated[int, typer.Option(help="passes over the questions")] = 3,
    data_dir: DataDirOption = None,
) -> None:
    """Warm latency of retrieval and of a full hybrid ask over the seed questions and QMSum queries."""
    from bench.harness import qmsum_queries
    from bench.measures import bench_queries
    from library import Library

    library = Library(settings_from(data_dir or Path(".onrecord-bench"), None, None))
    if paths:
        with errors.status("ingesting (unchanged files are skipped)..."):
            library.ingest(paths)
    questions = [item["question"] for item in json.loads(SEED_SUITE.read_text())["questions"]]
    questions += qmsum_queries(paths or [])
    figures = bench_queries(library, questions, repeat)
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


@app.command("startup")
@reports_errors
def bench_startup_command(
    data_dir: Annotated[Path, typer.Option("--data-dir", help="a library built before, e.g. by make run")] = Path(
        ".onrecord"
    ),
    runs: Annotated[int, typer.Option(help="starts to time")] = 3,
) -> None:
    """From `onrecord serve` starting to the page served and to its first answer (library already built)."""
    from bench.measures import SAMPLE_QUESTIONS, bench_startup

    if not (data_dir / "chroma").exists():
        raise OnRecordError(f"no library in {data_dir}; build one first with `make run` or `onrecord ingest samples`")
    figures = [bench_startup(data_dir, SAMPLE_QUESTIONS) for _ in range(runs)]
    table = Table("run", "page served s", "first answer s", "server peak RSS MiB", title="Start-up of onrecord serve")
    for number, start in enumerate(figures, 1):
        table.add_row(str(number), f"{start.page_s:.1f}", f"{start.answer_s:.1f}", f"{start.peak_rss_mib:,.0f}")
    console.print(table)


@app.command("mcp")
@reports_errors
def bench_mcp_command(data_dir: DataDirOption = None, asks: Annotated[int, typer.Option(help="asks")] = 20) -> None:
    """From starting `onrecord mcp` to its first answered ask; an ask through MCP against the Python API."""
    from bench.agents import agents_tables, bench_agents

    console.print(*agents_tables(bench_agents(data_dir, asks)))


@app.command("ui")
@reports_errors
def bench_ui_command(
    url: Annotated[str, typer.Option(help="a running app, e.g. from make run")] = "http://127.0.0.1:7860",
) -> None:
    """From pressing Ask to the answer shown, in headless Chromium, on the sample library."""
    from bench.measures import SAMPLE_QUESTIONS, bench_ui
    from eval.metrics import latency

    times = bench_ui(url, SAMPLE_QUESTIONS)
    figures = latency(times)
    console.print(
        f"Ask → answer shown, {len(times)} questions: median {figures['median_ms']:.0f} ms, "
        f"p95 {figures['p95_ms']:.0f} ms, max {max(times):.0f} ms",
        highlight=False,
    )


@app.command("scale")
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
    from bench.harness import scale_rows
    from bench.report import plot_latency

    out.mkdir(parents=True, exist_ok=True)
    rows = scale_rows(_sizes(sizes), work_dir, qmsum, out, _progress)
    (out / "scale.json").write_text(json.dumps(rows, indent=1))
    _print_scale(rows)
    plot_latency(rows, out / "latency_vs_size.png")


@app.callback(invoke_without_command=True)
@reports_errors
def bench_all(
    context: typer.Context,
    sizes: Annotated[
        str, typer.Option(help="library sizes in chunks, comma-separated (a million takes hours to build, once)")
    ] = "1000,10000,100000,1000000",
    ingest: Annotated[
        list[Path] | None, typer.Option(help="transcripts for the ingest figures (repeat the option)")
    ] = None,
    ingest_limit: Annotated[int, typer.Option(help="at most this many ingest files")] = 8,
    qmsum: Annotated[Path, typer.Option(help="QMSum folder")] = Path("../shared/data/qmsum"),
    work_dir: Annotated[Path, typer.Option(help="where the libraries are built (and reused)")] = Path(
        ".onrecord-scale"
    ),
    out: Annotated[Path, typer.Option(help="folder for bench.json, the plot and profiles")] = Path("reports/bench"),
    page: Annotated[
        Path | None, typer.Option("--page", "--readme", help="docs page whose bench section is rewritten")
    ] = Path("docs/performance.md"),
    startup_runs: Annotated[int, typer.Option(help="cold starts timed per library")] = 3,
    process_runs: Annotated[int, typer.Option(help="whole-process onrecord ask runs")] = 3,
) -> None:
    """Every benchmark in one run: ingest, query latency and memory by library size, cold start;
    checked against the targets and written to OUT/bench.json and the performance page's bench section."""
    if context.invoked_subcommand is not None:
        return
    import subprocess

    import httpx

    from bench.harness import Options, run
    from bench.report import markdown, write_page_section

    options = Options(
        ingest_paths=ingest or [Path("../shared/data/seed"), qmsum / "val"],
        ingest_limit=ingest_limit,
        qmsum=qmsum,
        sizes=_sizes(sizes),
        work_dir=work_dir,
        out=out,
        samples=ROOT / "samples",
        startup_runs=startup_runs,
        process_runs=process_runs,
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
    if page is not None:
        if write_page_section(page, markdown(report), out / "latency_vs_size.png"):
            console.print(f"Bench section rewritten: {page}", highlight=False)
        else:
            errors.print(f"{page} has no <!-- bench:start --> / <!-- bench:end --> markers; left as it is")


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


@app.command("catalog")
@reports_errors
def bench_catalog_command(
    size: Annotated[int, typer.Option(help="chunks in the catalog")] = 1_000_000,
    folder: Annotated[Path | None, typer.Option(help="where the snapshot is built (and reused)")] = None,
    qmsum: Annotated[Path, typer.Option(help="QMSum folder")] = Path("../shared/data/qmsum"),
) -> None:
    """Search and answers over a catalog of SIZE chunks built straight from QMSum, without Chroma
    (random unit vectors), timed in a fresh process: 100 QMSum val questions; then, past 300,000
    chunks, how many of each question's exact 40 nearest chunks the quantized dense search finds."""
    import tempfile

    from bench.catalog import build_catalog, catalog_table, current, measure_catalog
    from bench.harness import qmsum_queries
    from bench.scale import dense_recall

    folder = folder or Path(f".onrecord-scale/catalog-{size}")
    if not current(folder):  # none yet, or an older version's
        with errors.status(f"building a catalog of {size:,} chunks in {folder} (kept for the next run)..."):
            build_catalog(folder, size, [qmsum / "train", qmsum / "val"])
    with tempfile.TemporaryDirectory(prefix="onrecord-bench-") as scratch:
        questions = Path(scratch) / "questions.json"
        questions.write_text(json.dumps(qmsum_queries([qmsum / "val"])[:100]))
        row = measure_catalog(folder, questions)
        recall = dense_recall(folder, json.loads(questions.read_text()))
    console.print(catalog_table(row, recall))
