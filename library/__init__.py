"""The library: the one facade the command line, the page, the APIs, MCP, the evaluation and the
benchmarks open, standing on every floor below it (ingest and remove through index/, questions
through answer/, minutes through minutes/)."""

from library.facade import Library, MeetingView

__all__ = ["Library", "MeetingView"]
