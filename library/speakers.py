"""A library's speakers: each meeting's labels with the names the transcript suggests for them
(ingest.naming) and the names given, renames and resets, people made of several names
(ingest.people), and a person's meetings. Names are kept and applied by index.names: a rename
changes no stored chunk and embeds nothing."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from core.errors import QueryError
from core.models import Filters, Meeting, Turn
from core.text import one_line, sentences
from index.catalog import Catalog, closest_known
from index.names import SpeakerNames, checked_name

if TYPE_CHECKING:
    from ingest.naming import Evidence
    from ingest.people import Merge

class Library(Protocol):
    """What these views need of library.Library."""

    @property
    def catalog(self) -> Catalog: ...

    def turns(self, meeting_id: str) -> list[Turn]: ...

    def labelled_turns(self, meeting_id: str) -> list[Turn]: ...

    def speaker_names(self) -> SpeakerNames: ...

    def change_names(self, change: Callable[[SpeakerNames], SpeakerNames]) -> SpeakerNames: ...


QUOTES_PER_TOPIC = 3
QUOTE = 200  # characters of a quote at most


@dataclass(frozen=True)
class SpeakerRow:
    """One label of a meeting: the name given (None: shown as the label), the transcript's suggestion."""

    label: str
    name: str | None
    suggestion: str | None
    confidence: float
    evidence: tuple[Evidence, ...]
    turns: int
    share: float  # of the meeting's words

    def to_dict(self) -> dict:
        return {
            "label": self.label,
            "name": self.name,
            "suggestion": self.suggestion,
            "confidence": self.confidence,
            "evidence": [{"turn": e.turn, "quote": e.quote, "cue": e.cue} for e in self.evidence],
            "turns": self.turns,
            "share": self.share,
        }


@dataclass(frozen=True)
class MeetingSpeakers:
    meeting: Meeting
    speakers: tuple[SpeakerRow, ...]

    def to_dict(self) -> dict:
        return {"meeting": self.meeting.meeting_id, "speakers": [row.to_dict() for row in self.speakers]}


@dataclass(frozen=True)
class PersonTopic:
    """What a person said under one topic of a meeting: (turn index, quote) pairs."""

    topic: str | None
    quotes: tuple[tuple[int, str], ...]


@dataclass(frozen=True)
class PersonMeeting:
    meeting: Meeting
    turns: int
    share: float
    topics: tuple[PersonTopic, ...]

    def to_dict(self) -> dict:
        return {
            "meeting": self.meeting.meeting_id,
            "title": self.meeting.title,
            "date": self.meeting.date.isoformat() if self.meeting.date else None,
            "turns": self.turns,
            "share": self.share,
            "topics": [
                {"topic": t.topic, "quotes": [{"turn": n, "quote": q} for n, q in t.quotes]} for t in self.topics
            ],
        }


@dataclass(frozen=True)
class Person:
    name: str
    names: tuple[str, ...]  # the names merged into this person's
    meetings: tuple[PersonMeeting, ...]

    def to_dict(self) -> dict:
        return {"person": self.name, "names": list(self.names), "meetings": [m.to_dict() for m in self.meetings]}


def meeting_of(library: Library, meeting_id: str) -> Meeting:
    """A meeting named by its id, in any case; a QueryError naming the closest otherwise."""
    meetings = library.catalog.meetings
    return meetings[closest_known("meeting", meeting_id, {key.casefold(): key for key in meetings})]


def speakers_of(library: Library, meeting_id: str) -> MeetingSpeakers:
    """Every label of a meeting, in order of first speaking, with its name, suggestion, turns and share."""
    from ingest.naming import suggest_names  # naming's cues are read only when asked for

    meeting = meeting_of(library, meeting_id)
    turns = library.labelled_turns(meeting.meeting_id)
    suggested = suggest_names(turns)
    applied = library.speaker_names().applied(meeting.meeting_id, _labels(turns))
    words = Counter({label: 0 for label in _labels(turns)})
    counts: Counter[str] = Counter()
    for turn in turns:
        if turn.canonical_speaker:
            words[turn.canonical_speaker] += len(turn.clean_text.split())
            counts[turn.canonical_speaker] += 1
    total = sum(words.values()) or 1
    rows = []
    for label in words:
        suggestion = suggested.get(label)
        rows.append(
            SpeakerRow(
                label,
                applied.get(label),
                suggestion.name if suggestion else None,
                suggestion.confidence if suggestion and suggestion.name else 0.0,
                suggestion.evidence if suggestion and suggestion.name else (),
                counts[label],
                round(words[label] / total, 3),
            )
        )
    return MeetingSpeakers(meeting, tuple(rows))


