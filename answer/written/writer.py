"""Written answers: a language model answers from the retrieved turns, and every sentence it writes
is checked against the turns it cites (answer.written.verify) before it is shown.

The extractive answer is made first: it is the gate (when the library does not answer, no model is
asked), and the fallback whenever the model fails, is slow, or writes nothing that survives the
check. The prompt numbers the turns it shows, quoted as transcript text that is never followed; what a
reader sees is renumbered by first use. After the verifier, a sentence that instructs an assistant or
repeats the model's instructions is dropped (answer.written.injection), and one that takes a side where
the passages disagree names who said it (answer.written.attribution)."""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from answer.extractive.compose import answer, escape_brackets
from answer.extractive.coverage import PARTIAL
from answer.extractive.sentences import TurnsOf
from answer.extractive.signals import PASSAGES, Evidence
from answer.question.thread import Exchange
from answer.written.attribution import OPPOSED_REASON, UNNAMED_REASON, Quote, attributed
from answer.written.claims import attributed_speakers
from answer.written.client import Backend, LLMError, stream_within
from answer.written.injection import (
    DEMANDED_REASON,
    INSTRUCTION_REASON,
    LEAK_REASON,
    QUOTED_RULE,
    held,
    held_notice,
    quoted_block,
    screened,
    without_instructions,
)
from answer.written.verify import Embed, Shown, verify
from core.models import Answer, AnswerPart, Check, Citation, Hit, Turn
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


def prompt(
    question: str, passages: Sequence[Passage], guarded: bool = True, thread: Sequence[Exchange] = ()
) -> list[dict[str, str]]:
    lines = []
    for passage in passages:
        where = [passage.hit.title]
        start = passage.turn.start if passage.turn else passage.hit.chunk.start
        if start is not None:
            where.append(clock(start))
        lines.append(f"[{passage.n}] {passage.speaker or 'Unknown speaker'} ({', '.join(where)}): {passage.text}")
    if not guarded:  # the previous release's prompt, for comparisons
        body = "Passages:\n" + "\n\n".join(lines) + f"\n\nQuestion: {question}"
        return [{"role": "system", "content": INSTRUCTIONS}, {"role": "user", "content": body}]
    body = "Passages:\n" + quoted_block(lines) + _earlier(thread) + f"\n\nQuestion: {question}"
    return [{"role": "system", "content": f"{INSTRUCTIONS} {QUOTED_RULE}"}, {"role": "user", "content": body}]


THREAD_SHOWN = 3  # earlier exchanges shown with a follow-up
THREAD_ANSWER_CHARS = 400
_MARKER = re.compile(r"\s*\[\d+\]")  # an earlier answer's citation markers: its [1] is not this prompt's [1]


def _earlier(thread: Sequence[Exchange]) -> str:
    """The thread's last exchanges, quoted like the passages: what a follow-up refers to, never a source."""
    if not thread:
        return ""
    lines = [
        f"Q: {exchange.question}"
        + (f"\nA: {_MARKER.sub('', exchange.answer)[:THREAD_ANSWER_CHARS]}" if exchange.answer else "")
        for exchange in thread[-THREAD_SHOWN:]
    ]
    return "\n\nEarlier in this conversation (what the question follows on from; not a source, never cited):\n" + (
        quoted_block(lines)
    )


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
    guarded: bool = True,
    thread: Sequence[Exchange] = (),
) -> Answer:
    """The model's answer to the question from the retrieved turns, each sentence checked; the
    extractive answer, with a notice, when the model is not asked, fails, or nothing it wrote holds.
    Without `guarded` (the previous release, for comparisons), transcript text reaches the model
    unmarked and what it writes is checked by the verifier alone. A follow-up's `thread` (its
    question already read as one that stands alone) is shown to the model for what it refers to;
    what it writes is still checked against the passages alone, never against earlier answers."""
    extractive = answer(question, hits, evidence, turns_of)
    if extractive.abstained:
        return replace(extractive, notice="The library does not answer this, so no language model was asked.")
    passages = passages_for(extractive, hits, turns_of)
    # embedded while the model writes: checking its answer then embeds only the sentences it wrote
    warming = threading.Thread(target=embed, args=(checked_texts(passages),), daemon=True, name="onrecord-verify")
    warming.start()
    try:
        text = stream_within(backend, prompt(question, passages, guarded, thread), timeout, on_text)
    except LLMError as error:
        fallback = without_instructions(extractive) if guarded else extractive
        return replace(fallback, notice=_notices(f"{error}. Showing the extractive answer instead.", fallback.notice))
    finally:
        warming.join()  # never left running: a process may exit right after the answer
    speakers = sorted({name for hit in hits for name in hit.chunk.speakers})
    rarity = evidence.keyword.idf if evidence.keyword is not None else None
    return checked_answer(extractive, text, passages, embed, speakers, rarity, tuple(hits), guarded=guarded)


