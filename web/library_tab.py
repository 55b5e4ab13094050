"""The Library tab: add transcripts (uploads staged privately, then deleted), list and remove meetings."""

from __future__ import annotations

import contextlib
import re
import shutil
import tempfile
from functools import partial
from pathlib import Path
from typing import Any

import gradio as gr

from answer.library import Library
from core.errors import OnRecordError
from index.writer import IngestResult
from web.ask import choices
from web.questions import ANY

_UNSAFE = re.compile(r"[^\w.\- ]+")
MEETING_COLUMNS = ["meeting", "title", "date", "format", "turns", "chunks", "speakers", "topics", "model"]


def safe_name(name: str) -> str:
    """A file name with nothing but letters, digits, spaces, dots, dashes and underscores."""
    return _UNSAFE.sub("_", Path(name).name).strip("._ ") or "transcript.txt"


def stage_uploads(files: list[str], limit_mb: int) -> tuple[Path, list[Path], list[list[Any]]]:
    """Uploaded files moved into a private temporary folder under safe, distinct names (two names
    that read the same once made safe get -2, -3...); too-large files refused. Gradio's own copy of
    each upload is deleted as soon as it is staged."""
    folder = Path(tempfile.mkdtemp(prefix="onrecord-upload-"))
    staged: list[Path] = []
    refused: list[list[Any]] = []
    for upload in files or []:
        source = Path(upload)
        try:
            if not source.is_file():
                refused.append([source.name, "failed", 0, 0, "the upload is gone; choose the file again"])
                continue
            if source.stat().st_size > limit_mb * 2**20:
                refused.append([source.name, "failed", 0, 0, f"larger than {limit_mb} MiB; split the file"])
                continue
            target = _free_path(folder, safe_name(source.name))
            shutil.copyfile(source, target)
            staged.append(target)
        finally:
            _forget_upload(source)
    return folder, staged, refused


def _free_path(folder: Path, name: str) -> Path:
    target, number = folder / name, 1
    while target.exists():
        number += 1
        target = folder / f"{Path(name).stem}-{number}{Path(name).suffix}"
    return target


def _forget_upload(source: Path) -> None:
    """Delete Gradio's cached copy of an upload (and its folder, which holds only it)."""
    source.unlink(missing_ok=True)
    with contextlib.suppress(OSError):  # not empty, or already gone
        source.parent.rmdir()


def result_row(result: IngestResult) -> list[Any]:
    return [Path(result.path).name, result.status, result.turns, result.chunks, result.message]


def meetings_rows(library: Library) -> list[list[Any]]:
    return [
        [m.meeting_id, m.title, m.date.isoformat() if m.date else "", m.format, m.turn_count, m.chunk_count]
        + [len(m.speakers), f"{len(m.topics)}{' (auto)' if m.topic_source == 'auto' else ''}", m.model]
        for m in sorted(library.meetings(), key=lambda m: m.meeting_id)
    ]


def filter_updates(library: Library) -> tuple:
    """New choices for every meeting, speaker and topic menu of the page, after a change."""
    meetings, speakers, topics = choices(library)
    return (
        gr.update(choices=meetings[1:], value=[]),  # the Ask tab's meetings: several may be chosen
        gr.update(choices=speakers, value=ANY),
        gr.update(choices=topics, value=ANY),
        gr.update(choices=meetings[1:], value=None),
        gr.update(choices=meetings[1:], value=None),
    )


def on_add(library: Library, files, progress=gr.Progress()) -> tuple:
    if not files:
        raise gr.Error("choose one or more transcript files first")
    folder, staged, rows = stage_uploads(files, library.settings.max_upload_mb)
    try:
        progress(0, desc="adding transcripts")
        done: list[IngestResult] = []

        def step(result: IngestResult) -> None:
            done.append(result)
            progress(len(done) / max(len(staged), 1), desc=f"added {len(done)} of {len(staged)}")

        if staged:
            rows += [result_row(result) for result in library.ingest(staged, on_result=step)]
    except OnRecordError as error:
        raise gr.Error(str(error)) from None
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    added = sum(row[1] in ("added", "updated") for row in rows)
    failed = sum(row[1] == "failed" for row in rows)
    status = f"{added} added or updated, {failed} failed, {len(rows) - added - failed} unchanged."
    cleared = gr.update(value=None)  # its files are deleted once staged
    return (cleared, rows, meetings_rows(library), status, *filter_updates(library))


def on_remove(library: Library, meeting_id) -> tuple:
    if not meeting_id:
        raise gr.Error("choose a meeting to remove")
    try:
        removed = library.remove(meeting_id)
    except OnRecordError as error:
        raise gr.Error(str(error)) from None
    return (meetings_rows(library), f"Removed {meeting_id} ({removed} chunks).", *filter_updates(library))


def library_tab(library: Library, menus: list[gr.Dropdown]) -> tuple[gr.Dataframe, list[gr.Dropdown]]:
    """The Library tab's components and events (inside a `gr.Tab`); `menus` are the page's meeting,
    speaker and topic menus that a change refreshes (ask filters, then the browse meeting).
    Returns the meetings table and every menu that filter_updates fills."""
    uploads = gr.File(
        label="Add transcripts (.txt, .md, .vtt, .srt, .json)", file_count="multiple", type="filepath", elem_id="upload"
    )
    add_button = gr.Button("Add to library", variant="primary", elem_id="add-button")
    results = gr.Dataframe(
        headers=["file", "result", "turns", "chunks", "message"],
        label="Results",
        elem_id="upload-results",
        interactive=False,
    )
    table = gr.Dataframe(
        meetings_rows(library), headers=MEETING_COLUMNS, label="Meetings", elem_id="meetings-table", interactive=False
    )
    with gr.Row():
        remove_choice = gr.Dropdown(choices(library)[0][1:], label="Remove a meeting", elem_id="remove-meeting")
        remove_button = gr.Button("Remove", variant="stop", elem_id="remove-button")
    status = gr.Markdown("", elem_id="library-status")
    refreshed = [*menus, remove_choice]
    add_button.click(
        partial(on_add, library), uploads, [uploads, results, table, status, *refreshed], api_visibility="private"
    )
    remove_button.click(
        partial(on_remove, library), remove_choice, [table, status, *refreshed], api_visibility="private"
    )
    return table, refreshed
