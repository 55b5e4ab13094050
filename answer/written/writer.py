"""Written answers: a language model answers from the retrieved turns, and every sentence it writes
is checked against the turns it cites (answer.written.verify) before it is shown.

The extractive answer is made first: it is the gate (when the library does not answer, no model is
asked), and the fallback whenever the model fails, is slow, or writes nothing that survives the
check. The prompt numbers the turns it shows; what a reader sees is renumbered by first use."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from answer.extractive.compose import answer, escape_brackets
from answer.extractive.coverage import PARTIAL
from answer.extractive.sentences import TurnsOf
from answer.extractive.signals import PASSAGES, Evidence
from answer.written.client import Backend, LLMError, stream_within
from answer.written.verify import Embed, Shown, verify
from core.models import Answer, AnswerPart, Citation, Hit, Turn
from core.text import clock, sentences, without_fillers
from index.links import deep_link

MAX_SHOWN = 8  # turns the model is shown
MAX_TURN_WORDS = 220  # a longer turn is shown up to here, cut at a sentence's end
MAX_SHOWN_WORDS = 1_400
UNANSWERED = "The transcripts do not answer this."
INSTRUCTIONS = (
    "Answer the question from the numbered transcript passages below, and from nothing else. Each "
    "passage is one turn of speech, with its speaker. Write one to five short sentences. After each "
    "sentence, put the number of each passage it comes from in square brackets, like [2] or [1][3]. "
    f'If the passages do not say, write: "{UNANSWERED}"'
)


@dataclass(frozen=True)
class Passage:
    """A turn (or, when turns are unknown, a retrieved passage) shown to the model as `[n]`."""

    n: int
    hit: Hit
    text: str
    speaker: str | None
    turn: Turn | None = None

    @property
    def shown(self) -> Shown:
        return Shown(self.n, self.text, (self.speaker,) if self.speaker else ())


def passages_for(extractive: Answer, hits: Sequence[Hit], turns_of: TurnsOf | None) -> list[Passage]:
    """The turns to show: those the extractive answer quotes first, then the others of the best
    passages, in their order; at most MAX_SHOWN turns and MAX_SHOWN_WORDS words."""
    picked: list[tuple[Hit, Turn | None]] = []
    seen: set[tuple[str, int]] = set()

    def add(hit: Hit, turn: Turn | None) -> None:
        key = (hit.chunk.meeting_id, turn.index if turn else -hit.rank)
        if key not in seen and len(picked) < MAX_SHOWN:
            seen.add(key)
            picked.append((hit, turn))

    for citation in extractive.citations:
        for turn in citation.turns:
            add(citation.hit, turn)
    for hit in hits[:PASSAGES]:
        turns = list(turns_of(hit.chunk.meeting_id)) if turns_of else []
        own = [t for t in turns if hit.chunk.turn_start <= t.index <= hit.chunk.turn_end]
        for turn in own or [None]:
            add(hit, turn)
    passages, words_left = [], MAX_SHOWN_WORDS
    for hit, turn in picked:
        text = shortened(turn.clean_text if turn else hit.chunk.text, min(MAX_TURN_WORDS, words_left))
        if not text:
            continue
        words_left -= len(text.split())
        speaker = (turn.canonical_speaker or turn.speaker) if turn else (hit.chunk.speakers[:1] or (None,))[0]
        passages.append(Passage(len(passages) + 1, hit, text, speaker, turn))
        if words_left <= 0:
            break
    return passages


def shortened(text: str, limit: int) -> str:
    """The text up to `limit` words, cut at a sentence's end (fillers left out)."""
    if limit <= 0:
        return ""
    kept: list[str] = []
    for sentence in sentences(without_fillers(text)):
        if kept and len(" ".join([*kept, sentence]).split()) > limit:
            break
        kept.append(sentence)
    joined = " ".join(kept)
    words = joined.split()
    return joined if len(words) <= limit else " ".join(words[:limit]) + " …"


def prompt(question: str, passages: Sequence[Passage]) -> list[dict[str, str]]:
    lines = []
    for passage in passages:
        where = [passage.hit.title]
        start = passage.turn.start if passage.turn else passage.hit.chunk.start
        if start is not None:
            where.append(clock(start))
        lines.append(f"[{passage.n}] {passage.speaker or 'Unknown speaker'} ({', '.join(where)}): {passage.text}")
    body = "Passages:\n" + "\n\n".join(lines) + f"\n\nQuestion: {question}"
    return [{"role": "system", "content": INSTRUCTIONS}, {"role": "user", "content": body}]


