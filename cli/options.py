"""What every command shares: options, settings from them, and errors shown as one line."""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.text import Text

from core.errors import OnRecordError
from core.settings import Settings, load_settings, offline
from core.text import BIDI_CONTROL, printable
from ingest.formats import FORMATS

console = Console()
errors = Console(stderr=True)

FormatOption = Annotated[
    str | None,
    typer.Option("--format", "-f", help=f"force a format: {', '.join(FORMATS)}", show_default=False),
]
BudgetOption = Annotated[int | None, typer.Option(help="word pieces per chunk", show_default=False)]
DataDirOption = Annotated[
    Path | None,
    typer.Option(
        "--data-dir", help="embedded store directory (env ONRECORD_DATA_DIR; default .onrecord)", show_default=False
    ),
]
HostOption = Annotated[
    str | None,
    typer.Option("--chroma-host", help="a `chroma run` server (env ONRECORD_CHROMA_HOST)", show_default=False),
]
PortOption = Annotated[
    int | None,
    typer.Option("--chroma-port", help="its port (env ONRECORD_CHROMA_PORT; default 8000)", show_default=False),
]
JsonOption = Annotated[bool, typer.Option("--json", help="print JSON")]
ModeOption = Annotated[str, typer.Option("--mode", help="hybrid, dense or keyword")]
# answer.ask.ANSWERERS, named here by hand: the command line starts without importing the answer floor
# (tests/cli check that the two agree)
ANSWERERS_HELP = (
    "extractive (quotes), or llm: written by the model ONRECORD_LLM_URL or ONRECORD_LLM_PATH names, every "
    "sentence checked against the passages it cites"
)
AnswererOption = Annotated[str, typer.Option("--answerer", help=ANSWERERS_HELP)]
KOption = Annotated[int | None, typer.Option("--k", "-k", help="passages to retrieve", show_default=False)]
MeetingOption = Annotated[str | None, typer.Option("--meeting", help="only this meeting id", show_default=False)]
MeetingsOption = Annotated[
    list[str] | None,
    typer.Option("--meeting", help="only this meeting id; repeat it for a set of meetings", show_default=False),
]
SpeakerOption = Annotated[
    str | None, typer.Option("--speaker", help="only passages with this speaker", show_default=False)
]
TopicOption = Annotated[str | None, typer.Option("--topic", help="only passages under this topic", show_default=False)]
FromOption = Annotated[str | None, typer.Option("--from", help="meetings on or after YYYY-MM-DD", show_default=False)]
ToOption = Annotated[str | None, typer.Option("--to", help="meetings on or before YYYY-MM-DD", show_default=False)]
BatchOption = Annotated[
    Path | None,
    typer.Option(
        "--batch",
        help='JSON lines: {"query": ..., "meeting": ..., "speaker": ..., "topic": ..., "k": ...}; for ask, also '
        '"history": [{"question": ..., "answer": ...}, ...], the thread it follows up, oldest first',
    ),
]


VerboseOption = Annotated[
    bool, typer.Option("--verbose", help="show the libraries' log lines, down to DEBUG, on stderr", show_default=False)
]


class _Stderr(logging.StreamHandler):
    """Log lines on whatever sys.stderr is when they are written."""

    def __init__(self) -> None:
        super().__init__()
        self.setFormatter(logging.Formatter("%(message)s"))

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:
        pass


def configure_logging(verbose: bool = False) -> None:
    """Logging set once, at the command line's edge: warnings on stderr as plain lines, and nothing below
    them (bm25s logs at DEBUG, and a library such as the MCP SDK installs its own handler when none is
    there), unless `--verbose`, which shows every library's lines down to DEBUG on stderr, never stdout."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if isinstance(h, _Stderr)]:
        root.removeHandler(handler)
    handler = _Stderr()
    if verbose:
        handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.WARNING)
    logging.disable(logging.NOTSET if verbose else logging.INFO)


def global_options(verbose: VerboseOption = False) -> None:
    configure_logging(verbose)


def reports_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Show OnRecordError as a one-line message and exit 1, the same for every command."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except OnRecordError as error:
            errors.print(Text.assemble(("error:", "bold red"), " ", printable(str(error))), soft_wrap=True)
            raise typer.Exit(1) from None

    return wrapper


TRAIN = Path("../shared/data/qmsum/train")  # what the fitting commands fit on


def refuse_val(data: Path) -> None:
    """Fitting commands fit on train: val is for reporting."""
    if data.name == "val":
        errors.print("val is for reporting; fit on train (--data ../shared/data/qmsum/train)", highlight=False)
        raise typer.Exit(2)


def settings_from(data_dir: Path | None, chroma_host: str | None, chroma_port: int | None, **more: Any) -> Settings:
    """Settings from the environment with the command's options on top; nothing downloaded."""
    offline()
    return load_settings(data_dir=data_dir, chroma_host=chroma_host, chroma_port=chroma_port, **more)


def report_failures(failures: list) -> None:
    if failures:
        errors.print(f"[bold red]{len(failures)} file(s) could not be read:[/]")
        for failure in failures:
            errors.print(Text(f"  {escaped_line(failure.message)}"), soft_wrap=True)
        raise typer.Exit(1)


def shown(text: object) -> Text:
    """Text that came from a transcript or a file name, for a rich console: no control character
    (core.text.printable) and never read as markup ('[bold]', '[link=...]')."""
    return Text(printable(str(text)))


def escaped_line(text: str) -> str:
    r"""A line of data kept on one line: a newline, carriage return or tab in it shown as \n, \r, \t."""
    return printable(text.replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t"))


_RAW_IN_JSON = re.compile(f"[\x7f-\x9f{BIDI_CONTROL}]")  # what json.dumps leaves raw that a terminal acts on


def json_text(value: Any, indent: int | None = 2) -> str:
    """JSON for a terminal or a pipe: UTF-8 text as written, with DEL, the C1 controls and bidirectional
    overrides (which json.dumps leaves raw, unlike the C0 controls) escaped as \\uXXXX."""
    text = json.dumps(value, ensure_ascii=False, indent=indent)
    return _RAW_IN_JSON.sub(lambda match: f"\\u{ord(match[0]):04x}", text)


def printable_data(value: Any) -> Any:
    """A JSON-like value (an answer, hits) with every string in it made printable, for reading on a terminal."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, dict):
        return {key: printable_data(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [printable_data(item) for item in value]
    return value
