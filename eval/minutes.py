"""Decisions and action items against gold minutes (`eval/suites/minutes.json`: transcripts we
wrote and QMSum train meetings, labelled by hand before tuning, a part kept aside): the fit of the
two detectors on the tuning part (`onrecord fit minutes`) and their precision and recall on each
part (`onrecord eval minutes`), beside a cue list alone."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.logistic import Logistic
from core.minutes import Item
from core.models import Turn
from ingest.parsing import parse_file
from minutes.features import CUE_PATTERNS, FEATURES, sentence_rows
from minutes.items import KINDS, ItemsModel, detect, owner_of

SUITE = Path(__file__).resolve().parent / "suites" / "minutes.json"
SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
GOLD_KEYS = {"decision": "decisions", "action": "action_items"}


@dataclass(frozen=True)
class GoldMeeting:
    meeting_id: str
    split: str
    turns: tuple[Turn, ...]
    gold: dict[str, tuple[dict, ...]]  # kind → labelled items, each with its turn (and also_turns)
    source: str = "written"  # "written" (a transcript of ours) or "qmsum" (a QMSum train meeting)


def suite_files(path: Path = SUITE) -> list[Path]:
    """The suite and the files that extend it beside it (`minutes_votes.json` for `minutes.json`)."""
    return [path, *sorted(path.parent.glob(f"{path.stem}_*.json"))]


def load_gold(path: Path = SUITE, shared: Path = SHARED) -> list[GoldMeeting]:
    """The labelled meetings of the suite and of the files that extend it, parsed as On Record parses them."""
    entries = [
        entry for file in suite_files(path) for entry in json.loads(file.read_text(encoding="utf-8"))["meetings"]
    ]
    root = path.resolve().parent.parent.parent
    meetings = []
    for entry in entries:
        source = entry["source"]
        file = shared / source if source.startswith("qmsum/") else root / source
        turns = parse_file(file).turns
        gold = {kind: tuple(entry.get(key, [])) for kind, key in GOLD_KEYS.items()}
        origin = "qmsum" if source.startswith("qmsum/") else "written"
        meetings.append(GoldMeeting(entry["meeting_id"], entry["split"], turns, gold, origin))
    return meetings


def gold_turns(item: dict) -> set[int]:
    return {int(item["turn"]), *(int(t) for t in item.get("also_turns", []))}


def training_data(meetings: Sequence[GoldMeeting], kind: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every sentence of the meetings as a row, labelled 1 in a turn that holds a gold item of the
    kind, weighted so that each meeting's positives and negatives weigh the same in all."""
    rows, labels, weights = [], [], []
    for meeting in meetings:
        found, features = sentence_rows(meeting.turns)
        positive = set().union(*(gold_turns(item) for item in meeting.gold[kind])) if meeting.gold[kind] else set()
        flags = [meeting.turns[position].index in positive for position, _ in found]
        flags = _cued(found, features, flags, kind)
        count = max(sum(flag is True for flag in flags), 1)
        negatives = max(sum(flag is False for flag in flags), 1)
        for row, flag in zip(features, flags, strict=True):
            if flag is not None:  # a labelled turn's sentences without the kind's cue teach nothing either way
                rows.append(row)
                labels.append(flag)
                weights.append(1.0 / count if flag else 1.0 / negatives)
    return np.asarray(rows), np.asarray(labels, dtype=int), np.asarray(weights)


CUE_COLUMNS = {
    "decision": [FEATURES.index(f"cue_{name}") for name in ("motion_result", "vote_count", "decided")],
    "action": [FEATURES.index(f"cue_{name}") for name in ("commit_self", "commit_other", "collective", "due")],
}


def _cued(found: list, features: list, flags: list[bool], kind: str) -> list[bool | None]:
    """Within a labelled turn, the sentences holding the most of the kind's cues are the positives
    (all of them when none holds a cue); its other sentences are left out of the fit."""
    columns = CUE_COLUMNS[kind]
    strength = [sum(row[c] for c in columns) for row in features]
    best: dict[int, float] = {}
    for (position, _), flag, value in zip(found, flags, strength, strict=True):
        if flag:
            best[position] = max(best.get(position, 0.0), value)
    return [
        (value >= best[position]) or None if flag else False
        for (position, _), flag, value in zip(found, flags, strength, strict=True)
    ]


def fit_items(meetings: Sequence[GoldMeeting], fitted_on: str) -> ItemsModel:
    """Both detectors fitted on the meetings; each bar the one that gives the best F1 on them."""
    from sklearn.linear_model import LogisticRegression

    models = {}
    for kind in KINDS:
        rows, labels, weights = training_data(meetings, kind)
        mean, scale = rows.mean(axis=0), rows.std(axis=0)
        scale[scale == 0] = 1.0
        fitted = LogisticRegression(C=0.5, max_iter=2000).fit((rows - mean) / scale, labels, sample_weight=weights)
        models[kind] = Logistic(
            FEATURES, tuple(mean), tuple(scale), tuple(fitted.coef_[0]), float(fitted.intercept_[0])
        )
    bars = {}
    for kind in KINDS:  # the bar that gives the best F1 of a meeting on average (each meeting counts the same)
        candidates = np.round(np.arange(0.30, 0.96, 0.02), 2)
        scores = []
        for bar in candidates:
            model = ItemsModel(models["decision"], models["action"], float(bar), float(bar))
            per_meeting = [figures([m], lambda turns, m=model: detect(turns, m))[kind]["f1"] for m in meetings]
            scores.append(float(np.mean(per_meeting)))
        bars[kind] = float(candidates[int(np.argmax(scores))])
    return ItemsModel(models["decision"], models["action"], bars["decision"], bars["action"], fitted_on)


