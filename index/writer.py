"""Writing transcripts into the store: idempotent, and repaired by the next run if killed.

A meeting's record is written as `writing` before any of its chunks change and as
`complete` after; chunk ids hash their text, so only chunks that are new are embedded,
and chunks that are no longer produced are deleted. A run killed half-way leaves the
record `writing` (kept out of search), and the next ingest of the file finishes the job.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from bisect import bisect_left
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

import numpy as np

from core.errors import ConflictError, OnRecordError, StoreError
from core.models import Chunk, Transcript
from index.catalog import closest_known
from index.embedding import Embedder
from index.store import COMPLETE, WRITING, Store
from ingest.chunking import CountWordPieces, chunk_transcript
from ingest.parsing import Failure, parse_paths
from ingest.segmenting import TopicModel, load_model, needs_topics, segment, with_topics, without_topics

EMBED_BATCH = 1024  # chunks per model call and store write; a progress step
Status = Literal["added", "updated", "unchanged", "failed"]
UPLOAD = "upload:"  # the source of an uploaded file: this, then the name it was uploaded under


@dataclass(frozen=True)
class IngestResult:
    """What happened to one file."""

    path: str
    status: Status
    meeting_id: str | None = None
    turns: int = 0
    chunks: int = 0
    embedded: int = 0
    removed: int = 0
    message: str = ""
    notices: tuple[str, ...] = ()  # how the file was read (an encoding guessed, stray bytes replaced)


def content_hash(transcript: Transcript, chunk_ids: Sequence[str], topics: TopicModel | None = None) -> str:
    """A fingerprint of everything a meeting's record and chunks are made from, the topic model
    among them when it finds the topics. Not of where the file lies (the same content under another
    path is the same meeting), nor of the model that embeds it (the record names that)."""
    meeting = {key: value for key, value in transcript.meeting_dict().items() if key != "source_path"}
    made = [meeting, list(chunk_ids)] + ([topics.to_dict()] if topics else [])
    digest = hashlib.sha1(json.dumps(made).encode())
    for turn in transcript.turns:  # as before turns had a topic source, so that stores stay unchanged
        digest.update(repr(turn).replace(", topic_source=None", "").encode())
    return digest.hexdigest()


def ingest_transcript(
    transcript: Transcript,
    store: Store,
    embedder: Embedder,
    count: CountWordPieces,
    budget: int,
    model: str,
    on_embedded: Callable[[int], None] | None = None,
    own_topics: bool = True,
    confined: bool = False,
) -> IngestResult:
    """Write one transcript's chunks, embedding only the chunks the store does not have. A
    transcript without topics (or, unless `own_topics`, any transcript) gets them found
    (ingest.segmenting) from its chunks' vectors. `confined`: told to someone who may read only some
    folders (an upload's or an agent's ingest), a conflict names the other file by its name alone."""
    if not own_topics:
        transcript = without_topics(transcript)
    chunks = chunk_transcript(transcript, budget, count)
    topics = load_model() if needs_topics(transcript) else None
    digest = content_hash(transcript, [chunk.id for chunk in chunks], topics)
    record = store.meeting(transcript.meeting_id)
    base = dict(
        path=transcript.source_path,
        meeting_id=transcript.meeting_id,
        turns=len(transcript.turns),
        chunks=len(chunks),
        notices=tuple(transcript.warnings),
    )
    other_file = record is not None and record.meeting.source_path != transcript.source_path
    if other_file and _still_there(record.meeting.source_path) and record.meeting.content_hash != digest:
        holder = shown_source(record.meeting.source_path, confined or transcript.source_path.startswith(UPLOAD))
        raise ConflictError(
            f"{transcript.source_path.removeprefix(UPLOAD)}: meeting id {transcript.meeting_id!r} is already used by "
            f"{holder}; rename the file, or remove that meeting first "
            f"with `onrecord remove {transcript.meeting_id}` (or in the page's Library tab)"
        )
    same = record is not None and record.meeting.content_hash == digest and record.meeting.model == model
    if same and record.status == COMPLETE:  # as stored: its chunks were made again within its topics
        stored = dict(base, turns=record.meeting.turn_count, chunks=record.meeting.chunk_count)
        return IngestResult(status="unchanged", **stored)
    known: dict[str, np.ndarray] = {}
    if topics is not None:
        if record is not None:  # a changed file: the vectors its meeting has in the store are not made again
            known = stored_vectors(store, transcript.meeting_id, model)
        transcript, chunks, known = found_topics(transcript, chunks, embedder, count, budget, topics, known)
        base.update(turns=len(transcript.turns), chunks=len(chunks))
    store.put_meeting(transcript, len(chunks), digest, WRITING, model)
    existing = store.chunk_ids(transcript.meeting_id)
    embedded = store.chunk_ids(transcript.meeting_id, model)
    store.delete_chunks(sorted(existing - embedded))  # vectors of another model: embedded again below
    existing = embedded
    new = [chunk for chunk in chunks if chunk.id not in existing]
    # Embedded a meeting at a time: the model sorts one call's texts by length, so less padding.
    for start in range(0, len(new), EMBED_BATCH):
        batch = new[start : start + EMBED_BATCH]
        store.add_chunks(batch, _vectors(batch, known, embedder), transcript, model)
        if on_embedded:
            on_embedded(len(batch))
    stale = existing - {chunk.id for chunk in chunks}
    store.delete_chunks(sorted(stale))
    store.set_status(transcript.meeting_id, COMPLETE)
    return IngestResult(status="added" if record is None else "updated", embedded=len(new), removed=len(stale), **base)


def shown_source(source_path: str, name_only: bool = False) -> str:
    """Where a meeting came from, in words: its file's path, or the name an upload was given. Told to
    an uploader or an agent (`name_only`), a file on the server is named by its file name alone."""
    if source_path.startswith(UPLOAD):
        return f"{source_path.removeprefix(UPLOAD)} (uploaded)"
    return Path(source_path).name if name_only else source_path


def _still_there(source_path: str) -> bool:
    """Whether the file a meeting came from is still there to be read. An upload's copy is not kept,
    so it stands until its meeting is removed: another file with its id is a conflict."""
    return source_path.startswith(UPLOAD) or Path(source_path).exists()


def found_topics(
    transcript: Transcript,
    chunks: list[Chunk],
    embedder: Embedder,
    count: CountWordPieces,
    budget: int,
    topics: TopicModel,
    known: dict[str, np.ndarray] | None = None,
) -> tuple[Transcript, list[Chunk], dict[str, np.ndarray]]:
    """The transcript with automatic topics, its chunks made again within them, and the vectors
    computed by chunk text (those `known` already are not embedded again). Chunks start again where
    they started before, so only those beside a boundary that moved inside a chunk are new."""
    known = dict(known or {})
    vectors = _vectors(chunks, known, embedder)
    known.update((chunk.text, vector) for chunk, vector in zip(chunks, vectors, strict=True))
    cuts = segment(chunks, vectors, transcript.turns, topics, embedder.embed_batch)
    topical = with_topics(transcript, cuts)
    inside = sorted(cut.turn for cut in cuts if cut.offset)  # each splits a turn in two
    starts = frozenset(
        chunk.turn_start + bisect_left(inside, chunk.turn_start)
        for i, chunk in enumerate(chunks)
        if not i or chunk.turn_start != chunks[i - 1].turn_end
    )
    return topical, chunk_transcript(topical, budget, count, starts), known


def stored_vectors(store: Store, meeting_id: str, model: str) -> dict[str, np.ndarray]:
    """The vectors `model` made of a meeting's stored chunks, by chunk text."""
    embedded = store.chunk_ids(meeting_id, model)
    chunks, vectors = store.chunks_with_vectors([meeting_id])
    return {chunk.text: vector for chunk, vector in zip(chunks, vectors, strict=True) if chunk.id in embedded}


