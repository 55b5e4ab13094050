"""Reading transcript files as text: binary files refused, legacy encodings decoded with a notice,
and (given the folders a file must lie in) nothing read through a link that leads out of them."""

from __future__ import annotations

import codecs
import errno
import os
import re
import stat
from collections.abc import Sequence
from pathlib import Path

from charset_normalizer import from_bytes

from core.errors import ParseError

MAX_FILE_BYTES = 50 * 1024 * 1024
# Byte order marks, UTF-32's before UTF-16's: UTF-32LE's begins as UTF-16LE's does.
BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Documents that are not transcripts, by their first bytes: what each is, and what to do instead.
NOT_TEXT = (
    (b"%PDF-", "this is a PDF, not a transcript", "export its text first, as a .txt file"),
    (b"PK\x03\x04", "this is a Word document or zip archive, not a transcript", "save it as .txt, or unzip it"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "this is an old Word or Office document", "save it as .txt"),
    (b"{\\rtf", "this is a rich text (RTF) document, not plain text", "save it as plain text, .txt"),
)
_WORD = re.compile(r"[^\W\d_]{2}")  # two letters in a row


def decode(path: Path | str, raw: bytes) -> tuple[str, list[str]]:
    """Decode file bytes to text; returns the text and any notices about how it was read."""
    if not raw.strip():
        raise ParseError(path, "the file is empty", "export the transcript again, with its text")
    if len(raw) > MAX_FILE_BYTES:
        raise ParseError(
            path,
            f"the file is {len(raw) / 2**20:.0f} MiB, over the {MAX_FILE_BYTES // 2**20} MiB limit",
            "split it into one file per meeting",
        )
    for magic, problem, fix in NOT_TEXT:
        if raw.startswith(magic):
            raise ParseError(path, problem, fix)
    encoding = next((encoding for bom, encoding in BOMS if raw.startswith(bom)), None)
    if encoding is None and _looks_binary(raw):
        raise ParseError(
            path,
            "this is a binary file, not a transcript",
            "give a text transcript: .txt, .vtt, .srt or .json",
        )
    text, notices = _unicode(path, raw, encoding or "utf-8")
    if not text.strip():
        raise ParseError(path, "the file has no text", "export the transcript again, with its text")
    if not _WORD.search(text):
        raise ParseError(
            path, "no readable words in this file", "give a transcript with its text: .txt, .vtt, .srt or .json"
        )
    return text, notices


def _unicode(path: Path | str, raw: bytes, encoding: str) -> tuple[str, list[str]]:
    """The text in a Unicode encoding. A UTF-8 file with a few stray bytes (fewer than its own
    multi-byte characters) is read as UTF-8, those bytes replaced; with more, as a legacy encoding."""
    try:
        return raw.decode(encoding), []
    except UnicodeDecodeError:
        escaped = raw.decode(encoding, errors="surrogateescape")
    positions = [at for at, character in enumerate(escaped) if "\udc80" <= character <= "\udcff"] or [len(escaped)]
    stray, line = len(positions), escaped.count("\n", 0, positions[0]) + 1
    if encoding == "utf-8" and sum(1 for character in escaped if ord(character) > 127) - stray < stray:
        legacy = _guess_legacy_encoding(raw)
        notice = (
            f"{path}: not UTF-8 (first bad byte on line {line}); read as {legacy}. "
            "Save the file as UTF-8 if any characters look wrong."
        )
        return raw.decode(legacy, errors="replace"), [notice]
    name = encoding.removesuffix("-sig").upper()
    notice = (
        f"{path}: {stray} byte{'s' if stray > 1 else ''} not {name} (the first on line {line}) replaced with "
        f"\ufffd; the rest read as {name}. Save the file as {name} if anything is missing."
    )
    return raw.decode(encoding, errors="replace"), [notice]


def read_text(path: Path, within: Sequence[Path] = ()) -> tuple[str, list[str]]:
    """Read a transcript file as text, with notices about its encoding; with `within` (real paths), only
    a file that lies inside one of those folders once links are followed (see `read_bytes`)."""
    return decode(path, read_bytes(path, within))


