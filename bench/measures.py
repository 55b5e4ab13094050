"""Benchmarks that print figures: ingest against plain model encoding, and query latency.

Each measures On Record and its baseline in the same process and run, so ratios hold
whatever else the machine is doing.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from answer.ask import AskOptions, occurs_in
from answer.question.thread import exchange_from, read_followup
from core.settings import Settings, model_path
from index.embedding import Embedder, SentenceTransformerEmbedder
from index.snapshot import load_catalog
from index.writer import found_topics
from ingest.chunking import chunk_transcript
from ingest.parsing import Failure, parse_paths
from ingest.segmenting import load_model, without_topics
from ingest.wordpieces import WordPieceCounter
from library import Library

# Questions about the sample transcripts, for the start-up and browser benchmarks.
SAMPLE_QUESTIONS = [
    "When does construction of the Harbour Street bike lane start?",
    "What did Councillor Dave Kowalski worry about?",
    "Why did the offline launch move?",
    "Which Android versions crash?",
    "Why does bread go stale?",
    "Where should I keep bread?",
    "When will version 3.0 be released?",
    "How much was the grant?",
    "How do new contributors find work?",
    "What did the pricing test show?",
]


class TimedEmbedder:
    """An embedder that adds up the time spent in the model."""

    def __init__(self, inner: Embedder):
        self.inner = inner
        self.dimension = inner.dimension
        self.seconds = 0.0
        self.texts = 0

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        started = time.perf_counter()
        vectors = self.inner.embed_batch(texts)
        self.seconds += time.perf_counter() - started
        self.texts += len(texts)
        return vectors


@dataclass
class IngestFigures:
    meetings: int
    chunks: int
    parse_chunk_s: float
    embed_s: float
    store_s: float
    keyword_s: float
    total_s: float
    baseline_encode_s: float
    auto_topics_s: float | None = None  # the same ingest with every topic found automatically
    topic_step_s: float | None = None  # in that ingest, the topic step alone (topic_step_seconds)

    @property
    def ratio(self) -> float:
        return self.total_s / self.baseline_encode_s

    @property
    def topics_added(self) -> float | None:
        """Ingest time that automatic topics add, as a share of ingest without them."""
        return None if self.auto_topics_s is None else self.auto_topics_s / self.total_s - 1

    @property
    def topic_step_share(self) -> float | None:
        """The topic step's time as a share of ingest without it: the figure the whole-ingest
        difference (topics_added) estimates, without two runs' noise."""
        return None if self.topic_step_s is None else self.topic_step_s / self.total_s

    @property
    def beyond_embedding(self) -> float:
        return 1 - self.embed_s / self.total_s


def bench_ingest(
    paths: Sequence[Path],
    settings: Settings,
    embedder: Embedder,
    counter: WordPieceCounter,
    with_auto_topics: bool = True,
) -> IngestFigures:
    """Ingest `paths` into a fresh store (settings.data_dir) with `embedder`, and encode the same chunk
    texts with plain SentenceTransformer.encode (PyTorch, fp32), in the same run; then (unless not
    wanted) ingest them again into another fresh store with every topic found automatically."""
    started = time.perf_counter()
    transcripts = [t for t in parse_paths(list(paths)) if not isinstance(t, Failure)]
    texts = [c.text for t in transcripts for c in chunk_transcript(t, settings.chunk_budget, counter.count)]
    parse_chunk = time.perf_counter() - started
    plain = SentenceTransformerEmbedder(model_path(settings.model)).model
    plain.encode(texts[:16], batch_size=settings.batch_size)  # warm-up
    started = time.perf_counter()
    plain.encode(texts, batch_size=settings.batch_size, show_progress_bar=False)
    baseline = time.perf_counter() - started
    embedder.embed_batch(texts[:16])  # warm-up
    timed = TimedEmbedder(embedder)
    library = Library(settings, timed)
    _ = library.store.llama_store  # LlamaIndex imported before the clock starts, as the model is loaded before it
    started = time.perf_counter()
    library.ingest(list(paths))  # chunks written, then the catalog (keyword index) built and saved
    total = time.perf_counter() - started
    started = time.perf_counter()
    load_catalog(library.store, None)  # the catalog's share of that, measured once more on its own
    keyword = time.perf_counter() - started
    auto = None
    if with_auto_topics:  # the same files into a second fresh store, every topic found automatically
        found = Library(
            settings.model_copy(update={"data_dir": settings.data_dir / "auto", "topics": "auto"}), embedder
        )
        _ = found.store.llama_store
        started = time.perf_counter()
        found.ingest(list(paths))
        auto = time.perf_counter() - started
    step = topic_step_seconds(transcripts, settings, embedder, counter) if with_auto_topics else None
    return IngestFigures(
        meetings=len(transcripts),
        chunks=len(texts),
        parse_chunk_s=parse_chunk,
        embed_s=timed.seconds,
        store_s=total - keyword - timed.seconds - parse_chunk,
        keyword_s=keyword,
        total_s=total,
        baseline_encode_s=baseline,
        auto_topics_s=auto,
        topic_step_s=step,
    )


