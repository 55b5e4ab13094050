"""Follow-up questions in threads (`eval/suites/followups.json`, written before the resolver was built):
each follow-up asked three ways side by side, as users ask (Library.ask): with its thread (the earlier
turns and the answers On Record gave them, read by answer.question.thread), with no thread (the
follow-up alone: the copy baseline), and written out in full by hand (the ceiling); the tuning part and
the part kept aside reported apart. `onrecord eval followups`."""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from answer.ask import AskOptions
from answer.question.thread import Exchange, exchange_from, read_followup
from core.errors import OnRecordError
from core.models import Answer, Filters, Turn
from core.settings import load_settings
from eval.suites import SuiteError
from library import Library

SUITE = Path(__file__).resolve().parent / "suites" / "followups.json"
WAYS = ("thread", "copy", "ceiling")  # with the thread; the follow-up alone; written out by hand
SPLITS = ("tuning", "held_out")


@dataclass(frozen=True)
class ThreadTurn:
    """One turn of a thread as the suite writes it."""

    question: str
    standalone: str
    meeting: str
    gold_turns: tuple[tuple[int, int], ...]
    quote: str
    expected: str  # answered, or refused
    phenomena: tuple[str, ...] = ()
    answer: str = ""  # the gold answer, short


@dataclass(frozen=True)
class Thread:
    id: str
    split: str
    turns: tuple[ThreadTurn, ...]


def load_threads(path: Path = SUITE) -> tuple[tuple[Thread, ...], tuple[Path, ...]]:
    """The suite's threads and its transcripts (paths relative to the suite file)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    threads = tuple(
        Thread(
            item["id"],
            item["split"],
            tuple(
                ThreadTurn(
                    turn["question"],
                    turn["standalone"],
                    turn["meeting"],
                    tuple((int(a), int(b)) for a, b in turn.get("gold_turns", [])),
                    turn.get("quote", ""),
                    turn.get("expected", "answered"),
                    tuple(turn.get("phenomena", [])),
                    turn.get("answer", ""),
                )
                for turn in item["turns"]
            ),
        )
        for item in data["threads"]
    )
    base = Path(path).resolve().parent
    return threads, tuple((base / entry).resolve() for entry in data["transcripts"])


def _plain(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


def answered_right(found: Answer, turn: ThreadTurn) -> bool:
    """Whether an answer is right for the turn: a follow-up expected refused is refused; one expected
    answered is answered (not refused) and cites its meeting's gold turns or quotes the gold words."""
    if turn.expected == "refused":
        return found.abstained
    if found.abstained:
        return False
    gold = {i for first, last in turn.gold_turns for i in range(first, last + 1)}
    for citation in found.citations:
        if citation.hit.chunk.meeting_id == turn.meeting and gold & set(
            range(citation.turn_start, citation.turn_end + 1)
        ):
            return True
    return bool(turn.quote) and _plain(turn.quote) in _plain(found.text)


def _answer_to(library: Library, question: str, history: Sequence[Exchange] = ()) -> Answer | None:
    try:
        return library.ask(question, AskOptions(history=tuple(history)))
    except OnRecordError:
        return None


def ask_threads(library: Library, threads: Sequence[Thread], on_step: Callable[[], None] | None = None) -> list[dict]:
    """One row per follow-up: whether each way answered it right, and the thread's reading of it. The
    thread is the earlier questions with the answers On Record gave them, each read with its own thread."""
    rows = []
    for thread in threads:
        first = _answer_to(library, thread.turns[0].question)
        history = [exchange_from(first) if first else Exchange(thread.turns[0].question)]
        for position, turn in enumerate(thread.turns[1:], 1):
            found = {
                "thread": _answer_to(library, turn.question, history),
                "copy": _answer_to(library, turn.question),
                "ceiling": _answer_to(library, turn.standalone),
            }
            threaded = found["thread"]
            read = threaded.standalone or turn.question if threaded else turn.question
            rows.append(
                {
                    "thread_id": thread.id,
                    "split": thread.split,
                    "turn": position,
                    "question": turn.question,
                    "gold_standalone": turn.standalone,
                    "read_as": read,
                    "phenomena": list(turn.phenomena),
                    **{way: bool(answer) and answered_right(answer, turn) for way, answer in found.items()},
                    "rewrite_rouge1_recall": rouge1_recall(read, turn.standalone),
                    "copy_rouge1_recall": rouge1_recall(turn.question, turn.standalone),
                }
            )
            history.append(exchange_from(threaded) if threaded else Exchange(turn.question))
            if on_step:
                on_step()
    return rows


@cache
def _rouge1():
    from rouge_score import rouge_scorer

    return rouge_scorer.RougeScorer(["rouge1"], use_stemmer=True)


def rouge1_recall(rewrite: str, gold: str) -> float:
    """ROUGE-1 recall (stemmed) of a hand-written rewrite by a rewrite, as QReCC scores rewrites."""
    return _rouge1().score(gold, rewrite)["rouge1"].recall


def figures(rows: Sequence[dict]) -> dict[str, dict[str, float | int]]:
    """Per split: follow-ups, the share answered right each way, the standalone follow-ups left
    unchanged, those the thread answered wrong that the follow-up alone answered right, and the
    rewrites' ROUGE-1 recall of the hand-written standalone questions (the resolver's and the copy's)."""
    result: dict[str, dict[str, float | int]] = {}
    for split in (*SPLITS, "all"):
        part = [row for row in rows if split in (row["split"], "all")]
        if not part:
            continue
        alone = [row for row in part if "standalone" in row["phenomena"]]
        result[split] = {
            "follow_ups": len(part),
            **{f"right_{way}": sum(row[way] for row in part) / len(part) for way in WAYS},
            "standalone_unchanged": sum(row["read_as"] == row["question"] for row in alone),
            "standalone_questions": len(alone),
            "worse_than_copy": sum(row["copy"] and not row["thread"] for row in part),
            "rewrite_rouge1_recall": sum(row["rewrite_rouge1_recall"] for row in part) / len(part),
            "copy_rouge1_recall": sum(row["copy_rouge1_recall"] for row in part) / len(part),
        }
    return result