def renamed(library: Library, meeting_id: str, renames: Mapping[str, str]) -> SpeakerNames:
    """Names given by hand to labels of a meeting (a label renamed to itself loses its name)."""
    if not renames:
        raise QueryError("no rename given; write one as LABEL=NAME, e.g. SPEAKER_00='Helen Marsh'")
    meeting = meeting_of(library, meeting_id)
    turns = library.labelled_turns(meeting.meeting_id)
    labels = _labels(turns)
    checked = {
        _label_of(library, meeting.meeting_id, labels, label): checked_name(name) for label, name in renames.items()
    }

    def change(names: SpeakerNames) -> SpeakerNames:
        given = {**names.meetings.get(meeting.meeting_id, {}), **checked}
        return names.with_meeting(meeting.meeting_id, {k: v for k, v in given.items() if k != v})

    return library.change_names(change)


def accepted(library: Library, meeting_id: str) -> dict[str, str]:
    """The transcript's suggestions applied to a meeting's labels; returns label → name applied."""
    found = speakers_of(library, meeting_id)
    chosen = {row.label: row.suggestion for row in found.speakers if row.suggestion}
    if not chosen:
        raise QueryError(
            f"no speaker of meeting {found.meeting.meeting_id!r} is named in the transcript; name them by hand "
            "with --rename LABEL=NAME"
        )
    renamed(library, found.meeting.meeting_id, chosen)
    return chosen


def reset(library: Library, meeting_id: str) -> None:
    """A meeting's speakers shown as its file labels them again."""
    meeting = meeting_of(library, meeting_id)
    library.change_names(lambda names: names.with_meeting(meeting.meeting_id, {}))


def merged(library: Library, names: Sequence[str]) -> str:
    """Speaker names made one person, library-wide: the first name's; returns that person's name."""
    if len(names) < 2:
        raise QueryError("a merge needs two speaker names or more, e.g. --merge 'Helen Marsh' 'Chair Helen Marsh'")
    given = library.speaker_names()
    known = {name.casefold(): name for name in [*library.catalog.speakers.values(), *given.people]}
    found = [closest_known("speaker", one_line(name), known) for name in names]
    people = {given.person(name) for name in found}
    if len(people) < 2:
        raise QueryError(
            f"{', '.join(repr(name) for name in found)} are already one person ({found[0]!r}); name another speaker"
        )

    def change(current: SpeakerNames) -> SpeakerNames:
        for other in found[1:]:
            current = current.merged(found[0], current.person(other))
        return current

    return library.change_names(change).person(found[0])


def suggested_merges(library: Library) -> list[Merge]:
    """Speaker names of the library that look like one person (ingest.people), with the reason."""
    from ingest.people import same_people

    return same_people(sorted(library.catalog.speakers.values()))


def person(library: Library, name: str) -> Person:
    """A person (a speaker name, or a name merged into theirs): the meetings they spoke in, their share
    of each, and what they said there by topic."""
    catalog = library.catalog
    speaker = catalog.resolve(Filters(speaker=one_line(name))).speaker
    assert speaker is not None
    merged_names = tuple(sorted(key for key, value in library.speaker_names().people.items() if value == speaker))
    meetings = []
    for meeting in catalog.meetings_of(Filters(speaker=speaker)):
        turns = library.turns(meeting.meeting_id)
        own = [turn for turn in turns if turn.canonical_speaker == speaker]
        if own:
            total = sum(len(turn.clean_text.split()) for turn in turns) or 1
            share = round(sum(len(turn.clean_text.split()) for turn in own) / total, 3)
            meetings.append(PersonMeeting(meeting, len(own), share, _by_topic(own)))
    return Person(speaker, merged_names, tuple(meetings))


def _by_topic(turns: list[Turn]) -> tuple[PersonTopic, ...]:
    topics: dict[str | None, list[tuple[int, str]]] = {}
    for turn in turns:
        said = next(iter(sentences(turn.clean_text)), turn.clean_text)
        quotes = topics.setdefault(turn.topic, [])
        if len(quotes) < QUOTES_PER_TOPIC and said.strip():
            quotes.append((turn.index, one_line(said)[:QUOTE]))
    return tuple(PersonTopic(topic, tuple(quotes)) for topic, quotes in topics.items())


def _labels(turns: list[Turn]) -> list[str]:
    return list(dict.fromkeys(turn.canonical_speaker for turn in turns if turn.canonical_speaker))


def _label_of(library: Library, meeting_id: str, labels: list[str], given: str) -> str:
    """The label a rename names: a label of the meeting (in any case), or the name shown for one."""
    wanted = one_line(given).casefold()
    for label in labels:
        if label.casefold() == wanted:
            return label
    shown = library.speaker_names().applied(meeting_id, labels)
    by_name = [label for label, name in shown.items() if name.casefold() == wanted]
    if len(by_name) == 1:
        return by_name[0]
    raise QueryError(
        f"meeting {meeting_id!r} has no speaker labelled {one_line(given)!r} "
        f"(its labels: {', '.join(labels) or 'none'}); rename one of those"
    )
