"""Query speed and memory at 1,000, 10,000 and 100,000 chunks.

Corpora are QMSum train and val chunks, replicated under new meeting ids past the 14,000 the
data holds. The 1,000- and 10,000-chunk corpora carry real embeddings; the 100,000-chunk one
carries random unit vectors (latency and memory do not depend on what the vectors mean).
Each corpus is measured in a process of its own, so its peak memory is its own.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

import numpy as np

from answer.ask import AskOptions
from core.models import Chunk, Transcript
from core.settings import Settings, load_settings
from index.embedding import load_embedder
from index.retrieval import CANDIDATES
from index.store import COMPLETE, Store
from ingest.chunking import chunk_transcript
from ingest.parsing import Failure, parse_paths
from ingest.wordpieces import word_counter
from library import Library

WRITE_BATCH = 2000
BUILT_FILE = "built.json"  # written last: a library without it was cut short
BUILDING_FILE = "building.json"  # the plan of a build under way, so that one cut short is carried on


def is_built(data_dir: Path, size: int) -> bool:
    """Whether `data_dir` holds a whole library of `size` chunks that `build` finished."""
    try:
        return json.loads((data_dir / BUILT_FILE).read_text())["chunks"] == size
    except (OSError, ValueError, KeyError, TypeError):
        return False


def build(data_dir: Path, size: int, real_vectors: bool, sources: list[Path], on_progress=None) -> int:
    """A store of `size` chunks in `data_dir`; returns the chunk count written. A build of the same
    plan cut short (BUILDING_FILE) is carried on: its meetings whose chunks are all there are kept,
    the others written again. Anything else in `data_dir` is removed first."""
    import shutil

    plan = {"chunks": size, "vectors": "real" if real_vectors else "random", "sources": [str(s) for s in sources]}
    marker = data_dir / BUILDING_FILE
    try:
        resuming = json.loads(marker.read_text()) == plan
    except (OSError, ValueError):
        resuming = False
    if not resuming:
        shutil.rmtree(data_dir, ignore_errors=True)
        data_dir.mkdir(parents=True)
        marker.write_text(json.dumps(plan))
    settings = load_settings(data_dir=data_dir, chroma_host=None)
    store = Store.open(settings)
    whole = whole_meetings(store) if resuming else set()
    embedder = load_embedder(settings) if real_vectors else None
    count = word_counter(settings).count
    sources_chunked = [
        (t, chunk_transcript(t, settings.chunk_budget, count))
        for t in parse_paths(sources)
        if not isinstance(t, Failure)
    ]
    rng = np.random.default_rng(0)
    written, copy = 0, 0
    pending: list[tuple[Transcript, list[Chunk]]] = []

    def write() -> None:  # the pending meetings' records, then their chunks, WRITE_BATCH chunks or so at a time
        store.put_meetings([(meeting, len(chunks)) for meeting, chunks in pending], "bench", "complete", model)
        texts = [chunk.text for _, chunks in pending for chunk in chunks]
        if embedder is not None:
            vectors = embedder.embed_batch(texts)
        else:
            vectors = rng.standard_normal((len(texts), 384)).astype(np.float32)
            vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        groups, start = [], 0
        for meeting, chunks in pending:
            groups.append((chunks, vectors[start : start + len(chunks)], meeting))
            start += len(chunks)
        store.add_chunk_groups(groups, model)
        pending.clear()

    model = settings.embedding_id
    while written < size:
        for transcript, chunks in sources_chunked:
            if written >= size:
                break
            meeting, chunks = (transcript, chunks) if copy == 0 else copied(transcript, chunks, copy)
            chunks = chunks[: size - written]
            written += len(chunks)
            if meeting.meeting_id in whole:
                continue
            pending.append((meeting, chunks))
            if sum(len(c) for _, c in pending) >= WRITE_BATCH:
                write()
                if on_progress:
                    on_progress(written)
        copy += 1
    if pending:
        write()
    if on_progress:
        on_progress(written)
    (data_dir / BUILT_FILE).write_text(json.dumps({"chunks": written, "vectors": plan["vectors"]}))
    marker.unlink(missing_ok=True)
    return written


def whole_meetings(store: Store) -> set[str]:
    """The meetings of a build cut short that hold every chunk their records count; the others are
    removed, to be written again."""
    counts = Counter(chunk_id.rsplit(":", 2)[0] for chunk_id in store.chunk_ids())
    whole = set()
    for record in store.meetings():
        meeting_id = record.meeting.meeting_id
        if counts[meeting_id] == record.meeting.chunk_count and record.status == COMPLETE:
            whole.add(meeting_id)
        else:
            store.delete_meeting(meeting_id)
    return whole


def copied(transcript: Transcript, chunks: list[Chunk], copy: int) -> tuple[Transcript, list[Chunk]]:
    """A meeting and its chunks again under a new meeting id (chunk ids keep their form: id:turns:hash)."""
    meeting_id = f"{transcript.meeting_id}-copy{copy}"
    renamed = [
        replace(chunk, id=meeting_id + chunk.id[len(transcript.meeting_id) :], meeting_id=meeting_id)
        for chunk in chunks
    ]
    return replace(transcript, meeting_id=meeting_id), renamed


def measure(data_dir: Path, questions: list[str]) -> dict:
    """In this process: open the library, then time retrieval and ask per question; peak memory."""
    started = time.perf_counter()
    settings: Settings = load_settings(data_dir=data_dir, chroma_host=None)
    library = Library(settings)
    _ = library.retriever  # the catalog loaded and the model ready
    opened = time.perf_counter() - started
    library.ask(questions[0])
    answered = time.perf_counter() - started
    return timed_questions(
        len(library.catalog),
        opened,
        answered,
        questions,
        lambda question: library.search(question, AskOptions().k),
        library.ask,
    )


def timed_questions(chunks: int, opened: float, answered: float, questions, retrieve, ask) -> dict:
    """Retrieval alone, then a full ask, timed per question; with the opening figures and this
    process's peak memory."""
    retrieve_ms, ask_ms = [], []
    for question in questions:
        began = time.perf_counter()
        retrieve(question)
        retrieve_ms.append((time.perf_counter() - began) * 1000)
        began = time.perf_counter()
        ask(question)
        ask_ms.append((time.perf_counter() - began) * 1000)
    return {
        "chunks": chunks,
        "open_s": opened,
        "open_and_first_answer_s": answered,
        "retrieve_median_ms": float(np.median(retrieve_ms)),
        "retrieve_p95_ms": float(np.percentile(retrieve_ms, 95)),
        "ask_median_ms": float(np.median(ask_ms)),
        "ask_p95_ms": float(np.percentile(ask_ms, 95)),
        "peak_rss_mib": peak_rss_mib(),
    }


