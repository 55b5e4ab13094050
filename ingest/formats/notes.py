"""Wiki-style meeting notes: a title, intro paragraphs, topic headings, question bullets
and `Name: answer` sub-bullets (the layout of the Wikimedia office-hour notes)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.models import Transcript
from ingest.formats.base import Draft, Format, Source, build, clean, register
from ingest.speakers import split_speaker

BULLET = re.compile(r"^(?P<indent>[ \t]*)(?:[•*·◦▪‣○●\-–]|\d{1,3}[.)])[ \t]+(?P<text>\S.*)$")
_MARKED_HEADING = re.compile(r"^\s*(?:#{1,6}\s+(?P<md>.+?)\s*#*|={2,}\s*(?P<wiki>.+?)\s*={2,})\s*$")
HEADING_MAX_CHARS = 60
HEADING_MAX_WORDS = 8


@dataclass(frozen=True)
class Line:
    number: int
    text: str
    indent: int | None  # None: not a bullet
    body: str


def sniff(text: str) -> bool:
    bullets = [Line(0, raw, *_bullet(raw)) for raw in text.splitlines()[:2000]]
    answers = [line for line in bullets if line.indent is not None and split_speaker(line.body)]
    indents = {line.indent for line in bullets if line.indent is not None}
    return len(answers) >= 1 and len(indents) >= 2


def parse(source: Source) -> Transcript:
    lines = [Line(number, raw.rstrip(), *_bullet(raw)) for number, raw in enumerate(source.text.splitlines(), 1)]
    lines = [line for line in lines if line.text.strip() != "\ufeff"]
    first = next((i for i, line in enumerate(lines) if line.text.strip()), None)
    if first is None:
        return build(source, [], "notes")
    title = _title(lines[first].text)
    drafts: list[Draft] = []
    topic: str | None = None
    question: str | None = None
    question_indent = -1
    open_turn: Draft | None = None  # the turn a wrapped line continues
    for position in range(first + 1, len(lines)):
        line = lines[position]
        if not line.text.strip():
            open_turn = None
            continue
        heading = _heading(lines, position)
        if heading is not None:
            topic, question, question_indent, open_turn = heading, None, -1, None
            continue
        if line.indent is None:
            if open_turn is not None:
                open_turn.text += "\n" + line.text.strip()
            else:
                open_turn = Draft(speaker=None, text=line.text.strip(), topic=topic)
                drafts.append(open_turn)
            continue
        if question is not None and line.indent <= question_indent:
            question, question_indent = None, -1
        answer = split_speaker(line.body)
        if answer is not None:
            open_turn = Draft(speaker=answer[0], text=answer[1], topic=topic, question=question)
        elif question is None and _has_sub_bullets(lines, position):
            question, question_indent = line.body, line.indent
            open_turn = Draft(speaker=None, text=line.body, topic=topic, question=question, is_question=True)
        else:
            open_turn = Draft(speaker=None, text=line.body, topic=topic, question=question)
        drafts.append(open_turn)
    return build(source, drafts, "notes", title=title)


def _bullet(raw: str) -> tuple[int | None, str]:
    match = BULLET.match(raw.replace("\u00a0", " "))
    if not match:
        return None, raw.strip()
    return len(match["indent"].expandtabs(4)), match["text"].strip()


def _title(text: str) -> str:
    title = clean(text.strip("#= \t"))
    head, slash, tail = title.rpartition("/")
    if slash and head and tail and not head.endswith(" ") and not tail.startswith(" "):
        return tail
    return title


def _heading(lines: list[Line], position: int) -> str | None:
    line = lines[position]
    if line.indent is not None:
        return None
    marked = _MARKED_HEADING.match(line.text)
    if marked:
        return clean(marked["md"] or marked["wiki"])
    text = clean(line.text)
    if (
        len(text) > HEADING_MAX_CHARS
        or len(text.split()) > HEADING_MAX_WORDS
        or text[-1] in ".,:;!?"
        or (position > 0 and lines[position - 1].text.strip())
    ):
        return None
    following = next((later for later in lines[position + 1 :] if later.text.strip()), None)
    return text if following is not None and following.indent is not None else None


def _has_sub_bullets(lines: list[Line], position: int) -> bool:
    indent = lines[position].indent
    for later in range(position + 1, len(lines)):
        if lines[later].indent is not None:
            return lines[later].indent > indent
        if lines[later].text.strip() and _heading(lines, later) is not None:
            return False
    return False


register(
    Format(
        "notes",
        (".txt", ".md", ".wiki"),
        sniff,
        parse,
        "wiki-style notes: headings, question bullets, 'Name: answer' sub-bullets",
    )
)
