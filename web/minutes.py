"""A meeting's minutes as HTML for the Browse tab (each decision and action item a link to its
turn; their Markdown is minutes.markdown). Transcript text is escaped as in answers (web.render)."""

from __future__ import annotations

from html import escape

from core.minutes import Item, Minutes
from core.text import clock
from minutes.markdown import item_details, item_who


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
        f"{escape(clock(item.start) or f'turn {item.turn}')}</a> {escape(item_who(item))}{escape(item.text)}"
        f"{escape(item_details(item))}</li>"
        for item in items
    )
    return f'<h4>{title}</h4><ul id="minutes-{kind}s">{rows}</ul>'
