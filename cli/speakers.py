"""`onrecord speakers`: a meeting's speaker labels with the names the transcript suggests, names given
(--accept, --rename LABEL=NAME, --reset), people made of several names (--merge A B, --merges) and a
person's meetings (--person NAME). A rename changes no stored chunk: nothing is embedded again."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from cli.options import (
    DataDirOption,
    HostOption,
    JsonOption,
    PortOption,
    console,
    errors,
    json_text,
    reports_errors,
    settings_from,
    shown,
)
from core.errors import QueryError
from core.text import printable

app = typer.Typer()
NOT_NAMED = "not named in the transcript"


@app.command()
@reports_errors
def speakers(
    names: Annotated[
        list[str] | None,
        typer.Argument(help="a meeting id; with --merge, the speaker names to make one person", show_default=False),
    ] = None,
    accept: Annotated[bool, typer.Option("--accept", help="apply the names the transcript suggests")] = False,
    rename: Annotated[
        list[str] | None,
        typer.Option("--rename", help="name a label by hand: LABEL=NAME (repeatable)", show_default=False),
    ] = None,
    reset: Annotated[bool, typer.Option("--reset", help="show the meeting's speakers as its file labels them")] = False,
    merge: Annotated[bool, typer.Option("--merge", help="make the names given one person (the first name's)")] = False,
    merges: Annotated[bool, typer.Option("--merges", help="list the names that look like one person")] = False,
    person: Annotated[
        str | None, typer.Option("--person", help="a person's meetings, share and words by topic", show_default=False)
    ] = None,
    as_json: JsonOption = False,
    data_dir: DataDirOption = None,
    chroma_host: HostOption = None,
    chroma_port: PortOption = None,
) -> None:
    """A meeting's speakers: each label, the name given, the transcript's suggestion and its evidence."""
    from library import Library

    names = names or []
    actions = [accept, bool(rename), reset, merge, merges, person is not None]
    if sum(actions) > 1:
        raise QueryError("give one of --accept, --rename, --reset, --merge, --merges and --person at a time")
    library = Library(settings_from(data_dir, chroma_host, chroma_port))
    if merge:
        shown_person = library.merge_speakers(names)
        console.print(shown(f"merged {', '.join(names)} into one person: {shown_person}"))
        return
    if person is not None:
        _print_person(library.person(person), as_json)
        return
    if merges or not names:
        _print_merges(library.speaker_merges(), as_json)
        return
    if len(names) > 1:
        raise QueryError(f"one meeting at a time, not {len(names)}; to make names one person add --merge")
    meeting = names[0]
    if accept:
        library.accept_speakers(meeting)
    elif rename:
        library.rename_speakers(meeting, dict(_rename_pair(pair) for pair in rename))
    elif reset:
        library.reset_speakers(meeting)
    _print_speakers(library.speakers(meeting), as_json)


def _rename_pair(pair: str) -> tuple[str, str]:
    label, equals, name = pair.partition("=")
    if not equals or not label.strip():
        raise QueryError(f"--rename {pair!r} is not LABEL=NAME; write it as --rename SPEAKER_00='Helen Marsh'")
    return label.strip(), name


def _print_speakers(found, as_json: bool) -> None:
    if as_json:
        sys.stdout.write(json_text(found.to_dict()) + "\n")
        return
    meeting = found.meeting
    table = Table(title=printable(f"Speakers of {meeting.meeting_id}: {meeting.title}"))
    for column in ("label", "name", "suggestion", "evidence", "turns", "share"):
        table.add_column(column, no_wrap=column in ("label", "turns", "share"))
    for row in found.speakers:
        suggestion = f"{row.suggestion} ({row.confidence:.0%})" if row.suggestion else NOT_NAMED
        evidence = "\n".join(f"turn {e.turn} ({e.cue}): “{e.quote}”" for e in row.evidence)
        cells = (row.label, row.name or "", suggestion, evidence, str(row.turns), f"{row.share:.0%}")
        table.add_row(*(shown(cell) for cell in cells))
    console.print(table)
    if any(row.suggestion and row.suggestion != row.name for row in found.speakers):
        console.print(Text(f"apply the suggestions with: onrecord speakers {printable(meeting.meeting_id)} --accept"))


def _print_merges(found, as_json: bool) -> None:
    if as_json:
        payload = [{"person": m.person, "names": list(m.names), "evidence": m.evidence} for m in found]
        sys.stdout.write(json_text({"merges": payload}) + "\n")
        return
    if not found:
        console.print("No speaker names look like one person. A meeting's speakers: onrecord speakers MEETING")
        return
    table = Table(title="Names that look like one person")
    for column in ("person", "names", "why", "to merge"):
        table.add_column(column)
    for suggested in found:
        ordered = sorted(suggested.names, key=lambda name: name != suggested.person)  # the person's name first
        command = "onrecord speakers --merge " + " ".join(_shell_word(name) for name in ordered)
        cells = (suggested.person, "\n".join(suggested.names), suggested.evidence, command)
        table.add_row(*(shown(cell) for cell in cells))
    console.print(table)


def _shell_word(name: str) -> str:
    return f"'{name}'" if " " in name else name


def _print_person(found, as_json: bool) -> None:
    if as_json:
        sys.stdout.write(json_text(found.to_dict()) + "\n")
        return
    also = f" (also {', '.join(found.names)})" if found.names else ""
    console.print(shown(f"{found.name}{also}: {len(found.meetings)} meetings"), style="bold")
    for spoke in found.meetings:
        meeting = spoke.meeting
        date = f" {meeting.date.isoformat()}" if meeting.date else ""
        console.print(shown(f"\n{meeting.meeting_id}{date}: {meeting.title} · {spoke.turns} turns · {spoke.share:.0%}"))
        for topic in spoke.topics:
            console.print(shown(f"  {topic.topic or 'no topic'}"), style="dim")
            for turn, quote in topic.quotes:
                console.print(shown(f"    turn {turn}: {quote}"))
    if not found.meetings:
        errors.print(shown(f"{found.name} speaks in no meeting"))
