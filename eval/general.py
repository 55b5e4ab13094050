"""QMSum's general queries ("Summarize the whole meeting", "What was discussed?") asked within their
meeting: On Record's answer by its scope beside, in the same run, the previous release's answer
(the passage path for every question), the meeting's chapter summary sentences joined, its first
words at the new answer's length, and an extraction ceiling (the meeting's sentences chosen
greedily for ROUGE-1 against the reference at that length)."""

from __future__ import annotations

import json
import statistics
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from answer.ask import AskOptions, ask
from core.errors import OnRecordError
from core.models import Filters, Turn
from core.text import sentences
from eval.metrics import rouge, strip_markers
from library import Library

SYSTEMS = ("onrecord", "previous-release", "chapter-summaries", "first-words", "extraction-ceiling")


@dataclass(frozen=True)
class GeneralQuery:
    meeting_id: str
    question: str
    reference: str


def general_queries(folder: Path, limit: int | None = None) -> tuple[list[Path], list[GeneralQuery]]:
    """The split's meeting files and their general queries (with their reference answers)."""
    files = sorted(Path(folder).glob("*.json"))
    if limit:
        files = files[:: max(len(files) // limit, 1)][:limit]
    queries = []
    for path in files:
        data = json.loads(path.read_text(encoding="utf-8"))
        for item in data.get("general_query_list", []):
            queries.append(GeneralQuery(path.stem, item["query"], item["answer"]))
    return files, queries


def answers(library: Library, query: GeneralQuery) -> dict[str, tuple[str, bool]]:
    """Each system's (answer text, refused) for one query."""
    options = AskOptions(filters=Filters.within(query.meeting_id))
    found: dict[str, tuple[str, bool]] = {}
    for name, asking in (
        ("onrecord", lambda: library.ask(query.question, options)),
        ("previous-release", lambda: ask(library.retriever, query.question, options, library.turns)),
    ):
        try:
            result = asking()
            found[name] = (strip_markers(result.text), result.abstained)
        except OnRecordError:
            found[name] = ("", True)
    _, chapters = library.chapters(query.meeting_id)
    found["chapter-summaries"] = (" ".join(c.summary for c in chapters if c.summary), False)
    words = max(len(found["onrecord"][0].split()), 1)
    turns = library.turns(query.meeting_id)
    found["first-words"] = (" ".join(" ".join(t.clean_text for t in turns).split()[:words]), False)
    found["extraction-ceiling"] = (" ".join(greedy_sentences(turns, query.reference, words)), False)
    return found


def greedy_sentences(turns: list[Turn], reference: str, limit: int) -> list[str]:
    """The meeting's sentences added one at a time, each the one that raises unigram F1 against the
    reference most, while it rises and the words stay within `limit`; in transcript order."""
    pool = list(dict.fromkeys(s.strip() for t in turns for s in sentences(t.clean_text) if len(s.split()) >= 4))
    counts = [Counter(_tokens(s)) for s in pool]
    gold = Counter(_tokens(reference))
    total_gold = sum(gold.values()) or 1
    chosen: list[int] = []
    held: Counter[str] = Counter()
    best, used = 0.0, 0
    while True:
        scores = []
        for i, count in enumerate(counts):
            if i in chosen or used + len(pool[i].split()) > limit:
                continue
            union = held + count
            overlap = sum(min(n, gold[token]) for token, n in union.items())
            size = sum(union.values()) or 1
            f1 = 2 * overlap / (size + total_gold)
            scores.append((f1, -i))
        if not scores or max(scores)[0] <= best:
            return [pool[i] for i in sorted(chosen)]
        best, pick = max(scores)
        chosen.append(-pick)
        held += counts[-pick]
        used += len(pool[-pick].split())


@cache
def _tokenizer():
    from nltk.stem import porter
    from rouge_score import tokenize

    stemmer = porter.PorterStemmer()
    return lambda text: tokenize.tokenize(text, stemmer)


def _tokens(text: str) -> list[str]:
    return _tokenizer()(text)


def evaluate_general(
    library: Library, folder: Path, limit: int | None = None, on_step: Callable[[], None] | None = None
) -> dict:
    """Every system's mean ROUGE-1/2/L, answer words and refusals over the split's general queries."""
    files, queries = general_queries(folder, limit)
    library.ingest(files)
    rows: dict[str, list[dict]] = {name: [] for name in SYSTEMS}
    for query in queries:
        for name, (text, refused) in answers(library, query).items():
            scores = (
                rouge(text, query.reference)
                if text and not refused
                else dict.fromkeys(("ROUGE-1", "ROUGE-2", "ROUGE-L"), 0.0)
            )
            rows[name].append({**scores, "words": len(text.split()), "refused": refused, "question": query.question})
        if on_step:
            on_step()
    summary = {}
    for name, found in rows.items():
        summary[name] = {
            key: statistics.fmean(r[key] for r in found) for key in ("ROUGE-1", "ROUGE-2", "ROUGE-L", "words")
        }
        summary[name]["refused"] = sum(r["refused"] for r in found)
        summary[name]["summarize_refused"] = sum(r["refused"] for r in found if "summar" in r["question"].lower())
        summary[name]["queries"] = len(found)
    return {"split": Path(folder).name, "meetings": len(files), "queries": len(queries), "summary": summary}
