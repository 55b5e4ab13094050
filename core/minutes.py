"""Plain data types of a meeting as a whole: its minutes (summary, decisions, action items,
chapters, speakers) and the scope a question asks about (one passage, one meeting, several)."""

from __future__ import annotations

from dataclasses import dataclass

from core.models import Chapter, Meeting

ASPECTS = (
    "summary",
    "decisions",
    "actions",
    "open_questions",
    "participants",
    "speaker_points",
    "subject",
    "discussion",  # a needle's subject asked about as a discussion ("what was said about X"): maybe several meetings
)


@dataclass(frozen=True)
class Scope:
    """What a question is about: `needle` (one fact, from a few passages), `meeting` (a whole
    meeting: its summary, decisions, action items, open questions, who took part, a speaker's main
    points) or `meetings` (a subject across meetings, as a timeline). `meeting_phrase` is the words
    that name a meeting ("the February school board meeting"), resolved to ids elsewhere."""

    kind: str = "needle"
    aspect: str = "subject"
    words: int = 130  # the length asked for ("in one sentence", "briefly", "in detail")
    meeting_phrase: str | None = None
    speaker: str | None = None  # whose main points, for `speaker_points`
    subject: str = ""  # the question without its request and meeting words
    question: str = ""  # the question as asked


@dataclass(frozen=True)
class SummaryLine:
    """A sentence of a summary: the words quoted from a turn, its speaker and the turn's index."""

    text: str
    turn: int
    speaker: str | None
    chapter: int  # the chapter's number (Chapter.n) that holds the turn

    def to_dict(self) -> dict:
        return {"text": self.text, "turn": self.turn, "speaker": self.speaker, "chapter": self.chapter}


@dataclass(frozen=True)
class Item:
    """A decision or an action item found in a turn. `text` is the sentence as said; a decision's
    `speaker` moved or announced it; an action item's `owner` is who will do it (the speaker when
    they commit themselves, the person named when one is assigned), `task` what and `due` by when,
    where said. `vote` is a count as said ("five to nothing", "4-1"); `moved_by` who moved the motion;
    `in_favour`, `against` and `abstained` who voted how, where the transcript names them (the vote
    call's answers, a roll call, a member saying "I will vote no"), as the meeting's speakers."""

    kind: str  # "decision" or "action"
    text: str
    turn: int
    speaker: str | None
    probability: float
    owner: str | None = None
    task: str | None = None
    due: str | None = None
    vote: str | None = None
    start: float | None = None
    moved_by: str | None = None  # who moved the motion a decision settles ("I move that…"), where said
    motion: str | None = None  # the motion as moved, when said in an earlier turn than the decision
    motion_turn: int | None = None
    in_favour: tuple[str, ...] = ()
    against: tuple[str, ...] = ()
    abstained: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        data = {"kind": self.kind, "text": self.text, "turn": self.turn, "speaker": self.speaker}
        data |= {"probability": round(self.probability, 4), "start": self.start}
        if self.kind == "action":
            data |= {"owner": self.owner, "task": self.task, "due": self.due}
        else:
            data |= {
                "vote": self.vote,
                "moved_by": self.moved_by,
                "motion": self.motion,
                "motion_turn": self.motion_turn,
                "in_favour": list(self.in_favour),
                "against": list(self.against),
                "abstained": list(self.abstained),
            }
        return data

    def dissent(self) -> str | None:
        """Who voted against and who abstained, as said: "Dana Okafor against; Simon Bell abstained"."""
        said = [(names, how) for names, how in ((self.against, "against"), (self.abstained, "abstained")) if names]
        return "; ".join(f"{', '.join(names)} {how}" for names, how in said) or None


@dataclass(frozen=True)
class Minutes:
    """A meeting's minutes, built from its turns and chapters: nothing is reworded or invented.
    `notes` say what could not be built (a meeting too short for sections, detectors that read
    English only); an empty `decisions` or `actions` means none was found."""

    meeting: Meeting
    overview: str | None  # "The meeting covered A; B; C." from its chapters' labels
    summary: tuple[SummaryLine, ...]
    decisions: tuple[Item, ...]
    actions: tuple[Item, ...]
    chapters: tuple[Chapter, ...]
    speakers: tuple[tuple[str, float], ...]  # (name, share of the meeting's words), most first
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {
            "meeting_id": self.meeting.meeting_id,
            "title": self.meeting.title,
            "date": self.meeting.date.isoformat() if self.meeting.date else None,
            "overview": self.overview,
            "summary": [line.to_dict() for line in self.summary],
            "decisions": [item.to_dict() for item in self.decisions],
            "action_items": [item.to_dict() for item in self.actions],
            "chapters": [chapter.to_dict() for chapter in self.chapters],
            "speakers": [{"name": name, "share": round(share, 4)} for name, share in self.speakers],
            "notes": list(self.notes),
        }
