"""The speakers as MCP tools, beside web.agents' own: `speakers` (read) and, only with writes allowed
(`onrecord mcp --allow-writes`), `rename_speaker` and `merge_speakers`. They answer with the JSON of
`onrecord speakers --json`; an OnRecordError comes back as a one-line tool error, as every tool's."""

from __future__ import annotations

from typing import Annotated, Any

from mcp.server.mcpserver import Context, MCPServer
from mcp_types import ToolAnnotations
from pydantic import Field

from core.errors import QueryError
from library import Library

MeetingId = Annotated[str, Field(description="a meeting id, as list_meetings gives it")]


def speakers(
    ctx: Context,
    meeting: Annotated[str | None, Field(description="a meeting id: its speakers")] = None,
    person: Annotated[str | None, Field(description="a speaker's name: the meetings they spoke in")] = None,
) -> dict[str, Any]:
    """A meeting's speakers: per label, `name` (as given, or null), `suggestion` (the name the transcript
    gives it, or null: not named in the transcript), `confidence`, `evidence` (turn numbers and quotes),
    `turns` and `share` of the words. With `person`: the meetings they spoke in, their share and what they
    said by topic. With neither: the speaker names that look like one person (`merges`)."""
    library = _served(ctx)
    if meeting and person:
        raise QueryError("give a meeting or a person, not both")
    if meeting:
        return library.speakers(meeting).to_dict()
    if person:
        return library.person(person).to_dict()
    found = library.speaker_merges()
    return {"merges": [{"person": m.person, "names": list(m.names), "evidence": m.evidence} for m in found]}


def rename_speaker(
    ctx: Context,
    meeting: MeetingId,
    label: Annotated[str | None, Field(description="the label to name, e.g. SPEAKER_00")] = None,
    name: Annotated[str | None, Field(description="the name to give it")] = None,
    accept: Annotated[bool, Field(description="apply every name the transcript suggests")] = False,
    reset: Annotated[bool, Field(description="show the meeting's speakers as its file labels them")] = False,
) -> dict[str, Any]:
    """Name a meeting's speaker label (label and name), apply the transcript's suggestions (accept), or go
    back to the file's labels (reset). Answers, citations and filters show the name at once; nothing is
    embedded again. Returns the meeting's speakers as `speakers` does."""
    library = _served(ctx)
    if sum([label is not None or name is not None, accept, reset]) != 1:
        raise QueryError("give label and name, or accept, or reset")
    if accept:
        library.accept_speakers(meeting)
    elif reset:
        library.reset_speakers(meeting)
    else:
        if not label:
            raise QueryError("give the label to name, e.g. SPEAKER_00, with the name")
        library.rename_speakers(meeting, {label: name or ""})
    return library.speakers(meeting).to_dict()


def merge_speakers(
    ctx: Context,
    names: Annotated[list[str], Field(min_length=2, description="speaker names that are one person, theirs first")],
) -> dict[str, Any]:
    """Make speaker names one person across the library (the first name's): the speaker filter, the
    speakers' shares and questions then treat them as one."""
    return {"person": _served(ctx).merge_speakers(names), "names": names}


def register(server: MCPServer, writes: bool) -> None:
    """The speakers' tools on the server: `speakers`, and with `writes`, `rename_speaker` and `merge_speakers`."""
    server.add_tool(speakers, annotations=ToolAnnotations(read_only_hint=True, open_world_hint=False))
    if writes:
        changing = ToolAnnotations(destructive_hint=False, idempotent_hint=True, open_world_hint=False)
        server.add_tool(rename_speaker, annotations=changing)
        server.add_tool(merge_speakers, annotations=changing)


def _served(ctx: Context) -> Library:
    return ctx.request_context.lifespan_context.library  # web.agents.Served