def topic_step_seconds(
    transcripts: Sequence, settings: Settings, embedder: Embedder, counter: WordPieceCounter
) -> float:
    """What finding topics adds to ingesting the transcripts without them, as ingest does it
    (index.writer.found_topics): the segmentation and its labels, the transcript chunked again within
    them, and the chunks that changed embedded. The first chunks' vectors, which ingest makes either
    way, are made before the clock starts."""
    model = load_model()
    seconds = 0.0
    for transcript in transcripts:
        transcript = without_topics(transcript)
        chunks = chunk_transcript(transcript, settings.chunk_budget, counter.count)
        known = dict(zip([c.text for c in chunks], embedder.embed_batch([c.text for c in chunks]), strict=True))
        started = time.perf_counter()
        _, again, _ = found_topics(transcript, chunks, embedder, counter.count, settings.chunk_budget, model, known)
        changed = [chunk.text for chunk in again if chunk.text not in known]
        if changed:
            embedder.embed_batch(changed)
        seconds += time.perf_counter() - started
    return seconds


@dataclass
class QueryFigures:
    chunks: int
    questions: int
    retrieve_ms: list[float] = field(default_factory=list)
    ask_ms: list[float] = field(default_factory=list)

    @staticmethod
    def summary(values: list[float]) -> tuple[float, float]:
        return statistics.median(values), float(np.percentile(values, 95))


def bench_queries(library: Library, questions: Sequence[str], repeat: int = 1) -> QueryFigures:
    """Warm latency of retrieval alone and of a full hybrid ask, per question."""
    for question in questions[:5]:
        library.ask(question)  # warm-up
    figures = QueryFigures(chunks=len(library.catalog), questions=len(questions))
    for _ in range(repeat):
        for question in questions:
            started = time.perf_counter()
            library.search(question, AskOptions().k)
            figures.retrieve_ms.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            library.ask(question)
            figures.ask_ms.append((time.perf_counter() - started) * 1000)
    return figures


@dataclass(frozen=True)
class StartupFigures:
    page_s: float  # from starting `onrecord serve` to the page answering
    answer_s: float  # to the first answer of POST /api/ask
    peak_rss_mib: float  # the server's peak resident memory once it has answered every question


