"""`onrecord minutes`: a meeting's minutes; `onrecord fit minutes`: fit the decision and action-item
detectors on the tuning part of the gold minutes; `onrecord eval minutes` (cli.evaluation) scores them."""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from cli.bench import app as bench
from cli.fit import fits
from cli.options import (
    DataDirOption,
    HostOption,
    PortOption,
    console,
    errors,
    reports_errors,
    settings_from,
    shown,
)
from core.text import printable

app = typer.Typer()
TOLERANCE = 1e-6


@app.command("minutes")
@reports_errors
def minutes_command(
    meeting: Annotated[str, typer.Argument(help="meeting id (onrecord list shows them)")],
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
    markdown: Annotated[bool, typer.Option("--markdown", help="print Markdown")] = False,
    data_dir: DataDirOption = None,
    chroma_host: HostOption = None,
    chroma_port: PortOption = None,
) -> None:
    """A meeting's minutes: summary, decisions, action items, chapters and speakers."""
    from library import Library
    from minutes.markdown import minutes_markdown

    library = Library(settings_from(data_dir, chroma_host, chroma_port))
    minutes = library.minutes(meeting)
    if as_json:
        console.print_json(json.dumps(minutes.to_dict()))
    elif markdown:
        print(printable(minutes_markdown(minutes)))
    else:
        _print_minutes(minutes)


def _print_minutes(minutes) -> None:
    from core.text import clock

    meeting = minutes.meeting
    heading = Text(printable(meeting.title), style="bold")
    heading.append(printable(f" ({meeting.meeting_id}{', ' + str(meeting.date) if meeting.date else ''})"))
    console.print(heading)
    for note in minutes.notes:
        console.print(Text.assemble(("note:", "yellow"), " ", shown(note)))
    if minutes.overview:
        console.print(shown(minutes.overview))
    for line in minutes.summary:
        console.print(shown(f"  {line.speaker or '?'}: {line.text} [turn {line.turn}]"))
    for title, items in (("Decisions", minutes.decisions), ("Action items", minutes.actions)):
        table = Table("time", "turn", "who", "what", "due" if title == "Action items" else "vote", title=title)
        for item in items:
            who = item.owner if item.kind == "action" else item.speaker
            extra = item.due if item.kind == "action" else item.vote
            table.add_row(clock(item.start), str(item.turn), shown(who or ""), shown(item.text), shown(extra or ""))
        console.print(table if items else f"{title}: none found")
    speakers = ", ".join(f"{name} {share:.0%}" for name, share in minutes.speakers)
    console.print(shown(f"Speakers: {speakers}"))
    console.print(shown(f"Chapters: {len(minutes.chapters)} (onrecord chapters {meeting.meeting_id})"))


@fits.command("minutes")
@reports_errors
def fit_minutes_command(
    suite: Annotated[Path | None, typer.Option(help="gold minutes (default eval/suites/minutes.json)")] = None,
    out: Annotated[Path | None, typer.Option(help="model file (default minutes/minutes_model.json)")] = None,
    check: Annotated[bool, typer.Option(help="refit and compare with the file instead of writing it")] = False,
) -> None:
    """Fit the decision and action-item detectors on the gold minutes' tuning part (never the part kept aside)."""
    from eval.minutes import SUITE, fit_items, load_gold
    from minutes.items import MODEL_FILE

    chosen = suite or SUITE
    tuning = [meeting for meeting in load_gold(chosen) if meeting.split == "tune"]
    described = (
        f"{len(tuning)} meetings of the tuning part of {chosen.name} "
        f"({', '.join(m.meeting_id for m in tuning)}); by `onrecord fit minutes`"
    )
    model = fit_items(tuning, described)
    target = out or MODEL_FILE
    fitted = model.to_dict()
    if check:
        saved = json.loads(target.read_text(encoding="utf-8"))
        same = _largest_difference(saved, fitted)
        console.print(f"largest difference from {target}: {same:.2g}", highlight=False)
        raise typer.Exit(0 if same <= TOLERANCE else 1)
    target.write_text(json.dumps(fitted, indent=1) + "\n", encoding="utf-8")
    console.print(
        f"wrote {target}: decision bar {model.decision_bar:.2f}, action bar {model.action_bar:.2f} ({described})",
        highlight=False,
    )


def _largest_difference(a, b) -> float:
    if isinstance(a, dict) and isinstance(b, dict):
        return max((_largest_difference(a.get(k), b.get(k)) for k in a.keys() | b.keys()), default=0.0)
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return max((_largest_difference(x, y) for x, y in zip(a, b, strict=True)), default=0.0)
    if isinstance(a, int | float) and isinstance(b, int | float):
        return abs(float(a) - float(b))
    return 0.0 if a == b else float("inf")


def _answered_scope(library, question: str) -> str:
    """The scope a question is answered in by the library; `error` when it cannot be (a meeting its
    words name ambiguously)."""
    from core.errors import OnRecordError

    try:
        return library.ask(question).scope
    except OnRecordError:
        return "error"


