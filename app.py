"""On Record's web front end: ask with cited answers, open the transcript at a citation, browse
meetings, manage the library, run evaluations. Served by `make run`, `python app.py` or
`onrecord serve`; `POST /api/ask` answers like `onrecord ask --json`."""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import threading
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

import gradio as gr
from pydantic import BaseModel, Field

from index.api import AskOptions, ask, load_catalog, load_embedder, offline, open_store, word_counter
from index.embedding import Embedder
from index.links import deep_link
from index.retrieval import MODES, Retriever
from index.writer import IngestResult, ingest_paths, remove_meeting, write_lock
from onrecord import render
from onrecord.errors import OnRecordError, QueryError
from onrecord.models import Answer, Filters, Meeting
from onrecord.settings import Settings, load_settings

ROOT = Path(__file__).resolve().parent
SAMPLES = ROOT / "samples"
REPORTS = ROOT / "reports"
ANY = "(any)"
CONTEXT_TURNS = 8  # turns shown before and after a cited passage
_SAFE_NAME = re.compile(r"[^\w.\-]+")


@dataclass
class Library:
    """The store, model and retriever the app serves; the retriever is rebuilt after each change."""

    settings: Settings
    embedder: Embedder
    reports_dir: Path = REPORTS  # where the Evaluation tab writes and reads reports
    retriever: Retriever = field(init=False)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.store = open_store(self.settings)
        self.refresh()

    def refresh(self) -> None:
        previous = self.retriever.catalog if hasattr(self, "retriever") else None
        self.retriever = Retriever(self.store, self.embedder, load_catalog(self.settings, self.store, previous))

    @property
    def meetings(self) -> list[Meeting]:
        return list(self.retriever.catalog.meetings.values())

    def meeting(self, meeting_id: str) -> Meeting | None:
        return self.retriever.catalog.meetings.get(meeting_id)

    def add(self, paths: list[Path], on_result=None) -> list[IngestResult]:
        with self.lock, write_lock(self.settings.data_dir):
            results = ingest_paths(
                paths,
                self.store,
                self.embedder,
                word_counter(self.settings).count,
                self.settings.chunk_budget,
                self.settings.embedding_id,
                on_result=on_result,
            )
            self.refresh()
        return results

    def remove(self, meeting_id: str) -> int:
        with self.lock, write_lock(self.settings.data_dir):
            removed = remove_meeting(self.store, meeting_id)
            self.refresh()
        return removed


def ensure_samples(library: Library) -> None:
    """A new, empty library starts with the sample transcripts, so there is something to ask."""
    if not library.store.meetings() and SAMPLES.is_dir():
        library.add([SAMPLES])


# ---- Ask ------------------------------------------------------------------------------------


def _filters(meeting: str | None, speaker: str | None, topic: str | None) -> Filters:
    def value(choice: str | None) -> str | None:
        return None if not choice or choice == ANY else choice

    return Filters(meeting=value(meeting), speaker=value(speaker), topic=value(topic))


def answer_question(library: Library, question: str, meeting, speaker, topic, mode: str, k: float) -> Answer:
    if mode not in MODES:
        raise QueryError(f"unknown retrieval mode {mode!r}; use one of: {', '.join(MODES)}")
    return ask(library.retriever, question, AskOptions(k=int(k), mode=mode, filters=_filters(meeting, speaker, topic)))


def transcript_at(library: Library, answer: Answer | None, number: str) -> str:
    """The transcript around citation `number` of the answer, cited turns marked."""
    if answer is None or not str(number).strip().isdigit():
        return "<p>Click a [n] marker or a passage to open the transcript there.</p>"
    citation = next((c for c in answer.citations if c.n == int(number)), None)
    if citation is None:
        return "<p>No such citation.</p>"
    chunk = citation.hit.chunk
    meeting = library.meeting(chunk.meeting_id)
    turns = library.store.turns(chunk.meeting_id)
    shown = [t for t in turns if chunk.turn_start - CONTEXT_TURNS <= t.index <= chunk.turn_end + CONTEXT_TURNS]
    media = meeting.media_url if meeting else None
    return render.transcript_html(
        meeting,
        shown,
        range(chunk.turn_start, chunk.turn_end + 1),
        (lambda second: deep_link(media, second)) if media else None,
        answer.question,
    )


# ---- Library --------------------------------------------------------------------------------


