"""How the page and both APIs put a question to the library, without Gradio (the API answers
while the page is still being built)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from answer.ask import AskOptions
from answer.question.thread import Exchange
from core.errors import QueryError
from core.models import Answer, Filters
from library import Library

ANY = "(any)"


def day(value: str | date | None) -> date | None:
    """A day written YYYY-MM-DD (blank: none); a QueryError saying how to write it otherwise."""
    if isinstance(value, date) or value is None:
        return value
    if not str(value).strip():
        return None
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError as error:
        raise QueryError(f"date {value!r} is not YYYY-MM-DD; write it like 2022-03-24") from error


def filters_from(meeting, speaker: str | None, topic: str | None, dates: tuple = (None, None)) -> Filters:
    """Filters from the page's or the API's choices: `meeting` one id or a list of them."""

    def value(choice: str | None) -> str | None:
        return None if not choice or choice == ANY else choice

    named = [m for m in ([meeting] if isinstance(meeting, str) else meeting or []) if value(m)]
    return Filters(
        meetings=tuple(named),
        speaker=value(speaker),
        topic=value(topic),
        date_from=day(dates[0]),
        date_to=day(dates[1]),
    )


def answer_question(
    library: Library,
    question: str,
    meeting,
    speaker,
    topic,
    mode: str,
    k: float,
    answerer: str = "extractive",
    on_text: Callable[[str], None] | None = None,
    dates: tuple = (None, None),
    history: tuple[Exchange, ...] = (),
) -> Answer:
    """The one way the page and both APIs ask: filters from the choices; with
    `answerer="llm"`, written by the configured language model (its words to `on_text`) and checked;
    with `history` (the thread so far, oldest first), a follow-up read against it."""
    filters = filters_from(meeting, speaker, topic, dates)
    options = AskOptions(k=int(k), mode=mode, filters=filters, answerer=answerer, history=history)
    return library.ask(question, options, on_text)
