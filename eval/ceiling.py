"""The gold-span extraction ceiling: what an extractive answer could reach if it knew where the
answer is. It quotes the sentences of the gold turns that best match the reference answer, chosen
greedily for ROUGE-1 under the answerer's word limit, and cites those turns. It ranks nothing."""

from __future__ import annotations

from answer.extractive.compose import MAX_WORDS
from core.models import Transcript
from core.text import sentences
from eval.metrics import Passage, rouge
from eval.suites import Question
from eval.systems import Outcome


class GoldSpanCeiling:
    name = "gold-span-ceiling"
    ranks = False  # no retrieval figures: it is handed the gold turns

    def __init__(self, transcripts: list[Transcript]):
        self.turns = {t.meeting_id: {turn.index: turn for turn in t.turns} for t in transcripts}

    def run(self, question: Question) -> Outcome:
        if not question.answerable or not question.answer:
            return Outcome([], [], None if question.answerable else "", not question.answerable, [])
        turns = self.turns.get(question.meeting or "", {})
        gold = [turns[index] for index in sorted(question.gold) if index in turns]
        candidates = [sentence for turn in gold for sentence in sentences(turn.clean_text)]
        chosen = best_sentences(candidates, question.answer)
        cited = [
            Passage(f"turn-{t.index}", frozenset({t.index}), len(t.clean_text.split()), (t.canonical_speaker or "",))
            for t in gold
        ]
        return Outcome([], [], " ".join(chosen), False, cited)


def best_sentences(candidates: list[str], reference: str, limit: int = MAX_WORDS) -> list[str]:
    """Sentences added one at a time, each the one that raises ROUGE-1 F1 most, while it rises and
    the words stay within `limit`; returned in their original order."""
    chosen: list[int] = []
    best = 0.0
    while True:
        used = sum(len(candidates[i].split()) for i in chosen)
        scored = [
            (rouge(" ".join(candidates[j] for j in sorted([*chosen, i])), reference)["ROUGE-1"], i)
            for i in range(len(candidates))
            if i not in chosen and used + len(candidates[i].split()) <= limit
        ]
        if not scored or max(scored)[0] <= best:
            return [candidates[i] for i in sorted(chosen)]
        best, pick = max(scored)
        chosen.append(pick)
