"""Libraries' log lines stay off the user's output unless `onrecord --verbose` asks for them."""

from __future__ import annotations

import shutil
import subprocess
import sys

from tests.conftest import DATA, ROOT

# As a library does that configures logging for itself (the MCP SDK's server, here) before the command
# runs: a root handler at INFO, under which bm25s's DEBUG lines would be shown.
RUN_WITH_A_LIBRARY_HANDLER = (
    "from mcp.server.mcpserver.utilities.logging import configure_logging; configure_logging('INFO'); "
    "from cli import main; main()"
)


def _ask(data_dir, *options: str) -> subprocess.CompletedProcess:
    shutil.rmtree(data_dir / "catalog", ignore_errors=True)  # rebuilt by the question: bm25s logs as it builds
    return subprocess.run(
        [sys.executable, "-c", RUN_WITH_A_LIBRARY_HANDLER, *options, "ask", "How long does a small grant take?"]
        + ["--data-dir", str(data_dir)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_ask_prints_no_library_log_line_unless_verbose(tmp_path, settings_for, embedder):
    from library import Library

    Library(settings_for(tmp_path), embedder).ingest([DATA / "notes.txt"])
    quiet = _ask(tmp_path)
    assert quiet.returncode == 0, quiet.stderr
    assert "[1]" in quiet.stdout
    assert "DEBUG" not in quiet.stdout and "DEBUG" not in quiet.stderr, quiet.stdout + quiet.stderr
    assert "Building index" not in quiet.stdout + quiet.stderr
    verbose = _ask(tmp_path, "--verbose")
    assert verbose.returncode == 0, verbose.stderr
    assert "DEBUG bm25s: Building index" in verbose.stderr  # asked for: on stderr
    assert "DEBUG" not in verbose.stdout and verbose.stdout == quiet.stdout
