"""Chapters: a meeting's topics as a reader skims them or a video player shows them (a WebVTT
chapters track, or the `0:00 Label` lines of a video description)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from core.errors import QueryError
from core.models import Chapter, Turn
from ingest.labels import summary_sentences


def chapters(turns: Sequence[Turn], summaries: bool = True) -> list[Chapter]:
    """A meeting's chapters: each run of turns under one topic, with its start, its speakers (most
    words first) and (unless not wanted) its summary sentence."""
    runs: list[list[Turn]] = []
    for turn in turns:
        if runs and runs[-1][-1].topic == turn.topic:
            runs[-1].append(turn)
        else:
            runs.append([turn])
    texts = [[turn.clean_text for turn in run] for run in runs]
    summaries_found = summary_sentences(texts) if summaries else [None] * len(runs)
    found = []
    for n, run in enumerate(runs, start=1):
        words: Counter[str] = Counter()
        for turn in run:
            if turn.canonical_speaker:
                words[turn.canonical_speaker] += len(turn.clean_text.split())
        summary = summaries_found[n - 1]
        first = run[0]
        found.append(
            Chapter(
                n=n,
                topic=first.topic,
                source=(first.topic_source or "source") if first.topic else None,
                turn_start=first.index,
                turn_end=run[-1].index,
                start=next((t.start for t in run if t.start is not None), None),
                end=next((t.end for t in reversed(run) if t.end is not None), None),
                speakers=tuple(name for name, _ in words.most_common()),
                summary=summary[1] if summary else None,
                summary_turn=run[summary[0]].index if summary else None,
            )
        )
    return found


def _timed(chapters: Sequence[Chapter], meeting_id: str) -> None:
    if not chapters or chapters[0].start is None:
        raise QueryError(
            f"meeting {meeting_id!r} has no times, so its chapters cannot be placed on a recording; "
            "use --json or the table, or ingest a timed transcript (WebVTT, SRT, Whisper JSON, timestamps)"
        )


def vtt_track(chapters: Sequence[Chapter], meeting_id: str) -> str:
    """A WebVTT chapters track: one cue per chapter, from its start to the next chapter's."""
    _timed(chapters, meeting_id)
    timed = [c for c in chapters if c.start is not None]
    lines = ["WEBVTT", ""]
    for k, chapter in enumerate(timed):
        end = timed[k + 1].start if k + 1 < len(timed) else (chapter.end or chapter.start)
        end = max(end, chapter.start + 1.0)
        lines += [str(k + 1), f"{_vtt_time(chapter.start)} --> {_vtt_time(end)}", chapter.topic or "(no topic)", ""]
    return "\n".join(lines)


def youtube_lines(chapters: Sequence[Chapter], meeting_id: str) -> str:
    """`0:00 Label` lines for a video description; the first at 0:00, as video sites require."""
    _timed(chapters, meeting_id)
    timed = [c for c in chapters if c.start is not None]
    long = (timed[-1].start or 0) >= 3600
    return (
        "\n".join(
            f"{_short_time(0.0 if k == 0 else c.start, long)} {c.topic or '(no topic)'}" for k, c in enumerate(timed)
        )
        + "\n"
    )


def _vtt_time(seconds: float) -> str:
    millis = round(seconds * 1000)
    return f"{millis // 3600000:02d}:{millis // 60000 % 60:02d}:{millis // 1000 % 60:02d}.{millis % 1000:03d}"


def _short_time(seconds: float, long: bool) -> str:
    whole = int(seconds)
    if long:
        return f"{whole // 3600}:{whole // 60 % 60:02d}:{whole % 60:02d}"
    return f"{whole // 60:02d}:{whole % 60:02d}"


def chapter_at(chapters: Sequence[Chapter], turn: int) -> Chapter | None:
    """The chapter that holds a turn."""
    return next((c for c in chapters if c.turn_start <= turn <= c.turn_end), None)
