"""The `onrecord` command line: one module per group of commands, sharing cli.options. Errors
are caught once per command and shown without a traceback."""

from __future__ import annotations

import typer

from cli import agents, bench, chat, evaluation, fit, library, minutes, options, query, serve, topics, verifier
from cli import speakers as speaker_commands

app = typer.Typer(help="On Record: search and cited answers over meeting transcripts.", no_args_is_help=True)
app.callback()(options.global_options)  # --verbose; libraries' logging set once, before any command
for group in (library, query, chat, minutes, speaker_commands, serve, agents, evaluation, fit, topics, verifier):
    app.add_typer(group.app)
app.add_typer(bench.app, name="bench")


def main() -> None:
    app(prog_name="onrecord")
