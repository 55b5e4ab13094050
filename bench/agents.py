"""What an assistant waits for: from starting `onrecord mcp` to its first answered `ask`, and the cost
of asking through MCP (the SDK's client, stdio, JSON) over asking the Python API the same question.
The two ways are timed in turn in the same run, on the same library, so their ratio holds however
busy the machine is."""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from core.settings import load_settings, offline
from library import Library

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
QUESTION = "Who is worried about the Harbour Street bike lane?"
ASKS = 20
TARGET_FIRST_ANSWER_S = 2.0
TARGET_OVERHEAD_MS = 20.0


@dataclass(frozen=True)
class AgentFigures:
    first_answer_s: float  # from starting `onrecord mcp` to the first ask answered
    mcp_median_ms: float  # a warm ask through the MCP client
    python_median_ms: float  # the same question through Library.ask
    asks: int

    @property
    def overhead_ms(self) -> float:
        return self.mcp_median_ms - self.python_median_ms

    @property
    def ratio(self) -> float:
        return self.mcp_median_ms / self.python_median_ms

    def targets(self) -> list[tuple[str, str, str, bool]]:
        """(what, goal, measured, met) for each target of issue 39."""
        return [
            (
                "start to first answer",
                f"≤ {TARGET_FIRST_ANSWER_S:.0f} s",
                f"{self.first_answer_s:.2f} s",
                self.first_answer_s <= TARGET_FIRST_ANSWER_S,
            ),
            (
                "MCP overhead per ask (median)",
                f"≤ {TARGET_OVERHEAD_MS:.0f} ms",
                f"{self.overhead_ms:.1f} ms",
                self.overhead_ms <= TARGET_OVERHEAD_MS,
            ),
        ]


def bench_agents(data_dir: Path | None = None, asks: int = ASKS, question: str = QUESTION) -> AgentFigures:
    """Start `onrecord mcp` on the library in `data_dir` (none: a new one of the samples) and time its
    first answer, then ask the same question `asks` times through it and through the Python API, in turn."""
    import anyio

    offline()
    with tempfile.TemporaryDirectory(prefix="onrecord-bench-") as scratch:
        library = Library(load_settings(data_dir=data_dir or Path(scratch), chroma_host=None))
        if data_dir is None:
            library.ingest([SAMPLES])
        library.ask(question)  # the model and the catalog loaded, as in the server after its first ask
        # in a thread of its own: the caller may be running an event loop of its own in this one
        with ThreadPoolExecutor(1) as apart:
            first, through_mcp, through_python = apart.submit(anyio.run, _ask_both, library, question, asks).result()
    return AgentFigures(
        first_answer_s=first,
        mcp_median_ms=statistics.median(through_mcp) * 1000,
        python_median_ms=statistics.median(through_python) * 1000,
        asks=asks,
    )


async def _ask_both(library: Library, question: str, asks: int) -> tuple:
    from mcp.client.session import ClientSession
    from mcp.client.stdio import StdioServerParameters, stdio_client

    command = [sys.executable, "-m", "cli", "mcp", "--data-dir", str(library.data_dir)]
    server = StdioServerParameters(command=command[0], args=command[1:])
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as errlog:  # the server's stderr (a test runner's has no file number)
        return await _timed(stdio_client(server, errlog=errlog), ClientSession, library, question, asks, started)


async def _timed(client, session_of, library: Library, question: str, asks: int, started: float) -> tuple:
    async with client as (read, write), session_of(read, write) as session:
        await session.initialize()
        answered = await session.call_tool("ask", {"question": question})
        first = time.perf_counter() - started
        if answered.is_error:
            raise RuntimeError(f"onrecord mcp could not answer: {answered.content[0].text}")
        through_mcp, through_python = [], []
        for _ in range(asks):
            started = time.perf_counter()
            await session.call_tool("ask", {"question": question})
            through_mcp.append(time.perf_counter() - started)
            started = time.perf_counter()
            library.ask(question)
            through_python.append(time.perf_counter() - started)
    return first, through_mcp, through_python


def agents_tables(figures: AgentFigures):
    """The figures and the targets, as two rich tables."""
    from rich.table import Table

    timing = Table("first answer s", "MCP ask ms", "Python ask ms", "overhead ms", "ratio", title="onrecord mcp")
    timing.add_row(
        f"{figures.first_answer_s:.2f}",
        f"{figures.mcp_median_ms:.1f}",
        f"{figures.python_median_ms:.1f}",
        f"{figures.overhead_ms:.1f}",
        f"{figures.ratio:.2f}x",
    )
    targets = Table("target", "goal", "measured", "", title=f"Targets (medians of {figures.asks} asks)")
    for name, goal, measured, met in figures.targets():
        targets.add_row(name, goal, measured, "met" if met else "[bold red]missed[/]")
    return timing, targets
