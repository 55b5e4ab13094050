"""Reading transcript files as text: binary files refused, legacy encodings decoded with a notice."""

from __future__ import annotations

from pathlib import Path

from charset_normalizer import from_bytes

from core.errors import ParseError

MAX_FILE_BYTES = 50 * 1024 * 1024


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
    for bom, encoding in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if raw.startswith(bom):
            return _checked(path, raw.decode(encoding, errors="replace")), []
    if _looks_binary(raw):
        raise ParseError(
            path,
            "this is a binary file, not a transcript",
            "give a text transcript: .txt, .vtt, .srt or .json",
        )
    try:
        return _checked(path, raw.decode("utf-8")), []
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        encoding = _guess_legacy_encoding(raw)
        text = raw.decode(encoding, errors="replace")
        notice = (
            f"{path}: not UTF-8 (first bad byte on line {line}); read as {encoding}. "
            "Save the file as UTF-8 if any characters look wrong."
        )
        return _checked(path, text), [notice]


def read_text(path: Path) -> tuple[str, list[str]]:
    """Read a transcript file as text, with notices about its encoding."""
    try:
        raw = path.read_bytes()
    except IsADirectoryError as error:
        raise ParseError(path, "this is a directory", "give the files inside it") from error
    except OSError as error:
        raise ParseError(path, f"cannot be read: {error.strerror}", "check the path and its permissions") from error
    return decode(path, raw)


def _looks_binary(raw: bytes) -> bool:
    sample = raw[:8192]
    if b"\x00" in sample:
        return True
    control = sum(1 for byte in sample if byte < 32 and byte not in (9, 10, 12, 13))
    return control > len(sample) * 0.05


def _guess_legacy_encoding(raw: bytes) -> str:
    best = from_bytes(raw[:65536], cp_isolation=["cp1252", "latin_1", "cp1250", "mac_roman"]).best()
    return best.encoding if best is not None and best.encoding != "utf_8" else "cp1252"


def _checked(path: Path | str, text: str) -> str:
    if not text.strip():
        raise ParseError(path, "the file has no text", "export the transcript again, with its text")
    return text
