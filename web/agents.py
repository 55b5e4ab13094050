"""The library as tools an assistant calls (the Model Context Protocol): ask, search, list_meetings,
read_transcript, chapters, minutes and speakers (web.speaker_tools), and with writes allowed ingest and remove
(and rename_speaker, merge_speakers). The same server runs over
stdio (`onrecord mcp`) and over HTTP at /mcp of the app (`mount_agents`); its tools answer with the
JSON of the CLI's `--json`, and an OnRecordError comes back as a tool error with the CLI's message."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date as Date
from functools import partial
from pathlib import Path
from typing import Annotated, Any, Literal

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ResourceError, ToolError
from mcp.server.transport_security import TransportSecuritySettings
from mcp_types import CallToolResult, TextContent, ToolAnnotations
from pydantic import Field, ValidationError

from answer.ask import ANSWERERS, AskOptions
from answer.question.thread import history_from
from core.errors import OnRecordError, QueryError
from core.models import Filters, Meeting, Turn
from core.text import clock
from index.catalog import closest_known
from index.links import deep_link
from index.writer import IngestResult
from ingest.parsing import find_transcripts
from ingest.reading import real_folders
from library import Library
from web import speaker_tools
from web.questions import filters_from

PAGE_TURNS = 40  # turns in one page of read_transcript, at most
PAGE_CHARS = 12_000  # and about this many characters of their text
INSTRUCTIONS = (
    "On Record answers questions from meeting transcripts with citations. Call list_meetings to see what is "
    "there, ask for a cited answer, search for passages, read_transcript to read around a citation, chapters "
    "for a meeting's outline, minutes for its decisions and action items, speakers for who spoke (with names "
    "suggested for diarized labels such as SPEAKER_00). Quote the citations (meeting, "
    "speaker, time, link) when you answer a person."
)

Meetings = Annotated[
    list[str] | str | None,
    Field(description="only these meetings: one meeting id or a list of them, as list_meetings gives them"),
]
Speaker = Annotated[str | None, Field(description="only passages where this speaker talks")]
Topic = Annotated[str | None, Field(description="only passages under this topic (an agenda item)")]
DateFrom = Annotated[Date | None, Field(description="only meetings on or after this day, YYYY-MM-DD")]
DateTo = Annotated[Date | None, Field(description="only meetings on or before this day, YYYY-MM-DD")]
MeetingId = Annotated[str, Field(description="a meeting id, as list_meetings gives it")]
History = Annotated[
    list[dict[str, Any]] | None,
    Field(
        description='the thread so far, oldest first: [{"question": ..., "answer": ...}, ...], the earlier '
        "questions and the answers given; a follow-up is read against it"
    ),
]
EMPTY = "the library is empty: add transcripts with onrecord ingest PATH, or serve with --allow-writes to ingest"
EMPTY_WRITABLE = "the library is empty: add transcripts first with the ingest tool"
# The command line's words in messages the library writes, and this server's for the same.
CLI_WORDS = (
    (r"`?onrecord list`? shows them", "list_meetings shows them"),
    (r"`onrecord remove ([^`]+)`( \(or in the page's Library tab\))?", r"the remove tool (meeting \1)"),
)


@dataclass(frozen=True)
class Served:
    """What every tool reaches through its context: the library, and the folders ingest may read
    (none: the write tools are not offered)."""

    library: Library
    allowed_dirs: tuple[Path, ...] = ()


def ask(
    question: Annotated[str, Field(description="the question, in plain language")],
    ctx: Context,
    meetings: Meetings = None,
    speaker: Speaker = None,
    topic: Topic = None,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    answerer: Annotated[
        Literal[tuple(ANSWERERS)],
        Field(description="; ".join(f"{name}: {what}" for name, (_, what) in ANSWERERS.items())),
    ] = "extractive",
    history: History = None,
) -> dict[str, Any]:
    """Answer a question from the meeting transcripts, citing the passage behind every sentence. Returns
    `answer` (text with [n] markers), `parts` (each quoted piece and the numbers it cites), `citations` (n,
    meeting_id, title, date, speakers, turn_start/turn_end, start/end in seconds, url to the media at that
    moment, text), `abstained` (true when the transcripts do not answer it; then `citations` are the nearest
    passages, or the one quote of what they say nearest to it), `coverage` (answered; partial: what was asked
    for is given without its name or number; not_in_transcripts: a named speaker never speaks of the subject,
    the question takes for granted an event they never speak of, or nothing answers it) and `support`
    (strong, moderate, weak; minutes for an answer about a whole meeting). A question
    about a whole meeting ("What was decided at the March council meeting?", "Summarize the product sync") is
    answered from its minutes, and one about a subject across meetings ("How did the contract unfold?") as a
    timeline grouped by meeting in date order: `scope` says which (needle, meeting, meetings), `meetings` the
    meetings covered and `resolved` which meeting the question's words named. Narrow it with meetings (one or
    several ids), speaker, topic or dates. With `history` (the earlier questions and answers, oldest first), a
    follow-up ("When does it start?") is read against it: `standalone` is the question as answered."""
    if not question.strip():
        raise QueryError("question is empty: give the question to answer, in plain language")
    filters = _filters_of(meetings, speaker, topic, date_from, date_to)
    options = AskOptions(filters=filters, answerer=answerer, history=history_from(history))
    return _library(ctx, searching=True).ask(question, options).to_dict()


def search(
    query: Annotated[str, Field(description="what to look for, in plain language or keywords")],
    ctx: Context,
    k: Annotated[int, Field(ge=1, le=50, description="how many passages")] = 10,
    meetings: Meetings = None,
    speaker: Speaker = None,
    topic: Topic = None,
    date_from: DateFrom = None,
    date_to: DateTo = None,
) -> dict[str, Any]:
    """Find the transcript passages that best match a query, best first, without composing an answer. Each
    hit has rank, score, meeting_id, title, date, speakers, topic, turn_start/turn_end, start/end in seconds,
    url (the media at that moment) and text. Use it to gather evidence across meetings, then read_transcript
    around a hit for its context."""
    if not query.strip():
        raise QueryError("query is empty: give the words to search for")
    filters = _filters_of(meetings, speaker, topic, date_from, date_to)
    hits = _library(ctx, searching=True).search(query, k, filters)
    return {"query": query, "hits": [hit.to_dict() for hit in hits]}


def list_meetings(
    ctx: Context,
    query: Annotated[str | None, Field(description="words of the meetings' titles, ids, speakers or topics")] = None,
    date_from: DateFrom = None,
    date_to: DateTo = None,
) -> dict[str, Any]:
    """List the meetings in the library, oldest first: meeting_id (what the other tools take), title, date,
    speakers, topics, turn_count, chunk_count, media_url, source_path (the file's name). Filter by words of
    their title, speakers or topics and by date."""
    words = (query or "").casefold().split()
    found = [
        meeting
        for meeting in _library(ctx).meetings()
        if all(word in _about(meeting) for word in words) and _within(meeting.date, date_from, date_to)
    ]
    found.sort(key=lambda meeting: (meeting.date or Date.max, meeting.meeting_id))
    return {"meetings": [_as_agents_see(meeting) for meeting in found]}


def read_transcript(
    meeting: MeetingId,
    ctx: Context,
    from_turn: Annotated[int, Field(ge=0, description="the first turn to read (0 is the start)")] = 0,
    to_turn: Annotated[int | None, Field(ge=0, description="the last turn to read; none: to the end")] = None,
    page_turns: Annotated[int, Field(ge=1, le=PAGE_TURNS, description="turns in this page, at most")] = PAGE_TURNS,
) -> dict[str, Any]:
    """Read a meeting's transcript, a page at a time: `turns` (index, speaker, start and end in seconds,
    topic, text, url to the media at that moment) from `from_turn`, at most `page_turns` (40) a page. When more turns
    remain up to `to_turn`, `next_turn` says where the next page starts (null at the end). Read around a
    citation's turn_start to check it in its context."""
    found, turns = _transcript(ctx, meeting)
    last = len(turns) - 1 if to_turn is None else min(to_turn, len(turns) - 1)
    if from_turn > last:
        raise QueryError(
            f"from_turn {from_turn} is past turn {last}, the last to read of {found.meeting_id} "
            f"({len(turns)} turns); ask for 0 to {len(turns) - 1}"
        )
    page, size = [], 0
    for turn in turns[from_turn : last + 1]:
        if page and (len(page) == page_turns or size + len(turn.text) > PAGE_CHARS):
            break
        page.append(_turn_dict(turn, found.media_url))
        size += len(turn.text)
    following = from_turn + len(page)
    return {
        "meeting_id": found.meeting_id,
        "title": found.title,
        "date": found.date.isoformat() if found.date else None,
        "turn_count": len(turns),
        "turns": page,
        "next_turn": following if following <= last else None,
    }


