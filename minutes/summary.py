"""A meeting's extractive summary: the chapters it covered, then sentences chosen across its
chapters (the longer ones given more words) by SumBasic (Nenkova and Vanderwende, 2005): a
sentence scores the mean meeting-wide frequency of its content words, and the words of a chosen
sentence count for less afterwards, so the summary moves on to what it has not said yet. In
transcript order, each sentence quoted from its turn with fillers left out."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from core.minutes import SummaryLine
from core.models import Chapter, Turn
from core.text import sentences, without_fillers
from ingest.labels import topic_terms

MIN_WORDS = 6  # shorter sentences say too little to stand in a summary
MIN_TERMS = 3  # content words a summary sentence needs
MAX_WORDS = 60  # a longer sentence (unpunctuated captions) is left to the needle path
OVERVIEW_SHARE = 0.35  # the most of the words the list of chapters may take
FIRST_SHARE = 0.7  # the most of a summary's words that the sentences given first (the decisions) may take
DAMPING = 2.0  # a chosen sentence's words count for their probability to this power afterwards


@dataclass(frozen=True)
class _Candidate:
    text: str
    turn: Turn
    chapter: int
    terms: frozenset[str]

    @property
    def words(self) -> int:
        return len(self.text.split())


def candidates(turns: Sequence[Turn], chapters: Sequence[Chapter]) -> list[_Candidate]:
    """The sentences a summary may quote: statements of some length with content words."""
    number = {turn: chapter.n for chapter in chapters for turn in range(chapter.turn_start, chapter.turn_end + 1)}
    found = []
    for turn in turns:
        for sentence in sentences(turn.clean_text):
            text = without_fillers(sentence).strip()
            terms = frozenset(topic_terms(text))
            words = len(text.split())
            if MIN_WORDS <= words <= MAX_WORDS and len(terms) >= MIN_TERMS and not text.endswith("?"):
                found.append(_Candidate(text, turn, number.get(turn.index, 0), terms))
    return found


def overview(chapters: Sequence[Chapter], words: int) -> str | None:
    """ "The meeting covered A; B; C." from the labels of the transcript's own chapters (headings, given
    topics), within a share of the words; found topics' labels are a few keywords, not a phrase to read."""
    own = [chapter.topic for chapter in chapters if chapter.topic and chapter.source != "auto"]
    labels = list(dict.fromkeys(own))
    if len(labels) < 2:
        return None
    room = max(int(words * OVERVIEW_SHARE), 12)
    kept: list[str] = []
    for label in labels:
        if kept and len(" ".join([*kept, label]).split()) + 3 > room:
            break
        kept.append(label)
    return f"The meeting covered {'; '.join(kept)}."


def summary_lines(
    turns: Sequence[Turn], chapters: Sequence[Chapter], words: int, first: Sequence[tuple[int, str]] = ()
) -> list[SummaryLine]:
    """About `words` words of the meeting's own sentences, each chapter given a share of them by
    its length, chosen by SumBasic, in transcript order. `first` (turn index, words said: the
    decisions) are taken before the rest, within FIRST_SHARE of the words."""
    found = candidates(turns, chapters)
    if not found:
        return []
    counts = Counter(term for candidate in found for term in candidate.terms)
    total = sum(counts.values())
    probability = {term: count / total for term, count in counts.items()}
    chosen = _firsts(turns, chapters, first, words * FIRST_SHARE, probability)
    found = [c for c in found if not any(c.text in given.text for given in chosen)]  # said already
    quotas = _quotas(turns, chapters, words - sum(c.words for c in chosen))
    for number, quota in sorted(quotas.items(), key=lambda pair: -pair[1]):
        inside = [c for c in found if c.chapter == number]
        _choose(inside, quota, probability, chosen)
    used = sum(c.words for c in chosen)
    _choose([c for c in found if c not in chosen], words - used, probability, chosen)
    chosen.sort(key=lambda c: (c.turn.index, c.text))
    return [SummaryLine(c.text, c.turn.index, c.turn.canonical_speaker, c.chapter) for c in chosen]


def _firsts(
    turns: Sequence[Turn], chapters: Sequence[Chapter], first: Sequence[tuple[int, str]], room: float, probability
) -> list[_Candidate]:
    """The sentences given first, as candidates, while they fit in `room` words; their words then count
    for less (SumBasic), so the rest of the summary says other things."""
    number = {turn: chapter.n for chapter in chapters for turn in range(chapter.turn_start, chapter.turn_end + 1)}
    by_index = {turn.index: turn for turn in turns}
    chosen: list[_Candidate] = []
    for index, text in first:
        words = len(text.split())
        if index not in by_index or words > room or words < MIN_WORDS:
            continue
        terms = frozenset(topic_terms(text))
        chosen.append(_Candidate(text, by_index[index], number.get(index, 0), terms))
        room -= words
        for term in terms & probability.keys():
            probability[term] = probability[term] ** DAMPING
    return chosen


def _quotas(turns: Sequence[Turn], chapters: Sequence[Chapter], words: int) -> dict[int, float]:
    size = Counter()
    number = {turn: chapter.n for chapter in chapters for turn in range(chapter.turn_start, chapter.turn_end + 1)}
    for turn in turns:
        size[number.get(turn.index, 0)] += len(turn.clean_text.split())
    total = sum(size.values()) or 1
    return {chapter: words * count / total for chapter, count in size.items()}


def _choose(pool: list[_Candidate], room: float, probability: dict[str, float], chosen: list[_Candidate]) -> None:
    """SumBasic within `pool` until `room` words are used; a sentence that would overrun the room by
    more than half its length is passed over."""
    pool = list(pool)
    while pool and room > 0:
        best = max(pool, key=lambda c: (sum(probability[t] for t in c.terms) / len(c.terms), -c.turn.index))
        pool.remove(best)
        if best.words / 2 > room and chosen:
            continue
        chosen.append(best)
        room -= best.words
        for term in best.terms:
            probability[term] = probability[term] ** DAMPING
