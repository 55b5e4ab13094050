"""`onrecord chat`: questions in a thread at the terminal, each follow-up read against the ones before it."""

from __future__ import annotations

import sys
from dataclasses import replace

import typer
from rich.text import Text

from cli.options import (
    AnswererOption,
    DataDirOption,
    FromOption,
    HostOption,
    KOption,
    MeetingsOption,
    ModeOption,
    PortOption,
    SpeakerOption,
    ToOption,
    console,
    errors,
    printable_data,
    reports_errors,
    settings_from,
    shown,
)
from cli.query import asked, print_answer
from core.errors import OnRecordError

app = typer.Typer()

NEW, QUIT = "/new", ("/quit", "/exit")
GREETING = "Ask a question; a follow-up is read against the thread. /new starts a new thread, /quit (or Ctrl-D) ends."


@app.command()
@reports_errors
def chat(
    meeting: MeetingsOption = None,
    speaker: SpeakerOption = None,
    date_from: FromOption = None,
    date_to: ToOption = None,
    mode: ModeOption = "hybrid",
    k: KOption = None,
    answerer: AnswererOption = "extractive",
    data_dir: DataDirOption = None,
    chroma_host: HostOption = None,
    chroma_port: PortOption = None,
) -> None:
    """Ask in a thread: "When does construction on it start?" after a question about the bike lane is read
    as about the bike lane ("Read as: ..." says how), until /new starts over or /quit (Ctrl-D, Ctrl-C) ends it."""
    from answer.ask import AskOptions
    from answer.question.thread import exchange_from
    from library import Library
    from web.questions import filters_from

    library = Library(settings_from(data_dir, chroma_host, chroma_port))
    filters = filters_from(meeting, speaker, None, (date_from, date_to))
    library.catalog.resolve(filters)  # an unknown meeting or speaker is said once, before the first question
    options = AskOptions(k=k or 8, mode=mode, filters=filters, answerer=answerer)
    thread: list = []
    prompt = "? " if sys.stdin.isatty() else ""
    try:
        console.print(Text(GREETING, style="dim"), soft_wrap=True)
        while (line := _next_line(prompt)) is not None:
            question = line.strip()
            if not question:
                continue
            if question.casefold() in QUIT:
                break
            if question.casefold() == NEW:
                thread.clear()
                console.print(Text("New thread.", style="dim"))
                continue
            try:
                answer = asked(library, question, replace(options, history=tuple(thread)), answerer == "llm")
            except OnRecordError as error:  # the thread goes on; this question was not asked
                errors.print(Text.assemble(("error:", "bold red"), " ", shown(error)), soft_wrap=True)
                continue
            _print_turn(answer)
            thread.append(exchange_from(answer))
    except KeyboardInterrupt:  # Ctrl-C: the thread ends, quietly
        console.print()


def _next_line(prompt: str) -> str | None:
    """The next line typed, or None at the end of the input (Ctrl-D)."""
    try:
        return input(prompt)
    except EOFError:
        return None


def _print_turn(answer) -> None:
    """An answer as `onrecord ask` prints it, after the question as read where a follow-up was read
    into another."""
    from web.render import read_as

    if reading := read_as(answer):
        console.print(Text.assemble(("Read as: ", "bold"), shown(reading)))
    print_answer(printable_data(answer.to_dict()))
