"""`onrecord list --json` is read by the local user who ingested the files: it keeps each file's whole
path, while the MCP tool list_meetings gives agents the file's name alone (tests/web/mcp)."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from cli import app
from tests.conftest import ROOT


def test_list_json_gives_each_files_whole_path(samples_data_dir):
    result = CliRunner().invoke(app, ["list", "--json", "--data-dir", str(samples_data_dir)])
    assert result.exit_code == 0, result.output
    paths = [meeting["source_path"] for meeting in json.loads(result.stdout)]
    assert paths and all(path.startswith(str(ROOT / "samples")) for path in paths), paths