Detector = Callable[[Sequence[Turn]], tuple[list[Item], list[Item]]]


def figures(meetings: Sequence[GoldMeeting], detector: Detector) -> dict[str, dict[str, float]]:
    """Precision, recall and F1 of decisions (the labelled turn) and action items (the labelled turn
    and its owner), over all the meetings' items; and of the found decisions whose gold names who voted
    against (`against`, even empty), the share naming the same people."""
    counts = {kind: {"found": 0, "right": 0, "gold": 0, "recalled": 0} for kind in KINDS}
    dissent = {"labelled": 0, "same": 0}
    for meeting in meetings:
        decisions, actions = detector(meeting.turns)
        for kind, predicted in (("decision", decisions), ("action", actions)):
            gold = list(meeting.gold[kind])
            matched: set[int] = set()
            for item in predicted:
                hit = next(
                    (n for n, g in enumerate(gold) if n not in matched and _matches(kind, item, g)),
                    None,
                )
                if hit is not None:
                    matched.add(hit)
                    if kind == "decision" and "against" in gold[hit]:
                        dissent["labelled"] += 1
                        dissent["same"] += same_people(item.against, gold[hit]["against"])
            counts[kind]["found"] += len(predicted)
            counts[kind]["right"] += len(matched)
            counts[kind]["gold"] += len(gold)
    result = {}
    for kind, c in counts.items():
        precision = c["right"] / c["found"] if c["found"] else 0.0
        recall = c["right"] / c["gold"] if c["gold"] else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        result[kind] = {"precision": precision, "recall": recall, "f1": f1, "found": c["found"], "gold": c["gold"]}
    result["decision"]["against_named"] = dissent["same"] / dissent["labelled"] if dissent["labelled"] else None
    result["decision"]["against_labelled"] = dissent["labelled"]
    return result


def same_people(found: Sequence[str], gold: Sequence[str]) -> bool:
    """The same people, each found name the same person as one gold name (`same_owner`)."""
    return len(found) == len(gold) and all(any(same_owner(f, g) for g in gold) for f in found)


def _matches(kind: str, item: Item, gold: dict) -> bool:
    if item.turn not in gold_turns(gold):
        return False
    return kind == "decision" or same_owner(item.owner, gold.get("owner"))


def same_owner(found: str | None, gold: str | None) -> bool:
    """The same person: equal names, or one holds the other's words ("Karen" in "Karen Oduya")."""
    if not found or not gold:
        return False
    a, b = set(found.casefold().replace(".", "").split()), set(gold.casefold().replace(".", "").split())
    collective = {"team", "all", "everyone", "group", "we"}
    return (
        a == b
        or (a <= b or b <= a)
        and not (a | b) <= {"the", "dr", "ms", "mr", "mrs"}
        or bool(a & collective and b & collective)
    )


def cue_list(turns: Sequence[Turn]) -> tuple[list[Item], list[Item]]:
    """The naive baseline: every sentence with a cue of deciding is a decision, every one with a cue
    of committing an action item (owner read the same way)."""
    found, _ = sentence_rows(turns)
    decisions, actions = {}, {}
    for position, sentence in found:
        turn = turns[position]
        common = {"text": sentence, "turn": turn.index, "speaker": turn.canonical_speaker, "probability": 1.0}
        if CUE_PATTERNS["motion_result"].search(sentence) or CUE_PATTERNS["decided"].search(sentence):
            decisions.setdefault(position, Item("decision", **common))
        if CUE_PATTERNS["commit_self"].search(sentence) or CUE_PATTERNS["commit_other"].search(sentence):
            following = turns[position + 1] if position + 1 < len(turns) else None
            owner = owner_of(sentence, turn, following, [t.canonical_speaker for t in turns if t.canonical_speaker])
            actions.setdefault(position, Item("action", **common, owner=owner))
    return list(decisions.values()), list(actions.values())


def scope_figures(scope_of: Callable[[str], str], path: Path = SUITE) -> dict[str, dict[str, float]]:
    """Per part of the suite: the share of its questions answered in the right scope (needle,
    meeting, meetings), as `scope_of` finds it, and which were misread."""

    data = json.loads(path.read_text(encoding="utf-8"))
    result: dict[str, dict] = {}
    for entry in data.get("scope_questions", []):
        row = result.setdefault(entry["split"], {"questions": 0, "right": 0, "misread": []})
        found = scope_of(entry["question"])
        row["questions"] += 1
        row["right"] += found == entry["scope"]
        if found != entry["scope"]:
            row["misread"].append(f"{entry['question']} ({entry['scope']} read as {found})")
    for row in result.values():
        row["accuracy"] = row["right"] / row["questions"]
    return result


def timeline_figures(library, path: Path = SUITE) -> dict[str, dict]:
    """Per part: the timeline questions whose answer cites each meeting that discusses the subject, in
    date order, and no other (asked of a library of the samples and the suite's meetings)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    result: dict[str, dict] = {}
    for entry in data.get("timeline", []):
        row = result.setdefault(entry.get("split", "tune"), {"questions": 0, "right": 0, "wrong": []})
        answer = library.ask(entry["question"])
        covered = list(dict.fromkeys(c.hit.chunk.meeting_id for c in answer.citations)) if not answer.abstained else []
        expected = sorted(entry["meetings"], key=lambda m: (library.meeting(m).date or "", m))
        row["questions"] += 1
        row["right"] += covered == expected
        if covered != expected:
            row["wrong"].append({"question": entry["question"], "cited": covered, "expected": expected})
    for row in result.values():
        row["share"] = row["right"] / row["questions"]
    return result
