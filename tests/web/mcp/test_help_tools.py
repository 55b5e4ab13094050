"""The tools named in `onrecord --help`, `onrecord mcp --help` and the server's instructions are the
tools the server registers."""

from __future__ import annotations

import os
import re
import subprocess

import pytest

from tests.web.mcp.conftest import ONRECORD, run_apart


def registered(library, allowed_dirs=()) -> set[str]:
    from mcp import Client

    from web.agents import agent_server

    async def run() -> set[str]:
        async with Client(agent_server(library, allowed_dirs)) as client:
            return {tool.name for tool in (await client.list_tools()).tools}

    return run_apart(run)


@pytest.mark.parametrize("command", [["--help"], ["mcp", "--help"]])
def test_help_names_every_tool_the_server_offers(command, tmp_path, settings_for, embedder):
    from library import Library

    shown = subprocess.run(
        [str(ONRECORD), *command], capture_output=True, text=True, env={**os.environ, "COLUMNS": "300"}, check=True
    ).stdout
    words = " ".join(shown.replace("│", " ").split())
    listed = re.search(r"as MCP tools over stdio: (.+?); with --allow-writes, (.+?)\.", words)
    assert listed, words
    reading, writing = set(listed[1].split(", ")), set(re.split(r", | and ", listed[2]))
    library = Library(settings_for(tmp_path), embedder)
    assert reading == registered(library)
    assert reading | writing == registered(library, [tmp_path])


def test_the_instructions_name_every_reading_tool(tmp_path, settings_for, embedder):
    from library import Library
    from web.agents import INSTRUCTIONS

    named = set(re.findall(r"\b[a-z]+(?:_[a-z]+)*\b", INSTRUCTIONS))
    assert registered(Library(settings_for(tmp_path), embedder)) <= named
