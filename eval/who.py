"""The who-questions' own figure (eval/suites/who.json): whether an answer names the right person.

An answer is right when the first of its meeting's speakers it names is the one the suite expects
(all of them where the suite lists several), by their name with or without their title ("Nadia
Brandt" for "Councillor Nadia Brandt"); a question no one answers is right when it is refused. The
questions over diarized meetings (a `label` such as SPEAKER_04) can be answered with the person's
name only once the label is named; the answers naming the right label are counted apart.

    python -m eval.who reports/who/results.json    # after `onrecord eval who`
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

from eval.suites import SUITES_DIR
from ingest.parsing import Failure, parse_paths

WHO_SUITE = SUITES_DIR / "who.json"
SYSTEM = "onrecord-hybrid"
_TITLES = frozenset(["councillor", "councilor", "trustee", "member", "mayor", "chair", "dr", "mr", "mrs", "ms"])


def name_forms(speaker: str) -> list[str]:
    """How an answer may name a speaker: in full, and without the title before the name
    ("Councillor Nadia Brandt" → "Nadia Brandt"; "Councillor Moss" → "Moss")."""
    words = speaker.split()
    forms = [speaker]
    if len(words) >= 3:
        forms.append(" ".join(words[-2:]))
    elif len(words) == 2 and words[0].casefold() in _TITLES:
        forms.append(words[1])
    return forms


def first_named(answer: str, speakers: Iterable[str]) -> list[str]:
    """The speakers an answer names, in the order it first names them."""
    where = {}
    for speaker in speakers:
        forms = (rf"(?<!\w){re.escape(form)}(?!\w)" for form in name_forms(speaker))
        found = [m.start() for form in forms for m in re.finditer(form, answer)]
        if found:
            where[speaker] = min(found)
    return sorted(where, key=where.__getitem__)


def judged(item: dict, result: dict, speakers: Sequence[str]) -> dict[str, bool | None]:
    """One question's verdicts: right person (None where the suite expects a refusal), refused as
    expected (None where it expects an answer), right label (None where the meeting is named)."""
    answer = result.get("answer") or ""
    refused = bool(result.get("abstained"))
    if item.get("expected") == "refused":
        return {"right_person": None, "right_speaker": None, "refused": refused, "right_label": None}
    expected = item.get("speakers") or [item["speaker"]]
    named = first_named(answer, [*speakers, *expected])
    right = not refused and bool(named) and named[0] in expected and all(name in named for name in expected)
    label = item.get("label")
    by_label = None
    if label:
        by_label = not refused and first_named(answer, speakers)[:1] == [label]
    speaker = right or bool(by_label)
    return {"right_person": right, "right_speaker": speaker, "refused": None, "right_label": by_label}


def meeting_speakers(suite_file: Path = WHO_SUITE) -> dict[str, list[str]]:
    """Each meeting of the suite's transcripts: its speakers as written."""
    data = json.loads(suite_file.read_text(encoding="utf-8"))
    paths = [(suite_file.parent / entry).resolve() for entry in data["transcripts"]]
    found: dict[str, list[str]] = {}
    for transcript in parse_paths(paths):
        if not isinstance(transcript, Failure):
            found[transcript.meeting_id] = list(dict.fromkeys(t.speaker for t in transcript.turns if t.speaker))
    return found


def who_figures(results: Sequence[dict], suite_file: Path = WHO_SUITE, system: str = SYSTEM) -> dict[str, dict]:
    """Per split (and `all`): the share of answerable who-questions answered with the right person;
    with the right speaker (the person, or for a diarized meeting's question the label the person
    speaks under); the share of diarized ones answered with the right label; the share of
    unanswerable ones refused; and how many questions each share is of."""
    data = json.loads(suite_file.read_text(encoding="utf-8"))
    by_id = {result["id"]: result for result in results if result.get("system", system) == system}
    speakers = meeting_speakers(suite_file)
    verdicts: dict[str, list[dict]] = {}
    for item in data["questions"]:
        if item["id"] not in by_id:
            continue
        verdict = judged(item, by_id[item["id"]], speakers.get(item.get("meeting", ""), []))
        for split in (item.get("split", "tuning"), "all"):
            verdicts.setdefault(split, []).append(verdict)
    return {split: _shares(rows) for split, rows in verdicts.items()}


def _shares(rows: list[dict]) -> dict:
    figures: dict[str, float | int | None] = {}
    for key, figure in (("right_person", "answered_right_person"), ("right_speaker", "answered_right_speaker"),
                        ("right_label", "right_label_diarized"), ("refused", "refused_unanswerable")):  # fmt: skip
        judged_rows = [row[key] for row in rows if row[key] is not None]
        figures[figure] = round(sum(judged_rows) / len(judged_rows), 3) if judged_rows else None
        figures[f"{figure}_of"] = len(judged_rows)
    return figures


def main(argv: Sequence[str]) -> None:
    path = Path(argv[0]) if argv else Path("reports/who/results.json")
    figures = who_figures(json.loads(path.read_text(encoding="utf-8"))["results"])
    for split, row in figures.items():
        print(split, json.dumps(row))


if __name__ == "__main__":
    main(sys.argv[1:])