def evaluate_minutes(out: Path | None, data_dir: Path | None = None) -> None:
    """`onrecord eval minutes`: precision and recall of decisions and action items per part, the fitted
    detectors beside the cue list alone, in one run; how often a question's scope is read right; and the
    timelines of a library of the samples and the suite's meetings. Writes reports/minutes/results.json."""
    from eval.minutes import SUITE, cue_list, figures, load_gold, scope_figures, timeline_figures
    from library import Library
    from minutes.items import detect

    meetings = load_gold()
    systems = {"fitted detectors": detect, "cue list alone": cue_list}
    results: dict[str, dict] = {}
    table = Table("system", "part", "meetings", "decisions P", "R", "action items P", "R", title="Minutes")
    for split in ("tune", "held_out"):
        for origin in ("all", "written", "qmsum"):
            group = [m for m in meetings if m.split == split and origin in ("all", m.source)]
            for name, detector in systems.items() if origin == "all" else [("fitted detectors", detect)]:
                scored = figures(group, detector)
                results[f"{name} / {split}" + ("" if origin == "all" else f" / {origin}")] = scored
                d, a = scored["decision"], scored["action"]
                cells = [f"{d['precision']:.3f}", f"{d['recall']:.3f}", f"{a['precision']:.3f}", f"{a['recall']:.3f}"]
                part = split if origin == "all" else f"{split}, {origin} only"
                table.add_row(name, part, str(len(group)), *cells)
    console.print(table)
    console.print(
        "tune: the meetings the detectors were fitted on; held_out: kept aside "
        f"({', '.join(m.meeting_id for m in meetings if m.split == 'held_out')}). An action item is right when it "
        "cites the labelled turn and names its owner.",
        highlight=False,
    )
    library = Library(settings_from(data_dir or Path(".onrecord-eval") / "minutes", None, None))
    library.ingest([Path(__file__).resolve().parent.parent / "samples", SUITE.parent / "meetings"])
    results["scope"] = scope_figures(partial(_answered_scope, library))
    results["timeline"] = timeline_figures(library)
    for part in ("tune", "held_out"):
        scope, timeline = results["scope"].get(part, {}), results["timeline"].get(part, {})
        scoped = f"{scope.get('right', 0)}/{scope.get('questions', 0)}"
        timed = f"{timeline.get('right', 0)}/{timeline.get('questions', 0)}"
        console.print(
            f"{part}: scope read right {scoped}; timelines citing each meeting of the subject, in date order, and "
            f"no other {timed}",
            highlight=False,
        )
    folder = out or Path("reports") / "minutes"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "results.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    console.print(f"report: {folder}/results.json", highlight=False)


def evaluate_general_queries(data: Path | None, limit: int | None, out: Path | None, data_dir: Path | None) -> None:
    """`onrecord eval qmsum --general`: QMSum's general queries within their meeting, every system in one run."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from eval.general import evaluate_general, general_queries
    from eval.suites import DEFAULT_QMSUM
    from library import Library

    folder = data or DEFAULT_QMSUM
    library = Library(settings_from(data_dir or Path(".onrecord-eval") / f"qmsum-{folder.name}", None, None))
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=errors, transient=True) as progress:
        task = progress.add_task("general queries", total=len(general_queries(folder, limit)[1]))
        result = evaluate_general(library, folder, limit, lambda: progress.advance(task))
    table = Table("system", "ROUGE-1", "ROUGE-2", "ROUGE-L", "words", "refused", "'summarize' refused")
    table.title = f"QMSum {result['split']}: {result['queries']} general queries within their meeting"
    for name, row in result["summary"].items():
        cells = [f"{row[k]:.3f}" for k in ("ROUGE-1", "ROUGE-2", "ROUGE-L")]
        table.add_row(name, *cells, f"{row['words']:.0f}", str(row["refused"]), str(row["summarize_refused"]))
    console.print(table)
    folder_out = out or Path("reports") / f"qmsum-general-{result['split']}"
    folder_out.mkdir(parents=True, exist_ok=True)
    (folder_out / "results.json").write_text(json.dumps(result, indent=1), encoding="utf-8")
    console.print(f"report: {folder_out}/results.json", highlight=False)


@bench.command("minutes")
@reports_errors
def bench_minutes_command(
    data: Annotated[Path, typer.Option(help="QMSum split whose longest meetings are timed")] = Path(
        "../shared/data/qmsum/val"
    ),
    count: Annotated[int, typer.Option(help="meetings")] = 3,
) -> None:
    """A meeting's minutes built from its turns (the first opening; later ones read the cache)."""
    from bench.minutes import bench_minutes

    table = Table("meeting", "turns", "chapters ms", "minutes ms", "decisions", "action items")
    table.title = f"Minutes of the {count} longest meetings of {data}, built from their turns (median of 3)"
    for row in bench_minutes(data, count):
        cells = [f"{row.chapters_ms:.0f}", f"{row.built_ms:.0f}", str(row.decisions), str(row.actions)]
        table.add_row(row.meeting_id, str(row.turns), *cells)
    console.print(table)