def _staged(files: list[str], limit_mb: int) -> tuple[Path, list[Path], list[list[Any]]]:
    """Uploaded files copied into a private temporary folder under safe names; too-large files refused."""
    folder = Path(tempfile.mkdtemp(prefix="onrecord-upload-"))
    staged, refused = [], []
    for upload in files or []:
        source = Path(upload)
        name = _SAFE_NAME.sub("_", source.name).strip("._") or "transcript.txt"
        if source.stat().st_size > limit_mb * 2**20:
            refused.append([source.name, "failed", 0, 0, f"larger than {limit_mb} MiB; split the file"])
            continue
        target = folder / name
        shutil.copyfile(source, target)
        staged.append(target)
    return folder, staged, refused


def result_row(result: IngestResult) -> list[Any]:
    return [Path(result.path).name, result.status, result.turns, result.chunks, result.message]


def meetings_rows(library: Library) -> list[list[Any]]:
    return [
        [
            m.meeting_id,
            m.title,
            m.date.isoformat() if m.date else "",
            m.format,
            m.turn_count,
            m.chunk_count,
            len(m.speakers),
        ]
        for m in sorted(library.meetings, key=lambda m: m.meeting_id)
    ]


# ---- The page -------------------------------------------------------------------------------


def build(library: Library) -> gr.Blocks:
    """The Gradio page over a library."""

    def choices() -> tuple[list[str], list[str], list[str]]:
        catalog = library.retriever.catalog
        return (
            [ANY, *sorted(catalog.meetings)],
            [ANY, *sorted(catalog.speakers.values(), key=str.casefold)],
            [ANY, *sorted(catalog.topics.values(), key=str.casefold)],
        )

    def filter_updates():
        meetings, speakers, topics = choices()
        return (
            gr.update(choices=meetings, value=ANY),
            gr.update(choices=speakers, value=ANY),
            gr.update(choices=topics, value=ANY),
            gr.update(choices=meetings[1:], value=None),
            gr.update(choices=meetings[1:], value=None),
        )

    with gr.Blocks(title="On Record") as page:
        last_answer = gr.State(None)
        history = gr.State([])
        gr.HTML(
            "<h2 style='margin:0'>On Record</h2>"
            "<p style='margin:0'>Ask the transcripts; every sentence cites its passage.</p>"
        )
        with gr.Tabs():
            with gr.Tab("Ask", id="ask"):
                with gr.Row():
                    question = gr.Textbox(
                        label="Question",
                        placeholder="What did the council decide about the bike lane?",
                        scale=5,
                        elem_id="question",
                    )
                    ask_button = gr.Button("Ask", variant="primary", scale=1, elem_id="ask-button")
                meetings, speakers, topics = choices()
                with gr.Row():
                    meeting = gr.Dropdown(meetings, value=ANY, label="Meeting", elem_id="filter-meeting")
                    speaker = gr.Dropdown(speakers, value=ANY, label="Speaker", elem_id="filter-speaker")
                    topic = gr.Dropdown(topics, value=ANY, label="Topic", elem_id="filter-topic")
                    mode = gr.Radio(list(MODES), value="hybrid", label="Retrieval")
                    k = gr.Slider(3, 20, value=8, step=1, label="Passages")
                with gr.Row():
                    with gr.Column(scale=3):
                        answer_view = gr.HTML("<p>Ask a question to see a cited answer.</p>", elem_id="answer")
                        cards_view = gr.HTML("", elem_id="citations")
                    with gr.Column(scale=2):
                        transcript_view = gr.HTML(
                            "<p>Click a [n] marker or a passage to open the transcript there.</p>",
                            elem_id="transcript-view",
                            max_height=640,
                        )
                open_cite = gr.Textbox(visible="hidden", elem_id="open-cite")
                open_button = gr.Button("open", visible="hidden", elem_id="open-cite-button")
                with gr.Accordion("Answer as Markdown, and earlier questions", open=False):
                    markdown_view = gr.Textbox(label="Markdown", lines=8, buttons=["copy"], elem_id="answer-markdown")
                    download = gr.DownloadButton("Download answer (.md)", elem_id="download-answer")
                    earlier = gr.Dropdown([], label="Earlier questions this session", elem_id="earlier")

            with gr.Tab("Browse", id="browse"):
                with gr.Row():
                    browse_meeting = gr.Dropdown(meetings[1:], label="Meeting", elem_id="browse-meeting")
                    browse_topic = gr.Dropdown([], label="Topic", elem_id="browse-topic")
                    browse_speaker = gr.Dropdown([], label="Speaker", elem_id="browse-speaker")
                    browse_search = gr.Textbox(label="Search within the meeting", elem_id="browse-search")
                browse_view = gr.HTML("<p>Choose a meeting.</p>", elem_id="browse-view", max_height=720)

            with gr.Tab("Library", id="library"):
                uploads = gr.File(
                    label="Add transcripts (.txt, .md, .vtt, .srt, .json)",
                    file_count="multiple",
                    type="filepath",
                    elem_id="upload",
                )
                add_button = gr.Button("Add to library", variant="primary", elem_id="add-button")
                results_table = gr.Dataframe(
                    headers=["file", "result", "turns", "chunks", "message"],
                    label="Results",
                    elem_id="upload-results",
                    interactive=False,
                )
                meetings_table = gr.Dataframe(
                    meetings_rows(library),
                    headers=["meeting", "title", "date", "format", "turns", "chunks", "speakers"],
                    label="Meetings",
                    elem_id="meetings-table",
                    interactive=False,
                )
                with gr.Row():
                    remove_choice = gr.Dropdown(meetings[1:], label="Remove a meeting", elem_id="remove-meeting")
                    remove_button = gr.Button("Remove", variant="stop", elem_id="remove-button")
                library_status = gr.Markdown("", elem_id="library-status")

            with gr.Tab("Evaluation", id="evaluation"):
                with gr.Row():
                    suite_choice = gr.Radio(["seed", "qmsum"], value="seed", label="Suite")
                    qmsum_limit = gr.Slider(1, 35, value=3, step=1, label="QMSum val meetings")
                    run_eval = gr.Button("Run evaluation", elem_id="run-eval")
                eval_table = gr.Dataframe(label="Latest report", interactive=False, elem_id="eval-table")
                with gr.Row():
                    recall_plot = gr.Image(label="Turn recall against retrieved words", type="filepath")
                    domain_plot = gr.Image(label="Scores by domain", type="filepath")

        # Ask
        def on_ask(text, meeting_value, speaker_value, topic_value, mode_value, k_value, past):
            try:
                result = answer_question(library, text, meeting_value, speaker_value, topic_value, mode_value, k_value)
            except OnRecordError as error:
                raise gr.Error(str(error)) from None
            return _show(result, [*past, result])

        def _show(result: Answer, past: list[Answer]):
            markdown = render.answer_markdown(result)
            folder = Path(tempfile.mkdtemp(prefix="onrecord-answer-"))
            file = folder / "answer.md"
            file.write_text(markdown, encoding="utf-8")
            labels = [f"{i + 1}. {a.question}" for i, a in enumerate(past)]
            first = result.citations[0].n if result.citations else ""
            return (
                render.answer_html(result),
                render.citation_cards(result.citations, result.question),
                transcript_at(library, result, str(first)),
                markdown,
                str(file),
                result,
                past,
                gr.update(choices=labels, value=labels[-1] if labels else None),
            )

        ask_outputs = [answer_view, cards_view, transcript_view, markdown_view, download, last_answer, history, earlier]
        ask_inputs = [question, meeting, speaker, topic, mode, k, history]
        ask_button.click(on_ask, ask_inputs, ask_outputs, api_visibility="private")
        question.submit(on_ask, ask_inputs, ask_outputs, api_visibility="private")
        open_button.click(
            lambda answer, n: transcript_at(library, answer, n),
            [last_answer, open_cite],
            transcript_view,
            api_visibility="private",
        )

        def on_earlier(label, past):
            if not label or not past:
                raise gr.Error("no earlier question chosen")
            index = int(label.split(".", 1)[0]) - 1
            return _show(past[index], past)

        earlier.input(on_earlier, [earlier, history], ask_outputs, api_visibility="private")

        def api_ask(
            question: str, meeting: str = "", speaker: str = "", topic: str = "", mode: str = "hybrid", k: int = 8
        ) -> dict:
            """Answer a question from the transcripts; returns the same JSON as `onrecord ask --json`."""
            try:
                return answer_question(library, question, meeting, speaker, topic, mode, k).to_dict()
            except OnRecordError as error:
                raise gr.Error(str(error)) from None

        gr.api(api_ask, api_name="ask")

        # Browse
        def on_browse_meeting(meeting_id):
            meeting_record = library.meeting(meeting_id) if meeting_id else None
            if meeting_record is None:
                return gr.update(choices=[], value=None), gr.update(choices=[], value=None), "<p>Choose a meeting.</p>"
            return (
                gr.update(choices=[ANY, *meeting_record.topics], value=ANY),
                gr.update(choices=[ANY, *meeting_record.speakers], value=ANY),
                _browse(meeting_id, ANY, ANY, ""),
            )

        def _browse(meeting_id, topic_value, speaker_value, search_text):
            meeting_record = library.meeting(meeting_id) if meeting_id else None
            if meeting_record is None:
                return "<p>Choose a meeting.</p>"
            turns = library.store.turns(meeting_id)
            if topic_value and topic_value != ANY:
                turns = [t for t in turns if t.topic == topic_value]
            if speaker_value and speaker_value != ANY:
                turns = [t for t in turns if t.canonical_speaker == speaker_value]
            marked = None
            if search_text and search_text.strip():
                try:
                    hits = library.retriever.retrieve(search_text, 5, Filters(meeting=meeting_id))
                except OnRecordError as error:
                    raise gr.Error(str(error)) from None
                wanted = {i for hit in hits for i in range(hit.chunk.turn_start, hit.chunk.turn_end + 1)}
                turns = [t for t in turns if t.index in wanted]
                if not turns:
                    return f"<p>Nothing in this meeting matches {escape(search_text)}.</p>"
                marked = range(turns[0].index, turns[-1].index + 1)
            media = meeting_record.media_url
            return render.transcript_html(
                meeting_record, turns, marked, (lambda s: deep_link(media, s)) if media else None, search_text or ""
            )

        browse_meeting.change(
            on_browse_meeting, browse_meeting, [browse_topic, browse_speaker, browse_view], api_visibility="private"
        )
        for control in (browse_topic, browse_speaker):
            control.input(
                _browse,
                [browse_meeting, browse_topic, browse_speaker, browse_search],
                browse_view,
                api_visibility="private",
            )
        browse_search.submit(
            _browse,
            [browse_meeting, browse_topic, browse_speaker, browse_search],
            browse_view,
            api_visibility="private",
        )

        # Library
        def on_add(files, progress=gr.Progress()):
            if not files:
                raise gr.Error("choose one or more transcript files first")
            folder, staged, rows = _staged(files, library.settings.max_upload_mb)
            try:
                progress(0, desc="adding transcripts")
                done = []

                def step(result: IngestResult) -> None:
                    done.append(result)
                    progress(len(done) / max(len(staged), 1), desc=f"added {len(done)} of {len(staged)}")

                if staged:
                    results = library.add(staged, on_result=step)
                    rows += [result_row(result) for result in results]
            except OnRecordError as error:
                raise gr.Error(str(error)) from None
            finally:
                shutil.rmtree(folder, ignore_errors=True)
            added = sum(row[1] in ("added", "updated") for row in rows)
            failed = sum(row[1] == "failed" for row in rows)
            status = f"{added} added or updated, {failed} failed, {len(rows) - added - failed} unchanged."
            return (rows, meetings_rows(library), status, *filter_updates())

        library_outputs = [meeting, speaker, topic, browse_meeting, remove_choice]
        add_button.click(
            on_add, uploads, [results_table, meetings_table, library_status, *library_outputs], api_visibility="private"
        )

        def on_remove(meeting_id):
            if not meeting_id:
                raise gr.Error("choose a meeting to remove")
            try:
                removed = library.remove(meeting_id)
            except OnRecordError as error:
                raise gr.Error(str(error)) from None
            return (meetings_rows(library), f"Removed {meeting_id} ({removed} chunks).", *filter_updates())

        remove_button.click(
            on_remove, remove_choice, [meetings_table, library_status, *library_outputs], api_visibility="private"
        )

        # Evaluation
        def on_eval(suite_name, limit, progress=gr.Progress()):
            from eval.report import COLUMNS, write_report
            from eval.run import evaluate, resolve_suite

            try:
                suite = resolve_suite(suite_name, limit=int(limit))
                settings = load_settings(
                    **{**library.settings.model_dump(), "data_dir": Path(".onrecord-eval") / suite.name}
                )
                progress(0, desc=f"indexing {len(suite.transcripts)} transcripts")
                total = len(suite.questions)
                counted = []

                def step() -> None:
                    counted.append(1)
                    progress(len(counted) / total, desc=f"question {len(counted)} of {total}")

                results = evaluate(suite, settings, library.embedder, word_counter(settings), on_step=step)
                folder = library.reports_dir / suite.name
                summary = write_report(folder, suite, results, {"chunk budget": settings.chunk_budget})
            except OnRecordError as error:
                raise gr.Error(str(error)) from None
            return _report_view(folder, summary, COLUMNS)

        run_eval.click(
            on_eval, [suite_choice, qmsum_limit], [eval_table, recall_plot, domain_plot], api_visibility="private"
        )
        page.load(
            lambda: _latest_report(library.reports_dir),
            None,
            [eval_table, recall_plot, domain_plot],
            api_visibility="private",
        )
        # a page opened after uploads or removals shows the library as it is now
        page.load(
            lambda: (meetings_rows(library), *filter_updates()),
            None,
            [meetings_table, *library_outputs],
            api_visibility="private",
        )
    return page