def _vectors(chunks: Sequence[Chunk], known: dict[str, np.ndarray], embedder: Embedder) -> np.ndarray:
    """Vectors for the chunks: those computed already, and the rest embedded now."""
    missing = [chunk.text for chunk in chunks if chunk.text not in known]
    fresh = dict(zip(missing, embedder.embed_batch(missing), strict=True)) if missing else {}
    return np.stack([known.get(chunk.text, fresh.get(chunk.text)) for chunk in chunks])


def ingest_paths(
    paths: Sequence[Path],
    store: Store,
    embedder: Embedder,
    count: CountWordPieces,
    budget: int,
    model: str,
    fmt: str | None = None,
    on_result: Callable[[IngestResult], None] | None = None,
    on_embedded: Callable[[int], None] | None = None,
    own_topics: bool = True,
    within: Sequence[Path] = (),
    uploads: Mapping[str, str] | None = None,
) -> list[IngestResult]:
    """Ingest every transcript file under `paths`; a bad file is reported and the rest go on. With
    `within` (real paths), only files lying inside those folders once links are followed are read, and
    a file elsewhere is named in messages by its name alone, never its path. `uploads`
    names uploaded files' staged copies by path: each is recorded as `upload:NAME` and called NAME
    in messages, never by the private path of its copy."""
    uploads = uploads or {}
    results = []
    for parsed in parse_paths(list(paths), fmt, within):
        if isinstance(parsed, Failure):
            name = uploads.get(parsed.path)
            message = parsed.message.replace(parsed.path, name) if name else parsed.message
            result = IngestResult(path=UPLOAD + name if name else parsed.path, status="failed", message=message)
        else:
            if (name := uploads.get(parsed.source_path)) is not None:  # named as uploaded, in its notices too
                notices = tuple(notice.replace(parsed.source_path, name) for notice in parsed.warnings)
                parsed = replace(parsed, source_path=UPLOAD + name, warnings=notices)
            try:
                result = ingest_transcript(
                    parsed, store, embedder, count, budget, model, on_embedded, own_topics, confined=bool(within)
                )
            except StoreError:
                raise
            except OnRecordError as error:
                result = IngestResult(path=parsed.source_path, status="failed", message=str(error))
        results.append(result)
        if on_result:
            on_result(result)
    return results


def remove_meeting(store: Store, meeting_id: str) -> int:
    """Delete a meeting and its chunks; returns how many chunks went."""
    known = {record.meeting.meeting_id.casefold(): record.meeting.meeting_id for record in store.meetings()}
    meeting_id = closest_known("meeting", meeting_id, known)
    removed = len(store.chunk_ids(meeting_id))
    store.delete_meeting(meeting_id)
    return removed


@contextmanager
def write_lock(data_dir: Path) -> Iterator[None]:
    """Only one On Record process writes to a data directory at a time."""
    data_dir = Path(data_dir).expanduser()
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        handle = open(data_dir / "write.lock", "a+")  # noqa: SIM115 - held for the whole block
    except OSError as error:
        raise StoreError(
            f"cannot write to {data_dir}: {error.strerror}; fix its permissions or choose another with --data-dir"
        ) from error
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise StoreError(
                f"{data_dir} is locked by another On Record process ({holder}) that is writing to it; "
                "wait for it to finish, or use another --data-dir"
            ) from error
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        yield
    finally:
        handle.close()
