"""Commands that query the library: search (passages) and ask (a cited answer)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from cli.options import (
    AnswererOption,
    BatchOption,
    DataDirOption,
    FromOption,
    HostOption,
    JsonOption,
    KOption,
    MeetingOption,
    MeetingsOption,
    ModeOption,
    PortOption,
    SpeakerOption,
    ToOption,
    TopicOption,
    console,
    errors,
    json_text,
    printable_data,
    reports_errors,
    settings_from,
    shown,
)
from core.errors import OnRecordError
from core.text import printable

app = typer.Typer()


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
    from library import Library

    library = Library(settings_from(data_dir, chroma_host, chroma_port))

    def run(request: dict) -> dict:
        hits = library.search(request["query"], request.get("k") or 10, _filters(request), request.get("mode") or mode)
        return {"query": request["query"], "hits": [hit.to_dict() for hit in hits]}

    request = dict(
        query=query, meeting=meeting, speaker=speaker, topic=topic, date_from=date_from, date_to=date_to, k=k
    )
    _respond(request, batch, as_json, run, lambda result: _print_hits(result["hits"]))


@app.command()
@reports_errors
def ask(
    question: Annotated[str | None, typer.Argument(help="a question in plain language")] = None,
    meeting: MeetingsOption = None,
    speaker: SpeakerOption = None,
    topic: TopicOption = None,
    date_from: FromOption = None,
    date_to: ToOption = None,
    mode: ModeOption = "hybrid",
    k: KOption = None,
    batch: BatchOption = None,
    as_json: JsonOption = False,
    answerer: AnswererOption = "extractive",
    data_dir: DataDirOption = None,
    chroma_host: HostOption = None,
    chroma_port: PortOption = None,
) -> None:
    """Answer a question from the transcripts, citing the passages behind every sentence. A batch line may
    carry "history": the thread it follows up, [{"question": ..., "answer": ...}, ...], oldest first."""
    from answer.ask import AskOptions
    from answer.question.thread import history_from
    from library import Library

    library = Library(settings_from(data_dir, chroma_host, chroma_port))
    streamed = answerer == "llm" and not as_json and batch is None  # the model's words shown as they come

    def run(request: dict) -> dict:
        options = AskOptions(
            k=request.get("k") or 8,
            mode=request.get("mode") or mode,
            filters=_filters(request),
            answerer=request.get("answerer") or answerer,
            history=history_from(request.get("history")),
        )
        return asked(library, request["query"], options, streamed).to_dict()

    request = dict(
        query=question, meeting=meeting, speaker=speaker, topic=topic, date_from=date_from, date_to=date_to, k=k
    )
    _respond(request, batch, as_json, run, print_answer)


def asked(library, question: str, options, streamed: bool):
    """The library's answer; `streamed`, with the language model's words shown as they come on stderr, on
    the passing status line and labelled as not yet checked (the checked answer is printed after)."""
    from web.render import UNCHECKED

    if not streamed:
        return library.ask(question, options)
    with errors.status("asking the language model...") as status:
        written: list[str] = []

        def show(piece: str) -> None:
            written.append(piece)
            status.update(Text.assemble((f"{UNCHECKED} ", "yellow"), (printable("".join(written)[-200:]), "dim")))

        return library.ask(question, options, show)


def _respond(request: dict, batch: Path | None, as_json: bool, run: Callable[[dict], dict], show) -> None:
    """One request from the options, or every line of a batch file; printed as JSON or for reading."""
    if batch is not None:
        _run_batch(batch, run)
        return
    result = run(_single(request))
    if as_json:
        sys.stdout.write(json_text(result) + "\n")
        return
    show(printable_data(result))  # the transcripts' words, never a terminal's control sequence


def _single(request: dict) -> dict:
    if request["query"] is None:
        raise OnRecordError('give a question, e.g. onrecord ask "What was decided?", or --batch FILE')
    return request


def _filters(request: dict):
    from web.questions import filters_from

    named = request.get("meeting")
    named = [named] if isinstance(named, str) else list(named or []) + list(request.get("meetings") or [])
    dates = (request.get("date_from"), request.get("date_to"))
    return filters_from(named, request.get("speaker"), request.get("topic"), dates)


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
        sys.stdout.write(json_text(result, indent=None) + "\n")
        sys.stdout.flush()
    if failed:
        errors.print(Text.assemble((f"{failed} line(s) of ", "bold red"), shown(path), " failed; see its error fields"))
        raise typer.Exit(1)


def _when(hit: dict) -> str:
    if hit.get("start") is None:
        return ""
    from core.text import clock

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


def print_answer(result: dict) -> None:
    from rich.text import Text

    style = "yellow" if result["abstained"] else "bold"
    answer = Text(style=style)
    for number, part in enumerate(result["parts"]):  # the transcript's words as said, markers styled apart
        answer.append(("" if number == 0 else " ") + part["text"])
        if part["n"] is not None:
            answer.append(" " + "".join(f"[{n}]" for n in part.get("citations") or [part["n"]]), style="cyan")
    console.print(answer)
    if result.get("resolved"):
        console.print(Text(result["resolved"], style="dim"))
    if result.get("scope", "needle") != "needle":
        covered = ", ".join(m["meeting_id"] for m in result.get("meetings", []))
        console.print(Text(f"scope: {result['scope']} ({covered})", style="dim"))
    if not result["abstained"]:
        console.print(Text(f"support: {result['support']} (verbatim quotes: --json, parts[].verbatim)", style="dim"))
    if result.get("coverage", "answered") != "answered":  # partial, or not in the transcripts
        console.print(Text(f"coverage: {result['coverage']}", style="yellow"))
    if result.get("notice"):
        console.print(Text(result["notice"], style="yellow"))
    for dropped in result.get("dropped", []):
        console.print(Text(f"  removed: {dropped['sentence']} ({dropped['reason']})", style="dim"))
    console.print()
    for citation in result["citations"]:
        console.print(Text(f"[{citation['n']}] {_source_line(citation)}", style="bold"))
        console.print(Text(citation["text"]))
        if citation.get("url"):
            console.print(Text(citation["url"], style="blue"))
        console.print()