def bench_startup(data_dir: Path, questions: Sequence[str], timeout: float = 120) -> StartupFigures:
    """Start `onrecord serve` on the library already built in `data_dir`; time the page and the
    first answer, then ask the other questions and read the server's peak memory."""
    import socket
    import subprocess
    import sys

    import httpx

    from bench.scale import peak_rss_mib

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    command = [sys.executable, "-m", "cli", "serve", "--data-dir", str(data_dir), "--port", str(port)]
    ask_url = f"http://127.0.0.1:{port}/api/ask"
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        page_at = answer_at = None  # each polled on its own: the API answers before the page is built
        while time.perf_counter() - started < timeout and (page_at is None or answer_at is None):
            try:
                if answer_at is None and httpx.post(ask_url, json={"question": questions[0]}, timeout=30).is_success:
                    answer_at = time.perf_counter() - started
                if page_at is None and httpx.get(f"http://127.0.0.1:{port}/", timeout=5).status_code == 200:
                    page_at = time.perf_counter() - started
                time.sleep(0.05)
            except httpx.HTTPError:
                time.sleep(0.05)
        if page_at is None or answer_at is None:
            raise RuntimeError(f"the app did not answer within {timeout:.0f} s")
        for question in questions[1:]:
            httpx.post(ask_url, json={"question": question}, timeout=30).raise_for_status()
        return StartupFigures(page_at, answer_at, peak_rss_mib(process.pid))
    finally:
        process.terminate()
        process.wait(timeout=20)


ANSWER_SHOWN = """() => {
  const answer = document.querySelector('#answer');
  const shown = answer && (answer.querySelector('#answer-text') || answer.querySelector('#answer-abstained'));
  return shown && answer.innerText !== answer.dataset.seen;
}"""


def bench_ui(url: str, questions: Sequence[str]) -> list[float]:
    """Milliseconds from pressing Ask to the answer shown, in headless Chromium, per question."""
    from playwright.sync_api import sync_playwright

    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
    times = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=flags)
        page = browser.new_page()
        page.goto(url)
        box = page.locator("#question textarea, #question input").first
        box.wait_for(timeout=30_000)
        for question in [questions[0], *questions]:  # the first one warms up
            page.evaluate("() => { const a = document.querySelector('#answer'); if (a) a.dataset.seen = a.innerText; }")
            box.fill(question)
            started = time.perf_counter()
            page.locator("#ask-button").click()
            page.wait_for_function(ANSWER_SHOWN, timeout=30_000)
            times.append((time.perf_counter() - started) * 1000)
        browser.close()
    return times[1:]


# (a question, a follow-up to it) about the sample transcripts: what reading a follow-up against its thread costs
FOLLOW_UPS = [
    ("What did the council decide about the Harbour Street bike lane?", "When does construction start?"),
    ("What did the council decide about the Harbour Street bike lane?", "And the library hours?"),
    ("Why did the offline launch move?", "Who tells the beta testers?"),
    ("Which Android versions crash?", "What causes it?"),
    ("Why does bread go stale?", "Can it be reversed?"),
    ("When will version 3.0 be released?", "What's blocking it?"),
    ("How much was the grant?", "What will the rest pay for?"),
    ("What did the pricing test show?", "Why?"),
]


def bench_followups(library: Library, pairs: Sequence[tuple[str, str]] = FOLLOW_UPS, repeat: int = 5) -> dict:
    """What a follow-up adds, without a language model: each follow-up asked with its thread against the
    question it was read as (its standalone, with the thread's meeting) asked alone, in turn; the median
    of the differences, and of reading the follow-up alone (answer.question.thread.read_followup)."""
    catalog = library.catalog
    added, reading = [], []
    for question, follow_up in pairs:
        thread = (exchange_from(library.ask(question)),)
        read = read_followup(follow_up, thread, AskOptions().filters, list(catalog.meetings.values()))
        alone = AskOptions(filters=read.filters)
        library.ask(follow_up, AskOptions(history=thread))  # warm-up
        for _ in range(repeat):
            started = time.perf_counter()
            library.ask(read.standalone, alone)
            middle = time.perf_counter()
            library.ask(follow_up, AskOptions(history=thread))
            ended = time.perf_counter()
            read_followup(follow_up, thread, AskOptions().filters, list(catalog.meetings.values()), occurs_in(catalog))
            reading.append((time.perf_counter() - ended) * 1000)
            added.append(((ended - middle) - (middle - started)) * 1000)
    return {
        "follow_ups": len(pairs),
        "added_median_ms": statistics.median(added),
        "reading_median_ms": statistics.median(reading),
    }
