"""`onrecord mcp`: the library's tools for a desktop assistant, over stdio (web.agents)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.options import DataDirOption, HostOption, PortOption, reports_errors, settings_from
from core.errors import OnRecordError

app = typer.Typer()


@app.command("mcp")
@reports_errors
def mcp_command(
    allow_writes: Annotated[
        bool, typer.Option("--allow-writes", help="offer the write tools: ingest, remove, renames (needs --allow-dir)")
    ] = False,
    allow_dir: Annotated[
        list[Path] | None,
        typer.Option("--allow-dir", help="a folder ingest may read from; repeat for more", show_default=False),
    ] = None,
    data_dir: DataDirOption = None,
    chroma_host: HostOption = None,
    chroma_port: PortOption = None,
) -> None:
    """Serve the library to an assistant (Claude Desktop, Cursor, VS Code...) as MCP tools over stdio:
    ask, search, list_meetings, read_transcript, chapters, minutes, speakers; with --allow-writes, ingest,
    remove, rename_speaker and merge_speakers."""
    from library import Library
    from web.agents import agent_server

    folders = _allowed_folders(allow_writes, allow_dir or [])
    library = Library(settings_from(data_dir, chroma_host, chroma_port))
    agent_server(library, folders).run("stdio")


def _allowed_folders(allow_writes: bool, folders: list[Path]) -> list[Path]:
    if not allow_writes:
        if folders:
            raise OnRecordError("--allow-dir is for writes; add --allow-writes to offer ingest and remove")
        return []
    if not folders:
        raise OnRecordError("--allow-writes needs the folders ingest may read: add --allow-dir FOLDER")
    missing = [str(folder) for folder in folders if not folder.expanduser().is_dir()]
    if missing:
        raise OnRecordError(f"--allow-dir names no folder: {', '.join(missing)}; give existing folders")
    return folders