def read_bytes(path: Path | str, within: Sequence[Path] = ()) -> bytes:
    """A file's bytes. With `within`, the file is opened first (its last name not followed as a link)
    and read only when the file opened lies inside one of those folders and has no other name (a hard
    link): what is read is what was checked, so a link put in its place or in its folder's meanwhile is
    refused, never followed. The folders are real paths, resolved once by the caller (`real_folders`)."""
    try:
        descriptor = os.open(os.path.realpath(path), os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as error:
        if error.errno == errno.ELOOP:  # the resolved name turned into a link after it was resolved
            raise ParseError(path, "it was replaced by a link while being read", "ingest it again") from error
        raise ParseError(path, f"cannot be read: {error.strerror}", "check the path and its permissions") from error
    try:
        found = os.fstat(descriptor)
        if stat.S_ISDIR(found.st_mode):
            raise ParseError(path, "this is a directory", "give the files inside it")
        if not stat.S_ISREG(found.st_mode):
            raise ParseError(path, "this is not a regular file", "give a transcript file")
        if within and not inside(_opened_path(descriptor), within):
            raise outside(path)
        if within and found.st_nlink > 1:  # its other names may lie anywhere: where it was checked proves nothing
            raise ParseError(path, "it has other names (a hard link); skipped", "copy the file itself into the folder")
        with os.fdopen(descriptor, "rb", closefd=False) as handle:
            return handle.read()
    except OSError as error:
        raise ParseError(path, f"cannot be read: {error.strerror}", "check the file") from error
    finally:
        os.close(descriptor)


def real_folders(folders: Sequence[Path | str]) -> tuple[Path, ...]:
    """The folders files may be read from, as real paths (`~` expanded, links followed): resolved once,
    where they are given (a server's start, an upload's staging), and never again while reading."""
    return tuple(Path(folder).expanduser().resolve() for folder in folders)


def inside(path: Path | str, within: Sequence[Path]) -> bool:
    """Whether `path`, links followed, lies inside one of the folders `within`, real paths compared as
    they are (`real_folders`): a folder swapped for a link since it was resolved does not move them."""
    real = Path(os.path.realpath(path))
    return any(real.is_relative_to(folder) for folder in within)


def remove_inside(path: Path | str, within: Sequence[Path], folder: bool = False) -> bool:
    """Delete the file (or, with `folder`, the empty folder) `path` names, by its name in its parent
    folder as opened, and only when that folder lies inside one of `within` (real paths): a folder
    swapped for a link meanwhile leads to nothing deleted elsewhere. Whether it went."""
    path = Path(path)
    try:
        parent = os.open(os.path.realpath(path.parent), os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        if not inside(_opened_path(parent), within):
            return False
        (os.rmdir if folder else os.unlink)(path.name, dir_fd=parent)
        return True
    except OSError:  # gone already, or (a folder) not empty
        return False
    finally:
        os.close(parent)


def outside(path: Path | str) -> ParseError:
    """The refusal of a file that leads out of the folders it may be read from."""
    return ParseError(
        path, "it leads outside the folders allowed for reading (a link); skipped", "put the file itself in one of them"
    )


def _opened_path(descriptor: int) -> str:
    """Where the file open on `descriptor` lies, as the system knows it (not as it was named)."""
    try:
        return os.readlink(f"/proc/self/fd/{descriptor}")
    except OSError:
        import fcntl

        if not hasattr(fcntl, "F_GETPATH"):
            raise
        return fcntl.fcntl(descriptor, fcntl.F_GETPATH, bytes(1024)).rstrip(b"\0").decode()  # macOS


def _looks_binary(raw: bytes) -> bool:
    sample = raw[:8192]
    if b"\x00" in sample:
        return True
    control = sum(1 for byte in sample if byte < 32 and byte not in (9, 10, 12, 13))
    return control > len(sample) * 0.05


def _guess_legacy_encoding(raw: bytes) -> str:
    best = from_bytes(raw[:65536], cp_isolation=["cp1252", "latin_1", "cp1250", "mac_roman"]).best()
    return best.encoding if best is not None and best.encoding != "utf_8" else "cp1252"
