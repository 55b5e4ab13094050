"""The Speakers panel of the Browse tab: a meeting's labels with the names given, the transcript's
suggestions and the quotes they rest on, accepted or renamed in place (writes, where the page allows
them); the names that look like one person, merged; and a person's page: the meetings they spoke in,
their share and what they said by topic."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from html import escape

import gradio as gr

from core.errors import OnRecordError
from library import Library

NOT_NAMED = "not named in the transcript"


@dataclass
class SpeakersPanel:
    """What the Browse tab wires: the panel's HTML, its label menu, and a hidden box whose value changes
    after every write (the page refreshes the menus that name speakers from it)."""

    table: gr.HTML
    label: gr.Dropdown | None
    changed: gr.Textbox
    writes: list[gr.Button]


def speakers_html(library: Library, meeting_id) -> str:
    """A meeting's labels: name given, suggestion with its confidence and evidence, turns and share."""
    if not meeting_id or library.meeting(meeting_id) is None:
        return ""
    try:
        found = library.speakers(meeting_id)
    except OnRecordError as error:
        return f'<p class="onrecord-speakers-error">{escape(str(error))}</p>'
    rows = []
    for row in found.speakers:
        evidence = "".join(f"<li>turn {e.turn} ({escape(e.cue)}): “{escape(e.quote)}”</li>" for e in row.evidence)
        suggestion = (
            f"{escape(row.suggestion)} <span class='onrecord-dim'>({row.confidence:.0%})</span>"
            if row.suggestion
            else f"<span class='onrecord-dim'>{NOT_NAMED}</span>"
        )
        rows.append(
            f'<tr data-label="{escape(row.label)}"><td>{escape(row.label)}</td>'
            f'<td class="onrecord-speaker-name">{escape(row.name or "")}</td>'
            f'<td class="onrecord-suggestion">{suggestion}<ul>{evidence}</ul></td>'
            f"<td>{row.turns}</td><td>{row.share:.0%}</td></tr>"
        )
    head = "<tr><th>label</th><th>name</th><th>suggestion and evidence</th><th>turns</th><th>share</th></tr>"
    return f'<table class="onrecord-speakers">{head}{"".join(rows)}</table>'


def merges_html(library: Library) -> str:
    found = library.speaker_merges()
    if not found:
        return "<p>No speaker names look like one person.</p>"
    items = "".join(
        f"<li><b>{escape(m.person)}</b>: {escape(', '.join(m.names))} <span class='onrecord-dim'>"
        f"({escape(m.evidence)})</span></li>"
        for m in found
    )
    return f'<ul class="onrecord-merges">{items}</ul>'


def person_html(library: Library, name) -> str:
    """A person's page: the meetings they spoke in, their share of each, what they said there by topic."""
    if not name:
        return ""
    try:
        found = library.person(name)
    except OnRecordError as error:
        return f"<p>{escape(str(error))}</p>"
    also = f" (also {escape(', '.join(found.names))})" if found.names else ""
    parts = [f"<h3>{escape(found.name)}{also}</h3>"]
    for spoke in found.meetings:
        meeting = spoke.meeting
        date = f" ({meeting.date.isoformat()})" if meeting.date else ""
        parts.append(
            f"<h4>{escape(meeting.title)}{escape(date)} · {spoke.turns} turns · {spoke.share:.0%} of the words</h4>"
        )
        for topic in spoke.topics:
            quotes = "".join(f"<li>turn {n}: {escape(quote)}</li>" for n, quote in topic.quotes)
            parts.append(f"<p><b>{escape(topic.topic or 'no topic')}</b></p><ul>{quotes}</ul>")
    return f'<div class="onrecord-person">{"".join(parts)}</div>'


def label_menu(library: Library, meeting_id) -> dict:
    """The label menu: the meeting's labels."""
    labels = []
    if meeting_id and library.meeting(meeting_id) is not None:
        try:
            labels = [row.label for row in library.speakers(meeting_id).speakers]
        except OnRecordError:
            labels = []
    return gr.update(choices=labels, value=None)


def people(library: Library) -> list[str]:
    return sorted(library.catalog.speakers.values(), key=str.casefold)


def on_accept(library: Library, meeting_id) -> tuple:
    return _after_write(library, meeting_id, lambda: library.accept_speakers(meeting_id))


def on_rename(library: Library, meeting_id, label, name) -> tuple:
    if not label:
        raise gr.Error("choose the label to rename")
    return _after_write(library, meeting_id, lambda: library.rename_speakers(meeting_id, {label: name or ""}))


def on_reset(library: Library, meeting_id) -> tuple:
    return _after_write(library, meeting_id, lambda: library.reset_speakers(meeting_id))


def on_merge(library: Library, meeting_id, name, other) -> tuple:
    if not name or not other:
        raise gr.Error("choose the two names to merge")
    return _after_write(library, meeting_id, lambda: library.merge_speakers([name, other]))


def _after_write(library: Library, meeting_id, write) -> tuple:
    """A write made (a one-line error on the page, nothing changed, when refused), then the panel anew."""
    if not meeting_id:
        raise gr.Error("choose a meeting first")
    try:
        write()
    except OnRecordError as error:
        raise gr.Error(str(error)) from None
    names = people(library)
    menu = gr.update(choices=names, value=None)
    return speakers_html(library, meeting_id), merges_html(library), menu, menu, library.catalog.key


def speakers_panel(library: Library, meeting: gr.Dropdown, writes: bool = True) -> SpeakersPanel:
    """The panel's components and events (inside the Browse tab), following its meeting menu."""
    buttons: list[gr.Button] = []
    label = None
    with gr.Accordion("Speakers", open=True, elem_id="speakers-panel"):
        table = gr.HTML("", elem_id="speakers-table")
        changed = gr.Textbox(visible="hidden", elem_id="speakers-changed")
        if writes:
            with gr.Row():
                accept = gr.Button("Accept the suggestions", elem_id="speakers-accept")
                label = gr.Dropdown([], label="Label", elem_id="speakers-label")
                name = gr.Textbox(label="Name", elem_id="speakers-name")
                rename = gr.Button("Rename", elem_id="speakers-rename")
                reset = gr.Button("Back to the file's labels", elem_id="speakers-reset")
        merges = gr.HTML(merges_html(library), elem_id="speakers-merges")
        with gr.Row():
            person = gr.Dropdown(people(library), label="A person's page", elem_id="person-name")
            other = gr.Dropdown(people(library), label="Merge with", elem_id="merge-other", visible=writes)
            merge = gr.Button("Merge into one person", elem_id="speakers-merge", visible=writes)
        page = gr.HTML("", elem_id="person-view")
    refreshed = [table, merges, person, other, changed]
    meeting.change(partial(speakers_html, library), meeting, table, api_visibility="private")
    person.change(partial(person_html, library), person, page, api_visibility="private")
    if writes and label is not None:
        meeting.change(partial(label_menu, library), meeting, label, api_visibility="private")
        accept.click(partial(on_accept, library), meeting, refreshed, api_visibility="private")
        rename.click(partial(on_rename, library), [meeting, label, name], refreshed, api_visibility="private")
        reset.click(partial(on_reset, library), meeting, refreshed, api_visibility="private")
        merge.click(partial(on_merge, library), [meeting, person, other], refreshed, api_visibility="private")
        buttons = [accept, rename, reset, merge]
    return SpeakersPanel(table, label, changed, buttons)
