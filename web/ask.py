"""The Ask tab: a question, filters, the cited answer, its passages and the transcript at a citation."""

from __future__ import annotations

import atexit
import hashlib
import queue
import re
import shutil
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from html import escape
from pathlib import Path

import gradio as gr

from answer.ask import ANSWERERS
from answer.question.thread import exchange_from
from core.errors import OnRecordError
from core.models import Answer, Chapter, Citation
from index.links import deep_link
from index.retrieval import MODES
from ingest.chapters import chapter_at, chapters
from library import Library
from web import render
from web.questions import ANY, answer_question

CONTEXT_TURNS = 8  # turns shown before and after a cited passage
KEPT_DOWNLOADS = 50  # answer files kept for download at once; older ones are deleted
_PICK = "<p>Click a [n] marker or a passage to open the transcript there.</p>"
_START = "<p>Ask a question to see a cited answer.</p>"
QUESTION, FOLLOW_UP = "Question", "Follow-up question (New thread starts over)"
PENDING = "Writing the answer; it is shown here once every sentence is checked against the passages it cites."


@dataclass
class AskTab:
    question: gr.Textbox
    meeting: gr.Dropdown
    speaker: gr.Dropdown
    topic: gr.Dropdown


def choices(library: Library) -> tuple[list[str], list[str], list[str]]:
    """The filter choices: meetings, speakers and topics the library holds now."""
    catalog = library.catalog
    return (
        [ANY, *sorted(catalog.meetings)],
        [ANY, *sorted(catalog.speakers.values(), key=str.casefold)],
        [ANY, *sorted(catalog.topics.values(), key=str.casefold)],
    )


def transcript_at(library: Library, answer: Answer | None, number: str) -> str:
    """The transcript around citation `number` of the answer, cited turns marked."""
    if answer is None or not str(number).strip().isdigit():
        return _PICK
    citation = next((c for c in answer.citations if c.n == int(number)), None)
    if citation is None:
        return "<p>No such citation.</p>"
    chunk = citation.hit.chunk
    meeting = library.meeting(chunk.meeting_id)
    turns = library.turns(chunk.meeting_id)
    shown = [t for t in turns if chunk.turn_start - CONTEXT_TURNS <= t.index <= chunk.turn_end + CONTEXT_TURNS]
    media = meeting.media_url if meeting else None
    return render.transcript_html(  # the passage and the turns around it, the cited turns marked
        meeting,
        shown,
        range(citation.turn_start, citation.turn_end + 1),
        (lambda second: deep_link(media, second)) if media else None,
        answer.question,
    )


def open_citation(library: Library, shown: Answer | None, thread: list[Answer] | None, key: str) -> str:
    """The transcript at a citation clicked: "n", of the answer shown; "t:n", of the thread's answer t
    (from 1), an earlier turn's."""
    turn, colon, number = str(key).rpartition(":")
    if colon:
        thread = thread or []
        if not turn.isdigit() or not 1 <= int(turn) <= len(thread):
            return "<p>No such citation.</p>"
        shown = thread[int(turn) - 1]
    return transcript_at(library, shown, number)


def thread_html(earlier: list[Answer], asking: str) -> str:
    """The thread so far, oldest first: each earlier question, its answer and the passages it cited
    under it (a marker or a passage opens the transcript there: `data-cite` "turn:n"), then the
    question now asked. Empty for a thread's first question."""
    if not earlier:
        return ""
    blocks = []
    for turn, answer in enumerate(earlier, 1):
        cited = "".join(
            f'<div class="onrecord-thread-cite" data-cite="{turn}:{c.n}">[{c.n}] '
            f"{escape(', '.join(c.speakers) or 'no speaker named')} — {escape(c.hit.title)} · "
            f"{render.turns_label(c)}</div>"
            for c in answer.citations
        )
        blocks.append(
            f'<div class="onrecord-exchange" data-exchange="{turn}"><div class="onrecord-thread-q">'
            f"{escape(answer.question)}</div>{_of_turn(render.answer_html(answer), turn)}{cited}</div>"
        )
    blocks.append(f'<div class="onrecord-thread-q" id="thread-now">{escape(asking)}</div>')
    return f'<div class="onrecord-thread" id="thread-turns">{"".join(blocks)}</div>'


def _of_turn(html: str, turn: int) -> str:
    """An earlier answer's HTML (ours, its text escaped): the ids left to the answer shown now, its
    markers naming their turn."""
    html = re.sub(r' id="[^"]*"', "", html)
    return re.sub(r'data-cite="(\d+)"', lambda match: f'data-cite="{turn}:{match[1]}"', html)


