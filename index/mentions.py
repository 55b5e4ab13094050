"""Finding the speakers a question names, allowing partial and slightly misspelled names."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

from core.text import words as words_of

FULL_NAME_RATIO = 0.84
PART_RATIO = 0.86
PREFIX = 2
_POSSESSIVE = re.compile(r"(?<=\w)['’]s\b")


class SpeakerIndex:
    """Speakers by the first letters of their name's words, so that a question is compared in full
    only with the few speakers whose names start like one of its words (misspellings rarely change
    a name's first letters)."""

    def __init__(self, speakers: Iterable[str]):
        self.by_prefix: dict[str, set[str]] = {}
        for speaker in speakers:
            for word in words_of(speaker.casefold()):
                self.by_prefix.setdefault(word[:PREFIX], set()).add(speaker)

    def mentioned(self, question: str) -> list[str]:
        prefixes = {word.casefold()[:PREFIX] for word in words_of(question)}
        candidates = set().union(*(self.by_prefix.get(prefix, set()) for prefix in prefixes))
        return mentioned_speakers(question, sorted(candidates))


def mentioned_speakers(question: str, speakers: Iterable[str]) -> list[str]:
    """Speakers the question names, best match first.

    A full name matches when some run of the question's words is close to it
    ("Cameran Ashraf's", "Camran Ashraf"); a single part of a name matches when a
    capitalised word of the question is close to it and no other speaker shares it
    ("Ashraf", "Quim").
    """
    words = words_of(_POSSESSIVE.sub("", question))
    folded = [word.casefold() for word in words]
    scores: dict[str, float] = {}
    parts: dict[str, list[str]] = {}
    for speaker in speakers:
        name_words = words_of(speaker.casefold())
        if not name_words:
            continue
        size = len(name_words)
        target = " ".join(name_words)
        best = max(
            (_ratio(" ".join(folded[i : i + size]), target, FULL_NAME_RATIO) for i in range(len(folded) - size + 1)),
            default=0.0,
        )
        if best >= FULL_NAME_RATIO and (size > 1 or _capitalised(words, name_words[0])):
            scores[speaker] = max(scores.get(speaker, 0.0), 1.0 + best)
        for part in name_words:
            if len(part) >= 4 and size > 1:
                parts.setdefault(part, []).append(speaker)
    for part, owners in parts.items():
        if len(owners) != 1:
            continue
        best = max((_ratio(word.casefold(), part, PART_RATIO) for word in words if word[:1].isupper()), default=0.0)
        if best >= PART_RATIO:
            scores[owners[0]] = max(scores.get(owners[0], 0.0), best)
    return sorted(scores, key=lambda speaker: -scores[speaker])


def _ratio(a: str, b: str, cutoff: float) -> float:
    """difflib's similarity of a and b when it reaches the cutoff, else 0; the cheap upper bounds
    come first, as in difflib.get_close_matches (most pairs are far apart)."""
    if not a or not b or 2 * min(len(a), len(b)) / (len(a) + len(b)) < cutoff:  # difflib's real_quick_ratio
        return 0.0
    matcher = difflib.SequenceMatcher(None, a, b)
    if matcher.quick_ratio() < cutoff:
        return 0.0
    ratio = matcher.ratio()
    return ratio if ratio >= cutoff else 0.0


def _capitalised(words: list[str], name: str) -> bool:
    return any(word.casefold() == name and word[:1].isupper() for word in words)