def checked_texts(passages: Sequence[Passage]) -> list[str]:
    """What checking an answer over these passages embeds besides its own sentences: each shown turn
    and its sentences (the text of turns cited together aside)."""
    return [passage.shown.text for passage in passages] + [
        piece for passage in passages for piece in sentences(passage.text)
    ]


def written_answer(
    question: str,
    hits: list[Hit],
    evidence: Evidence,
    turns_of: TurnsOf | None,
    backend: Backend,
    embed: Embed,
    timeout: float,
    on_text: Callable[[str], None] | None = None,
) -> Answer:
    """The model's answer to the question from the retrieved turns, each sentence checked; the
    extractive answer, with a notice, when the model is not asked, fails, or nothing it wrote holds."""
    extractive = answer(question, hits, evidence, turns_of)
    if extractive.abstained:
        return replace(extractive, notice="The library does not answer this, so no language model was asked.")
    passages = passages_for(extractive, hits, turns_of)
    # embedded while the model writes: checking its answer then embeds only the sentences it wrote
    warming = threading.Thread(target=embed, args=(checked_texts(passages),), daemon=True, name="onrecord-verify")
    warming.start()
    try:
        text = stream_within(backend, prompt(question, passages), timeout, on_text)
    except LLMError as error:
        return replace(extractive, notice=f"{error}. Showing the extractive answer instead.")
    finally:
        warming.join()  # never left running: a process may exit right after the answer
    speakers = sorted({name for hit in hits for name in hit.chunk.speakers})
    rarity = evidence.keyword.idf if evidence.keyword is not None else None
    return checked_answer(extractive, text, passages, embed, speakers, rarity, tuple(hits))


def checked_answer(
    extractive: Answer,
    text: str,
    passages: Sequence[Passage],
    embed: Embed,
    speakers: Sequence[str] = (),
    rarity=None,
    nearest: tuple[Hit, ...] = (),
) -> Answer:
    """The model's text, each sentence checked against the passages it cites: the supported ones shown,
    renumbered by first use, the others listed as dropped; the extractive answer, with a notice, when
    none holds."""
    checks = verify(text, [passage.shown for passage in passages], embed, speakers, rarity=rarity)
    kept = [check for check in checks if check.supported]
    if not kept:
        why = "it cites nothing" if not checks else "no sentence it wrote is supported by the passages it cites"
        if checks and all(_declines(check.sentence) for check in checks):
            why = "it found no answer in the passages"
        return replace(
            extractive,
            verification=tuple(checks),
            notice=f"The language model's answer was not shown: {why}. Showing the extractive answer instead.",
        )
    by_number = {passage.n: passage for passage in passages}
    numbers: dict[int, int] = {}
    for check in kept:
        for n in check.citations:
            numbers.setdefault(n, len(numbers) + 1)
    parts = tuple(
        AnswerPart(check.sentence, numbers[check.citations[0]], None, tuple(numbers[n] for n in check.citations[1:]))
        for check in kept
    )
    citations = tuple(_turn_citation(numbers[n], by_number[n]) for n in numbers)
    shown = " ".join(escape_brackets(part.text) + " " + "".join(f"[{n}]" for n in part.markers) for part in parts)
    if extractive.covers == PARTIAL:  # what the transcripts do not give, as the quotes said it
        unsaid = tuple(part for part in extractive.parts if part.n is None)
        parts += unsaid
        shown = " ".join([shown, *(part.text for part in unsaid)])
    dropped = len(checks) - len(kept)
    notice = (
        f"{dropped} sentence{'s' * (dropped != 1)} removed: not supported by the cited passages." if dropped else None
    )
    return replace(
        extractive,
        text=shown,
        abstained=False,
        citations=citations,
        nearest=nearest,
        parts=parts,
        answerer="llm",
        verification=tuple(checks),
        notice=notice,
    )


def _declines(sentence: str) -> bool:
    folded = sentence.casefold()
    return "do not answer" in folded or "don't answer" in folded or "not mentioned" in folded


def _turn_citation(n: int, passage: Passage) -> Citation:
    if passage.turn is None:
        return Citation(n, passage.hit)
    return Citation(n, passage.hit, (passage.turn,), deep_link(passage.hit.media_url, passage.turn.start))