def chapters(meeting: MeetingId, ctx: Context) -> dict[str, Any]:
    """A meeting's outline: its chapters (topics) in order, each with n, topic, turn_start/turn_end, start/end
    in seconds, speakers and a summary sentence from the transcript. Use it to find where in a long meeting
    something was discussed, then read_transcript from that chapter's turn_start."""
    found, listed = _library(ctx).chapters(meeting)
    return {"meeting_id": found.meeting_id, "title": found.title, "chapters": [c.to_dict() for c in listed]}


def minutes(meeting: MeetingId, ctx: Context) -> dict[str, Any]:
    """A meeting's minutes: an overview of what it covered, a summary of its own sentences (each with its turn),
    the decisions (with who announced them and the vote, where said), the action items (owner, task and due
    date where said, each with its turn), its chapters and each speaker's share of the words. Notes say what
    could not be built. Use it for "what was decided", "who is doing what", "summarize the meeting"; cite the
    turns, or read_transcript around them."""
    return _library(ctx).minutes(meeting).to_dict()


def ingest(
    paths: Annotated[list[str], Field(description="transcript files or folders, under the allowed folders")],
    ctx: Context,
) -> dict[str, Any]:
    """Add transcript files (WebVTT, SRT, Whisper JSON, plain text) to the library, only from the folders this
    server was allowed to read (--allow-dir); a file whose link leads out of them is skipped (failed). Unchanged
    files are skipped; a changed file replaces its meeting. Returns each file's path, status (added, updated,
    unchanged, failed), meeting_id, turns, chunks, message, and notes (files passed over for their type)."""
    served: Served = ctx.request_context.lifespan_context
    found = find_transcripts(checked_paths(paths, served.allowed_dirs), served.allowed_dirs)
    refused = [IngestResult(path=failure.path, status="failed", message=failure.message) for failure in found.outside]
    results = served.library.ingest(found.files, within=served.allowed_dirs) if found.files else []
    notes = [note] if (note := found.skipped_note()) else []
    return {"results": [_result_dict(result) for result in (*refused, *results)], "notes": notes}