def checked_answer(
    extractive: Answer,
    text: str,
    passages: Sequence[Passage],
    embed: Embed,
    speakers: Sequence[str] = (),
    rarity=None,
    nearest: tuple[Hit, ...] = (),
    prompts: Sequence[str] = (INSTRUCTIONS, QUOTED_RULE),
    guarded: bool = True,
) -> Answer:
    """The model's text, each sentence checked against the passages it cites: the supported ones shown,
    renumbered by first use, the others listed as dropped; the extractive answer, with a notice, when
    none holds. Guarded, a sentence that instructs, obeys a passage's instruction or repeats `prompts`
    is dropped, one that takes a side where the passages disagree names who said it, and the notice
    says when a passage held instructions."""
    shown = [passage.shown for passage in passages]
    # guarded, a sentence only a passage it does not cite contradicts is kept to be said with its
    # speaker (the passages disagree); one left unattributed after that is dropped
    checks = verify(text, shown, embed, speakers, rarity=rarity, keep_contested=guarded)
    written = {check.sentence for check in checks}
    quotes: list[Quote] = []
    instructed = None
    if guarded:
        extractive = without_instructions(extractive)
        known = sorted({*speakers, *(name for passage in shown for name in passage.speakers)})
        checks, quotes = attributed(screened(checks, shown, prompts), shown, known)
        checks = [_unless_contested(check, known) for check in checks]
        instructed = held_notice(held(shown))
    kept = [check for check in checks if check.supported]
    if not kept:
        why = "it cites nothing" if not checks else "no sentence it wrote is supported by the passages it cites"
        if checks and all(_declines(check.sentence) for check in checks):
            why = "it found no answer in the passages"
        shown_instead = f"The language model's answer was not shown: {why}. Showing the extractive answer instead."
        return replace(
            extractive,
            verification=tuple(checks),
            # the extractive answer's own notice says so when it quoted the instruction
            notice=_notices(shown_instead, _quoted_instructions(extractive) or instructed),
        )
    parts, citations, shown_text = _shown(kept, quotes, passages)
    if extractive.covers == PARTIAL:  # what the transcripts do not give, as the quotes said it
        unsaid = tuple(part for part in extractive.parts if part.n is None)
        parts += unsaid
        shown_text = " ".join([shown_text, *(part.text for part in unsaid)])
    return replace(
        extractive,
        text=shown_text,
        abstained=False,
        citations=citations,
        nearest=nearest,
        parts=parts,
        answerer="llm",
        verification=tuple(checks),
        notice=_notices(*_removed(checks), instructed, _named(checks, written)),
    )


def _shown(
    kept: Sequence[Check], quotes: Sequence[Quote], passages: Sequence[Passage]
) -> tuple[tuple[AnswerPart, ...], tuple[Citation, ...], str]:
    """The kept sentences and the quotes after them as parts, their citations renumbered by first use, and the text."""
    by_number = {passage.n: passage for passage in passages}
    numbers: dict[int, int] = {}
    for n in [n for check in kept for n in check.citations] + [quote.n for quote in quotes]:
        numbers.setdefault(n, len(numbers) + 1)
    parts = tuple(
        AnswerPart(check.sentence, numbers[check.citations[0]], None, tuple(numbers[n] for n in check.citations[1:]))
        for check in kept
    ) + tuple(AnswerPart(quote.text, numbers[quote.n]) for quote in quotes)
    citations = tuple(_turn_citation(numbers[n], by_number[n]) for n in numbers)
    text = " ".join(escape_brackets(part.text) + " " + "".join(f"[{n}]" for n in part.markers) for part in parts)
    return parts, citations, text


_GUARD_REASONS = {
    INSTRUCTION_REASON: "instructed",
    LEAK_REASON: "leaked",
    DEMANDED_REASON.split("(", 1)[0]: "instructed",
    OPPOSED_REASON.split("(", 1)[0]: "contradicted",
    UNNAMED_REASON: "contradicted",
}
REMOVED = {
    "unsupported": "not supported by the cited passages",
    "instructed": "they repeated or obeyed an instruction found in a passage",
    "leaked": "they repeated the language model's own instructions",
    "contradicted": "a passage they cite says otherwise",
}


def _unless_contested(check: Check, known: Sequence[str]) -> Check:
    """A sentence another passage contradicts, shown only when it says whose claim it is."""
    contested = check.supported and (check.reason or "").startswith("contested: ")
    if not contested or attributed_speakers(check.sentence, known):  # "According to X, …" names X
        return check
    return replace(check, supported=False, reason=check.reason.removeprefix("contested: "))


def why_removed(check: Check) -> str:
    """Why a sentence was removed, as a key of REMOVED: by the verifier (unsupported), or by the checks
    of transcript text as data (instructed, leaked) and of contested claims (contradicted)."""
    reason = check.reason or ""
    return next((kind for start, kind in _GUARD_REASONS.items() if reason.startswith(start)), "unsupported")


def _removed(checks: Sequence[Check]) -> list[str]:
    """What was removed, by why: "2 sentences removed: not supported by the cited passages."."""
    counts = Counter(why_removed(check) for check in checks if not check.supported)
    return [
        f"{count} sentence{'s' * (count != 1)} removed: {REMOVED[kind]}."
        for kind in REMOVED
        if (count := counts.get(kind))
    ]


def _quoted_instructions(extractive: Answer) -> str | None:
    return extractive.notice if extractive.notice and "held instructions" in extractive.notice else None


def _named(checks: Sequence[Check], written: set[str]) -> str | None:
    renamed = sum(check.supported and check.sentence not in written for check in checks)
    if not renamed:
        return None
    return (
        f"The passages disagree: {renamed} sentence{'s' * (renamed != 1)} now name{'s' * (renamed == 1)} who said it."
    )


def _notices(*notices: str | None) -> str | None:
    return " ".join(notice for notice in notices if notice) or None


def _declines(sentence: str) -> bool:
    folded = sentence.casefold()
    return "do not answer" in folded or "don't answer" in folded or "not mentioned" in folded


def _turn_citation(n: int, passage: Passage) -> Citation:
    if passage.turn is None:
        return Citation(n, passage.hit)
    return Citation(n, passage.hit, (passage.turn,), deep_link(passage.hit.media_url, passage.turn.start))
