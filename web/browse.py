"""The Browse tab: a meeting's chapters, its transcript by topic and speaker, and a search within it."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from html import escape

import gradio as gr

from core.errors import OnRecordError
from core.models import Filters
from index.links import deep_link
from library import Library
from minutes.markdown import minutes_markdown
from web import render
from web.minutes import minutes_html
from web.questions import ANY
from web.speakers import SpeakersPanel, speakers_panel

_CHOOSE = "<p>Choose a meeting.</p>"


@dataclass
class BrowseTab:
    meeting: gr.Dropdown
    speakers: SpeakersPanel  # its `changed` box changes after a rename or a merge: menus naming speakers refresh


def browse(library: Library, meeting_id, topic, speaker, search_text) -> str:
    """The meeting's turns under the chosen topic and speaker; with a search, only the matching ones."""
    meeting = library.meeting(meeting_id) if meeting_id else None
    if meeting is None:
        return _CHOOSE
    turns = library.turns(meeting_id)
    if topic and topic != ANY:
        turns = [t for t in turns if t.topic == topic]
    if speaker and speaker != ANY:
        turns = [t for t in turns if t.canonical_speaker == speaker]
    marked = None
    if search_text and search_text.strip():
        try:
            hits = library.search(search_text, 5, Filters.within(meeting_id))
        except OnRecordError as error:
            raise gr.Error(str(error)) from None
        wanted = {i for hit in hits for i in range(hit.chunk.turn_start, hit.chunk.turn_end + 1)}
        turns = [t for t in turns if t.index in wanted]
        if not turns:
            return f"<p>Nothing in this meeting matches {escape(search_text)}.</p>"
        marked = range(turns[0].index, turns[-1].index + 1)
    media = meeting.media_url
    return render.transcript_html(
        meeting, turns, marked, (lambda s: deep_link(media, s)) if media else None, search_text or ""
    )


def on_meeting(library: Library, meeting_id) -> tuple:
    """A meeting opened at its minutes and chapters, its whole transcript below them."""
    meeting = library.meeting(meeting_id) if meeting_id else None
    if meeting is None:
        return gr.update(choices=[], value=None), gr.update(choices=[], value=None), "", "", _CHOOSE, ""
    view = library.view(meeting.meeting_id)
    return (
        gr.update(choices=[ANY, *meeting.topics], value=ANY),
        gr.update(choices=[ANY, *meeting.speakers], value=ANY),
        minutes_html(view.minutes),
        render.chapters_html(view.chapters),
        browse(library, meeting_id, ANY, ANY, ""),
        minutes_markdown(view.minutes),
    )


AROUND = 4  # turns shown before and after a turn opened from the minutes


def open_turn(library: Library, meeting_id, number) -> str:
    """The turns around turn `number` (a decision or action item clicked in the minutes), it marked."""
    meeting = library.meeting(meeting_id) if meeting_id else None
    if meeting is None or not str(number).strip().isdigit():
        return _CHOOSE
    index = int(number)
    turns = [t for t in library.turns(meeting_id) if index - AROUND <= t.index <= index + AROUND]
    media = meeting.media_url
    return render.transcript_html(
        meeting, turns, range(index, index + 1), (lambda s: deep_link(media, s)) if media else None
    )


def open_chapter(library: Library, meeting_id, number) -> tuple:
    """The turns of chapter `number`, the topic menu set to its topic."""
    meeting = library.meeting(meeting_id) if meeting_id else None
    if meeting is None or not str(number).strip().isdigit():
        return gr.update(), _CHOOSE
    chapter = next((c for c in library.chapters(meeting_id)[1] if c.n == int(number)), None)
    if chapter is None:
        return gr.update(), "<p>No such chapter.</p>"
    turns = [t for t in library.turns(meeting_id) if chapter.turn_start <= t.index <= chapter.turn_end]
    media = meeting.media_url
    html = render.transcript_html(
        meeting,
        turns,
        range(chapter.turn_start, chapter.turn_start + 1),
        (lambda s: deep_link(media, s)) if media else None,
    )
    return gr.update(value=chapter.topic if chapter.topic in meeting.topics else ANY), html


def browse_tab(library: Library, meetings: list[str], writes: bool = True) -> BrowseTab:
    """The Browse tab's components and events (inside a `gr.Tab`); with `writes`, speakers are named there."""
    with gr.Row():
        meeting = gr.Dropdown(meetings, label="Meeting", elem_id="browse-meeting")
        topic = gr.Dropdown([], label="Topic", elem_id="browse-topic")
        speaker = gr.Dropdown([], label="Speaker", elem_id="browse-speaker")
        search = gr.Textbox(label="Search within the meeting", elem_id="browse-search")
    panel = speakers_panel(library, meeting, writes)
    minutes = gr.HTML("", elem_id="browse-minutes")
    chapters = gr.HTML("", elem_id="browse-chapters")
    view = gr.HTML(_CHOOSE, elem_id="browse-view", max_height=720)
    open_box = gr.Textbox(visible="hidden", elem_id="open-chapter")
    open_button = gr.Button("open", visible="hidden", elem_id="open-chapter-button")
    turn_box = gr.Textbox(visible="hidden", elem_id="open-turn")
    turn_button = gr.Button("open", visible="hidden", elem_id="open-turn-button")
    with gr.Accordion("Minutes as Markdown", open=False):
        exported = gr.Textbox(label="Markdown", lines=8, buttons=["copy"], elem_id="minutes-markdown")
    shown_meeting = [topic, speaker, minutes, chapters, view, exported]
    meeting.change(partial(on_meeting, library), meeting, shown_meeting, api_visibility="private")
    panel.changed.change(partial(on_meeting, library), meeting, shown_meeting, api_visibility="private")
    turn_button.click(partial(open_turn, library), [meeting, turn_box], view, api_visibility="private")
    open_button.click(partial(open_chapter, library), [meeting, open_box], [topic, view], api_visibility="private")
    shown = partial(browse, library)
    for control in (topic, speaker):
        control.input(shown, [meeting, topic, speaker, search], view, api_visibility="private")
    search.submit(shown, [meeting, topic, speaker, search], view, api_visibility="private")
    return BrowseTab(meeting, panel)
