from __future__ import annotations

import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

import anyio
import pytest

from tests.conftest import ROOT

ONRECORD = Path(sys.executable).with_name("onrecord")
COUNCIL = "city_council_2024-03-12"


@pytest.fixture(scope="session")
def samples_dir(samples_data_dir) -> Path:
    """A data directory holding the sample transcripts, ingested with the real model."""
    return samples_data_dir


def run_apart(run: Callable[[], Awaitable]):
    """`anyio.run(run)` in a thread of its own: the browser tests' event loop may be running in this one."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as apart:
        return apart.submit(anyio.run, run).result()


def over_stdio(args: list[str], scenario: Callable[..., Awaitable[None]]) -> None:
    """Run `onrecord mcp ARGS` and `scenario(session)` against it with the SDK's own client."""
    from mcp.client.session import ClientSession
    from mcp.client.stdio import StdioServerParameters, stdio_client

    environment = {**os.environ, "ONRECORD_CHROMA_HOST": ""} if "ONRECORD_CHROMA_HOST" in os.environ else None
    server = StdioServerParameters(command=str(ONRECORD), args=["mcp", *args], cwd=str(ROOT), env=environment)

    async def run() -> None:
        async with stdio_client(server) as (read, write), ClientSession(read, write) as session:
            await session.initialize()
            await scenario(session)

    run_apart(run)