def dense_recall(catalog_folder: Path, questions: list[str], depth: int = CANDIDATES) -> float | None:
    """The share of the `depth` chunks nearest each question (exactly, over every float32 vector)
    that the quantized passes of a library past QUANTIZED_FROM chunks find (index.dense); None
    for a smaller library, which compares every vector exactly. Run outside the timed process:
    the exact comparison reads every vector."""
    from index.dense import QUANTIZED_FROM
    from index.focus import focus
    from index.snapshot import FILES, MANIFEST_FILE, read_snapshot

    catalog = read_snapshot(catalog_folder)
    if catalog is None or len(catalog) <= QUANTIZED_FROM:
        return None
    folder = json.loads((catalog_folder / MANIFEST_FILE).read_text(encoding="utf-8"))["folder"]
    vectors = np.load(catalog_folder / folder / FILES["vectors"], allow_pickle=False)
    asked = load_embedder(load_settings()).embed_batch([focus(question) for question in questions])
    found = 0
    for question, scores in zip(asked, asked @ vectors.T, strict=True):
        nearest = np.argpartition(-scores, depth)[:depth]
        found += len(np.intersect1d(nearest, catalog.quantized().search(question, depth, None)[0]))
    return found / (depth * len(questions))


def peak_rss_mib(pid: int | str = "self") -> float:
    """A process's peak resident memory (this one by default). Linux's VmHWM, not getrusage's
    ru_maxrss: the latter survives exec, so a child started by a large parent would report the
    parent's size."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        return int(next(line for line in status.splitlines() if line.startswith("VmHWM:")).split()[1]) / 1024
    except (OSError, StopIteration, ValueError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure_in_subprocess(
    data_dir: Path, questions_file: Path, profile: Path | None = None, module: str = "bench.scale"
) -> dict:
    """`module`'s `measure` in a fresh process, so that its start-up and peak memory are its own;
    with `profile`, pyinstrument's text report of the whole run is written there."""
    command = [sys.executable, "-m", module, str(data_dir), str(questions_file)]
    output = subprocess.run(
        [*command, str(profile)] if profile else command, capture_output=True, text=True, check=True
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


if __name__ == "__main__":
    from core.settings import offline

    offline()
    arguments = [Path(argument) for argument in sys.argv[1:]]
    questions = json.loads(arguments[1].read_text())
    if len(arguments) > 2:
        from pyinstrument import Profiler

        with Profiler() as profiler:
            figures = measure(arguments[0], questions)
        arguments[2].write_text(profiler.output_text(unicode=True, show_all=False))
    else:
        figures = measure(arguments[0], questions)
    print(json.dumps(figures))
