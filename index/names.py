"""Speaker names given to a meeting's labels, and people made of several names: kept in one small
file beside the store (`speakers.json`) and applied when the catalog is read, so that a rename
changes no stored chunk and embeds nothing.

The store keeps each meeting as its file gave it (labels such as SPEAKER_00 in the chunks' text and
metadata and in the turns); the catalog (index.snapshot) reads a named meeting's chunks and turns
with its names applied: a chunk's speakers and the labels opening its lines, a turn's speaker, the
meeting's list of speakers. A meeting's names are part of its state in the catalog's key, so that a
rename reads that meeting's chunks back from the store (vectors and all) and nothing else. Names are
kept per meeting id, so that ingesting the file again, changed or not, keeps them.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from core.errors import QueryError, StoreError
from core.models import Chunk, Meeting
from core.text import one_line

NAMES_FILE = "speakers.json"
MAX_NAME = 120  # characters in a speaker's name
NAMES_STATE = ":names-"  # what opens the names' part of a meeting's state in the catalog


@dataclass(frozen=True)
class SpeakerNames:
    """Names given per meeting (meeting id → label → name) and people (a name → the person it is)."""

    meetings: dict[str, dict[str, str]] = field(default_factory=dict)
    people: dict[str, str] = field(default_factory=dict)

    def person(self, name: str) -> str:
        """The person a name is (the name itself when it was merged with no other)."""
        return self.people.get(name, name)

    def applied(self, meeting_id: str, labels: tuple[str, ...] | list[str]) -> dict[str, str]:
        """Label → the name shown, for the labels of a meeting that are shown otherwise."""
        given = self.meetings.get(meeting_id, {})
        shown = {label: self.person(given.get(label, label)) for label in labels}
        return {label: name for label, name in shown.items() if name != label}

    def with_meeting(self, meeting_id: str, names: dict[str, str]) -> SpeakerNames:
        meetings = {key: value for key, value in self.meetings.items() if key != meeting_id}
        if names:
            meetings[meeting_id] = dict(names)
        return SpeakerNames(meetings, dict(self.people))

    def merged(self, name: str, other: str) -> SpeakerNames:
        """`other` (and every name already merged into it) made the person `name` is."""
        person = self.person(name)
        people = {key: (person if value == other else value) for key, value in self.people.items()}
        people[other] = person
        people.pop(person, None)
        return SpeakerNames({key: dict(value) for key, value in self.meetings.items()}, people)

    def to_dict(self) -> dict:
        return {"meetings": self.meetings, "people": self.people}


def checked_name(name: str) -> str:
    """A name as given, on one line; a QueryError for an empty or an overlong one. Names in any script
    are kept as written."""
    shown = one_line(name)
    if not shown:
        raise QueryError("a speaker's name cannot be empty; give a name, e.g. --rename SPEAKER_00='Helen Marsh'")
    if len(shown) > MAX_NAME:
        raise QueryError(f"a speaker's name of {len(shown)} characters is longer than {MAX_NAME}; give a shorter name")
    return shown


def read_names(data_dir: Path) -> SpeakerNames:
    """The names kept in a data directory (none when it has no names file)."""
    path = Path(data_dir).expanduser() / NAMES_FILE
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return SpeakerNames()
    except (OSError, ValueError) as error:
        raise StoreError(f"the speaker names in {path} cannot be read ({error}); fix or delete the file") from error
    meetings = saved.get("meetings", {}) if isinstance(saved, dict) else {}
    people = saved.get("people", {}) if isinstance(saved, dict) else {}
    return SpeakerNames(
        {
            str(m): {str(k): str(v) for k, v in names.items()}
            for m, names in meetings.items()
            if isinstance(names, dict)
        },
        {str(k): str(v) for k, v in people.items()},
    )


def write_names(data_dir: Path, names: SpeakerNames) -> None:
    """The names file replaced whole (written aside, then renamed); the caller holds the write lock."""
    path = Path(data_dir).expanduser() / NAMES_FILE
    temporary = path.with_name(f".{NAMES_FILE}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_text(json.dumps(names.to_dict(), ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(temporary, path)
    except OSError as error:
        raise StoreError(f"cannot write the speaker names to {path}: {error.strerror}; fix its permissions") from error
    finally:
        temporary.unlink(missing_ok=True)


def names_digest(applied: dict[str, str]) -> str:
    """What a meeting's names add to its state in the catalog ("" for none: its state is unchanged)."""
    if not applied:
        return ""
    return NAMES_STATE + hashlib.sha1(json.dumps(sorted(applied.items())).encode()).hexdigest()[:16]


def names_in_state(state: str) -> str:
    """The part of a meeting's state in the catalog that its names make ("" for none)."""
    return state.partition(NAMES_STATE)[2]


def named_meeting(meeting: Meeting, applied: dict[str, str]) -> Meeting:
    if not applied:
        return meeting
    return replace(meeting, speakers=tuple(dict.fromkeys(applied.get(s, s) for s in meeting.speakers)))


def named_chunk(chunk: Chunk, applied: dict[str, str]) -> Chunk:
    """A chunk with its speakers and the labels that open its lines named."""
    if not applied or not any(speaker in applied for speaker in chunk.speakers):
        return chunk
    lines = [_named_line(line, applied) for line in chunk.text.split("\n")]
    speakers = tuple(dict.fromkeys(applied.get(s, s) for s in chunk.speakers))
    return replace(chunk, text="\n".join(lines), speakers=speakers)


def _named_line(line: str, applied: dict[str, str]) -> str:
    label, colon, rest = line.partition(": ")
    return f"{applied[label]}: {rest}" if colon and label in applied else line


def named_turns(document: str, applied: dict[str, str]) -> str:
    """A meeting's turns (the store's JSON document) with their speakers named."""
    if not applied or not document:
        return document
    turns = json.loads(document)
    for turn in turns:
        label = turn.get("canonical_speaker")
        if label in applied:
            turn["speaker"] = turn["canonical_speaker"] = applied[label]
    return json.dumps(turns, ensure_ascii=False)
