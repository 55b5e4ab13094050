"""The project's errors: one base class, caught once by each front end.

    OnRecordError
    ├── ParseError        a transcript file that cannot be read or understood
    ├── SettingsError     a setting with a value that cannot work
    ├── StoreError        the vector store is missing, locked, unwritable or unreachable
    ├── ConflictError     a file that clashes with what is already indexed
    └── QueryError        a question or a filter that cannot be answered as asked

Messages name the value that was wrong and say how to fix it.
"""

from __future__ import annotations

from pathlib import Path


class OnRecordError(Exception):
    """Base of every error On Record reports to a user."""


class ParseError(OnRecordError):
    """A transcript file that cannot be parsed; names the file, the line where known, and a fix."""

    def __init__(self, path: Path | str, problem: str, fix: str = "", line: int | None = None):
        self.path = str(path)
        self.problem = problem
        self.fix = fix
        self.line = line
        where = f"{self.path}:{line}" if line is not None else self.path
        message = f"{where}: {problem}"
        if fix:
            message += f" ({fix})"
        super().__init__(message)


class SettingsError(OnRecordError):
    """A setting whose value cannot work."""


class StoreError(OnRecordError):
    """The store cannot be opened, written or reached."""


class ConflictError(OnRecordError):
    """A file that clashes with what the index holds (two files, one meeting id)."""


class QueryError(OnRecordError):
    """A question or filter that cannot be answered as asked."""
