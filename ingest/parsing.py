"""Parsing files and folders into transcripts; bad files are reported, never fatal to the rest."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from core.errors import ParseError
from core.models import Transcript
from ingest.formats import FORMATS, Source, detect
from ingest.reading import read_text

TRANSCRIPT_SUFFIXES = tuple(sorted({suffix for fmt in FORMATS.values() for suffix in fmt.extensions}))
# Files that sit beside transcripts in a folder but are not transcripts.
NOT_TRANSCRIPTS = ("readme", "license", "licence", "changelog", "contributing")


def parse_text(path: Path | str, text: str, fmt: str | None = None) -> Transcript:
    """Parse transcript text that came from `path` (used for its name and extension)."""
    source = Source(Path(path), text)
    return detect(source, fmt).parse(source)


def parse_file(path: Path | str, fmt: str | None = None) -> Transcript:
    """Parse one transcript file, detecting its format unless `fmt` names one."""
    path = Path(path)
    text, notices = read_text(path)
    transcript = parse_text(path, text, fmt)
    if notices:
        transcript = replace(transcript, warnings=(*notices, *transcript.warnings))
    return transcript


@dataclass(frozen=True)
class Failure:
    path: str
    message: str


def transcript_files(paths: list[Path]) -> Iterator[Path]:
    """The files named, and the transcript files inside any folder named, in a stable order."""
    for path in paths:
        if path.is_dir():
            yield from sorted(
                child
                for child in path.rglob("*")
                if child.is_file()
                and child.suffix.lower() in TRANSCRIPT_SUFFIXES
                and not child.name.startswith(".")
                and not child.stem.lower().startswith(NOT_TRANSCRIPTS)
            )
        else:
            yield path


def parse_paths(paths: list[Path], fmt: str | None = None) -> Iterator[Transcript | Failure]:
    """Each file parsed in turn; a file that cannot be parsed yields a Failure and the rest go on."""
    for path in transcript_files(paths):
        if not path.exists():
            yield Failure(str(path), f"{path}: no such file (check the path)")
            continue
        try:
            yield parse_file(path, fmt)
        except ParseError as error:
            yield Failure(str(path), str(error))