def remove(meeting: MeetingId, ctx: Context) -> dict[str, Any]:
    """Delete a meeting and its passages from the library, for good. Returns the meeting_id and how many
    chunks went."""
    return {"meeting_id": meeting, "removed_chunks": _library(ctx).remove(meeting)}


def transcript_markdown(meeting_id: str, ctx: Context) -> str:
    """A meeting's whole transcript as Markdown: a heading per topic, each turn with its speaker and time."""
    try:
        found, turns = _transcript(ctx, meeting_id)
    except OnRecordError as error:
        raise ResourceError(str(error)) from None
    lines = [f"# {found.title}", "", f"{found.date or 'no date'} · {found.meeting_id} · {len(turns)} turns"]
    topic = None
    for turn in turns:
        if turn.topic and turn.topic != topic:
            lines += ["", f"## {turn.topic}"]
        topic = turn.topic
        speaker = turn.canonical_speaker or turn.speaker or "Unknown"
        when = f" [{clock(turn.start)}]" if turn.start is not None else ""
        lines += ["", f"**{speaker}**{when} (turn {turn.index}): {turn.text}"]
    return "\n".join(lines) + "\n"


class AgentServer(MCPServer):
    """MCPServer whose tool errors read as the CLI's: an OnRecordError's own message, and bad arguments
    named field by field on one line."""

    async def call_tool(self, name: str, arguments: dict[str, Any], context: Any = None) -> Any:
        try:
            return await super().call_tool(name, arguments, context)
        except ToolError as error:
            message = _one_line(error.__cause__)
            if message is None:
                raise
            return CallToolResult(content=[TextContent(type="text", text=message)], is_error=True)


def agent_server(library: Library, allowed_dirs: Sequence[Path] = ()) -> AgentServer:
    """The MCP server over a library; with `allowed_dirs`, also ingest (from them alone) and remove."""
    served = Served(library, real_folders(allowed_dirs))  # resolved here once, never again while reading
    server = AgentServer(
        "On Record", instructions=INSTRUCTIONS, lifespan=partial(_serving, served), log_level="WARNING"
    )
    reading = ToolAnnotations(read_only_hint=True, open_world_hint=False)
    for tool in (ask, search, list_meetings, read_transcript, chapters, minutes):
        server.add_tool(tool, annotations=reading)
    speaker_tools.register(server, writes=bool(served.allowed_dirs))
    if served.allowed_dirs:
        server.add_tool(ingest, annotations=ToolAnnotations(destructive_hint=False, open_world_hint=False))
        server.add_tool(remove, annotations=ToolAnnotations(destructive_hint=True, open_world_hint=False))
    server.resource("onrecord://meetings/{meeting_id}", name="transcript", mime_type="text/markdown")(
        transcript_markdown
    )
    return server


