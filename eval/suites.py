"""Evaluation suites: questions about transcripts with gold turn ranges (and optional gold answers).

A suite file is JSON:

    {"name": "my-meetings",
     "transcripts": ["meetings/"],                       # files or folders, relative to the suite file
     "questions": [
        {"id": "q1", "question": "What did we decide about the budget?",
         "meeting": "budget-2024-05-02",                 # optional: answer within this meeting
         "gold_turns": [[12, 14]],                       # inclusive turn ranges; [] = not answerable
         "speaker": "Dana Okafor",                       # optional: the speaker the answer comes from
         "answer": "We kept it at 12,000.",              # optional: for ROUGE
         "split": "held_out"}]}                          # optional: `SUITE:held_out` asks only these
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from core.errors import OnRecordError


class SuiteError(OnRecordError):
    """A suite file that cannot be used."""


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    gold_turns: tuple[tuple[int, int], ...]
    meeting: str | None = None
    speaker: str | None = None
    answer: str | None = None
    domain: str = ""

    @property
    def answerable(self) -> bool:
        return bool(self.gold_turns)

    @property
    def gold(self) -> frozenset[int]:
        return frozenset(i for first, last in self.gold_turns for i in range(first, last + 1))


@dataclass(frozen=True)
class Suite:
    name: str
    transcripts: tuple[Path, ...]
    questions: tuple[Question, ...]
    notes: tuple[str, ...] = field(default_factory=tuple)


def load_suite(path: Path, split: str | None = None) -> Suite:
    """A suite from its JSON file; transcript paths are relative to the file. With `split`, only the
    questions marked with it (a part kept aside until the end, say)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise SuiteError(f"cannot read the suite {path}: {error}") from error
    except json.JSONDecodeError as error:
        raise SuiteError(f"{path}:{error.lineno}: invalid JSON in the suite ({error.msg})") from error
    try:
        base = Path(path).resolve().parent
        questions = tuple(
            Question(
                id=str(item.get("id", number)),
                question=item["question"],
                gold_turns=tuple((int(a), int(b)) for a, b in item.get("gold_turns", [])),
                meeting=item.get("meeting"),
                speaker=item.get("speaker"),
                answer=item.get("answer"),
            )
            for number, item in enumerate(data["questions"], 1)
            if split is None or item.get("split") == split
        )
        if split and not questions:
            raise SuiteError(f"{path}: no questions with split {split!r}")
        transcripts = tuple((base / entry).resolve() for entry in data["transcripts"])
        name = data.get("name", Path(path).stem)
        return Suite(name=f"{name}-{split}" if split else name, transcripts=transcripts, questions=questions)
    except (KeyError, TypeError, ValueError) as error:
        raise SuiteError(
            f"{path}: a suite needs 'transcripts' and 'questions' with 'question' and 'gold_turns' ({error!r}); "
            "see docs/evaluation.md"
        ) from error


DOMAINS = (
    ("covid_", "committee"),
    ("education_", "committee"),
    ("ES", "product"),
    ("IS", "product"),
    ("TS", "product"),
    ("B", "academic"),
)


def domain_of(meeting_id: str) -> str:
    return next((domain for prefix, domain in DOMAINS if meeting_id.startswith(prefix)), "other")


def qmsum_suite(folder: Path, limit: int | None = None) -> Suite:
    """QMSum specific queries, each answered within its own meeting; general queries are left out."""
    files = sorted(Path(folder).glob("*.json"))
    if not files:
        raise SuiteError(
            f"no QMSum meetings (*.json) in {folder}; point --data at a split such as ../shared/data/qmsum/val"
        )
    files = spread(files, limit) if limit else files
    questions = []
    general = 0
    for path in files:
        data = json.loads(path.read_text(encoding="utf-8"))
        general += len(data.get("general_query_list", []))
        for number, item in enumerate(data.get("specific_query_list", [])):
            spans = tuple((int(a), int(b)) for a, b in item.get("relevant_text_span", []))
            if spans:
                questions.append(
                    Question(
                        id=f"{path.stem}#{number}",
                        question=item["query"],
                        gold_turns=spans,
                        meeting=path.stem,
                        answer=item.get("answer"),
                        domain=domain_of(path.stem),
                    )
                )
    notes = (f"{general} general queries ('summarize the meeting') left out: they have no gold span to retrieve.",)
    return Suite(name=f"qmsum-{Path(folder).name}", transcripts=tuple(files), questions=tuple(questions), notes=notes)


def spread(files: list[Path], limit: int) -> list[Path]:
    """`limit` files taken evenly across the sorted list, so every domain is represented."""
    if limit >= len(files):
        return files
    step = len(files) / limit
    return [files[int(i * step)] for i in range(limit)]