def evaluate_followups(
    data_dir: Path | None = None, suite: Path = SUITE, on_step: Callable[[], None] | None = None
) -> tuple[dict, list[dict]]:
    """The suite's transcripts ingested once (into `data_dir`, or a temporary folder), every follow-up
    asked the three ways: the figures per split and the rows."""
    threads, transcripts = load_threads(suite)
    with tempfile.TemporaryDirectory(prefix="onrecord-followups-") as scratch:
        library = Library(load_settings(data_dir=data_dir or Path(scratch), chroma_host=None))
        missing = [str(path) for path in transcripts if not path.exists()]
        failed = [f"{r.path}: {r.message}" for r in library.ingest(list(transcripts)) if r.status == "failed"]
        if missing or failed:
            raise SuiteError(f"the follow-up suite's transcripts cannot all be read: {'; '.join(missing + failed)}")
        rows = ask_threads(library, threads, on_step)
        counted = figures(rows)
        for split, off in gold_without_quote(threads, library.turns).items():
            if split in counted:
                counted[split]["gold_without_quote"] = off
    return counted, rows


def gold_without_quote(threads: Sequence[Thread], turns_of: Callable[[str], Sequence[Turn]]) -> dict[str, int]:
    """Per split (and all), the turns to be answered whose gold turns hold none of their own quote's
    words while another turn of the meeting does (the suite counted the turns otherwise): such a turn
    is judged right only by citing the suite's turns or quoting the words. Reported, never corrected:
    the suite was written before building."""
    off = dict.fromkeys((*SPLITS, "all"), 0)
    for thread in threads:
        for turn in thread.turns:
            if turn.expected != "answered" or not turn.quote:
                continue
            holding = {i for i, said in enumerate(turns_of(turn.meeting)) if _plain(turn.quote) in _plain(said.text)}
            gold = {i for first, last in turn.gold_turns for i in range(first, last + 1)}
            if holding and not holding & gold:
                off[thread.split] += 1
                off["all"] += 1
    return off


SUMMARY_COLUMNS = (
    ("follow_ups", "follow-ups"),
    ("right_thread", "right, with the thread"),
    ("right_copy", "right, alone (copy)"),
    ("right_ceiling", "right, written out (ceiling)"),
    ("worse_than_copy", "worse than alone"),
    ("rewrite_rouge1_recall", "ROUGE-1 recall of the rewrite"),
    ("copy_rouge1_recall", "ROUGE-1 recall of the copy"),
)


def summary_table(figures: dict[str, dict]) -> list[str]:
    """The figures per split as the lines of a Markdown table, and the standalone follow-ups left unchanged."""
    lines = [
        "| part | " + " | ".join(label for _, label in SUMMARY_COLUMNS) + " |",
        "|---" * (len(SUMMARY_COLUMNS) + 1) + "|",
    ]
    for split, row in figures.items():
        cells = [f"{row[key]:.3f}" if isinstance(row[key], float) else str(row[key]) for key, _ in SUMMARY_COLUMNS]
        lines.append(f"| {split} | " + " | ".join(cells) + " |")
    alone = figures.get("all", {})
    lines.append(
        f"\nQuestions that stand alone, left unchanged by their thread: {alone.get('standalone_unchanged', 0)} of "
        f"{alone.get('standalone_questions', 0)}."
    )
    if off := {split: row["gold_without_quote"] for split, row in figures.items() if row.get("gold_without_quote")}:
        lines.append(
            "Gold turns that do not hold their own quote (judged as written): "
            + ", ".join(f"{count} in {split}" for split, count in off.items())
            + "."
        )
    return lines


def write_followups_report(out: Path, figures: dict, rows: Sequence[dict]) -> Path:
    """results.json (the figures and every follow-up's row) and summary.md in `out`; the summary's path."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps({"figures": figures, "rows": list(rows)}, indent=1))
    summary = out / "summary.md"
    heading = "# Follow-up questions in threads (eval/suites/followups.json)\n\n"
    summary.write_text(heading + "\n".join(summary_table(figures)) + "\n", encoding="utf-8")
    return summary


def rewrite_recall(conversations: Sequence[Sequence[tuple[str, str, str]]]) -> dict[str, float | int]:
    """The resolver's rewrites against human ones, as QReCC and CANARD score them: each conversation's
    turns as (question, human rewrite, answer), each follow-up read against the rewrites and answers
    before it; the mean ROUGE-1 recall of the human rewrite by the resolver's reading and by the
    follow-up as asked (the copy baseline), and how many follow-ups the resolver rewrote."""
    resolver = copy = 0.0
    rewritten = 0
    follow_ups = [(turns[:i], turns[i]) for turns in conversations for i in range(1, len(turns))]
    for before, (question, human, _) in follow_ups:
        reading = read_followup(question, [Exchange(rewrite, answer) for _, rewrite, answer in before], Filters())
        resolver += rouge1_recall(reading.standalone, human)
        copy += rouge1_recall(question, human)
        rewritten += reading.changed
    count = max(len(follow_ups), 1)
    return {"follow_ups": len(follow_ups), "resolver": resolver / count, "copy": copy / count, "rewritten": rewritten}