@asynccontextmanager
async def _serving(served: Served, server: MCPServer) -> AsyncIterator[Served]:
    yield served


def _library(ctx: Context, searching: bool = False) -> Library:
    """The library; to search, one with meetings (else a QueryError saying how to add them)."""
    served: Served = ctx.request_context.lifespan_context
    if searching and not served.library.meetings():
        raise QueryError(EMPTY_WRITABLE if served.allowed_dirs else EMPTY)
    return served.library


def _filters_of(meetings, speaker, topic, date_from, date_to) -> Filters:
    """Filters from the tools' arguments, `meetings` one id or a list of them (as the page's and API's)."""
    return filters_from(meetings, speaker, topic, (date_from, date_to))


def checked_paths(paths: Sequence[str], allowed_dirs: Sequence[Path]) -> list[Path]:
    """The paths to ingest, each inside one of the allowed folders (links resolved), or a QueryError."""
    checked = []
    for given in paths:
        path = Path(given).expanduser().resolve()
        if not any(path.is_relative_to(folder) for folder in allowed_dirs):
            folders = ", ".join(map(str, allowed_dirs))
            raise QueryError(
                f"{given} is outside the folders this server may ingest from ({folders}); move the file into "
                "one of them, or start onrecord mcp with --allow-dir naming its folder"
            )
        checked.append(path)
    return checked


def _transcript(ctx: Context, meeting_id: str) -> tuple[Meeting, list[Turn]]:
    library = _library(ctx)
    known = {meeting.casefold(): meeting for meeting in library.catalog.meetings}
    found = library.catalog.meetings[closest_known("meeting", meeting_id, known)]
    return found, library.turns(found.meeting_id)


def _as_agents_see(meeting: Meeting) -> dict[str, Any]:
    """A meeting as an agent is shown it: its file by name alone (`upload:NAME` for an upload), never
    the file's path on the server."""
    return dict(meeting.to_dict(), source_path=Path(meeting.source_path).name)


def _about(meeting: Meeting) -> str:
    return " ".join((meeting.meeting_id, meeting.title, *meeting.speakers, *meeting.topics)).casefold()


def _within(day: Date | None, first: Date | None, last: Date | None) -> bool:
    if first is None and last is None:
        return True
    return day is not None and (first is None or day >= first) and (last is None or day <= last)


def _turn_dict(turn: Turn, media_url: str | None) -> dict[str, Any]:
    return {
        "index": turn.index,
        "speaker": turn.canonical_speaker or turn.speaker,
        "start": turn.start,
        "end": turn.end,
        "topic": turn.topic,
        "text": turn.text,
        "url": deep_link(media_url, turn.start) if turn.start is not None else None,
    }


def _result_dict(result) -> dict[str, Any]:
    fields = ("path", "status", "meeting_id", "turns", "chunks", "embedded", "removed")
    shown = {field: getattr(result, field) for field in fields}
    return {**shown, "message": in_tool_words(result.message), "notices": list(result.notices)}


def in_tool_words(message: str) -> str:
    """A message written for the command line, with its command names put as this server's tools."""
    for cli, tool in CLI_WORDS:
        message = re.sub(cli, tool, message)
    return message


def _one_line(cause: BaseException | None) -> str | None:
    if isinstance(cause, OnRecordError):
        return in_tool_words(" ".join(str(cause).split()))
    if isinstance(cause, ValidationError):
        problems = [f"{'.'.join(map(str, e['loc']))}: {e['msg']} (got {e.get('input')!r})" for e in cause.errors()]
        return "bad arguments: " + "; ".join(problems)
    return None


def mount_agents(app, library: Library) -> None:
    """The read-only tools over streamable HTTP at /mcp of a FastAPI app; their sessions run while the app
    does (its lifespan). The Host check and the log-in are the whole app's (web.api.Guarded, in front of
    every route alike), so the SDK's own Host check, which knows nothing of ONRECORD_ALLOWED_HOSTS, is off."""
    server = agent_server(library)
    http = server.streamable_http_app(
        streamable_http_path="/mcp",
        host=library.settings.host,
        transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=False),
    )
    app.router.routes.extend(http.routes)
    outer = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(running) -> AsyncIterator[Any]:
        async with server.session_manager.run(), outer(running) as state:
            yield state

    app.router.lifespan_context = lifespan
