"""A meeting's minutes as HTML for the Browse tab (each decision and action item a link to its
turn) and as Markdown for export. Transcript text is escaped as in answers (web.render)."""

from __future__ import annotations

from html import escape

from core.minutes import Item, Minutes
from core.text import clock
from web.untrusted import md_text


def minutes_html(minutes: Minutes) -> str:
    """The minutes above a meeting's chapters: summary, decisions, action items, speakers."""
    notes = "".join(f'<div class="onrecord-notice">{escape(note)}</div>' for note in minutes.notes)
    summary = ""
    if minutes.overview or minutes.summary:
        lines = "".join(
            f'<li><a href="#" class="onrecord-minute" data-turn="{line.turn}">{escape(line.speaker or "?")}:</a> '
            f"{escape(line.text)}</li>"
            for line in minutes.summary
        )
        overview = f"<p>{escape(minutes.overview)}</p>" if minutes.overview else ""
        summary = f"<h4>Summary</h4>{overview}<ul>{lines}</ul>"
    sections = [
        _items_html("Decisions", "decision", minutes.decisions, minutes),
        _items_html("Action items", "action", minutes.actions, minutes),
    ]
    speakers = ", ".join(f"{escape(name)} ({share:.0%})" for name, share in minutes.speakers)
    return (
        f'<div class="onrecord-minutes" id="minutes"><h3>Minutes</h3>{notes}{summary}{"".join(sections)}'
        f'<div class="onrecord-minutes-speakers">Speakers: {speakers}</div></div>'
    )


def _items_html(title: str, kind: str, items: tuple[Item, ...], minutes: Minutes) -> str:
    if minutes.notes and not items and not minutes.summary:
        return ""
    if not items:
        return f'<h4>{title}</h4><p class="onrecord-none" id="minutes-no-{kind}">None found.</p>'
    rows = "".join(
        f'<li class="onrecord-{kind}"><a href="#" class="onrecord-minute" data-turn="{item.turn}">'
        f"{escape(clock(item.start) or f'turn {item.turn}')}</a> {escape(_who(item))}{escape(item.text)}"
        f"{escape(_extra(item))}</li>"
        for item in items
    )
    return f'<h4>{title}</h4><ul id="minutes-{kind}s">{rows}</ul>'


def _who(item: Item) -> str:
    who = item.owner if item.kind == "action" else item.speaker
    moved = f"{item.moved_by}: {item.motion} … " if item.kind == "decision" and item.motion else ""
    return moved + (f"{who}: " if who else "")


def _extra(item: Item) -> str:
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
    extra = _extra(item).strip()
    pieces = [
        clock(item.start) or "",
        md_text(_who(item)),
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
