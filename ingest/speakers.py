"""Speaker labels: recognising them in text and canonicalizing them within a meeting."""

from __future__ import annotations

import re
from collections.abc import Iterable

# "Maggie Dennis: ...", "Anne/Risker(a member of ...): ...", "Ms. Jenny Kwan (Vancouver East, NDP): ..."
_NAME = r"[^\W\d_][\w.'’&/\- ]{0,48}?"
_ROLE = r"(?:\s*\((?:[^()]|\([^()]*\))*\))?"
SPEAKER_PREFIX = re.compile(rf"^(?P<speaker>{_NAME}{_ROLE})\s*:\s+(?P<text>\S.*)$", re.DOTALL)
MAX_NAME_WORDS = 5
NOT_NAMES = {"note", "notes", "http", "https", "update", "edit", "warning", "example", "e.g", "i.e"}


def split_speaker(line: str) -> tuple[str, str] | None:
    """Split `Name: text` into (name, text) when the prefix looks like a speaker label."""
    match = SPEAKER_PREFIX.match(line.strip())
    if not match:
        return None
    speaker = match["speaker"].strip()
    name = base_label(speaker)
    if len(name.split()) > MAX_NAME_WORDS or name.casefold() in NOT_NAMES:
        return None
    return speaker, match["text"].strip()


def base_label(label: str) -> str:
    """A label with whitespace collapsed and any trailing parenthesised role removed."""
    text = " ".join(label.split())
    while text.endswith(")"):
        depth = 0
        for position in range(len(text) - 1, -1, -1):
            if text[position] == ")":
                depth += 1
            elif text[position] == "(":
                depth -= 1
                if depth == 0:
                    break
        else:
            break
        stripped = text[:position].rstrip()
        if not stripped:
            break
        text = stripped
    return text


def canonical_names(labels: Iterable[str]) -> dict[str, str]:
    """Map each label to its canonical name within one meeting.

    Labels that differ only by whitespace, case, a trailing parenthesised role or
    constituency, or a trailing ", role" after a name that also appears alone,
    share one canonical name: the first-seen spelling of the bare name.
    """
    ordered = list(dict.fromkeys(labels))
    bases = {label: base_label(label) for label in ordered}
    known_keys = {base.casefold() for base in bases.values()}
    display: dict[str, str] = {}
    mapping: dict[str, str] = {}
    for label in ordered:
        base = bases[label]
        head, comma, _role = base.partition(",")
        if comma and head.strip().casefold() in known_keys:
            base = head.strip()
        mapping[label] = display.setdefault(base.casefold(), base)
    return mapping
