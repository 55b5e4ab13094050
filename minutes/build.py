"""A meeting's minutes: what it covered (its chapters and a summary of its own sentences), what it
decided, who is doing what by when, and who spoke how much. Built from the turns and chapters
alone (no model call, nothing embedded), so a meeting of 1,000 turns has its minutes at once."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from core.minutes import Item, Minutes, SummaryLine
from core.models import Chapter, Meeting, Turn
from minutes.items import detect, reads_english
from minutes.summary import overview, summary_lines

SUMMARY_WORDS = 110  # about 100-150 words with the speakers' names
MIN_BODY = 20  # the fewest words of sentences a summary quotes, however many its overview takes
TOO_SHORT = 2  # a meeting of this many turns or fewer has no summary (its decisions and actions it has)
ENGLISH_ONLY = "decisions and action items are detected in English only, and this transcript does not read as English"


def build_minutes(
    meeting: Meeting, turns: Sequence[Turn], chapters: Sequence[Chapter], words: int = SUMMARY_WORDS
) -> Minutes:
    """The minutes of one meeting; `words` is the summary's length."""
    speakers = speaker_shares(turns)
    notes: tuple[str, ...] = ()
    if reads_english(turns):
        decisions, actions = detect(turns)
    else:
        decisions, actions, notes = [], [], (ENGLISH_ONLY,)
    if len(turns) <= TOO_SHORT:  # its decisions and action items, as said; no summary of a turn or two
        note = f"this meeting has only {len(turns)} turn{'s' if len(turns) != 1 else ''}: too short for a summary"
        return Minutes(meeting, None, (), tuple(decisions), tuple(actions), tuple(chapters), speakers, (note, *notes))
    head, lines = summary_of(turns, chapters, decisions, words)
    return Minutes(meeting, head, lines, tuple(decisions), tuple(actions), tuple(chapters), speakers, notes)


def summary_of(
    turns: Sequence[Turn], chapters: Sequence[Chapter], decisions: Sequence[Item], words: int = SUMMARY_WORDS
) -> tuple[str | None, tuple[SummaryLine, ...]]:
    """A meeting's summary in about `words` words, the one recipe of the minutes and of an answer asking
    for a summary of some length: the overview of its chapters ("The meeting covered A; B."), then its own
    sentences, the strongest decisions first."""
    head = overview(chapters, words)
    body = max(words - (len(head.split()) if head else 0), MIN_BODY)
    strongest = sorted(decisions, key=lambda item: -item.probability)
    return head, tuple(summary_lines(turns, chapters, body, [(item.turn, item.text) for item in strongest]))


def speaker_shares(turns: Sequence[Turn]) -> tuple[tuple[str, float], ...]:
    """Each speaker with their share of the meeting's words, most first."""
    words: Counter[str] = Counter()
    for turn in turns:
        if turn.canonical_speaker:
            words[turn.canonical_speaker] += len(turn.clean_text.split())
    total = sum(words.values()) or 1
    return tuple((name, count / total) for name, count in words.most_common())
