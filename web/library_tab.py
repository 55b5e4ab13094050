"""The Library tab: add transcripts (uploads staged privately, then deleted), list and remove meetings."""

from __future__ import annotations

import os
import queue
import re
import shutil
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import gradio as gr
from gradio.utils import get_upload_folder

from core.errors import OnRecordError, ParseError
from core.models import Meeting
from index.writer import UPLOAD, IngestResult
from ingest.reading import read_bytes, real_folders, remove_inside
from library import Library
from web.ask import choices
from web.questions import ANY
from web.untrusted import one_line

_UNSAFE = re.compile(r"[^\w.\- ]+")
_AGAIN = "choose the file again"


def safe_name(name: str) -> str:
    """A file name with nothing but letters, digits, spaces, dots, dashes and underscores."""
    return _UNSAFE.sub("_", Path(name).name).strip("._ ") or "transcript.txt"


@dataclass(frozen=True)
class Staged:
    """Uploads copied into a private folder: each copy's path and the name it was uploaded under,
    and the rows of those refused."""

    folder: Path
    names: dict[str, str]
    refused: list[list[Any]]


def stage_uploads(files: list[str], limit_mb: int, cache: Path | None = None) -> Staged:
    """Uploaded files copied into a private temporary folder under safe, distinct names (two names
    that read the same once made safe get -2, -3...); too-large files refused, and anything but a
    regular file inside Gradio's upload folder (`cache`): a link is never followed. Gradio's own
    copy of each upload is deleted as soon as it is staged."""
    (cache,) = real_folders([cache or get_upload_folder()])  # resolved once: each upload is read inside it
    (folder,) = real_folders([tempfile.mkdtemp(prefix="onrecord-upload-")])  # resolved once: ingest reads inside it
    staged = Staged(folder, {}, [])
    for upload in files or []:
        source = Path(upload)
        ours = not source.is_symlink() and source.resolve().is_relative_to(cache)
        target = _free_path(folder, safe_name(source.name))
        refusal = (
            _copy_upload(source, cache, target, limit_mb) if ours else f"not a file uploaded to this page; {_AGAIN}"
        )
        if refusal:
            staged.refused.append([one_line(source.name), "failed", 0, 0, refusal])
        else:
            staged.names[str(target)] = one_line(source.name)
        if ours:
            _forget_upload(source, cache)
    return staged


def _copy_upload(source: Path, cache: Path, target: Path, limit_mb: int) -> str | None:
    """Copy a regular file lying in Gradio's upload folder (`cache`, a real path), read as ingest reads
    (ingest.reading.read_bytes): the file opened is the file checked, never one a link or a swapped
    folder leads to; what is wrong with it otherwise, never naming where it lies."""
    try:
        raw = read_bytes(source, [cache])
    except ParseError as error:
        gone = isinstance(error.__cause__, FileNotFoundError)
        return f"{'the upload is gone' if gone else error.problem.removesuffix('; skipped')}; {_AGAIN}"
    if len(raw) > limit_mb * 2**20:
        return f"larger than {limit_mb} MiB; split the file"
    with open(target, "xb") as writing:  # a new file of the staging folder's own: never one put there
        writing.write(raw)
    return None


def _free_path(folder: Path, name: str) -> Path:
    target, number = folder / name, 1
    while target.exists():
        number += 1
        target = folder / f"{Path(name).stem}-{number}{Path(name).suffix}"
    return target


def _forget_upload(source: Path, cache: Path) -> None:
    """Delete Gradio's cached copy of an upload and its folder, which holds only it (never the upload
    folder itself), each by its name in a folder checked to lie inside `cache` once opened."""
    if remove_inside(source, [cache]):
        remove_inside(source.parent, [cache], folder=True)  # refused where the parent is `cache`


def result_row(result: IngestResult, folder: Path) -> list[Any]:
    """A file's row of the results, named as it was uploaded: never by the path of its private copy."""
    said = " ".join((result.message, *result.notices)).strip()
    message = said.replace(f"{folder}{os.sep}", "").replace(str(folder), "the upload")
    return [one_line(result.path.removeprefix(UPLOAD)), result.status, result.turns, result.chunks, one_line(message)]


def meetings_rows(library: Library) -> list[list[Any]]:
    listed = (meeting.listing() for meeting in sorted(library.meetings(), key=lambda m: m.meeting_id))
    return [[one_line(cell) if isinstance(cell, str) else cell for cell in cells] for cells in listed]


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


def ingesting(library: Library, staged: Staged) -> Iterator[tuple[str, Any]]:
    """The staged files ingested on a thread of their own, as it goes: ("embedded", chunks) after
    each batch of a file's chunks is embedded, ("result", IngestResult) after each file."""
    events: queue.Queue = queue.Queue()

    def run() -> None:
        try:
            library.ingest(
                [Path(path) for path in staged.names],
                on_result=lambda result: events.put(("result", result)),
                on_embedded=lambda count: events.put(("embedded", count)),
                within=[staged.folder],
                uploads=staged.names,
            )
        except Exception as error:  # noqa: BLE001 - raised again where the page is told
            events.put(("error", error))
        finally:
            events.put(None)

    threading.Thread(target=run, daemon=True, name="onrecord-upload").start()
    while (event := events.get()) is not None:
        if event[0] == "error":
            raise event[1]
        yield event


def on_add(library: Library, files, progress=gr.Progress()) -> Iterator[tuple]:
    """Each file's progress ("2/3 board.vtt: 40 chunks embedded") and its row as soon as it is done;
    then the meetings and every menu refreshed."""
    if not files:
        raise gr.Error("choose one or more transcript files first")
    staged = stage_uploads(files, library.settings.max_upload_mb)
    rows, names = list(staged.refused), list(staged.names.values())
    later = [gr.skip()] * 5  # the menus, refreshed at the end
    try:
        done = embedded = 0
        if names:
            progress(0, desc=f"1/{len(names)} {names[0]}: reading and embedding")
        for kind, value in ingesting(library, staged) if names else ():
            if kind == "embedded":
                embedded += value
                progress(done / len(names), desc=f"{done + 1}/{len(names)} {names[done]}: {embedded} chunks embedded")
                continue
            done, embedded = done + 1, 0
            rows = [*rows, result_row(value, staged.folder)]
            if done < len(names):
                progress(done / len(names), desc=f"{done + 1}/{len(names)} {names[done]}: reading and embedding")
            yield (gr.skip(), rows, gr.skip(), f"Adding transcripts: {done} of {len(names)} done…", *later)
    except OnRecordError as error:
        raise gr.Error(str(error)) from None
    finally:
        shutil.rmtree(staged.folder, ignore_errors=True)
    added = sum(row[1] in ("added", "updated") for row in rows)
    failed = sum(row[1] == "failed" for row in rows)
    status = f"{added} added or updated, {failed} failed, {len(rows) - added - failed} unchanged."
    cleared = gr.update(value=None)  # its files are deleted once staged
    yield (cleared, rows, meetings_rows(library), status, *filter_updates(library))


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
        meetings_rows(library),
        headers=list(Meeting.LISTING),
        label="Meetings",
        elem_id="meetings-table",
        interactive=False,
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