def _latest_report(reports_dir: Path):
    from eval.report import COLUMNS

    reports = sorted(reports_dir.glob("*/results.json"), key=lambda p: p.stat().st_mtime)
    if not reports:
        return None, None, None
    folder = reports[-1].parent
    summary = json.loads(reports[-1].read_text())["summary"]
    return _report_view(folder, summary, COLUMNS)


def _report_view(folder: Path, summary: dict, columns) -> tuple:
    shown = [c for c in columns if any(row.get(c) is not None for row in summary.values())]
    rows = [[system, *[_number(row.get(c)) for c in shown]] for system, row in summary.items()]
    table = gr.update(value=rows, headers=["system", *shown])
    recall, domains = folder / "recall_vs_budget.png", folder / "scores_by_domain.png"
    return table, str(recall) if recall.exists() else None, str(domains) if domains.exists() else None


def _number(value):
    return round(value, 3) if isinstance(value, float) else value


# ---- Serving --------------------------------------------------------------------------------


class AskRequest(BaseModel):
    """The body of `POST /api/ask`; only `question` is required."""

    question: str = Field(max_length=20_000)
    meeting: str | None = None
    speaker: str | None = None
    topic: str | None = None
    mode: str = "hybrid"
    k: int = 8


def create_app(library: Library):
    """A FastAPI app: the Gradio page at / and `POST /api/ask`, behind the optional log-in."""
    import secrets

    from fastapi import Depends, FastAPI, HTTPException
    from fastapi.security import HTTPBasic, HTTPBasicCredentials

    settings = library.settings
    auth = (
        (settings.auth_username, settings.auth_password) if settings.auth_username and settings.auth_password else None
    )
    api = FastAPI(title="On Record")
    basic = HTTPBasic(auto_error=False)

    def check(credentials: HTTPBasicCredentials | None = Depends(basic)) -> None:
        if auth is None:
            return
        if credentials is None or not (
            secrets.compare_digest(credentials.username, auth[0])
            and secrets.compare_digest(credentials.password, auth[1])
        ):
            raise HTTPException(
                401, "log in with the username and password set in ONRECORD_AUTH_*", {"WWW-Authenticate": "Basic"}
            )

    @api.post("/api/ask", dependencies=[Depends(check)])
    def api_ask(request: AskRequest) -> dict:
        """The same JSON as `onrecord ask --json`."""
        try:
            return answer_question(
                library, request.question, request.meeting, request.speaker, request.topic, request.mode, request.k
            ).to_dict()
        except OnRecordError as error:
            raise HTTPException(400, str(error)) from None

    return gr.mount_gradio_app(
        api,
        build(library),
        path="/",
        auth=auth,
        max_file_size=f"{settings.max_upload_mb}mb",
        css=render.CSS,
        js=render.JS,
        footer_links=["api"],
    )


def serve(settings: Settings, embedder: Embedder | None = None) -> None:
    """Open the library (ingesting the samples into a new one) and serve it until stopped."""
    import uvicorn

    offline()
    library = Library(settings, embedder or load_embedder(settings))
    ensure_samples(library)
    print(f"On Record: {len(library.meetings)} meetings at http://{settings.host}:{settings.port}", flush=True)
    uvicorn.run(create_app(library), host=settings.host, port=settings.port, log_level="warning")


if __name__ == "__main__":
    offline()
    serve(load_settings())
