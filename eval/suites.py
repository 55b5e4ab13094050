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
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from core.errors import OnRecordError

SUITES_DIR = Path(__file__).resolve().parent / "suites"
DEFAULT_QMSUM = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "qmsum" / "val"


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


# name → how to load a suite of questions from (a data folder or None, a limit or None); filled
# beside each loader (register_suite) and from the question files in eval/suites/ (suites()).
Loader = Callable[[Path | None, int | None], Suite]
_REGISTERED: dict[str, Loader] = {}


def register_suite(name: str) -> Callable[[Loader], Loader]:
    def add(load: Loader) -> Loader:
        _REGISTERED[name] = load
        return load

    return add


@register_suite("qmsum")
def _qmsum(data: Path | None, limit: int | None) -> Suite:
    return qmsum_suite(data or DEFAULT_QMSUM, limit)


def suites() -> dict[str, Loader]:
    """Every suite of questions by name: the registered ones, and each file of questions in
    eval/suites/ by its name (`seed`, `samples`, `shapes`, `who`)."""
    found = dict(_REGISTERED)
    for path in sorted(SUITES_DIR.glob("*.json")):
        if path.stem not in found and '"questions"' in path.read_text(encoding="utf-8"):
            found[path.stem] = lambda _data, _limit, path=path: load_suite(path)
    return found


def resolve_suite(name: str, data: Path | None = None, limit: int | None = None) -> Suite:
    """A suite by name (suites()) or by path to a suite file; `NAME:SPLIT` (`shapes:held_out`)
    asks only the questions of that split."""
    known = suites()
    if name in known:
        return known[name](data, limit)
    name, _, split = name.partition(":")
    path = SUITES_DIR / f"{name}.json" if name in known else Path(name)
    if not path.exists():
        raise SuiteError(f"no suite named {name!r}; use one of {', '.join(known)}, or a suite file path")
    return load_suite(path, split or None)
