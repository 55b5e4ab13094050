"""A meeting's summary written by the user's language model: the turns the extractive summary quotes
are shown to it chapter by chapter (map: a sentence or two each, citing the turns), then its notes
are combined into one summary (reduce); every sentence of that is checked against the turns it cites
(answer.written.verify) before it is shown, what fails is dropped and listed, and the extractive summary is
the fallback. The turns reach the model as quoted transcript text, never instructions (answer.written.injection)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from answer.written.client import Backend, LLMError, stream_within
from answer.written.injection import QUOTED_RULE, quoted_block, without_instructions
from answer.written.verify import Embed
from answer.written.writer import Passage, checked_answer, checked_texts, shortened
from core.models import Answer, Chapter
from core.text import clock

MOST_CHAPTERS = 6  # chapters written about one at a time before they are combined
TURN_WORDS = 160
MAP = (
    "Below are numbered passages from one part of a meeting transcript, each one turn of speech with its "
    "speaker. In one or two short sentences, say what was said or decided in them, from these passages alone. "
    "After each sentence, put the number of each passage it comes from in square brackets, like [2] or [1][3]."
)
REDUCE = (
    "Below are notes on the parts of one meeting, in order, each sentence followed by the passage numbers it "
    "comes from in square brackets. Combine them into one summary of the meeting of about {words} words, in the "
    "order of the meeting. Keep the bracketed numbers after each sentence, exactly as given. Add nothing that "
    "the notes do not say."
)


def shown_turns(extractive: Answer) -> list[Passage]:
    """The turns the extractive summary quotes, numbered as the model will see them."""
    passages = []
    for citation in extractive.citations:
        for turn in citation.turns:
            text = shortened(turn.clean_text, TURN_WORDS)
            if text:
                speaker = turn.canonical_speaker or turn.speaker
                passages.append(Passage(len(passages) + 1, citation.hit, text, speaker, turn))
    return passages


def _lines(passages: Sequence[Passage]) -> str:
    """The passages as the model reads them: numbered, after their speakers, quoted between markers."""
    return quoted_block(
        [
            f"[{p.n}] {p.speaker or 'Unknown speaker'}"
            f"{' (' + clock(p.turn.start) + ')' if p.turn and p.turn.start is not None else ''}: {p.text}"
            for p in passages
        ]
    )


def by_chapter(passages: Sequence[Passage], chapters: Sequence[Chapter]) -> list[list[Passage]]:
    """The passages grouped by the chapter that holds their turn, in order; at most MOST_CHAPTERS
    groups (the smallest neighbours merged)."""
    groups: dict[int, list[Passage]] = {}
    for passage in passages:
        index = passage.turn.index if passage.turn else -1
        number = next((c.n for c in chapters if c.turn_start <= index <= c.turn_end), 0)
        groups.setdefault(number, []).append(passage)
    ordered = [groups[n] for n in sorted(groups)]
    while len(ordered) > MOST_CHAPTERS:
        smallest = min(range(len(ordered) - 1), key=lambda i: len(ordered[i]) + len(ordered[i + 1]))
        ordered[smallest : smallest + 2] = [ordered[smallest] + ordered[smallest + 1]]
    return ordered


def written_summary(
    question: str,
    extractive: Answer,
    chapters: Sequence[Chapter],
    words: int,
    backend: Backend,
    embed: Embed,
    timeout: float,
    on_text: Callable[[str], None] | None = None,
) -> Answer:
    """The model's summary of the meeting, checked; the extractive summary, with a notice, when the
    model fails or nothing it wrote holds."""
    passages = shown_turns(extractive)
    if not passages:
        return extractive
    embed(checked_texts(passages))  # the turns embedded once, for checking whatever the model writes
    groups = by_chapter(passages, chapters)
    try:
        notes = [
            stream_within(backend, _asked(f"{MAP} {QUOTED_RULE}", f"Passages:\n{_lines(group)}"), timeout)
            for group in groups
        ]
        if len(notes) == 1:
            text = notes[0]
            if on_text:
                on_text(text)
        else:
            reduce = REDUCE.format(words=words)
            text = stream_within(backend, _asked(reduce, "Notes:\n" + "\n".join(notes)), timeout, on_text)
    except LLMError as error:
        fallback = without_instructions(extractive)  # a quoted instruction left out, and said so
        shown_instead = f"{error}. Showing the extractive summary instead."
        return replace(fallback, notice=" ".join(filter(None, [shown_instead, fallback.notice])))
    speakers = sorted({p.speaker for p in passages if p.speaker})
    return checked_answer(extractive, text, passages, embed, speakers, prompts=(MAP, REDUCE, QUOTED_RULE))


def _asked(instructions: str, body: str) -> list[dict[str, str]]:
    return [{"role": "system", "content": instructions}, {"role": "user", "content": body}]
