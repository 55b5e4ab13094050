"""Naming diarized speakers from the transcript's words against the naming suite
(`eval/suites/naming.json`: meetings written with SPEAKER_nn labels and their true names, and the seed
and samples with their speakers replaced by labels), per label and per part (`tuning`, `held_out`,
`stripped`), beside a naive baseline: `onrecord eval naming`."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from core.models import Turn
from ingest.naming import is_label, suggest_names
from ingest.parsing import parse_file
from ingest.people import mentions, person_of

SUITE = Path(__file__).resolve().parent / "suites" / "naming.json"
# A leading title the scoring ignores ("Mayor Calloway" is right for "Calloway").
SCORED_TITLES = ("mayor", "councillor", "dr.", "dr", "ms.", "ms", "mrs.", "mrs", "mr.", "mr", "professor")

Namer = Callable[[Sequence[Turn]], dict[str, str | None]]


@dataclass(frozen=True)
class GoldMeeting:
    meeting: str
    split: str  # "tuning" or "held_out"
    stripped: bool  # the seed or a sample with its speakers replaced by labels
    turns: tuple[Turn, ...]
    labels: dict[str, dict]  # label → {"name": str | None, "accept": [...], "optional": bool, ...}


def load_suite(path: Path = SUITE, meetings: Sequence[str] | None = None) -> list[GoldMeeting]:
    """The suite's meetings (or those named), parsed as On Record parses them; the stripped ones with
    each speaker replaced by SPEAKER_nn in order of first appearance."""
    suite = json.loads(path.read_text(encoding="utf-8"))
    loaded = []
    for entry, stripped in [*((e, False) for e in suite["meetings"]), *((e, True) for e in suite["stripped"])]:
        if meetings is not None and entry["meeting"] not in meetings:
            continue
        turns = parse_file(path.parent / entry["file"]).turns
        if stripped:
            turns = strip_speakers(turns)
        loaded.append(GoldMeeting(entry["meeting"], entry["split"], stripped, tuple(turns), entry["labels"]))
    return loaded


def strip_speakers(turns: Sequence[Turn]) -> list[Turn]:
    """Each turn's speaker replaced by SPEAKER_nn in order of first appearance of its canonical speaker;
    turns without a speaker keep none, and the text is left as it is."""
    numbers: dict[str, str] = {}
    stripped = []
    for turn in turns:
        person = turn.canonical_speaker or turn.speaker
        if person is None:
            stripped.append(turn)
            continue
        label = numbers.setdefault(person, f"SPEAKER_{len(numbers):02d}")
        stripped.append(replace(turn, speaker=label, canonical_speaker=label))
    return stripped


def plain(name: str) -> str:
    """A name as the scoring compares it: case and one leading title ignored."""
    words = name.casefold().split()
    if len(words) > 1 and words[0] in SCORED_TITLES:
        words = words[1:]
    return " ".join(words)


def is_right(suggested: str, gold: dict) -> bool:
    if gold.get("name") is None:
        return False
    return plain(suggested) in {plain(form) for form in [gold["name"], *gold.get("accept", [])]}


def suggested_names(turns: Sequence[Turn]) -> dict[str, str | None]:
    """On Record's namer: ingest.naming.suggest_names."""
    return {label: suggestion.name for label, suggestion in suggest_names(turns).items()}


def first_name_said(turns: Sequence[Turn]) -> dict[str, str | None]:
    """The naive baseline: the first capitalised name in each label's first turn."""
    named: dict[str, str | None] = {}
    for turn in turns:
        if turn.speaker and is_label(turn.speaker) and turn.speaker not in named:
            found = mentions(turn.text)
            named[turn.speaker] = person_of(found[0].form) if found else None
    return named


NAMERS: dict[str, Namer] = {"on record": suggested_names, "first name in the first turn": first_name_said}


def score(meetings: Sequence[GoldMeeting], namer: Namer) -> dict:
    """Per-label figures: precision of suggestions, share of nameable labels named rightly, and the
    unnameable labels given a name (must be 0), with each label's row."""
    rows = []
    for meeting in meetings:
        names = namer(meeting.turns)
        for label, gold in meeting.labels.items():
            suggested = names.get(label)
            right = suggested is not None and is_right(suggested, gold)
            rows.append(
                {
                    "meeting": meeting.meeting,
                    "label": label,
                    "name": gold.get("name"),
                    "optional": bool(gold.get("optional")),
                    "suggested": suggested,
                    "right": right,
                }
            )
    suggested_rows = [row for row in rows if row["suggested"] is not None]
    nameable = [row for row in rows if row["name"] is not None and not row["optional"]]
    right = sum(row["right"] for row in suggested_rows)
    return {
        "labels": len(rows),
        "suggestions": len(suggested_rows),
        "right": right,
        "precision": round(right / len(suggested_rows), 3) if suggested_rows else 1.0,
        "nameable": len(nameable),
        "named": round(sum(row["right"] for row in nameable) / len(nameable), 3) if nameable else 1.0,
        "unnameable_named": sum(row["name"] is None and row["suggested"] is not None for row in rows),
        "rows": rows,
    }


PARTS: dict[str, Callable[[GoldMeeting], bool]] = {
    "tuning": lambda meeting: not meeting.stripped and meeting.split == "tuning",
    "held_out": lambda meeting: not meeting.stripped and meeting.split == "held_out",
    "stripped": lambda meeting: meeting.stripped,
}


def figures(meetings: Sequence[GoldMeeting], namers: dict[str, Namer] = NAMERS) -> dict[str, dict[str, dict]]:
    """namer → part → score, the parts of PARTS that have meetings."""
    return {
        name: {part: score(group, namer) for part, keep in PARTS.items() if (group := [m for m in meetings if keep(m)])}
        for name, namer in namers.items()
    }


def summary_table(results: dict[str, dict[str, dict]]) -> str:
    """The figures as a Markdown table, one row per namer and part."""
    lines = [
        "| namer | part | labels | suggestions | precision | named | unnameable named |",
        "|---|---|---|---|---|---|---|",
    ]
    for namer, parts in results.items():
        for part, scored in parts.items():
            cells = [namer, part, scored["labels"], scored["suggestions"], f"{scored['precision']:.3f}"]
            cells += [f"{scored['named']:.3f}", scored["unnameable_named"]]
            lines.append("| " + " | ".join(str(cell) for cell in cells) + " |")
    return "\n".join(lines)


def evaluate_naming(out: Path | None = None, path: Path = SUITE) -> str:
    """`onrecord eval naming`: the figures of each part, written to OUT/results.json and OUT/summary.md
    (default reports/naming); returns the summary."""
    results = figures(load_suite(path))
    folder = out or Path("reports") / "naming"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "results.json").write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")
    table = summary_table(results)
    about = (
        "Per speaker label: precision = right suggestions / suggestions; named = labels named rightly / labels "
        "the transcript names; unnameable named = labels the transcript never names that got a name (must be 0). "
        "tuning: the meetings the rules were tuned on; held_out: kept aside; stripped: the seed and the samples "
        "with their speakers replaced by labels."
    )
    (folder / "summary.md").write_text(f"# Naming speakers\n\n{table}\n\n{about}\n", encoding="utf-8")
    return f"{table}\n\n{about}\nreport: {folder}/summary.md, results.json"
