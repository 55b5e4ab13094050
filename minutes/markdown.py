"""A meeting's minutes as Markdown (`onrecord minutes --markdown`, the page's export): transcript
text in it stays text (core.markdown.md_text); and the words around an item that the Markdown and the
page's HTML (web.minutes) share."""

from __future__ import annotations

from core.markdown import md_text
from core.minutes import Item, Minutes
from core.text import clock


def item_who(item: Item) -> str:
    """ "Owner: " before an action item; "Mover: the motion … Speaker: " before a decision."""
    who = item.owner if item.kind == "action" else item.speaker
    moved = f"{item.moved_by}: {item.motion} … " if item.kind == "decision" and item.motion else ""
    return moved + (f"{who}: " if who else "")


def item_details(item: Item) -> str:
    """ " (due Friday)" after an action item; " (moved by X; vote 5–1; Y against)" after a decision."""
    if item.kind == "action":
        return f" (due {item.due})" if item.due else ""
    said = [
        f"moved by {item.moved_by}" if item.moved_by else "",
        f"vote {item.vote}" if item.vote else "",
        item.dissent() or "",
    ]
    said = [piece for piece in said if piece]
    return f" ({'; '.join(said)})" if said else ""


def _md_item(item: Item) -> str:
    """ "- 0:01:15 Owner: the sentence (due Friday) (turn 4)", every piece of the transcript escaped."""
    extra = item_details(item).strip()
    pieces = [
        clock(item.start) or "",
        md_text(item_who(item)),
        md_text(item.text),
        f"({md_text(extra[1:-1])})" if extra else "",
    ]
    return "- " + " ".join(piece for piece in pieces if piece) + f" (turn {item.turn})"


def minutes_markdown(minutes: Minutes) -> str:
    """The minutes as Markdown; transcript text in it stays text."""
    meeting = minutes.meeting
    when = f" ({meeting.date.isoformat()})" if meeting.date else ""
    lines = [f"# Minutes: {md_text(meeting.title)}{when}", ""]
    for note in minutes.notes:
        lines += [f"*{md_text(note)}*", ""]
    if minutes.overview or minutes.summary:
        lines += ["## Summary", ""]
        if minutes.overview:
            lines += [md_text(minutes.overview), ""]
        lines += [
            f"- {md_text(line.speaker or '?')}: {md_text(line.text)} (turn {line.turn})" for line in minutes.summary
        ]
        lines.append("")
    sections = {"Decisions": minutes.decisions, "Action items": minutes.actions}
    for title, items in sections.items():
        lines += [f"## {title}", "", *map(_md_item, items), ""] if items else []
    none_found = [title.lower() for title, items in sections.items() if not items]
    if none_found and (minutes.summary or not minutes.notes):  # a meeting too short for minutes: its note says so
        lines += [f"None found: {', '.join(none_found)}.", ""]
    if minutes.chapters:
        lines += ["## Chapters", ""]
        lines += [
            f"{c.n}. {md_text(clock(c.start) or '')} {md_text(c.topic or '(no topic)')}" for c in minutes.chapters
        ]
        lines.append("")
    if minutes.speakers:
        lines += ["## Speakers", ""]
        lines += [f"- {md_text(name)}: {share:.0%} of the words" for name, share in minutes.speakers]
    return "\n".join(lines).rstrip("\n") + "\n"
