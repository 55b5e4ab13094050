"""A catalog of any size built straight from QMSum chunks, without Chroma: train and val chunks
replicated under new meeting ids, random unit vectors (speed and memory do not depend on what the
vectors mean), written as a snapshot and measured in a fresh process. It times search and answers
over the catalog alone, quickly, where writing the same library into Chroma takes an hour; the
library rows of `onrecord bench` measure the whole thing. Turns are not kept, so answers cite
passages rather than turns."""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from bench.scale import copied, measure_in_subprocess, timed_questions
from core.models import Meeting
from core.settings import load_settings
from index.catalog import Catalog
from index.columns import Documents
from index.keyword import KeywordIndex
from index.snapshot import FILES, FORMAT, MANIFEST_FILE, write_snapshot
from ingest.chunking import chunk_transcript
from ingest.parsing import Failure, parse_paths
from ingest.wordpieces import word_counter


def build_catalog(folder: Path, size: int, sources: list[Path]) -> int:
    """A snapshot of `size` chunks in `folder`; its chunks' terms are those of the source chunks
    (copies have the same texts), so only the sources are tokenized."""
    settings = load_settings()
    count = word_counter(settings).count
    transcripts = [t for t in parse_paths(sources) if not isinstance(t, Failure)]
    base = [(t, chunk_transcript(t, settings.chunk_budget, count)) for t in transcripts]
    source_chunks = [chunk for _, chunks in base for chunk in chunks]
    source_keyword = KeywordIndex([chunk.text for chunk in source_chunks])
    chunks, origin, copy = [], [], 0
    while len(chunks) < size:
        start = 0
        for transcript, own in base:
            renamed = own if copy == 0 else copied(transcript, own, copy)[1]
            taken = renamed[: size - len(chunks)]
            chunks += taken
            origin += range(start, start + len(taken))
            start += len(own)
        copy += 1
    order = sorted(range(len(chunks)), key=lambda row: (chunks[row].meeting_id, chunks[row].turn_start, chunks[row].id))
    chunks, origin = [chunks[row] for row in order], [origin[row] for row in order]
    meeting_ids = sorted({chunk.meeting_id for chunk in chunks})
    model = settings.embedding_id
    meetings = [Meeting(m, m, None, m, "qmsum", None, (), (), 0, 0, "bench", model) for m in meeting_ids]
    vectors = np.random.default_rng(0).standard_normal((len(chunks), 384), dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    keyword = KeywordIndex([chunk.text for chunk in chunks], source_keyword, origin)
    state = {meeting_id: "bench" for meeting_id in meeting_ids}
    turns = Documents.of(dict.fromkeys(meeting_ids, ""))
    write_snapshot(folder, Catalog(chunks, meetings, vectors, state, f"bench-{size}", keyword=keyword, turns=turns))
    return len(chunks)


def current(folder: Path) -> bool:
    """Whether `folder` holds a catalog snapshot this version reads (by its manifest: format and layout)."""
    try:
        manifest = json.loads((folder / MANIFEST_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(manifest, dict) and manifest.get("format") == FORMAT and manifest.get("files") == FILES


def measure(folder: Path, questions: list[str]) -> dict:
    """In this process: open the snapshot and the model, then time retrieval (Library.search) and a
    full ask per question (Library.ask, as users ask)."""
    with tempfile.TemporaryDirectory(prefix="onrecord-bench-catalog-") as data_dir:
        started = time.perf_counter()
        library = snapshot_library(folder, Path(data_dir))
        chunks = len(library.retriever.catalog)  # the snapshot and the model
        opened = time.perf_counter() - started
        library.ask(questions[0])
        answered = time.perf_counter() - started
        return timed_questions(
            chunks,
            opened,
            answered,
            questions,
            lambda question: library.search(question, 8),
            lambda question: library.ask(question),
        )


def snapshot_library(folder: Path, data_dir: Path):
    """A Library over the catalog snapshot in `folder` alone, opened in `data_dir`: its `catalog`
    is that folder and its generation file names the snapshot's key, as a library's last writer
    leaves it; so it opens from the snapshot, without Chroma."""
    from index import generation
    from library import Library

    try:
        key = json.loads((folder / MANIFEST_FILE).read_text(encoding="utf-8"))["key"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise RuntimeError(f"no catalog snapshot in {folder}") from error
    (data_dir / "catalog").symlink_to(folder.resolve(), target_is_directory=True)
    settings = load_settings(data_dir=data_dir, chroma_host=None)
    generation.stamp(data_dir, generation.written(key, settings.embedding_id))
    library = Library(settings)
    if not len(library.catalog):
        raise RuntimeError(f"the catalog snapshot in {folder} could not be opened")
    return library


def catalog_table(row: dict, recall: float | None):
    """The figures of `measure` (and of bench.scale.dense_recall) as a rich table."""
    from rich.table import Table

    table = Table(
        "chunks",
        "open s",
        "open + first answer s",
        "retrieve median/p95 ms",
        "ask median/p95 ms",
        "peak RSS MiB",
        "exact 40 nearest found",
        title="Catalog alone (no Chroma), fresh process",
    )
    table.add_row(
        f"{row['chunks']:,}",
        f"{row['open_s']:.2f}",
        f"{row['open_and_first_answer_s']:.2f}",
        f"{row['retrieve_median_ms']:.0f} / {row['retrieve_p95_ms']:.0f}",
        f"{row['ask_median_ms']:.0f} / {row['ask_p95_ms']:.0f}",
        f"{row['peak_rss_mib']:,.0f}",
        "all compared exactly" if recall is None else f"{recall:.3f}",
    )
    return table


def measure_catalog(folder: Path, questions_file: Path) -> dict:
    return measure_in_subprocess(folder, questions_file, module="bench.catalog")


if __name__ == "__main__":
    from core.settings import offline

    offline()
    print(json.dumps(measure(Path(sys.argv[1]), json.loads(Path(sys.argv[2]).read_text()))))
