"""Whole-process figures: an `onrecord` command timed from its start to its exit, beside a process
that does the least the same job needs (load the model with plain sentence-transformers and encode
the same texts), the two taken in turn in the same run so that their ratio holds however busy the
machine is. Each process's peak memory is its own: it is started by a small wrapper process that
reports its child's rusage, since a child's ru_maxrss counts the memory of the process it was
forked from (the benchmark's own, often larger than the command's)."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from core.settings import Settings, model_path
from ingest.chunking import chunk_transcript
from ingest.parsing import Failure, parse_paths
from ingest.wordpieces import word_counter

# The plain process: sentence-transformers' own loading and encoding, nothing of On Record's.
PLAIN = """
import json, sys
from sentence_transformers import SentenceTransformer
texts = json.load(open(sys.argv[2], encoding="utf-8"))
SentenceTransformer(sys.argv[1], device="cpu", local_files_only=True).encode(texts, batch_size=32)
"""
# Starts the command given after the result file, waits for it, writes its peak RSS (KiB) there and
# exits with its status; a process of about 10 MiB, so that what its child inherits is negligible.
WRAPPER = """
import os, sys
pid = os.posix_spawnp(sys.argv[2], sys.argv[2:], os.environ)
_, status, usage = os.wait4(pid, 0)
open(sys.argv[1], "w").write(str(usage.ru_maxrss))
sys.exit(os.waitstatus_to_exitcode(status))
"""


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_rss_mib: float


@dataclass(frozen=True)
class Comparison:
    """A command against the plain-encode process: medians of the runs and their ratio."""

    command: str
    texts: int
    runs: int
    seconds: float
    peak_rss_mib: float
    plain_seconds: float
    plain_peak_rss_mib: float

    @property
    def ratio(self) -> float:
        return self.seconds / self.plain_seconds

    def to_dict(self) -> dict:
        return {**asdict(self), "ratio": self.ratio}


def timed(command: Sequence[str], env: dict[str, str] | None = None) -> Run:
    """Run a command to its end; its wall time and peak memory. A failure is a RuntimeError
    carrying the command's last line of error output."""
    with tempfile.TemporaryFile() as stderr, tempfile.NamedTemporaryFile("r") as peak:
        started = time.perf_counter()
        returncode = subprocess.call(
            [sys.executable, "-c", WRAPPER, peak.name, *command], stdout=subprocess.DEVNULL, stderr=stderr, env=env
        )
        seconds = time.perf_counter() - started
        if returncode:
            stderr.seek(0)
            last = stderr.read().decode(errors="replace").strip().splitlines()[-1:] or ["no message"]
            raise RuntimeError(f"{' '.join(command[:4])}... failed: {last[0]}")
        return Run(seconds, int(peak.read()) / 1024)


def compare(name: str, command: Sequence[str], texts: list[str], settings: Settings, runs: int) -> Comparison:
    """`command` and the plain process encoding `texts`, taken in turn `runs` times each."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"}
    with tempfile.TemporaryDirectory(prefix="onrecord-bench-") as scratch:
        texts_file = Path(scratch) / "texts.json"
        texts_file.write_text(json.dumps(texts), encoding="utf-8")
        plain = [sys.executable, "-c", PLAIN, str(model_path(settings.model)), str(texts_file)]
        ours, theirs = [], []
        for run in range(runs):
            theirs.append(timed(plain, env))
            ours.append(timed([part.replace("{run}", str(run)) for part in command], env))
    return Comparison(
        command=name,
        texts=len(texts),
        runs=runs,
        seconds=statistics.median(r.seconds for r in ours),
        peak_rss_mib=max(r.peak_rss_mib for r in ours),
        plain_seconds=statistics.median(r.seconds for r in theirs),
        plain_peak_rss_mib=max(r.peak_rss_mib for r in theirs),
    )


def onrecord(*arguments: str) -> list[str]:
    return [sys.executable, "-m", "cli", *arguments]


def ask_process(data_dir: Path, question: str, settings: Settings, runs: int = 3) -> Comparison:
    """`onrecord ask QUESTION` on a library built before, against encoding the question."""
    command = onrecord("ask", question, "--data-dir", str(data_dir))
    return compare(f'onrecord ask "{question}"', command, [question], settings, runs)


def ingest_process(paths: Sequence[Path], settings: Settings, runs: int = 1) -> Comparison:
    """`onrecord ingest PATHS` into a fresh store each run, against encoding the chunk texts it embeds."""
    count = word_counter(settings).count
    transcripts = [t for t in parse_paths(list(paths)) if not isinstance(t, Failure)]
    texts = [chunk.text for t in transcripts for chunk in chunk_transcript(t, settings.chunk_budget, count)]
    with tempfile.TemporaryDirectory(prefix="onrecord-bench-ingest-") as scratch:
        command = onrecord("ingest", *map(str, paths), "--data-dir", str(Path(scratch) / "store-{run}"))
        return compare(f"onrecord ingest ({len(paths)} files)", command, texts, settings, runs)
