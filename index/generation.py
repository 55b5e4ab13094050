"""The generation file of a data directory: how processes sharing a library tell one another what
the store holds. A writer, holding the write lock, first marks the file as being written, brings the
catalog snapshot up to date, then writes the snapshot's key into it; a reader compares the file with
the one it last saw before each question, and reloads only when it changed. An embedded library whose
generation file names its snapshot's key can be opened from the snapshot alone, without Chroma."""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path

from index.catalog import Catalog
from index.snapshot import read_snapshot, versions

GENERATION_FILE = "generation"


def seen(data_dir: Path) -> str | None:
    """What identifies the generation file as it is now (None when there is none)."""
    try:
        stat = (data_dir / GENERATION_FILE).stat()
    except OSError:
        return None
    return f"{stat.st_mtime_ns}:{stat.st_size}:{stat.st_ino}"


def stamp(data_dir: Path, content: dict) -> None:
    """Write the generation file whole (written aside, then renamed)."""
    path = data_dir / GENERATION_FILE
    with contextlib.suppress(OSError):  # a read-only data directory has no other writers to tell
        temporary = path.with_name(f".{GENERATION_FILE}.{os.getpid()}.tmp")
        temporary.write_text(json.dumps(content))
        os.replace(temporary, path)


def writing() -> dict:
    """What the generation file says while this process writes."""
    return {"writing": os.getpid()}


def written(key: str, model: str) -> dict:
    """What the generation file says once the snapshot of this key holds what the store holds."""
    return {"pid": os.getpid(), "key": key, "model": model, "versions": versions()}


def snapshot_named(data_dir: Path, model: str) -> Catalog | None:
    """The catalog snapshot, when the generation file names its key for this model and these library
    versions (its last writer finished and wrote the snapshot); else None."""
    try:
        content = json.loads((data_dir / GENERATION_FILE).read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(content, dict) or [content.get("model"), content.get("versions")] != [model, versions()]:
        return None
    saved = read_snapshot(data_dir / "catalog")
    return saved if saved is not None and saved.key == content.get("key") else None
