"""Parsing files and folders into transcripts; bad files are reported, never fatal to the rest."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from core.errors import ParseError
from core.models import Transcript
from ingest.formats import FORMATS, Source, detect
from ingest.reading import inside, outside, read_text

TRANSCRIPT_SUFFIXES = tuple(sorted({suffix for fmt in FORMATS.values() for suffix in fmt.extensions}))
# Files that sit beside transcripts in a folder but are not transcripts.
NOT_TRANSCRIPTS = ("readme", "license", "licence", "changelog", "contributing")


def parse_text(path: Path | str, text: str, fmt: str | None = None) -> Transcript:
    """Parse transcript text that came from `path` (used for its name and extension)."""
    source = Source(Path(path), text)
    return detect(source, fmt).parse(source)


def parse_file(path: Path | str, fmt: str | None = None, within: Sequence[Path] = ()) -> Transcript:
    """Parse one transcript file, detecting its format unless `fmt` names one; with `within`, only
    a file lying inside one of those folders once links are followed (ingest.reading.read_bytes)."""
    path = Path(path)
    text, notices = read_text(path, within)
    transcript = parse_text(path, text, fmt)
    if notices:
        transcript = replace(transcript, warnings=(*notices, *transcript.warnings))
    return transcript


@dataclass(frozen=True)
class Failure:
    path: str
    message: str


@dataclass(frozen=True)
class Found:
    """The transcript files under the paths given, and what their folders held besides."""

    files: list[Path] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)  # files of types that are not transcripts
    outside: list[Failure] = field(default_factory=list)  # links leading out of the allowed folders

    def skipped_note(self) -> str | None:
        """One line on the files passed over for their type, the commonest first: "skipped 16 files
        of types .xml, .csv, .bak: not transcripts"; None when there were none."""
        if not self.skipped:
            return None
        counts = Counter(path.suffix.lower() or "(no extension)" for path in self.skipped)
        types = sorted(counts, key=lambda suffix: (-counts[suffix], suffix))  # the commonest first
        files = "1 file" if len(self.skipped) == 1 else f"{len(self.skipped)} files"
        kinds = "type" if len(types) == 1 else "types"
        return f"skipped {files} of {kinds} {', '.join(types)}: not transcripts"


def find_transcripts(paths: Sequence[Path], within: Sequence[Path] = ()) -> Found:
    """The files named, and the transcript files inside any folder named, in a stable order. Links
    to folders are never entered (no loops); with `within` (real paths, `reading.real_folders`), a file
    or folder whose link leads out of those folders is not listed but put in `outside`."""
    found = Found()
    for path in map(Path, paths):
        if not path.is_dir():
            found.files.append(path)
            continue
        listed = []
        for root, folders, names in os.walk(path):  # not into links to folders
            for name in folders:
                if within and not inside(Path(root, name), within):
                    found.outside.append(Failure(str(Path(root, name)), str(outside(Path(root, name)))))
            for child in (Path(root, name) for name in names):
                if child.name.startswith(".") or child.stem.lower().startswith(NOT_TRANSCRIPTS):
                    continue
                if child.suffix.lower() not in TRANSCRIPT_SUFFIXES:
                    found.skipped.append(child)
                elif within and not inside(child, within):
                    found.outside.append(Failure(str(child), str(outside(child))))
                elif child.is_file():
                    listed.append(child)
        found.files.extend(sorted(listed))
    return found


def transcript_files(paths: Sequence[Path]) -> Iterator[Path]:
    """The files named, and the transcript files inside any folder named, in a stable order."""
    yield from find_transcripts(paths).files


def parse_paths(
    paths: Sequence[Path], fmt: str | None = None, within: Sequence[Path] = ()
) -> Iterator[Transcript | Failure]:
    """Each file parsed in turn; a file that cannot be parsed yields a Failure and the rest go on.
    With `within`, files are read only from inside those folders (links followed), the rest Failures."""
    found = find_transcripts(paths, within)
    yield from found.outside
    for path in found.files:
        if not path.exists():
            yield Failure(str(path), f"{path}: no such file (check the path)")
            continue
        try:
            yield parse_file(path, fmt, within)
        except ParseError as error:
            yield Failure(str(path), str(error))