def chapter_of(library: Library, citation: Citation) -> Chapter | None:
    """The chapter of the meeting that holds the citation's first turn."""
    meeting_id = citation.hit.chunk.meeting_id
    return chapter_at(chapters(library.turns(meeting_id), summaries=False), citation.turn_start)


class Downloads:
    """One private folder per process for the answers offered as Markdown files: named by their
    content (the same answer twice is one file), the oldest deleted past KEPT_DOWNLOADS, the folder
    removed when the process exits."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="onrecord-answers-"))
        atexit.register(shutil.rmtree, self.folder, True)

    def write(self, markdown: str) -> Path:
        path = self.folder / f"answer-{hashlib.sha1(markdown.encode()).hexdigest()[:12]}.md"
        path.write_text(markdown, encoding="utf-8")
        files = sorted(self.folder.glob("answer-*.md"), key=lambda p: p.stat().st_mtime_ns)
        for old in files[:-KEPT_DOWNLOADS]:
            old.unlink(missing_ok=True)
        return path


def show(library: Library, downloads: Downloads, result: Answer, past: list[Answer]) -> tuple:
    """Every view of one answer: text, cards, transcript at its first citation, Markdown, file."""
    markdown = render.answer_markdown(result)
    labels = [f"{i + 1}. {a.question}" for i, a in enumerate(past)]
    first = result.citations[0].n if result.citations else ""
    return (
        render.answer_html(result),
        render.citation_cards(result.citations, result.question, partial(chapter_of, library)),
        transcript_at(library, result, str(first)),
        markdown,
        str(downloads.write(markdown)),
        result,
        past,
        gr.update(choices=labels, value=labels[-1] if labels else None),
    )


def threaded(thread: list[Answer]) -> tuple:
    """The thread's views once its latest answer is shown: the earlier turns above it, no draft, and
    the box emptied for a follow-up."""
    return (thread_html(thread[:-1], thread[-1].question), "", thread, gr.update(value="", label=FOLLOW_UP))


def failed(error: OnRecordError, past: list[Answer], thread: list[Answer], text: str) -> tuple:
    """Every view of the answer emptied and the one-line message in its place: an earlier answer
    must not stand as if it answered the question that failed. The thread stays as it was."""
    emptied = (render.error_html(str(error)), "", _PICK, "", None, None, past, gr.skip())
    return (*emptied, thread_html(thread, text), "", gr.skip(), gr.skip())


def on_ask(
    library: Library,
    downloads: Downloads,
    text,
    meeting,
    speaker,
    topic,
    date_from,
    date_to,
    mode,
    k,
    answerer,
    past,
    thread,
) -> Iterator:
    """The answer's views, the question read against the thread so far; a written answer's words are
    shown as they come, outside the answer's box and labelled as not yet checked, then replaced by
    the checked answer. A question that cannot be asked empties them and says why."""
    thread = list(thread or [])
    history = tuple(exchange_from(earlier) for earlier in thread)
    asked = partial(answer_question, library, text, meeting, speaker, topic, mode, k, dates=(date_from, date_to))
    if answerer != "llm":
        try:
            result = asked(history=history)
        except OnRecordError as error:
            yield failed(error, past, thread, text)
            return
        yield (*show(library, downloads, result, [*past, result]), *threaded([*thread, result]))
        return
    pieces: queue.Queue = queue.Queue()
    outcome: list = []

    def run() -> None:
        try:
            outcome.append(asked(answerer="llm", on_text=pieces.put, history=history))
        except OnRecordError as error:
            outcome.append(error)
        pieces.put(None)

    threading.Thread(target=run, daemon=True, name="onrecord-ask").start()
    written, pending = "", f'<div class="onrecord-pending" id="answer-pending">{PENDING}</div>'
    while (piece := pieces.get()) is not None:
        written += piece
        unchecked = render.streaming_html(written)
        yield (pending, "", *[gr.skip()] * 6, thread_html(thread, text), unchecked, gr.skip(), gr.skip())
    if isinstance(outcome[0], OnRecordError):
        yield failed(outcome[0], past, thread, text)
        return
    yield (*show(library, downloads, outcome[0], [*past, outcome[0]]), *threaded([*thread, outcome[0]]))


def on_earlier(library: Library, downloads: Downloads, label, past) -> tuple:
    """An earlier answer of this session shown again, alone (the thread goes on from its latest turn)."""
    if not label or not past:
        raise gr.Error("no earlier question chosen")
    return (*show(library, downloads, past[int(label.split(".", 1)[0]) - 1], past), "", "", gr.skip(), gr.skip())


def on_new_thread() -> tuple:
    """A new thread: every view of the answer emptied and the next question asked on its own."""
    return (_START, "", _PICK, "", None, None, gr.skip(), gr.skip(), "", "", [], gr.update(value="", label=QUESTION))


def ask_tab(library: Library) -> AskTab:
    """The Ask tab's components and events (inside a `gr.Tab`)."""
    downloads = Downloads()
    last_answer, past, thread = gr.State(None), gr.State([]), gr.State([])
    with gr.Row():
        question = gr.Textbox(
            label=QUESTION,
            placeholder="What did the council decide about the bike lane?",
            scale=5,
            elem_id="question",
        )
        ask_button = gr.Button("Ask", variant="primary", scale=1, elem_id="ask-button")
        new_button = gr.Button("New thread", scale=1, elem_id="new-thread")
    meetings, speakers, topics = choices(library)
    with gr.Row():
        meeting = gr.Dropdown(
            meetings[1:], value=[], multiselect=True, label="Meetings (any when none chosen)", elem_id="filter-meeting"
        )
        speaker = gr.Dropdown(speakers, value=ANY, label="Speaker", elem_id="filter-speaker")
        topic = gr.Dropdown(topics, value=ANY, label="Topic", elem_id="filter-topic")
        date_from = gr.Textbox(label="From (YYYY-MM-DD)", placeholder="any", max_lines=1, elem_id="filter-from")
        date_to = gr.Textbox(label="To (YYYY-MM-DD)", placeholder="any", max_lines=1, elem_id="filter-to")
        mode = gr.Radio(list(MODES), value="hybrid", label="Retrieval")
        k = gr.Slider(3, 20, value=8, step=1, label="Passages")
        answerer = gr.Radio(  # shown when a language model is set (ONRECORD_LLM_URL or ONRECORD_LLM_PATH)
            [(label, name) for name, (label, _) in ANSWERERS.items()],
            value="extractive",
            label="Answer",
            visible=library.settings.llm_configured,
            elem_id="answerer",
        )
    with gr.Row():
        with gr.Column(scale=3):
            thread_view = gr.HTML("", elem_id="thread")
            answer_view = gr.HTML(_START, elem_id="answer")
            draft_view = gr.HTML("", elem_id="answer-draft")  # a written answer's words, not yet checked
            cards_view = gr.HTML("", elem_id="citations")
        with gr.Column(scale=2):
            transcript_view = gr.HTML(_PICK, elem_id="transcript-view", max_height=640)
    open_cite = gr.Textbox(visible="hidden", elem_id="open-cite")
    open_button = gr.Button("open", visible="hidden", elem_id="open-cite-button")
    with gr.Accordion("Answer as Markdown, and earlier questions", open=False):
        markdown_view = gr.Textbox(label="Markdown", lines=8, buttons=["copy"], elem_id="answer-markdown")
        download = gr.DownloadButton("Download answer (.md)", elem_id="download-answer")
        earlier = gr.Dropdown([], label="Earlier questions this session", elem_id="earlier")

    outputs = [answer_view, cards_view, transcript_view, markdown_view, download, last_answer, past, earlier]
    outputs += [thread_view, draft_view, thread, question]
    inputs = [question, meeting, speaker, topic, date_from, date_to, mode, k, answerer, past, thread]
    asked = partial(on_ask, library, downloads)
    ask_button.click(asked, inputs, outputs, api_visibility="private")
    question.submit(asked, inputs, outputs, api_visibility="private")
    new_button.click(on_new_thread, None, outputs, api_visibility="private")
    opened = [last_answer, thread, open_cite]
    open_button.click(partial(open_citation, library), opened, transcript_view, api_visibility="private")
    earlier.input(partial(on_earlier, library, downloads), [earlier, past], outputs, api_visibility="private")
    return AskTab(question, meeting, speaker, topic)


def gradio_api(library: Library):
    """The Gradio API function `/ask` (typed, as gr.api reads its signature)."""

    def ask(
        question: str, meeting: str = "", speaker: str = "", topic: str = "", mode: str = "hybrid", k: int = 8
    ) -> dict:
        """Answer a question from the transcripts; returns the same JSON as `onrecord ask --json`."""
        try:
            return answer_question(library, question, meeting, speaker, topic, mode, k).to_dict()
        except OnRecordError as error:
            raise gr.Error(str(error)) from None

    return ask
