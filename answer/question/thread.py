"""A follow-up question read against its thread (the earlier questions and the answers On Record gave)
into a question that stands alone, before anything is retrieved: a pronoun or an ellipsis takes its
referent from the thread, and the thread's meeting carries over unless the follow-up names another."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from core.errors import QueryError
from core.models import Filters, Meeting

MAX_TURNS = 20  # the last turns of a thread within these are read; older ones are left out
MAX_CHARS = 20_000


@dataclass(frozen=True)
class Exchange:
    """One earlier turn of the thread, oldest first: the question, the answer On Record gave and the
    meetings and speakers its citations named."""

    question: str
    answer: str = ""
    meetings: tuple[str, ...] = ()
    speakers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reading:
    """How a follow-up was read: the question answered, the filters it is answered with, whether it
    differs from the question asked, a notice of turns left out, and whether it had nothing to refer to."""

    standalone: str
    filters: Filters
    changed: bool
    notice: str | None
    unresolved: bool = False


def history_from(rows: object) -> tuple[Exchange, ...]:
    """A thread from JSON-like rows, oldest first: [{"question": ..., "answer": ..., "meetings"?: [...],
    "speakers"?: [...]}, ...]. A QueryError names a row that is not such an object."""
    if rows is None:
        return ()
    if not isinstance(rows, list | tuple):
        raise QueryError(
            f"history must be a list of earlier turns, not {type(rows).__name__}; "
            'send [{"question": "...", "answer": "..."}, ...], oldest first'
        )
    return tuple(_exchange(row, number) for number, row in enumerate(rows, 1))


def _exchange(row: object, number: int) -> Exchange:
    if isinstance(row, Exchange):
        return row
    question = row.get("question") if isinstance(row, dict) else None
    if not isinstance(question, str) or not question.strip():
        raise QueryError(
            f"history turn {number} has no question; each turn needs "
            '{"question": "...", "answer": "..."} (answer, meetings and speakers are optional)'
        )
    answer = row.get("answer") or ""
    if not isinstance(answer, str):
        raise QueryError(f"history turn {number}'s answer is {type(answer).__name__}; give the answer as text")
    return Exchange(question.strip(), answer, _name_list(row, "meetings", number), _name_list(row, "speakers", number))


def _name_list(row: dict, key: str, number: int) -> tuple[str, ...]:
    value = row.get(key) or []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple) or not all(isinstance(item, str) for item in value):
        raise QueryError(f'history turn {number}\'s {key} must be a list of names; send ["..."] or leave it out')
    return tuple(value)


def kept_turns(history: Sequence[Exchange]) -> tuple[tuple[Exchange, ...], str | None]:
    """The last turns within MAX_TURNS and MAX_CHARS, and a notice saying so when any were left out."""
    kept: list[Exchange] = []
    size = 0
    for exchange in reversed(history[-MAX_TURNS:]):
        size += len(exchange.question) + len(exchange.answer)
        if size > MAX_CHARS and kept:
            break
        kept.append(exchange)
    kept.reverse()
    if len(kept) == len(history):
        return tuple(kept), None
    return tuple(kept), (
        f"Used the last {len(kept)} turns of the thread ({len(history)} given; "
        f"at most {MAX_TURNS} turns and {MAX_CHARS:,} characters are read)."
    )


def read_followup(
    question: str, history: Sequence[Exchange], filters: Filters, names: Sequence[Meeting] = ()
) -> Reading:
    """The follow-up `question` read against `history` (oldest first) into a question that stands alone,
    with `filters` and the thread's meeting carried over; `names` are the library's meetings (their
    titles, dates and speakers), for words that name another meeting."""
    kept, notice = kept_turns(history)
    if not kept:
        return Reading(question, filters, False, notice)
    return Reading(question, filters, False, notice)
